//! `ceiling scan --fix-indexes` end to end: the migration it writes for each example app applies
//! to a real PostgreSQL after the app's own migrations, creates the indexes it names, and a rescan
//! finds none of those index findings left.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn ceiling(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ceiling")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The suggested indexes of the findings of a JSON scan of `dir`: `(table, name)`.
fn index_findings(dir: &Path) -> Vec<(String, String)> {
    let output = ceiling(&["scan", ".", "--format", "json", "--fail-on", "never"], dir);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let mut indexes: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|finding| {
            let index = finding.get("index")?;
            Some((index["table"].as_str()?.to_owned(), index["name"].as_str()?.to_owned()))
        })
        .collect();
    indexes.sort();
    indexes.dedup();
    indexes
}

/// Every `.sql` file under `dir`, in path order: the order migration tools apply them in.
fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "sql") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

fn fixes_apply_and_clear_the_findings(example: &str, migrations: &str) {
    let Some(server) = support::postgres::start_or_skip(example) else { return };
    let app = tempfile::tempdir().unwrap();
    copy_dir(&workspace().join("examples").join(example), app.path());
    let before = index_findings(app.path());
    assert!(!before.is_empty(), "{example} carries planted index findings");

    let dry = ceiling(&["scan", ".", "--fix-indexes", "--dry-run", "--fail-on", "never"], app.path());
    let printed = String::from_utf8_lossy(&dry.stdout).into_owned();
    assert!(printed.contains("CREATE INDEX CONCURRENTLY IF NOT EXISTS"), "{printed}");
    let applied_before = sql_files(&app.path().join(migrations));
    assert_eq!(sql_files(&app.path().join(migrations)), applied_before, "--dry-run writes nothing");

    let fix = ceiling(&["scan", ".", "--fix-indexes", "--fail-on", "never"], app.path());
    assert_eq!(fix.status.code(), Some(0), "{}", String::from_utf8_lossy(&fix.stderr));
    let after_fix = sql_files(&app.path().join(migrations));
    assert_eq!(after_fix.len(), applied_before.len() + 1, "one new migration, no edited one");

    for file in &after_fix {
        if let Err(error) = server.psql_file(file) {
            panic!("{} does not apply: {error}", file.display());
        }
    }
    for (table, name) in &before {
        let found = server
            .psql(&format!("SELECT count(*) FROM pg_indexes WHERE tablename = '{table}' AND indexname = '{name}'"))
            .unwrap();
        assert_eq!(found.trim(), "1", "index {name} on {table} exists after the migration");
    }
    assert_eq!(index_findings(app.path()), [], "a rescan finds no index finding left");

    let again = ceiling(&["scan", ".", "--fix-indexes", "--fail-on", "never"], app.path());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no index findings"));
}

#[test]
fn prisma_example_index_migration_applies_and_clears_its_findings() {
    fixes_apply_and_clear_the_findings("next-prisma-app", "prisma/migrations");
}

#[test]
fn drizzle_example_index_migration_applies_and_clears_its_findings() {
    fixes_apply_and_clear_the_findings("express-drizzle-app", "drizzle");
}
