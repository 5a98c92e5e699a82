//! Findings of the code checked against a live database (`ceiling db --code PATH`).
//!
//! An index finding of the scan names a table and columns from the schema files. The live
//! database says how big that table really is, whether it already has the index (created by hand,
//! or by a migration the scan did not read), how it has been read, and which of the statements
//! `pg_stat_statements` lists scan it where the index would serve (with the cost the index would
//! bring, where HypoPG verified it). A finding whose index the
//! live database already has is no longer a problem in that database: it becomes `info` and says
//! so. Findings on tables the database does not have are left as they are.

use ceiling_facts::catalog::Catalog;

use crate::sizes::bytes;
use crate::{Finding, Severity};

pub fn corroborate(catalog: &Catalog, findings: &mut [Finding]) {
    for finding in findings.iter_mut().filter(|finding| finding.object.is_none()) {
        let Some(index) = &finding.index else { continue };
        let Some(table) = catalog.app_table(&index.table) else { continue };
        finding.evidence.push(format!(
            "live database: `{}` holds {} rows (estimated), {}",
            table.qualified(),
            table.estimated_rows.max(0.0) as i64,
            bytes(table.size_bytes)
        ));
        let Some(numbers) = catalog.column_numbers(table.oid, &index.columns) else { continue };
        if let Some(existing) = catalog.indexes_of(table.oid).find(|existing| catalog.serves_key(existing, &numbers)) {
            finding.evidence.push(format!(
                "live database: index `{}` already serves these columns: the schema files lack it, the database does not",
                existing.name
            ));
            finding.severity = Severity::Info;
            continue;
        }
        let sort = finding.rule == "unindexed-sort";
        if let Some(plan) = catalog
            .workload
            .code_plans
            .iter()
            .find(|plan| plan.table == index.table && plan.columns == index.columns && plan.sort == sort)
        {
            let verified = match plan.cost_with_index {
                Some(cost) => format!("; with the index, {cost:.0} (HypoPG)"),
                None => String::new(),
            };
            finding.evidence.push(format!(
                "live database: it plans this query as a {} on `{}`, cost {:.0}{verified}",
                plan.access,
                table.qualified(),
                plan.cost
            ));
        }
        // The app's own statements whose plans scan the table where these columns would serve.
        for statement in &catalog.workload.statements {
            let Some(scan) = statement.seq_scans.iter().find(|scan| {
                scan.table_oid == table.oid && numbers.iter().all(|column| scan.index_columns.contains(column))
            }) else {
                continue;
            };
            let verified = match scan.cost_with_index {
                Some(cost) => format!(", {:.0} with the index (HypoPG)", cost),
                None => String::new(),
            };
            finding.evidence.push(format!(
                "live database: `{}` ran {} times; its plan scans the whole table (filter {}, cost {:.0}{verified})",
                statement.short(),
                statement.calls,
                scan.filter,
                scan.cost
            ));
        }
        let stats = &table.stats;
        if stats.seq_scan > 0 {
            finding.evidence.push(format!(
                "live database: `{}` was read whole {} times since the statistics reset ({} rows per scan)",
                table.qualified(),
                stats.seq_scan,
                stats.seq_tup_read / stats.seq_scan
            ));
        }
    }
}
