//! `seq-scan-statement` beyond what the fixtures show: HypoPG's verification of a suggested index,
//! and `--analyze`'s measure of the scan.
//!
//! HypoPG is a separate package (`postgresql-15-hypopg` on Debian); without it that test says so
//! and returns, since the fixtures already cover the unverified path.

#[path = "../../ceiling/tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use ceiling_db::{Audit, DbOptions, audit};
use support::postgres::{TempPostgres, start_with_or_skip};

const SETTINGS: &[(&str, &str)] = &[("shared_preload_libraries", "pg_stat_statements"), ("autovacuum", "off")];

/// 20,000 orders of 500 customers, half of them open; the app looks orders up by customer and by
/// status, with no index for either.
const ORDERS: &str = "
create extension pg_stat_statements;
create table orders (id int primary key, customer_id int not null, status text not null);
insert into orders select g, g % 500, case when g % 2 = 0 then 'open' else 'paid' end from generate_series(1, 20000) g;
analyze orders;
select pg_stat_statements_reset();
select format('select * from orders where customer_id = %s', g) from generate_series(1, 20) g \\gexec
select format('select * from orders where status = %L', case when g % 2 = 0 then 'open' else 'paid' end) from generate_series(1, 20) g \\gexec
";

#[test]
fn hypothetical_indexes_verify_the_suggestions() {
    let test = "hypothetical_indexes_verify_the_suggestions";
    let Some(server) = start_with_or_skip(test, SETTINGS) else { return };
    let available = server.psql("select count(*) from pg_available_extensions where name = 'hypopg'").unwrap();
    if available.trim() != "1" {
        println!("skipping {test}: HypoPG is not installed (Debian: postgresql-15-hypopg)");
        return;
    }
    let audit = replay(&server, "hypo", &format!("create extension hypopg;\n{ORDERS}"), false);
    assert!(audit.catalog.workload.hypopg.is_some());
    let scans: Vec<_> = audit.findings.iter().filter(|finding| finding.rule == "seq-scan-statement").collect();
    // The customer's orders are a 40-row needle in 20,000: the index is kept. Half the table has
    // each status: the planner would still scan, so that suggestion is dropped.
    assert_eq!(scans.len(), 1, "{scans:#?}");
    assert_eq!(scans[0].object.as_ref().unwrap().name, "select * from orders where customer_id = $1");
    assert_eq!(scans[0].index.as_ref().unwrap().columns, vec!["customer_id".to_owned()]);
    assert!(scans[0].message.contains("HypoPG: plan cost"), "{}", scans[0].message);
}

#[test]
fn analyze_measures_the_scans_it_reports() {
    let Some(server) = start_with_or_skip("analyze_measures_the_scans_it_reports", SETTINGS) else { return };
    let audit = replay(&server, "measured", ORDERS, true);
    let statements = &audit.catalog.workload.statements;
    let by_customer = statements.iter().find(|s| s.query == "select * from orders where customer_id = $1").unwrap();
    let measured = by_customer.seq_scans[0].measured.as_ref().expect("the scan was measured");
    assert_eq!(measured.rows_read, 20_000);
    assert!(measured.blocks > 0);
    // Without HypoPG, both suggestions stand, unverified, with the measure.
    let scans: Vec<_> = audit.findings.iter().filter(|finding| finding.rule == "seq-scan-statement").collect();
    assert_eq!(scans.len(), 2, "{scans:#?}");
    assert!(scans.iter().all(|scan| scan.message.contains("unverified") && scan.message.contains("read 20000 rows")));
}

/// Creates `database`, runs `script` in it, waits for its statistics, audits it.
fn replay(server: &TempPostgres, database: &str, script: &str, analyze: bool) -> Audit {
    server.psql(&format!("create database {database}")).unwrap();
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), script).unwrap();
    server.psql_file_in(database, file.path()).unwrap();
    // Statistics reach pg_stat_statements when the script's backend ends.
    let deadline = Instant::now() + Duration::from_secs(10);
    let others =
        format!("select count(*) from pg_stat_activity where datname = '{database}' and pid <> pg_backend_pid()");
    while server.psql(&others).unwrap().trim() != "0" {
        assert!(Instant::now() < deadline, "the script's session did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
    audit(&DbOptions { analyze, ..DbOptions::new(server.url_of(database)) }).unwrap()
}
