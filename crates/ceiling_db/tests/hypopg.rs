//! `seq-scan-statement` with HypoPG installed in the audited database: each suggested index is
//! tried as a hypothetical index, and kept only when it lowers the plan's cost.
//!
//! HypoPG is a separate package (`postgresql-15-hypopg` on Debian); without it the test says so
//! and returns, since the fixtures already cover the unverified path.

#[path = "../../ceiling/tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use ceiling_db::{DbOptions, audit};
use support::postgres::start_with_or_skip;

const WORKLOAD: &str = "
create extension pg_stat_statements;
create extension hypopg;
create table orders (id int primary key, customer_id int not null, status text not null);
insert into orders select g, g % 500, case when g % 2 = 0 then 'open' else 'paid' end from generate_series(1, 20000) g;
analyze orders;
select pg_stat_statements_reset();
select format('select * from orders where customer_id = %s', g) from generate_series(1, 20) g \\gexec
select format('select * from orders where status = %L', case when g % 2 = 0 then 'open' else 'paid' end) from generate_series(1, 20) g \\gexec
";

#[test]
fn hypothetical_indexes_verify_the_suggestions() {
    let settings = [("shared_preload_libraries", "pg_stat_statements"), ("autovacuum", "off")];
    let Some(server) = start_with_or_skip("hypothetical_indexes_verify_the_suggestions", &settings) else { return };
    let available = server.psql("select count(*) from pg_available_extensions where name = 'hypopg'").unwrap();
    if available.trim() != "1" {
        println!(
            "skipping hypothetical_indexes_verify_the_suggestions: HypoPG is not installed (postgresql-15-hypopg)"
        );
        return;
    }
    server.psql("create database hypo").unwrap();
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(script.path(), WORKLOAD).unwrap();
    server.psql_file_in("hypo", script.path()).unwrap();
    // Statistics reach pg_stat_statements when the script's backend ends.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server
        .psql("select count(*) from pg_stat_activity where datname = 'hypo' and pid <> pg_backend_pid()")
        .unwrap()
        .trim()
        != "0"
    {
        assert!(Instant::now() < deadline, "the script's session did not end");
        std::thread::sleep(Duration::from_millis(20));
    }
    let audit = audit(&DbOptions::new(server.url_of("hypo"))).unwrap();
    assert!(audit.catalog.workload.hypopg);
    let scans: Vec<_> = audit.findings.iter().filter(|finding| finding.rule == "seq-scan-statement").collect();
    // The customer's orders are a 40-row needle in 20,000: the index is kept. Half the table has
    // each status: the planner would still scan, so that suggestion is dropped.
    assert_eq!(scans.len(), 1, "{scans:#?}");
    assert_eq!(scans[0].object.as_ref().unwrap().name, "select * from orders where customer_id = $1");
    assert_eq!(scans[0].index.as_ref().unwrap().columns, vec!["customer_id".to_owned()]);
    assert!(scans[0].message.contains("HypoPG: plan cost"), "{}", scans[0].message);
}
