//! `seq-scan-heavy`: a large table that the live database mostly reads by scanning it whole.

use ceiling_facts::catalog::Catalog;

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

/// Below this many live rows a whole-table scan is cheap: the planner rightly prefers it.
const MIN_LIVE_ROWS: i64 = 10_000;
/// Fewer scans than this since the statistics reset are a dump, a migration or a report.
const MIN_SEQ_SCANS: i64 = 50;

pub static RULE: Rule = Rule {
    id: "seq-scan-heavy",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A large table is read mostly by sequential scans: some frequent query has no index to use.",
    docs: Docs {
        what: "A table of at least 10,000 live rows where, since the statistics reset, \
sequential scans outnumber index scans, at least 50 of them ran, and they read more than ten \
times the rows that index scans fetched (`pg_stat_user_tables`).",
        why: "A sequential scan reads every row. At 10,000 rows that is a millisecond; at ten \
million it is seconds of I/O per query, and each concurrent request competes for the same disk \
and cache. The cost grows linearly with the table while the query stays the same.",
        fix: "Find the statement (with `pg_stat_statements`, `ceiling db` lists the statements \
whose plan scans this table) and index the columns it filters on: `CREATE INDEX CONCURRENTLY \
... ON table (column)`.",
        fires: "A 50,000-row `orders` table queried by `status` a hundred times, with no index on `status`.",
        passes: "The same table queried by its primary key, or a 500-row lookup table scanned often.",
        guards: &[
            "Tables under 10,000 live rows: scanning them is the right plan.",
            "Fewer than 50 sequential scans since the statistics reset: a backup (`pg_dump` reads each table once), a migration or a nightly report.",
            "Tables read mostly through indexes: scans do not outnumber index scans, or read under ten times the rows indexes fetched.",
            "Tables of extensions and platform schemas.",
        ],
    },
    splinter: None,
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for table in &catalog.tables {
        let stats = &table.stats;
        if !table.is_app_storage()
            || stats.live_tuples < MIN_LIVE_ROWS
            || stats.seq_scan < MIN_SEQ_SCANS
            || stats.seq_scan <= stats.idx_scan
            || stats.seq_tup_read <= 10 * stats.idx_tup_fetch
        {
            continue;
        }
        let per_scan = stats.seq_tup_read / stats.seq_scan;
        findings.push(
            RULE.db_finding(
                DbObject { kind: ObjectKind::Table, name: table.qualified() },
                format!(
                    "`{}` ({} live rows) was scanned whole {} times ({} rows read per scan) and used an index {} times",
                    table.qualified(),
                    stats.live_tuples,
                    stats.seq_scan,
                    per_scan,
                    stats.idx_scan
                ),
                "Each sequential scan reads every row: its cost grows with the table, and concurrent requests share \
the same disk and cache."
                    .to_owned(),
                "Find the statement that filters this table without an index (with pg_stat_statements installed, \
`ceiling db` names it) and index the columns it filters on with `CREATE INDEX CONCURRENTLY`."
                    .to_owned(),
            ),
        );
    }
}
