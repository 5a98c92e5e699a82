//! `unindexed-filter`: a query filters on columns that no index of the schema leads with.

use ceiling_facts::{Operation, Project};

use crate::tables::{column_list, fix_text, indexable_columns, is_lookup, suggest, table_queries, written_tables};
use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "unindexed-filter",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A query filters a table on columns that no index covers: a full scan of the table.",
    docs: Docs {
        what: "A read, count, update or delete whose `where` compares columns (`=`, `IN`, a range, a \
prefix) of which none is the leading column of an index in the app's schema: the primary key, a \
unique constraint, or an index declared in `schema.prisma`, a SQL migration, a Drizzle table, a \
TypeORM entity, a Sequelize or Mongoose model.",
        why: "Without an index PostgreSQL reads the whole table for every such query. At 5,000 rows \
that is a millisecond; at 500,000 it is a full scan per request, and a few concurrent requests \
saturate the disk and the connection pool.",
        fix: "Add an index whose leading columns are the filter's equality columns (then its range \
column): a Prisma `@@index([...])`, a Drizzle `index().on(...)`, or the migration \
`CREATE INDEX CONCURRENTLY IF NOT EXISTS ...` that the finding spells out. `ceiling scan \
--fix-indexes` writes that migration.",
        fires: "```prisma\nmodel Display {\n  id       String @id\n  surveyId String\n}\n```\n\n```ts\nawait prisma.display.count({ where: { surveyId } });\n```",
        passes: "```prisma\nmodel Display {\n  id       String @id\n  surveyId String\n  @@index([surveyId])\n}\n```",
        guards: &[
            "Tables the project's config declares small (`small-tables` in `ceiling.toml`).",
            "A query built partly elsewhere (`findMany(query)`, `where: buildWhere(id)`, `{ ...paginate() }`, an `OR` list from a variable, a builder stored and extended later (`let q = ...; q = q.eq(...)`), raw SQL): its conditions and limits are unknown, not absent, so nothing is said.",
            "A condition through a relation (`author: { email }`), which Prisma turns into a condition on the foreign key: the query is not judged by its other columns.",
            "Any compared column leads an index (a composite index serves its leading column only): one indexed equality already narrows the rows to scan.",
            "A filter column that the schema does not declare, or a schema the scan did not find: nothing is said rather than guessed.",
            "Conditions inside `OR`, `NOT`, unanchored patterns (`leading-wildcard` reports those) and conditions on related tables are not counted as filters an index could serve.",
            "Booleans and enums (`status`, `published`) are not proposed for an index alone: a handful of values splits the table into a few large parts, which a scan reads about as fast.",
            "Lookup tables: filled by `INSERT` statements in the migrations and never written by the app.",
            "A partial index counts as an index on its columns: whether the query's conditions imply its predicate is not judged.",
            "Only app code: tests, scripts, seeds and migrations are not judged.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let queries = table_queries(project);
    let written = written_tables(&queries);
    for found in &queries {
        let shape = &found.query.shape;
        if matches!(shape.operation, Operation::Create | Operation::Upsert | Operation::Raw) || shape.filters.is_empty()
        {
            continue;
        }
        if is_lookup(found.table, &written) {
            continue;
        }
        let Some(mut columns) = indexable_columns(found.table, found.query) else { continue };
        if columns.iter().any(|column| found.table.index_leading_with(&column.name).is_some()) {
            continue;
        }
        // A boolean or enum splits the table into a few large parts: an index on it alone rarely
        // beats a scan.
        columns.retain(|column| !column.enumerated);
        if columns.is_empty() {
            continue;
        }
        let names: Vec<String> = columns.iter().map(|column| column.name.clone()).collect();
        let index = suggest(found.table, &columns);
        let verb = match shape.operation {
            Operation::Count => "counts rows of",
            Operation::Update | Operation::Delete | Operation::BulkWrite => "changes rows of",
            _ => "reads",
        };
        let fix = fix_text(&index);
        findings.push(Finding {
            index: Some(index),
            ..RULE.finding(
                project.file(found.file).path.clone(),
                found.query.span,
                format!(
                    "{} {} `{}` filtered by {}, which no index covers",
                    found.orm.display_name(),
                    verb,
                    found.table.name,
                    column_list(&names)
                ),
                "Without an index on the filtered columns every such query reads the whole table: \
fine at 5,000 rows, a full scan per request at 500,000."
                    .to_owned(),
                fix,
            )
        });
    }
}
