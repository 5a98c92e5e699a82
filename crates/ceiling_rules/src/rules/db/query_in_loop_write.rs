//! `query-in-loop-write`: a single-row write executed once per element where a bulk form exists.

use ceiling_facts::{Operation, Orm, Project, ReachKind};

use crate::loops::{Handful, finding, per_element_queries, with_article};
use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "query-in-loop-write",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A single-row create, update, upsert or delete runs once per element of a list.",
    docs: Docs {
        what: "A write of one row (`create`, `insert` of one object, `update`, `upsert`, `delete`) \
executed once for every element of a collection, directly in a loop or through helpers, where the \
ORM has a bulk form.",
        why: "Every element costs a round trip, a transaction and index maintenance on its own: an \
import of 10,000 rows becomes 10,000 statements, holds a connection for the whole loop, and fails \
half-way with no way to retry cleanly.",
        fix: "Build the rows in the loop and write them once: `createMany`, `insert(t).values(rows)`, \
`.insert(rows)`, `bulkCreate`, `insertMany`, `repository.insert(rows)`, one multi-row `INSERT`; \
`updateMany`/`deleteMany` with an `in` filter for the same change on many rows; for per-row \
values, one `UPDATE ... FROM (VALUES ...)` statement or at least one transaction around the loop.",
        fires: "```ts\nfor (const row of rows) {\n  await prisma.contact.create({ data: row });\n}\n```",
        passes: "```ts\nawait prisma.contact.createMany({ data: rows });\n```",
        guards: &[
            "The loop runs over a literal collection, or at most 50 elements: a counted loop or `Array.from({ length: N })` with a constant bound, or the result of a query with a literal limit (`take: 30`): a batch job's bounded work.",
            "The loop runs over a parameter and every caller passes a short array literal.",
            "The loop body ends in an unconditional `return`, `break` or `throw`.",
            "The write already takes many rows (`createMany`, an array of rows, a multi-row `INSERT`), or its rows are not visibly one object.",
            "The per-element queries form one batched transaction: `prisma.$transaction(xs.map((x) => prisma.t.update(...)))`, or promises pushed onto an array handed to `$transaction(ops)`.",
            "The query (or the call that reaches it) sits in a `catch` block: a fallback that runs only when something failed.",
            "The write filters on a run-time set (`in`, `inArray`, `whereIn`): one statement per chunk.",
            "In the helper called from the loop, a query under a condition on one of its parameters that the call rules out: `if (!claim) { ...query }` when the loop passes `claim`, `if (options.userId)` when it passes no `userId`.",
            "Test files are not scanned; seeds and scripts are reported as `info`.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

/// A job that writes back the at most 50 rows it picked (`take: 50`) is bounded work per run.
const HANDFUL: Handful = Handful(50);

const WHY: &str = "Each element costs its own round trip, transaction and index update: an \
import of 10,000 rows becomes 10,000 statements holding a connection for the whole loop.";

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for found in per_element_queries(project, ReachKind::Write, HANDFUL, |query| !query.shape.batched) {
        let file = project.file(found.file);
        let iteration = &file.iterations[found.loop_id as usize];
        let line = iteration.span.line;
        let verb = match found.operation {
            Operation::Create => "insert",
            Operation::Update => "update",
            Operation::Upsert => "upsert",
            _ => "delete",
        };
        let message = match &found.helper {
            None => format!(
                "{} {} ({verb}) runs once per element of the loop at line {line}",
                found.orm.display_name(),
                found.query
            ),
            Some(helper) => format!(
                "`{helper}()` runs {} {verb} ({}) once per element of the loop at line {line}",
                with_article(found.orm.display_name()),
                found.query
            ),
        };
        let fix = fix(found.orm, found.operation);
        findings.push(finding(&RULE, project, found, message, WHY, fix));
    }
}

fn fix(orm: Orm, operation: Operation) -> String {
    let bulk = match (orm, operation) {
        (Orm::Prisma, Operation::Create) => "collect the rows and call `createMany({ data: rows })` once",
        (Orm::Prisma, Operation::Delete) => "call `deleteMany({ where: { id: { in: ids } } })` once",
        (Orm::Prisma, _) => {
            "use `updateMany({ where: { id: { in: ids } }, data })` for a shared change, or wrap the per-row updates in one `$transaction([...])`"
        }
        (Orm::Drizzle, Operation::Create | Operation::Upsert) => {
            "collect the rows and call `db.insert(table).values(rows)` once (with `onConflictDoUpdate` for upserts)"
        }
        (Orm::Drizzle, _) => {
            "use one statement with `where(inArray(table.id, ids))`, or one `db.transaction()` around the loop"
        }
        (Orm::Supabase, Operation::Create | Operation::Upsert) => {
            "collect the rows and call `.insert(rows)` / `.upsert(rows)` once"
        }
        (Orm::Supabase, _) => "use one statement filtered with `.in('id', ids)`, or an RPC that updates the set",
        (Orm::TypeOrm, _) => {
            "collect the entities and call `repository.insert(rows)` / `save(rows)` once, or use the query builder with `In(ids)`"
        }
        (Orm::Sequelize, Operation::Create) => "collect the rows and call `Model.bulkCreate(rows)` once",
        (Orm::Sequelize, _) => {
            "use one `Model.update(values, { where: { id: ids } })` / `destroy`, or `bulkCreate(rows, { updateOnDuplicate })`"
        }
        (Orm::Mongoose, Operation::Create) => "collect the documents and call `Model.insertMany(docs)` once",
        (Orm::Mongoose, _) => "send the changes in one `Model.bulkWrite(ops)` call",
        (Orm::Kysely, Operation::Create | Operation::Upsert) => {
            "collect the rows and call `db.insertInto(table).values(rows)` once"
        }
        (Orm::Kysely, _) => "use one statement with `.where('id', 'in', ids)`, or one transaction around the loop",
        (Orm::Objection, Operation::Create) => {
            "collect the rows and insert them once with `Model.query().insert(rows)` (PostgreSQL) or `insertGraph`"
        }
        (Orm::Objection, _) => {
            "use one `Model.query().patch(values).whereIn('id', ids)` / `delete().whereIn(...)`, or one transaction around the loop"
        }
        (Orm::Knex, _) => {
            "collect the rows and call `knex(table).insert(rows)` once, or use one statement with `whereIn`"
        }
        (Orm::Django, Operation::Create) => "collect the instances and call `Model.objects.bulk_create(objs)` once",
        (Orm::Django, _) => {
            "use one `Model.objects.filter(id__in=ids).update(...)` / `.delete()`, or `bulk_update(objs, fields)`"
        }
        (Orm::SqlAlchemy, Operation::Create) => {
            "collect the objects and call `session.add_all(objs)` once, or one `session.execute(insert(Model), rows)`"
        }
        (Orm::SqlAlchemy, _) => {
            "use one `session.execute(update(Model).where(Model.id.in_(ids)).values(...))` / `delete(...)`, or `session.execute(update(Model), rows)` for per-row values"
        }
        (Orm::Sql, _) => {
            "write all rows in one statement: a multi-row `INSERT ... VALUES (...), (...)`, `INSERT ... SELECT * FROM unnest($1::int[], ...)`, or `UPDATE ... FROM (VALUES ...)`"
        }
    };
    format!("Write once instead of once per element: {bulk}.")
}
