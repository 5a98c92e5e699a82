//! `unindexed-foreign-key`: a foreign key whose columns lead no index.

use ceiling_facts::{Operation, Project};
use rustc_hash::FxHashSet;

use ceiling_facts::catalog::Catalog;

use crate::tables::{column_list, fix_text, indexable_columns, span_of, suggest, suggest_live, table_queries};
use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

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
            "Tables the project's config declares small (`small-tables` in `ceiling.toml`).",
            "An index, primary key or unique constraint whose leading columns are the key's columns, in any order, serves it: a composite primary key `(postId, tagId)` covers `postId`, a one-to-one relation's `@unique` covers its scalar.",
            "Audit stamps (`createdBy`, `updated_by`, `creatorId`, `deletedBy`) that no query filters on: written once, looked up only when a user is deleted.",
            "Tables the app's code never reads, writes or loads as a relation, and whose parents it never deletes (legacy tables, tables moved out of use, seed-only data): their keys cost nothing today.",
            "Reported as `warning` when a query of the app filters on the key with no index serving it, `info` otherwise (joins, includes and cascades still scan).",
            "In a live database (`ceiling db`): only valid btree indexes count, in any column order (a composite primary key covers its leading column, unlike splinter before its fix of issue #90); a partial index counts only when its predicate is `key IS NOT NULL`; partitions are reported through their parent; extension-owned tables are skipped; `warning` from 10,000 estimated rows, `info` below.",
        ],
    },
    splinter: Some("0001_unindexed_foreign_keys"),
    check: Check::Both { code: check, database: check_database },
};

/// Child tables of this many estimated rows or more make the finding a warning in a live database.
const LARGE_TABLE_ROWS: f64 = 10_000.0;

/// The live database's foreign keys, against its real indexes.
fn check_database(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for key in &catalog.foreign_keys {
        let Some(table) = catalog.table(key.table_oid) else { continue };
        // A partition repeats its parent's key and index: the parent is reported once. Objects of an
        // extension are not the app's to change.
        if table.is_partition || table.managed || key.columns.is_empty() {
            continue;
        }
        if catalog.indexes_of(table.oid).any(|index| catalog.serves_key(index, &key.columns)) {
            continue;
        }
        let columns = catalog.column_names(table.oid, &key.columns);
        let large = table.estimated_rows >= LARGE_TABLE_ROWS;
        let index = suggest_live(&table.schema, &table.name, &columns);
        let fix = format!("Create the index without locking writes: `{}`", index.sql);
        findings.push(Finding {
            severity: if large { Severity::Warning } else { Severity::Info },
            index: Some(index),
            ..RULE.db_finding(
                DbObject { kind: ObjectKind::Constraint, name: format!("{}: {}", table.qualified(), key.name) },
                format!(
                    "foreign key `{}` of `{}`.{} → `{}` has no index ({} rows estimated)",
                    key.name,
                    table.qualified(),
                    column_list(&columns),
                    catalog.table_name(key.referenced_oid),
                    table.estimated_rows.max(0.0) as i64,
                ),
                "PostgreSQL does not index the referencing side of a foreign key: every join from the \
parent and every delete or key update of a parent scans this whole table, under a lock."
                    .to_owned(),
                fix,
            )
        });
    }
}

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let queries = table_queries(project);
    // Tables the app's code reads or writes, directly or as a relation it loads (`include: {
    // photos: true }`): a key of a table nothing touches (legacy, moved away, seed-only) costs
    // nothing today.
    let mut used: FxHashSet<String> = queries.iter().map(|found| stem(&found.table.name)).collect();
    for (_, facts) in project.files() {
        for query in &facts.queries {
            used.extend(query.shape.includes.iter().map(|relation| stem(relation)));
        }
    }
    // Deleting a parent row makes PostgreSQL look up its children by the key, cascade or not.
    let deleted: FxHashSet<String> = queries
        .iter()
        .filter(|found| matches!(found.query.shape.operation, Operation::Delete | Operation::BulkWrite))
        .map(|found| stem(&found.table.name))
        .collect();
    let is_used = |table: &ceiling_facts::Table| {
        used.contains(&stem(&table.name))
            || table.bindings.iter().any(|b| used.contains(&stem(b)))
            || table.foreign_keys.iter().any(|key| deleted.contains(&stem(&key.references_table)))
    };
    // Keys the app filters on where no index serves the query: (table, column).
    let filtered: FxHashSet<(&str, &str)> = queries
        .iter()
        .filter(|found| {
            !matches!(found.query.shape.operation, Operation::Create | Operation::Upsert | Operation::BulkWrite)
        })
        .filter_map(|found| Some((found, indexable_columns(found.table, found.query)?)))
        .filter(|(found, columns)| columns.iter().all(|column| found.table.index_leading_with(&column.name).is_none()))
        .flat_map(|(found, columns)| {
            columns.into_iter().map(move |column| (found.table.name.as_str(), column.name.as_str()))
        })
        .collect();
    // A table the config declares small is scanned in microseconds, index or not.
    for table in project.schema.tables.iter().filter(|table| is_used(table) && !table.small) {
        for key in &table.foreign_keys {
            if key.columns.is_empty() || table.index_starting_with(&key.columns).is_some() {
                continue;
            }
            let columns: Vec<_> = key.columns.iter().filter_map(|name| table.column(name)).collect();
            if columns.len() != key.columns.len() {
                continue;
            }
            let used = key.columns.iter().any(|column| filtered.contains(&(table.name.as_str(), column.as_str())));
            // `createdBy`, `updated_by`: who made a row, written once and read by no query; only a
            // user's deletion looks the rows up by it.
            if !used && key.columns.iter().all(|column| is_audit_stamp(column)) {
                continue;
            }
            let index = suggest(table, &columns);
            let fix = fix_text(&index);
            findings.push(Finding {
                severity: if used { Severity::Warning } else { Severity::Info },
                index: Some(index),
                ..RULE.finding(
                    key.origin.file.clone(),
                    span_of(&key.origin),
                    format!(
                        "foreign key `{}`.{} → `{}` has no index{}",
                        table.name,
                        column_list(&key.columns),
                        key.references_table,
                        if used { ", and the app filters by it" } else { "" }
                    ),
                    "PostgreSQL does not index the referencing side of a foreign key: every join or \
include from the parent and every delete of a parent scans this whole table."
                        .to_owned(),
                    fix,
                )
            });
        }
    }
}

/// A table or relation name compared loosely: `Photo`, `photos` and `photo` are one.
fn stem(name: &str) -> String {
    let lower = name.to_ascii_lowercase().replace('_', "");
    lower.strip_suffix('s').map_or(lower.clone(), str::to_owned)
}

/// A column that records who made or changed a row: `createdBy`, `created_by_id`, `creatorId`.
fn is_audit_stamp(column: &str) -> bool {
    let column = column.to_ascii_lowercase().replace('_', "");
    ["createdby", "updatedby", "deletedby", "modifiedby", "creator", "lasteditedby", "archivedby"]
        .iter()
        .any(|stamp| column.starts_with(stamp))
}
