//! `ceiling grow` end to end on a real throwaway PostgreSQL: the example apps' schemas filled at
//! growing sizes, every constraint holding, and the growth of their queries measured.

use std::path::{Path, PathBuf};

use ceiling_grow::fit::Growth;
use ceiling_grow::run::{GrowOptions, Measured, Quiet, Report, run};
use ceiling_grow::scratch::{SERVER_SETTINGS, Scratch};
use ceiling_postgres::{TempPostgres, start_with_or_skip};
use ceiling_scan::{ScanOptions, ScanResult, scan};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name)
}

fn scanned(name: &str) -> ScanResult {
    scan(&example(name), &ScanOptions::default()).expect("the example scans")
}

fn options(scales: &[u64]) -> GrowOptions {
    GrowOptions { scales: scales.to_vec(), runs: 3, ..GrowOptions::default() }
}

/// Grows `app` through `scales` on a fresh server, which is returned for inspection.
fn grow(test: &str, app: &str, scales: &[u64]) -> Option<(Report, TempPostgres)> {
    let server = start_with_or_skip(test, SERVER_SETTINGS)?;
    let scratch = Scratch::Own(server);
    let report = run(&scanned(app), &scratch, &options(scales), &mut Quiet).expect("the run succeeds");
    let Scratch::Own(server) = scratch else { unreachable!() };
    Some((report, server))
}

fn query<'a>(report: &'a Report, location: &str) -> &'a Measured {
    report
        .queries
        .iter()
        .find(|m| m.query.location == location || m.query.also_at.iter().any(|at| at == location))
        .unwrap_or_else(|| {
            panic!(
                "no measured query at {location}: {:#?}",
                report.queries.iter().map(|m| &m.query.location).collect::<Vec<_>>()
            )
        })
}

/// Every table has the planned rows, every foreign key was re-added (so validated against every
/// row), and each serial or identity sequence is past the loaded keys.
fn assert_constraints_hold(server: &TempPostgres, report: &Report) {
    let last = report.steps.last().expect("steps");
    for table in &last.tables {
        let count = server.psql(&format!("select count(*) from public.\"{}\"", table.table)).unwrap();
        assert_eq!(count.trim(), table.rows.to_string(), "rows of {}", table.table);
    }
    let invalid = server
        .psql("select count(*) from pg_constraint where contype in ('f', 'c', 'u', 'p') and not convalidated and connamespace = 'public'::regnamespace")
        .unwrap();
    assert_eq!(invalid.trim(), "0", "constraints left unvalidated");
    let sequences = server
        .psql(
            "select c.relname, a.attname, pg_get_serial_sequence(format('%I', c.relname), a.attname)
             from pg_attribute a join pg_class c on c.oid = a.attrelid
             where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and a.attnum > 0
               and pg_get_serial_sequence(format('%I', c.relname), a.attname) is not null",
        )
        .unwrap();
    for line in sequences.lines() {
        let parts: Vec<&str> = line.split('|').collect();
        let check = server
            .psql(&format!(
                "select nextval('{}') > (select max(\"{}\") from public.\"{}\")",
                parts[2], parts[1], parts[0]
            ))
            .unwrap();
        assert_eq!(check.trim(), "t", "the sequence of {}.{} is behind its keys", parts[0], parts[1]);
    }
}

#[test]
fn drizzle_example_grows_and_its_planted_query_is_linear_until_indexed() {
    let Some((report, server)) = grow("drizzle", "express-drizzle-app", &[1_000, 10_000, 100_000, 200_000]) else {
        return;
    };
    assert!(matches!(report.source, ceiling_grow::source::Source::Migrations { .. }));
    // Row counts follow the plan at every step: the largest table has the step's rows.
    for step in &report.steps {
        let largest = step.tables.iter().map(|t| t.rows).max().unwrap();
        assert_eq!(largest, step.largest);
    }
    assert_constraints_hold(&server, &report);

    // The planted bug: order_items read by order_id, which has no index.
    let planted = query(&report, "src/jobs/process-pending.ts:19");
    assert!(planted.query.sql.contains("\"order_id\" = $1"), "{}", planted.query.sql);
    let nodes: Vec<&str> = planted.points.iter().map(|p| p.timing.as_ref().unwrap().node.as_str()).collect();
    assert!(nodes.iter().all(|node| node.starts_with("Seq Scan")), "{nodes:?}");
    assert_eq!(planted.fit.expect("fitted").growth, Growth::Linear, "{:?}", planted.points);
    let fixed = planted.with_index.as_ref().expect("the suggested index was measured");
    assert_eq!(fixed.index, "order_items_order_id_idx");
    let fixed_growth = fixed.fit.unwrap_or_else(|| panic!("not fitted: {:?}", fixed.points)).growth;
    assert!(matches!(fixed_growth, Growth::Constant | Growth::Logarithmic), "{fixed_growth:?}: {:?}", fixed.points);
    let before = planted.points.last().unwrap().timing.as_ref().unwrap().exec_ms;
    let after = fixed.points.last().unwrap().timing.as_ref().unwrap().exec_ms;
    assert!(after * 10.0 < before, "the index should make the 200k lookup 10x faster: {before} ms vs {after} ms");

    // A primary-key lookup stays flat.
    let by_id = query(&report, "src/routes/orders.ts:33");
    let growth = by_id.fit.unwrap_or_else(|| panic!("not fitted: {:?}", by_id.points)).growth;
    assert!(matches!(growth, Growth::Constant | Growth::Logarithmic), "{growth:?}: {:?}", by_id.points);

    // The N+1 of orders.ts runs the planted query per order: its pages cost items x per-item.
    let page = report.n_plus_one.iter().find(|cost| cost.location == "src/routes/orders.ts:24").expect("priced");
    let hundred = page.pages.iter().find(|p| p.items == 100).unwrap();
    assert!(hundred.batched_ms.unwrap() < hundred.n_plus_one_ms);
}

