//! `unindexed-sort`: a top-N query (`orderBy` with a limit) sorted on a column no index leads
//! with.

use ceiling_facts::{Operation, Project};

use crate::tables::{fix_text, indexable_columns, is_lookup, suggest, table_queries, written_tables};
use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "unindexed-sort",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A \"latest N\" query sorts the whole table because no index leads with its sort column.",
    docs: Docs {
        what: "A read with a limit (`take`, `limit`, `.range()`) and a sort (`orderBy`, `.order()`) \
on a column that no index of the schema leads with, and no filter an index could narrow first.",
        why: "With an index on the sort column, PostgreSQL reads the first N entries of the index and \
stops. Without one it reads every row, sorts them all, and keeps N: the \"recent posts\" widget \
that took 2 ms at launch takes a second at a million rows, on every page view.",
        fix: "Index the sort column (`@@index([createdAt])`, `index().on(t.createdAt)`, or the \
migration in the finding): PostgreSQL scans an index in either direction, so one index serves \
`asc` and `desc`.",
        fires: "```ts\nawait prisma.post.findMany({ orderBy: { createdAt: 'desc' }, take: 20 });\n```",
        passes: "```ts\nawait prisma.post.findMany({ orderBy: { id: 'desc' }, take: 20 });\n```",
        guards: &[
            "Tables the project's config declares small (`small-tables` in `ceiling.toml`).",
            "A query built partly elsewhere (`findMany(query)`, `where: buildWhere(id)`, `{ ...paginate() }`, an `OR` list from a variable, a builder stored and extended later (`let q = ...; q = q.eq(...)`), raw SQL): its conditions and limits are unknown, not absent, so nothing is said.",
            "The sort column leads an index (the primary key included).",
            "The query filters on columns: then the filter decides the plan, and `unindexed-filter` judges it.",
            "Sorts without a limit read every row anyway (`unbounded-read` judges those), sorts on relations or unknown columns, lookup tables, tests and scripts.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let queries = table_queries(project);
    let written = written_tables(&queries);
    for found in &queries {
        let (shape, table) = (&found.query.shape, found.table);
        if shape.operation != Operation::ReadMany || !shape.bounded || is_lookup(table, &written) {
            continue;
        }
        let Some(sort) = shape.sorts.first() else { continue };
        let Some(column) = table.column(sort) else { continue };
        if !indexable_columns(table, found.query).is_some_and(|columns| columns.is_empty())
            || table.index_leading_with(&column.name).is_some()
        {
            continue;
        }
        let index = suggest(table, &[column]);
        let fix = fix_text(&index);
        findings.push(Finding {
index: Some(index),
..RULE.finding(
    project.file(found.file).path.clone(),
    found.query.span,
    format!(
                "{} takes the first rows of `{}` sorted by {}, which no index leads with: the whole table is sorted",
                found.orm.display_name(),
                table.name,
                column.name
            ),
    "Without an index on the sort column, a query for the latest N rows reads and sorts \
every row of the table to keep N."
                .to_owned(),
    fix,
)
});
    }
}
