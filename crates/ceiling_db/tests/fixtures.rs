//! Runs every database fixture under `crates/ceiling_rules/fixtures/<rule-id>/db/{fire,pass}/*.sql`
//! against a real PostgreSQL.
//!
//! One server serves the whole run (with `pg_stat_statements` preloaded and autovacuum off, so
//! that statistics hold still); each case gets a fresh database, runs its script with `psql`
//! (schema, rows, a workload), and is then audited by `ceiling_db::audit`. A script documents
//! itself: `-- expect: <rule-id> <object>` lines name each finding expected, by the object it is
//! about (`public.posts`, `public.posts: posts_author_id_fkey`).
//!
//! A `-- expect-message: <rule-id> <text>` line asks that some finding of that rule says the text.
//! A `-- hold-sessions: <n>` line keeps n sessions idle inside a transaction during the audit. A
//! `-- audit-as: <role>` line runs the audit as that role (which the script creates) instead of
//! the superuser, and `case_DATABASE` in an expected object stands for the case's database.
//!
//! Compared are the findings of the case's own rule and of every rule its markers name: a case of
//! `unused-index` need not mark the `no-primary-key` of a helper table. A `fire` case expects its
//! rule at least once; a `pass` case never does.

#[path = "../../ceiling/tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ceiling_db::{DbOptions, audit};
use support::postgres::{TempPostgres, start_with_or_skip};

/// Settings of the fixture server: `pg_stat_statements` for the workload rules, and no
/// autovacuum or background analyze to move statistics under a test.
pub const SETTINGS: &[(&str, &str)] = &[
    ("shared_preload_libraries", "pg_stat_statements"),
    ("pg_stat_statements.track", "all"),
    ("autovacuum", "off"),
    ("track_io_timing", "on"),
    // Small enough for a fixture to outgrow the cache or the connection limit.
    ("shared_buffers", "16MB"),
    ("max_connections", "20"),
];

#[test]
fn database_fixtures() {
    let Some(server) = start_with_or_skip("database_fixtures", SETTINGS) else { return };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ceiling_rules/fixtures");
    let mut cases = Vec::new();
    for rule in sorted_entries(&root).into_iter().filter(|path| path.is_dir()) {
        for kind in ["fire", "pass"] {
            let dir = rule.join("db").join(kind);
            cases.extend(
                sorted_entries(&dir)
                    .into_iter()
                    .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
                    .map(|case| (kind, case)),
            );
        }
    }
    assert!(!cases.is_empty(), "no database fixtures under {}", root.display());
    let mut failures = Vec::new();
    for (number, (kind, case)) in cases.iter().enumerate() {
        let rule_id = case.ancestors().nth(3).and_then(Path::file_name).unwrap().to_string_lossy().into_owned();
        let name = case.strip_prefix(&root).unwrap().display().to_string();
        assert!(ceiling_rules::rule(&rule_id).is_some(), "{name}: no rule has the id {rule_id}");
        let database = format!("case_{number}");
        let expected: BTreeSet<(String, String)> = expectations(case)
            .into_iter()
            .map(|(rule, object)| (rule, object.replace("case_DATABASE", &database)))
            .collect();
        let expects_its_rule = expected.iter().any(|(rule, _)| *rule == rule_id);
        if *kind == "fire" && !expects_its_rule {
            failures.push(format!("{name}: a fire case with no `-- expect: {rule_id} <object>` line"));
        }
        if *kind == "pass" && expects_its_rule {
            failures.push(format!("{name}: a pass case that expects its own rule"));
        }
        let found = match run_case(&server, &database, case) {
            Ok(found) => found,
            Err(err) => {
                failures.push(format!("{name}: {err}"));
                continue;
            }
        };
        for (rule, text) in message_expectations(case) {
            if !found.iter().any(|(r, _, message)| *r == rule && message.contains(&text)) {
                let messages: Vec<&str> =
                    found.iter().filter(|(r, _, _)| *r == rule).map(|(_, _, m)| m.as_str()).collect();
                failures.push(format!("{name}: no {rule} message contains {text:?}; its messages: {messages:?}"));
            }
        }
        let judged: BTreeSet<&str> = expected.iter().map(|(rule, _)| rule.as_str()).chain([rule_id.as_str()]).collect();
        let found: BTreeSet<(String, String)> = found
            .into_iter()
            .filter(|(rule, _, _)| judged.contains(rule.as_str()))
            .map(|(rule, object, _)| (rule, object))
            .collect();
        for missing in expected.difference(&found) {
            failures.push(format!("{name}: expected {} on {}, not reported", missing.0, missing.1));
        }
        for extra in found.difference(&expected) {
            failures.push(format!("{name}: unexpected {} on {}", extra.0, extra.1));
        }
    }
    assert!(failures.is_empty(), "{} database fixture problems:\n{}", failures.len(), failures.join("\n"));
}

