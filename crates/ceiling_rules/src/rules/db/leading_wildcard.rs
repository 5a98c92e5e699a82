//! `leading-wildcard`: a pattern match that is not anchored at the start, on a column with no
//! trigram or full-text index.

use ceiling_facts::{FilterOp, Project};

use crate::tables::{indexable_columns, is_lookup, quote, table_queries, written_tables};
use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "leading-wildcard",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A search matches `%term%` on a column: no B-tree index can serve it, every search scans the table.",
    docs: Docs {
        what: "A filter that matches a pattern not anchored at its start: Prisma `contains` and \
`endsWith` (with or without `mode: 'insensitive'`), `ilike(col, '%' + q + '%')` in Drizzle, \
`.ilike('col', `%${q}%`)` in supabase-js, `where('col', 'ilike', ...)` in Knex and Kysely, \
TypeORM `ILike('%x%')`, Sequelize `Op.substring`, a Mongo `$regex` without `^`, on a table whose \
schema has no GIN/GiST (trigram or full-text) index over that column.",
        why: "A B-tree index orders values by their first characters, so it cannot find `%term%`: \
PostgreSQL reads and compares every row. Search boxes run this on every keystroke; at 100,000 \
rows each search takes hundreds of milliseconds and a few users typing saturate the database.",
        fix: "For substring search, a trigram index: `CREATE EXTENSION IF NOT EXISTS pg_trgm;` then \
`CREATE INDEX CONCURRENTLY ... USING gin (col gin_trgm_ops)`, which serves `LIKE`/`ILIKE '%x%'` \
(Prisma: `@@index([col(ops: raw(\"gin_trgm_ops\"))], type: Gin)`). For word search, full-text \
search (`to_tsvector`, a GIN index, Prisma `search`). When users only need prefixes, \
`startsWith`/`'term%'` uses a B-tree index.",
        fires: "```ts\nawait prisma.post.findMany({ where: { title: { contains: q, mode: 'insensitive' } } });\n```",
        passes: "```ts\nawait prisma.post.findMany({ where: { title: { startsWith: q } } });\n```",
        guards: &[
            "Tables the project's config declares small (`small-tables` in `ceiling.toml`).",
            "A query built partly elsewhere (`findMany(query)`, `where: buildWhere(id)`, `{ ...paginate() }`, an `OR` list from a variable, a builder stored and extended later (`let q = ...; q = q.eq(...)`), raw SQL): its conditions and limits are unknown, not absent, so nothing is said.",
            "A condition through a relation (`author: { email }`), which Prisma turns into a condition on the foreign key: the query is not judged by its other columns.",
            "A GIN or GiST trigram index over the column (`gin_trgm_ops`, `gist_trgm_ops`) serves the pattern; a full-text index does not serve `LIKE`, so it does not count.",
            "The query also compares an indexed column for equality (`teamId`): the index narrows the rows, the pattern only filters those.",
            "Prefix patterns (`startsWith`, `'term%'`, `^` regexes) can use a B-tree index and are not reported.",
            "Lookup tables (filled by the migrations, never written by the app), tables the schema does not declare, tests and scripts.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let queries = table_queries(project);
    let written = written_tables(&queries);
    for found in &queries {
        let table = found.table;
        if is_lookup(table, &written) {
            continue;
        }
        // An indexed equality narrows the rows before the pattern is tried; a filter that cannot
        // be read may narrow them too.
        let narrowed = indexable_columns(table, found.query)
            .is_none_or(|columns| columns.iter().any(|column| table.index_leading_with(&column.name).is_some()));
        if narrowed {
            continue;
        }
        let mut columns: Vec<&str> = Vec::new();
        for filter in found.query.shape.filters.iter().filter(|filter| filter.op == FilterOp::Unanchored) {
            let Some(column) = table.column(&filter.column) else { continue };
            if table.pattern_index_on(&column.name).is_none() && !columns.contains(&column.name.as_str()) {
                columns.push(&column.name);
            }
        }
        let Some(first) = columns.first() else { continue };
        let listed = columns.iter().map(|column| format!("`{column}`")).collect::<Vec<_>>().join(", ");
        findings.push(RULE.finding(
    project.file(found.file).path.clone(),
    found.query.span,
    format!(
                "{} searches `{}` for a pattern with a leading wildcard on {listed}, which no index can serve",
                found.orm.display_name(),
                table.name
            ),
    "A B-tree index cannot find `%term%`: every search reads and compares every row of \
the table."
                .to_owned(),
    format!(
                "Add a trigram index: `CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE INDEX CONCURRENTLY IF NOT EXISTS {} ON {} USING gin ({} gin_trgm_ops);`, or use full-text search; if a prefix match is enough, use `startsWith` / `'term%'`.",
                quote(&format!("{}_{first}_trgm_idx", table.name)),
                quote(&table.name),
                quote(first)
            ),
));
    }
}
