//! `ceiling db --code PATH`: the code's findings come with what the live database has of their
//! table, in the same report as the database's own.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use support::postgres::start_with_or_skip;

#[test]
fn code_findings_carry_the_live_tables_evidence() {
    let test = "code_findings_carry_the_live_tables_evidence";
    let Some(pg) = start_with_or_skip(test, &[("shared_preload_libraries", "pg_stat_statements")]) else { return };
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        script.path(),
        r#"create extension pg_stat_statements;
create table "Post" (id bigint primary key, slug text not null, title text not null);
insert into "Post" select g, 'post-' || g, 'Post ' || g from generate_series(1, 20000) g;
analyze "Post";
select pg_stat_statements_reset();
select format('select * from "Post" where slug = %L limit 1', 'post-' || g) from generate_series(1, 20) g \gexec
"#,
    )
    .unwrap();
    pg.psql_file(script.path()).unwrap();
    // Statistics reach pg_stat_statements when the script's backend ends.
    let deadline = Instant::now() + Duration::from_secs(10);
    let others =
        "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()";
    while pg.psql(others).unwrap().trim() != "0" {
        assert!(Instant::now() < deadline, "the script's session did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
    // A Supabase app that filters `Post` by `slug`, with no index on it.
    let app = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ceiling_rules/fixtures/unindexed-filter/fire/sql-quoted-table-name-case");
    let output = Command::new(env!("CARGO_BIN_EXE_ceiling"))
        .args(["db", "--url", &pg.url(), "--code", app.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let filter = findings.iter().find(|f| f["rule"] == "unindexed-filter").expect("the code's finding is reported");
    let message = filter["message"].as_str().unwrap();
    assert!(
        message.ends_with(
            "(live database: `public.Post` has 20000 rows estimated and no index on these columns; \
`select * from \"Post\" where slug = $1 limit $2` (20 calls) scans it)"
        ),
        "{message}"
    );
    // The database's own finding of the same scan is there too.
    assert!(findings.iter().any(|f| f["rule"] == "seq-scan-statement"), "{stdout}");
}