/// Creates the case's database, runs its script, waits for its statistics, audits it: the
/// `(rule, object, message)` of every finding.
fn run_case(server: &TempPostgres, database: &str, script: &Path) -> Result<Vec<(String, String, String)>, String> {
    server.psql(&format!("create database {database}"))?;
    server.psql_file_in(database, script).map_err(|err| format!("the script failed: {err}"))?;
    server.wait_for_sessions_to_end(database)?;
    let mut url = server.url_of(database);
    if let Some(role) = marker(script, "-- audit-as:") {
        url = url.replacen(support::postgres::SUPERUSER, &role, 1);
    }
    let options = DbOptions { min_stats_age: Duration::ZERO, ..DbOptions::new(url) };
    let held = marker(script, "-- hold-sessions:").map_or(0, |n| n.parse().expect("a number of sessions"));
    let mut sessions = Vec::new();
    for _ in 0..held {
        sessions.push(server.idle_transaction(database)?);
    }
    wait_for_idle_sessions(server, database, held)?;
    let audit = audit(&options);
    for mut session in sessions {
        let _ = session.kill();
        let _ = session.wait();
    }
    let audit = audit.map_err(|err| format!("the audit failed: {err}"))?;
    Ok(audit
        .findings
        .into_iter()
        .map(|finding| {
            let object = finding.object.map(|object| object.name).unwrap_or_default();
            (finding.rule.to_owned(), object, finding.message)
        })
        .collect())
}

/// The value of the first line starting with `prefix`.
fn marker(script: &Path, prefix: &str) -> Option<String> {
    let text = std::fs::read_to_string(script).ok()?;
    text.lines().find_map(|line| line.trim().strip_prefix(prefix)).map(|value| value.trim().to_owned())
}

/// Waits until `count` sessions of `database` sit idle inside a transaction.
fn wait_for_idle_sessions(server: &TempPostgres, database: &str, count: usize) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let idle = server.psql(&format!(
            "select count(*) from pg_stat_activity where datname = '{database}' and state = 'idle in transaction'"
        ))?;
        if idle.trim() == count.to_string() {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{count} idle sessions of {database} did not appear (saw {})", idle.trim()));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `-- expect-message: <rule> <text>` lines: some finding of the rule says that text.
fn message_expectations(script: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(script).unwrap_or_else(|err| panic!("{}: {err}", script.display()));
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("-- expect-message:"))
        .filter_map(|rest| rest.trim().split_once(' '))
        .map(|(rule, text)| (rule.to_owned(), text.trim().to_owned()))
        .collect()
}

/// `-- expect: <rule> <object>` lines.
fn expectations(script: &Path) -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(script).unwrap_or_else(|err| panic!("{}: {err}", script.display()));
    text.lines()
        .filter_map(|line| line.split_once("-- expect:").map(|(_, rest)| rest))
        .map(|rest| {
            let (rule, object) = rest.trim().split_once(' ').unwrap_or((rest.trim(), ""));
            (rule.to_owned(), object.trim().to_owned())
        })
        .collect()
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|entry| entry.ok().map(|entry| entry.path())).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}
