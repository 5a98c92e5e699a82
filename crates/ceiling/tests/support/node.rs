//! The checks that run on Node.js, with the packages `npm ci` installs in `tests/sarif`: ajv with the
//! official SARIF 2.1.0 schema (shipped in @microsoft/sarif-matcher-utils), and ajv with the project's
//! own JSON Schemas in `docs/schemas/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Whether the checks can run: they need Node.js and the packages, and are skipped only when
/// CEILING_SKIP_NODE is set; anything else missing fails the test.
pub fn available() -> bool {
    let dir = validator_dir();
    let installed =
        ["ajv", "ajv-draft-04", "ajv-formats"].iter().all(|name| dir.join("node_modules").join(name).is_dir());
    if installed && Command::new("node").arg("--version").output().is_ok() {
        return true;
    }
    if std::env::var_os("CEILING_SKIP_NODE").is_some() {
        println!("skipped: CEILING_SKIP_NODE is set");
        return false;
    }
    panic!("the schema checks need Node.js and `npm ci` in {} (or set CEILING_SKIP_NODE=1)", dir.display());
}

/// Panics with ajv's errors unless every file is valid SARIF 2.1.0.
pub fn assert_valid_sarif(files: &[PathBuf]) {
    let checked = Command::new("node").arg(validator_dir().join("validate.mjs")).args(files).output().unwrap();
    assert!(checked.status.success(), "{}{}", text(&checked.stdout), text(&checked.stderr));
}

/// Runs ajv on `files` with `docs/schemas/<name>.schema.json`.
pub fn validate_json(name: &str, files: &[PathBuf]) -> Output {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schemas").join(format!("{name}.schema.json"));
    Command::new("node").arg(validator_dir().join("validate-json.mjs")).arg(schema).args(files).output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn validator_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif")
}
