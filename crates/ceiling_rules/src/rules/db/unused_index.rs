//! `unused-index`: an index of a live database that no query has used since the statistics reset.

use ceiling_facts::catalog::{Catalog, Index};

use crate::sizes::{bytes, duration};
use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "unused-index",
    family: Family::Db,
    severity: Severity::Info,
    status: Status::Preview,
    summary: "An index has not been scanned once since the statistics were reset: writes pay for it, reads don't use it.",
    docs: Docs {
        what: "An index whose `idx_scan` is 0 in `pg_stat_user_indexes`: no query used it since \
the statistics were last reset (or the server's start, on versions that reset them then). The \
finding says how old the statistics are.",
        why: "Every insert, update and delete writes it, it keeps HOT updates from happening when \
its columns change, and it holds memory the working set needs. The cost grows with the write \
rate.",
        fix: "Check that no rare job needs it (a monthly report, a replica's queries: statistics \
are per server), then `DROP INDEX CONCURRENTLY`.",
        fires: "An index on `posts (title)` that no query filters or sorts by, with a week of statistics.",
        passes: "The primary key, unique indexes, or any index with statistics younger than `--min-stats-age` (7 days by default).",
        guards: &[
            "Statistics younger than `--min-stats-age` (default 7 days) judge nothing: a fresh server has used no index yet.",
            "Indexes that enforce something are never reported: primary keys, unique indexes, and indexes behind exclusion constraints.",
            "An index that alone serves a foreign key is kept: dropping it would make deletes of the parent scan (`unindexed-foreign-key`).",
            "Identical indexes are reported once, by `duplicate-index`, not here.",
            "Invalid indexes are `invalid-index`'s; indexes of partitioned tables (whose scans are counted on the partitions) and of extension-owned tables are skipped.",
        ],
    },
    splinter: Some("0005_unused_index"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    let Some(age) = catalog.server.stats_age_secs else { return };
    if age < catalog.server.min_stats_age_secs {
        return;
    }
    for index in catalog.indexes.iter().filter(|index| is_candidate(catalog, index)) {
        let name = format!("{}.{}", index.schema, index.name);
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Index, name: name.clone() },
            format!(
                "index `{name}` on `{}` has not been used in {} of statistics ({})",
                catalog.table_name(index.table_oid),
                duration(age),
                bytes(index.size_bytes)
            ),
            "Every write maintains it and it takes memory, yet no query has read it.".to_owned(),
            format!("If no rare job or replica needs it: `DROP INDEX CONCURRENTLY {};`", index.sql_name()),
        ));
    }
}

fn is_candidate(catalog: &Catalog, index: &Index) -> bool {
    if index.scans > 0 || index.unique || index.primary || index.backs_constraint || !index.valid {
        return false;
    }
    let Some(table) = catalog.table(index.table_oid) else { return false };
    if !table.is_app_storage() {
        return false;
    }
    let duplicated = catalog
        .indexes_of(index.table_oid)
        .any(|other| other.oid != index.oid && other.valid && other.signature == index.signature);
    !duplicated && !sole_cover_of_a_foreign_key(catalog, index)
}

/// Whether some foreign key of the table is led by this index and by no other.
fn sole_cover_of_a_foreign_key(catalog: &Catalog, index: &Index) -> bool {
    catalog.foreign_keys.iter().filter(|key| key.table_oid == index.table_oid).any(|key| {
        catalog.serves_key(index, &key.columns)
            && !catalog
                .indexes_of(index.table_oid)
                .any(|other| other.oid != index.oid && catalog.serves_key(other, &key.columns))
    })
}
