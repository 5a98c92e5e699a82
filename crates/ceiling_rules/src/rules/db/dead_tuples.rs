//! `dead-tuples`: a table whose dead rows pile up because vacuum is not keeping up.

use ceiling_facts::catalog::Catalog;

use crate::sizes::bytes;
use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

/// Fewer dead rows than this cost nothing worth a finding.
const MIN_DEAD_ROWS: i64 = 10_000;
/// Dead rows as a share of live ones above which vacuum is behind (autovacuum's own default
/// trigger is 20%).
const DEAD_SHARE: f64 = 0.2;

pub static RULE: Rule = Rule {
    id: "dead-tuples",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "Dead rows pile up in a table: autovacuum is off or not keeping up, so scans and indexes bloat.",
    docs: Docs {
        what: "A table with at least 10,000 dead rows that are more than 20% of its live rows \
(`n_dead_tup` in `pg_stat_user_tables`). The message says when autovacuum last ran on it and \
whether autovacuum is disabled for the table or the server.",
        why: "Every update and delete leaves a dead row version behind until vacuum reclaims it. \
Until then scans read them, indexes point at them, and the table and its indexes grow: a table \
updated at scale without vacuum gets slower every day and never shrinks back by itself.",
        fix: "Run `VACUUM (ANALYZE) table` now; then make autovacuum keep up: turn it back on if \
disabled, and for hot tables lower `autovacuum_vacuum_scale_factor` (for example `ALTER TABLE t \
SET (autovacuum_vacuum_scale_factor = 0.02)`). Look for long transactions that hold back \
cleanup (`idle in transaction` sessions).",
        fires: "A 50,000-row table after deleting half of it, with autovacuum off.",
        passes: "The same table after `VACUUM`, or a small table with a few hundred dead rows.",
        guards: &[
            "Fewer than 10,000 dead rows, or under 20% of the live rows: autovacuum's own trigger has not been reached.",
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
            || stats.dead_tuples < MIN_DEAD_ROWS
            || (stats.dead_tuples as f64) <= DEAD_SHARE * stats.live_tuples as f64
        {
            continue;
        }
        let vacuum = if !catalog.server.settings.autovacuum {
            "autovacuum is off for the whole server".to_owned()
        } else if table.autovacuum_disabled {
            "autovacuum is disabled for this table".to_owned()
        } else {
            match &stats.last_autovacuum {
                Some(at) => format!("autovacuum last ran at {at} ({} runs since the reset)", stats.autovacuum_count),
                None => "autovacuum has not run on it since the statistics reset".to_owned(),
            }
        };
        findings.push(
            RULE.db_finding(
                DbObject { kind: ObjectKind::Table, name: table.qualified() },
                format!(
                    "`{}` holds {} dead rows for {} live ones ({} on disk); {vacuum}",
                    table.qualified(),
                    stats.dead_tuples,
                    stats.live_tuples,
                    bytes(table.size_bytes)
                ),
                "Scans read dead rows and indexes point at them until vacuum reclaims them: the table and its indexes \
keep growing, and every query on it slows."
                    .to_owned(),
                format!(
                    "`VACUUM (ANALYZE) {}`, then let autovacuum keep up: enable it, and for a hot table lower \
`autovacuum_vacuum_scale_factor`.",
                    table.sql_name()
                ),
            ),
        );
    }
}
