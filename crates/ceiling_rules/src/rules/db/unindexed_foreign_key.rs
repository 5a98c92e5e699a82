//! `unindexed-foreign-key`: a foreign key whose columns lead no index.

use ceiling_facts::{FilterOp, Operation, Project};
use rustc_hash::FxHashSet;

use crate::tables::{column_list, fix_text, span_of, suggest, table_queries};
use crate::{Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "unindexed-foreign-key",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A foreign key (or Prisma relation scalar) has no index: joins, includes and cascades scan the table.",
    docs: Docs {
        what: "A foreign key, declared in SQL (`REFERENCES`, `FOREIGN KEY`), by a Prisma relation \
(`@relation(fields: [authorId], ...)`), a Drizzle `.references()` or a TypeORM `@ManyToOne`, \
whose columns are not the leading columns of any index, primary key or unique constraint. A \
partial index does not count: joins and cascades see every row, not only those its predicate \
keeps.",
        why: "PostgreSQL indexes the referenced key, never the referencing columns. Every \
`include`/join from the parent, every \"posts of this author\" query, and every delete of a \
parent (which checks or cascades to the children) scans the whole child table. Under Prisma's \
`relationMode = \"prisma\"` there is no constraint at all, and the same need for the index.",
        fix: "Index the foreign key's columns: `@@index([authorId])` in the Prisma model, \
`index().on(t.authorId)` in the Drizzle table, or the `CREATE INDEX CONCURRENTLY IF NOT EXISTS` \
migration in the finding. `ceiling scan --fix-indexes` writes it.",
        fires: "```prisma\nmodel Post {\n  id       String @id\n  authorId String\n  author   User   @relation(fields: [authorId], references: [id])\n}\n```",
        passes: "```prisma\nmodel Post {\n  id       String @id\n  authorId String\n  author   User   @relation(fields: [authorId], references: [id])\n  @@index([authorId])\n}\n```",
        guards: &[
            "An index, primary key or unique constraint whose leading columns are the key's columns, in any order, serves it: a composite primary key `(postId, tagId)` covers `postId`, a one-to-one relation's `@unique` covers its scalar.",
            "Reported as `warning` when the app's queries filter on the key, `info` when nothing in the code reads by it yet.",
        ],
    },
    check,
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let queries = table_queries(project);
    // Keys the app filters on: (table, column).
    let filtered: FxHashSet<(&str, &str)> = queries
        .iter()
        .filter(|found| {
            !matches!(found.query.shape.operation, Operation::Create | Operation::Upsert | Operation::BulkWrite)
        })
        .flat_map(|found| {
            found.query.shape.filters.iter().filter(|filter| filter.op != FilterOp::Relation).filter_map(|filter| {
                found.table.column(&filter.column).map(|column| (found.table.name.as_str(), column.name.as_str()))
            })
        })
        .collect();
    for table in &project.schema.tables {
        for key in &table.foreign_keys {
            if key.columns.is_empty() || table.index_starting_with(&key.columns).is_some() {
                continue;
            }
            let columns: Vec<_> = key.columns.iter().filter_map(|name| table.column(name)).collect();
            if columns.len() != key.columns.len() {
                continue;
            }
            let index = suggest(table, &columns);
            let used = key.columns.iter().any(|column| filtered.contains(&(table.name.as_str(), column.as_str())));
            findings.push(Finding {
                rule: RULE.id,
                family: RULE.family,
                severity: if used { Severity::Warning } else { Severity::Info },
                file: key.origin.file.clone(),
                span: span_of(&key.origin),
                message: format!(
                    "foreign key `{}`.{} → `{}` has no index{}",
                    table.name,
                    column_list(&key.columns),
                    key.references_table,
                    if used { ", and the app filters by it" } else { "" }
                ),
                chain: Vec::new(),
                why: "PostgreSQL does not index the referencing side of a foreign key: every join or \
include from the parent and every delete of a parent scans this whole table."
                    .to_owned(),
                fix: fix_text(&index),
                index: Some(index),
            });
        }
    }
}