#[test]
fn prisma_example_loads_every_constraint_including_enums_and_join_tables() {
    let Some((report, server)) = grow("prisma", "next-prisma-app", &[2_000, 20_000]) else { return };
    assert_constraints_hold(&server, &report);
    // The implicit many-to-many table is unique on its pair: no duplicate pair was written.
    let duplicates =
        server.psql("select count(*) - count(distinct (\"A\", \"B\")) from public.\"_PostToTag\"").unwrap();
    assert_eq!(duplicates.trim(), "0");
    // Enum columns hold their labels, the first the most common.
    let statuses = server.psql("select status from public.\"Post\" group by 1 order by count(*) desc").unwrap();
    assert!(statuses.lines().count() >= 2, "{statuses}");
    // Foreign keys are skewed: the hottest author has several times the typical author's posts.
    let skew = server
        .psql("select max(n) >= 3 * percentile_disc(0.5) within group (order by n) from (select count(*) n from public.\"Post\" group by \"authorId\") s")
        .unwrap();
    assert_eq!(skew.trim(), "t");
}

#[test]
fn django_example_loads_from_ddl_generated_from_its_models() {
    let Some((report, server)) = grow("django", "django-drf-app", &[1_000, 5_000]) else { return };
    assert_eq!(report.source, ceiling_grow::source::Source::Models);
    assert_constraints_hold(&server, &report);
    let emails = server.psql("select count(email) = count(distinct email) from public.shop_customer").unwrap();
    assert_eq!(emails.trim(), "t");
}

#[test]
fn row_counts_follow_fan_out_and_growing_appends_the_difference() {
    let Some(server) = start_with_or_skip("counts", SERVER_SETTINGS) else { return };
    let scratch = Scratch::Own(server);
    let report = run(&scanned("express-drizzle-app"), &scratch, &options(&[1_000, 3_000]), &mut Quiet).unwrap();
    let rows = |step: usize, name: &str| report.steps[step].tables.iter().find(|t| t.table == name).unwrap().rows;
    // users and products are roots; 10 orders per user; 10 items per order; the largest table
    // has the step's rows.
    assert_eq!((rows(0, "order_items"), rows(0, "orders"), rows(0, "users")), (1_000, 100, 10));
    assert_eq!((rows(1, "order_items"), rows(1, "orders"), rows(1, "users")), (3_000, 300, 30));
    // The second step appended the difference, it did not reload.
    let total = |step: usize| report.steps[step].tables.iter().map(|t| t.rows).sum::<u64>();
    assert_eq!(report.steps[0].rows_loaded, total(0));
    assert_eq!(report.steps[1].rows_loaded, total(1) - total(0));
}

#[test]
fn fan_out_is_configurable_per_table() {
    let Some(server) = start_with_or_skip("fan-out", SERVER_SETTINGS) else { return };
    let scratch = Scratch::Own(server);
    let options = GrowOptions { fan_outs: vec![("orders".to_owned(), 2.0)], ..options(&[1_000]) };
    let report = run(&scanned("express-drizzle-app"), &scratch, &options, &mut Quiet).unwrap();
    let rows = |name: &str| report.steps[0].tables.iter().find(|t| t.table == name).unwrap().rows;
    assert_eq!((rows("order_items"), rows("orders"), rows("users")), (1_000, 100, 50));
}
