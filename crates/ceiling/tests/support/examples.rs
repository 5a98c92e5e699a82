//! The shipped examples, copied to a temp dir for tests that edit them.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of `examples/<name>`: (the temp dir, which removes it when dropped; the app in it).
pub fn copy_of_example(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name);
    let copied = Command::new("cp").arg("-r").arg(example).arg(&app).status();
    assert!(copied.unwrap().success());
    (dir, app)
}
