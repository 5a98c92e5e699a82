//! `duplicate-index`: two indexes of a live database that are the same index under two names.

use ceiling_facts::catalog::{Catalog, Index};
use rustc_hash::FxHashMap;

use crate::sizes::bytes;
use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "duplicate-index",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "Two indexes are identical: every write pays for both, queries use one.",
    docs: Docs {
        what: "Indexes of one table with the same columns, operator classes, collations, \
expressions, predicate and access method: the same index under two names. The usual source is \
an ORM migration that adds an index that a unique constraint or an earlier migration already made.",
        why: "Every insert, update and delete writes each of them; they take space in memory that \
the working set needs; and the planner only ever needs one. The cost grows with the table and \
the write rate.",
        fix: "Drop the extra one with `DROP INDEX CONCURRENTLY`; the finding names which to keep \
(the one that backs a constraint, else the most used).",
        fires: "```sql\ncreate index posts_author on posts (author_id);\ncreate index posts_author_2 on posts (author_id);\n```",
        passes: "```sql\ncreate index posts_author on posts (author_id);\ncreate index posts_author_recent on posts (author_id, created_at);\n```",
        guards: &[
            "Indexes that differ in anything but their name (operator class such as `text_pattern_ops`, collation, predicate, method, `INCLUDE` columns) are not duplicates.",
            "The index kept is the one backing a primary key, unique or exclusion constraint, else a unique index, else the one with the most scans: dropping the finding's index loses nothing. A unique index is reported only beside another unique one (a `@unique` on the primary key), so uniqueness stays enforced.",
            "An index that backs a constraint, or that a foreign key references, is never the one reported: it cannot simply be dropped.",
        ],
    },
    splinter: Some("0009_duplicate_index"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    let mut groups: FxHashMap<(u32, &str), Vec<&Index>> = FxHashMap::default();
    for index in catalog.indexes.iter().filter(|index| index.valid) {
        groups.entry((index.table_oid, index.signature.as_str())).or_default().push(index);
    }
    let mut groups: Vec<Vec<&Index>> = groups.into_values().filter(|group| group.len() > 1).collect();
    groups.sort_by(|a, b| (&a[0].schema, &a[0].name).cmp(&(&b[0].schema, &b[0].name)));
    for mut group in groups {
        if catalog.table(group[0].table_oid).is_some_and(|table| table.managed) {
            continue;
        }
        // Keep the one a constraint needs, then a unique one, then the most used, then the first by
        // name.
        group.sort_by(|a, b| {
            (b.primary, b.backs_constraint, b.unique, b.scans, &a.name).cmp(&(
                a.primary,
                a.backs_constraint,
                a.unique,
                a.scans,
                &b.name,
            ))
        });
        let kept = group[0];
        for extra in &group[1..] {
            // An index behind a constraint goes with `ALTER TABLE ... DROP CONSTRAINT`, and one that
            // a foreign key references cannot be dropped at all: neither is a cleanup to propose.
            // (A unique extra is fine: the kept one is unique too, sorted first.)
            if extra.backs_constraint || catalog.foreign_keys.iter().any(|key| key.referenced_index_oid == extra.oid) {
                continue;
            }
            let name = format!("{}.{}", extra.schema, extra.name);
            let sql_name = extra.sql_name();
            findings.push(RULE.db_finding(
                DbObject { kind: ObjectKind::Index, name: name.clone() },
                format!(
                    "index `{name}` on `{}` duplicates `{}` ({})",
                    catalog.table_name(extra.table_oid),
                    kept.name,
                    bytes(extra.size_bytes)
                ),
                "Every write maintains both indexes and both take memory; queries only need one.".to_owned(),
                format!("Keep `{}` and drop this one: `DROP INDEX CONCURRENTLY {sql_name};`", kept.name),
            ));
        }
    }
}
