//! `table-bloat`: a table that takes far more pages than its rows need.

use ceiling_facts::catalog::{Catalog, Table};

use crate::sizes::bytes;
use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

/// PostgreSQL's page size; `relpages` counts pages of this size on every build we read.
const PAGE_BYTES: f64 = 8192.0;
/// A page's own header.
const PAGE_HEADER_BYTES: f64 = 24.0;
/// A row's header (23 bytes, aligned) and its line pointer.
const ROW_OVERHEAD_BYTES: f64 = 24.0 + 4.0;
/// The table takes more than this many times the pages it needs...
const MIN_RATIO: f64 = 2.0;
/// ...and wastes at least this much.
const MIN_WASTE_BYTES: f64 = 50.0 * 1024.0 * 1024.0;

pub static RULE: Rule = Rule {
    id: "table-bloat",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A table takes far more space than its rows need (estimated from pg_stats): scans read empty pages.",
    docs: Docs {
        what: "A table whose size on disk is more than twice what its live rows need and that \
wastes at least 50 MB. The need is estimated as splinter does, from `pg_stats` (each column's \
`avg_width` and `null_frac`), the row and page headers, the null bitmap and the table's \
`fillfactor`; the finding says it is an estimate.",
        why: "Space freed by deletes and updates is reused by later rows but never returned: a table \
that once held ten times its rows keeps its size. Every sequential scan, every backup and the \
cache pay for the empty pages.",
        fix: "Rewrite the table without the holes: `pg_repack` online, or `VACUUM FULL` (which locks \
the table while it runs). Then keep vacuum ahead of the churn that made the holes.",
        fires: "A 60 MB table after deleting 90% of its rows.",
        passes: "The same table after `VACUUM FULL`; a small table with holes (under 50 MB wasted).",
        guards: &[
            "Tables never analyzed: without `pg_stats` there is no estimate to compare with.",
            "Less than 50 MB wasted, or less than twice the estimated size: fillfactor and alignment make small gaps normal.",
            "Tables of extensions and platform schemas.",
        ],
    },
    splinter: Some("0020_table_bloat"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for table in &catalog.tables {
        if !table.is_app_storage() {
            continue;
        }
        let Some(needed) = needed_bytes(table) else { continue };
        let actual = table.size_bytes as f64;
        let waste = actual - needed;
        if actual < MIN_RATIO * needed || waste < MIN_WASTE_BYTES {
            continue;
        }
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Table, name: table.qualified() },
            format!(
                "`{}` takes {} on disk where its {} rows need about {} (estimated from pg_stats): {} wasted",
                table.qualified(),
                bytes(table.size_bytes),
                table.estimated_rows.max(0.0) as i64,
                bytes(needed as i64),
                bytes(waste as i64)
            ),
            "Freed space is reused but never returned: every scan, backup and cache page pays for it.".to_owned(),
            format!(
                "Rewrite it online with `pg_repack --table {}`, or with `VACUUM FULL {}` in a maintenance window \
(it locks the table).",
                table.qualified(),
                table.sql_name()
            ),
        ));
    }
}

/// The bytes the live rows need, from the analyzed row width; `None` when never analyzed.
fn needed_bytes(table: &Table) -> Option<f64> {
    let width = table.row_width?;
    if table.estimated_rows < 0.0 {
        return None;
    }
    let null_bitmap = (table.column_count as f64 / 8.0).ceil();
    let row = ROW_OVERHEAD_BYTES + null_bitmap + width;
    let usable = (PAGE_BYTES - PAGE_HEADER_BYTES) * table.fillfactor.clamp(10, 100) as f64 / 100.0;
    let rows_per_page = (usable / row).floor().max(1.0);
    Some((table.estimated_rows / rows_per_page).ceil().max(1.0) * PAGE_BYTES)
}
