//! `no-primary-key`: a table of a live database with no primary key.

use ceiling_facts::catalog::{Catalog, RelationKind, quote_ident};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "no-primary-key",
    family: Family::Db,
    severity: Severity::Info,
    status: Status::Preview,
    summary: "A table has no primary key: rows cannot be told apart, replicated logically, or repacked online.",
    docs: Docs {
        what: "A table (or partitioned table) of the live database with no primary key.",
        why: "Without a key, updates and deletes of one row need a scan, duplicates creep in \
unnoticed, logical replication (and Supabase's Realtime) cannot send updates and deletes, and \
tools that rewrite a bloated table online (pg_repack) refuse it. The larger it grows, the more \
each of these costs.",
        fix: "Add one: `ALTER TABLE t ADD PRIMARY KEY (id)`; when a unique index on non-null \
columns exists, `ALTER TABLE t ADD PRIMARY KEY USING INDEX that_index` promotes it without a \
rebuild.",
        fires: "```sql\ncreate table events (kind text, at timestamptz);\n```",
        passes: "```sql\ncreate table events (id bigint generated always as identity primary key, kind text);\n```",
        guards: &[
            "Partitions are skipped: the key belongs to the partitioned table, which is checked.",
            "Views, materialized views, foreign tables and tables owned by an extension are skipped.",
        ],
    },
    splinter: Some("0004_no_primary_key"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for table in &catalog.tables {
        if !matches!(table.kind, RelationKind::Table | RelationKind::PartitionedTable)
            || table.is_partition
            || table.managed
            || catalog.indexes_of(table.oid).any(|index| index.primary)
        {
            continue;
        }
        let promotable =
            catalog.indexes_of(table.oid).find(|index| index.unique && index.valid && index.predicate.is_none());
        let fix = match promotable {
            Some(index) => format!(
                "Promote the unique index `{}` (its columns must be NOT NULL): `ALTER TABLE {} ADD PRIMARY KEY USING INDEX {}`",
                index.name,
                table.sql_name(),
                quote_ident(&index.name)
            ),
            None => format!(
                "Add a key: `ALTER TABLE {} ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY`",
                table.sql_name()
            ),
        };
        findings.push(
            RULE.db_finding(
                DbObject { kind: ObjectKind::Table, name: table.qualified() },
                format!("table `{}` has no primary key", table.qualified()),
                "Updates and deletes of one row scan, duplicates go unnoticed, and logical replication and online \
repacking refuse the table."
                    .to_owned(),
                fix,
            ),
        );
    }
}
