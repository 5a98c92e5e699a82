//! `low-cache-hit`: the database reads from disk what should be in memory.

use ceiling_facts::catalog::Catalog;

use crate::sizes::bytes;
use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

/// Ratios below these mean the working set does not fit.
const MIN_HEAP_RATIO: f64 = 0.99;
const MIN_INDEX_RATIO: f64 = 0.95;
/// Block accesses needed before a ratio means anything (800 MB of reads and hits).
const MIN_ACCESSES: i64 = 100_000;

pub static RULE: Rule = Rule {
    id: "low-cache-hit",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "Too many table or index reads miss the shared buffer cache: the working set no longer fits in memory.",
    docs: Docs {
        what: "Across the database's tables, the share of block accesses served from shared \
buffers (`pg_statio_user_tables`) is under 99% for table data or under 95% for indexes, over at \
least 100,000 accesses since the statistics reset.",
        why: "A read from shared buffers costs microseconds; one from disk costs a thousand times \
more, and disk bandwidth is shared by every query. A database whose working set outgrew its \
memory slows down across the board, suddenly, as it grows.",
        fix: "Find what reads so much (large sequential scans: see `seq-scan-heavy`; unindexed \
statements), fix those first; then size memory to the working set (`shared_buffers` about a \
quarter of RAM, or a larger instance).",
        fires: "A 30 MB table scanned thirty times on a server with 16 MB of shared buffers.",
        passes: "A database whose reads are served from cache, or one that has read too little to judge.",
        guards: &[
            "Fewer than 100,000 block accesses since the statistics reset: a freshly started server reads from disk before its cache is warm.",
            "Tables of extensions and platform schemas are not counted.",
        ],
    },
    splinter: None,
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    let app_tables = catalog.tables.iter().filter(|table| !table.managed);
    let (mut heap_hit, mut heap_read, mut index_hit, mut index_read) = (0i64, 0i64, 0i64, 0i64);
    for table in app_tables {
        heap_hit += table.stats.heap_blocks_hit;
        heap_read += table.stats.heap_blocks_read;
        index_hit += table.stats.index_blocks_hit;
        index_read += table.stats.index_blocks_read;
    }
    let settings = &catalog.server.settings;
    for (what, hit, read, floor) in
        [("table data", heap_hit, heap_read, MIN_HEAP_RATIO), ("indexes", index_hit, index_read, MIN_INDEX_RATIO)]
    {
        let total = hit + read;
        if total < MIN_ACCESSES {
            continue;
        }
        let ratio = hit as f64 / total as f64;
        if ratio >= floor {
            continue;
        }
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Database, name: catalog.server.database.clone() },
            format!(
                "{:.1}% of {what} reads hit the cache ({read} of {total} block reads went to disk); shared_buffers \
is {} for a {} database",
                ratio * 100.0,
                settings.shared_buffers,
                bytes(settings.database_size_bytes)
            ),
            "Reads that miss the cache cost a thousand times more and share the disk with every other query."
                .to_owned(),
            "Remove the large scans first (unindexed filters, `seq-scan-heavy`), then give the working set memory: \
`shared_buffers` near a quarter of RAM, or a larger instance."
                .to_owned(),
        ));
    }
}
