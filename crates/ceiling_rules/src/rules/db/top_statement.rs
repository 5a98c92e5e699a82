//! `top-statement`: a statement that takes a large share of the database's time.

use ceiling_facts::catalog::{Catalog, Statement};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "top-statement",
    family: Family::Db,
    severity: Severity::Info,
    status: Status::Preview,
    summary: "One statement takes a large share of the database's execution time: the first place to look.",
    docs: Docs {
        what: "A statement of `pg_stat_statements` that takes at least 20% of the execution time of \
all the statements of the database, and at least a second in all. The finding gives its calls, \
mean time and rows, from which it is clear whether it is slow (a high mean) or frequent (many \
calls).",
        why: "The statement that takes the largest share of the database's time is where an \
improvement pays most, and the first to saturate CPU and I/O as traffic grows.",
        fix: "Run it with typical parameters under `EXPLAIN (ANALYZE, BUFFERS)`. A high mean asks \
for an index on its filter or sort, or fewer rows (pagination, narrower columns); many cheap calls \
ask for fewer calls (a cache, batching the lookups of a loop).",
        fires: "`select pg_sleep($1)` run three times, 1.2 s in all: nearly all of the database's time.",
        passes: "A small database whose heaviest statement took a few milliseconds in all.",
        guards: &[
            "Below a second of total time nothing is reported: a development or freshly reset database has no workload to judge.",
            "Only statements that read or write rows count (`SELECT`, `WITH`, `INSERT`, `UPDATE`, `DELETE`, `MERGE`): migrations' DDL, `VACUUM`, `ANALYZE` and `COPY` are not the app's workload.",
            "At most the five heaviest statements are reported.",
            "ceiling's own statements and transaction control (`BEGIN`, `SET`...) are left out of the statistics.",
        ],
    },
    splinter: None,
    check: Check::Database(check),
};

/// The share of the database's time that makes a statement worth a look.
const MIN_SHARE: f64 = 0.2;

/// Total time below which the statistics are too thin to judge: a second, in milliseconds.
const MIN_TOTAL_MS: f64 = 1_000.0;

const MAX_FINDINGS: usize = 5;

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    let heavy = catalog
        .workload
        .statements
        .iter()
        .filter(|statement| {
            statement.share >= MIN_SHARE && statement.total_ms >= MIN_TOTAL_MS && reads_or_writes(statement)
        })
        .take(MAX_FINDINGS);
    for statement in heavy {
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Statement, name: statement.short() },
            format!(
                "`{}` takes {:.0}% of the database's statement time: {} calls of {:.2} ms on average, {} rows in all",
                statement.short(),
                statement.share * 100.0,
                statement.calls,
                statement.mean_ms,
                statement.rows
            ),
            "The statement that takes the largest share of the database's time is the first to saturate CPU \
and I/O as traffic grows, and where an improvement pays most."
                .to_owned(),
            if statement.mean_ms >= 10.0 {
                "Run it under `EXPLAIN (ANALYZE, BUFFERS)` with typical parameters: an index for its filter or \
sort, or fewer rows per call, cuts its time."
                    .to_owned()
            } else {
                "Each call is cheap; the time is in the number of calls: cache the result, or batch the calls a \
loop makes into one statement."
                    .to_owned()
            },
        ));
    }
}

fn reads_or_writes(statement: &Statement) -> bool {
    let first = statement.query.split(|c: char| !c.is_ascii_alphabetic()).find(|word| !word.is_empty());
    first.is_some_and(|word| {
        ["select", "with", "insert", "update", "delete", "merge", "values", "table"]
            .iter()
            .any(|kind| word.eq_ignore_ascii_case(kind))
    })
}
