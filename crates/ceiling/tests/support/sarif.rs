//! The official SARIF 2.1.0 schema check: ajv with the schema Microsoft ships in
//! @microsoft/sarif-matcher-utils, installed by `npm ci` in `tests/sarif`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether the check can run: it needs Node.js and the validator's packages, and is skipped only
/// when CEILING_SKIP_NODE is set.
pub fn available() -> bool {
    let dir = validator_dir();
    if dir.join("node_modules/ajv-draft-04").is_dir() && Command::new("node").arg("--version").output().is_ok() {
        return true;
    }
    if std::env::var_os("CEILING_SKIP_NODE").is_some() {
        return false;
    }
    panic!("the SARIF check needs Node.js and `npm ci` in {} (or set CEILING_SKIP_NODE=1)", dir.display());
}

/// Panics with ajv's errors unless every file is valid SARIF 2.1.0.
pub fn assert_valid(files: &[PathBuf]) {
    let checked = Command::new("node").arg(validator_dir().join("validate.mjs")).args(files).output().unwrap();
    assert!(
        checked.status.success(),
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
}

fn validator_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sarif")
}
