//! `invalid-index`: an index left invalid by a failed `CREATE INDEX CONCURRENTLY`.

use ceiling_facts::catalog::Catalog;

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "invalid-index",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "An index is invalid (a failed concurrent build): every write maintains it, no query uses it.",
    docs: Docs {
        what: "An index marked invalid (`pg_index.indisvalid = false`): what a `CREATE INDEX \
CONCURRENTLY` leaves behind when it fails (a deadlock, a uniqueness violation, a cancelled \
migration) or while it is still running.",
        why: "The planner never uses it, so the queries it was made for still scan; yet every \
insert and update keeps writing to it. A migration tool that checks for the index by name \
(`IF NOT EXISTS`) will not build it again.",
        fix: "Drop it and build it again: `DROP INDEX CONCURRENTLY name;` then the original \
`CREATE INDEX CONCURRENTLY` (or `REINDEX INDEX CONCURRENTLY name`).",
        fires: "A `CREATE UNIQUE INDEX CONCURRENTLY` that failed on duplicate rows.",
        passes: "Every index built to the end.",
        guards: &["Indexes of extension-owned tables are skipped."],
    },
    splinter: None,
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for index in catalog.indexes.iter().filter(|index| !index.valid) {
        if catalog.table(index.table_oid).is_some_and(|table| table.managed) {
            continue;
        }
        let name = format!("{}.{}", index.schema, index.name);
        findings.push(
            RULE.db_finding(
                DbObject { kind: ObjectKind::Index, name: name.clone() },
                format!("index `{name}` on `{}` is invalid", catalog.table_name(index.table_oid)),
                "A failed or unfinished concurrent build: no query can use it, every write still maintains it, and \
`IF NOT EXISTS` migrations will not rebuild it."
                    .to_owned(),
                format!(
                    "`DROP INDEX CONCURRENTLY {};` then recreate it: `{}`",
                    index.sql_name(),
                    index.definition.replacen("INDEX", "INDEX CONCURRENTLY", 1)
                ),
            ),
        );
    }
}
