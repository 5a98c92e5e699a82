//! `offset-pagination`: pages read with a run-time `skip`/`offset`.

use ceiling_facts::{Operation, Orm, Project};

use crate::tables::{is_lookup, table_queries, written_tables};
use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "offset-pagination",
    family: Family::Db,
    severity: Severity::Info,
    status: Status::Preview,
    summary: "A list is paged with `skip`/`offset`: page 1,000 reads and throws away 20,000 rows.",
    docs: Docs {
        what: "A read whose `skip`, `offset` or `.range(from, to)` start is computed at run time, \
on a table the app writes to: offset pagination driven by the request.",
        why: "`OFFSET n` makes PostgreSQL produce and discard n rows before the page: deep pages get \
linearly slower, and crawlers and infinite scrolls reach them. Rows inserted between two requests \
also shift pages, so users see duplicates or miss rows.",
        fix: "Keyset (cursor) pagination: remember the last row's sort key and ask for the rows after \
it, served by an index on the sort key. Prisma: `cursor: { id: lastId }, skip: 1, take: n`; \
Drizzle/Kysely/Knex: `where(gt(t.id, lastId)).orderBy(t.id).limit(n)`; supabase-js: \
`.gt('id', lastId).order('id').limit(n)`.",
        fires: "```ts\nawait prisma.post.findMany({ skip: (page - 1) * 20, take: 20 });\n```",
        passes: "```ts\nawait prisma.post.findMany({ cursor: { id: after }, skip: 1, take: 20 });\n```",
        guards: &[
            "Tables the project's config declares small (`small-tables` in `ceiling.toml`).",
            "A constant offset (`skip: 1` after a cursor) is not pagination, nor an offset only given when a caller asks (`skip: page ? (page - 1) * n : undefined`).",
            "The read is limited to a chunk of keys (`in`): a short list, paged or not.",
            "A query built partly elsewhere: its offset may be a cursor's.",
            "Lookup tables (filled by the migrations, never written by the app), tables the schema does not declare, tests and scripts.",
            "Reported as `info`: offset paging is fine for the first pages of a small list; it is a ceiling, not a bug.",
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
        if !shape.offset || shape.operation != Operation::ReadMany || is_lookup(found.table, &written) {
            continue;
        }
        // A chunk of keys is a short list, paged or not. One owner's rows are not: a survey's
        // responses or a team's events grow without bound.
        if shape.batched || shape.opaque {
            continue;
        }
        let keyset = match found.orm {
            Orm::Prisma => "`cursor: { id: lastId }, skip: 1, take: n`",
            Orm::Supabase => "`.gt('id', lastId).order('id').limit(n)`",
            _ => "a `where id > lastId` condition ordered by `id` with a limit",
        };
        findings.push(
            RULE.finding(
                project.file(found.file).path.clone(),
                found.query.span,
                format!(
                    "{} pages through `{}` with a run-time offset: each page reads and discards every row before it",
                    found.orm.display_name(),
                    found.table.name
                ),
                "An offset makes the database produce and throw away every row before the page: deep \
pages get linearly slower as the table grows."
                    .to_owned(),
                format!("Page by key instead of by offset: {keyset}, with an index on the key."),
            ),
        );
    }
}
