//! Facts extracted from small sources: the frontend's contract with the project model.

use ceiling_facts::{ImportedName, IterationKind, Operation, Over, QueryApi, Value};

use crate::{Skip, extract};

fn import(module: &str, name: &str) -> Value {
    Value::Import { module: module.to_owned(), name: ImportedName::Named(name.to_owned()) }
}

#[test]
fn an_imported_client_stays_symbolic() {
    let facts = extract(
        "route.ts",
        "import { prisma } from '@/lib/db';\nexport async function GET(posts) {\n  for (const p of posts) {\n    await prisma.user.findUnique({ where: { id: p.authorId } });\n  }\n}\n",
    )
    .unwrap();
    assert_eq!(facts.queries.len(), 1);
    let query = &facts.queries[0];
    assert_eq!(query.receiver, import("@/lib/db", "prisma"));
    assert_eq!(
        (query.shape.api, query.shape.operation, query.shape.method.as_str()),
        (QueryApi::PrismaDelegate, Operation::ReadOne, "findUnique")
    );
    assert_eq!(query.shape.model.as_deref(), Some("user"));
    assert_eq!(query.shape.filters, ["id"]);
    assert_eq!(query.span.line, 4);
    let iteration = &facts.iterations[query.iteration.unwrap() as usize];
    assert_eq!((iteration.kind, iteration.over), (IterationKind::ForOf, Over::Parameter { func: 0, index: 0 }));
    assert_eq!(facts.exports[0].name, "GET");
}

#[test]
fn a_local_client_resolves_to_its_constructor() {
    let facts = extract(
        "db.ts",
        "import { PrismaClient } from '@prisma/client';\nconst g = globalThis as any;\nexport const db = g.prisma ?? new PrismaClient();\n",
    )
    .unwrap();
    assert_eq!(facts.exports[0].name, "db");
    assert_eq!(facts.exports[0].value, Value::Instance(Box::new(import("@prisma/client", "PrismaClient"))));
}

#[test]
fn loops_say_what_they_run_over() {
    let facts = extract(
        "loops.ts",
        "const ROLES = ['admin', 'user'] as const;\nconst LIMIT = 3;\nasync function f(queue, items, cursor) {\n  for (const r of ROLES) {}\n  for (const x of ['a', 'b', 'c']) {}\n  for (let i = 0; i < LIMIT; i++) {}\n  for (let i = 0; i < items.length; i++) { use(items[i]) }\n  for (let attempt = 0; attempt < max; attempt++) { retry() }\n  while (cursor) { cursor = null }\n  while (queue.length) { queue.shift() }\n  items.map((x) => x);\n  Object.keys({ a: 1, b: 2 }).forEach((k) => k);\n}\n",
    )
    .unwrap();
    let over: Vec<Over> = facts.iterations.iter().map(|i| i.over).collect();
    assert_eq!(
        over,
        [
            Over::Literal(2),
            Over::Literal(3),
            Over::Range(3),
            Over::Collection,
            Over::Condition,
            Over::Condition,
            Over::Collection,
            Over::Parameter { func: 0, index: 1 },
            Over::Literal(2)
        ]
    );
}

#[test]
fn loop_bodies_that_run_once_or_retry() {
    let facts = extract(
        "bodies.ts",
        "async function f(xs, q) {\n  for (const x of xs) { await q(x); return x }\n  for (const x of xs) { if (x) continue; return x }\n  for (let a = 0; a < n; a++) { try { return await q() } catch {} }\n  for (const x of xs) { await q(x); await sleep(100) }\n}\n",
    )
    .unwrap();
    let flags: Vec<(bool, bool)> = facts.iterations.iter().map(|i| (i.exits_first, i.retries)).collect();
    assert_eq!(flags, [(true, false), (false, false), (false, true), (false, false)]);
}

#[test]
fn a_transaction_callback_parameter_is_the_client() {
    let facts = extract(
        "tx.ts",
        "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nprisma.$transaction(async (tx) => tx.user.findMany());\n",
    )
    .unwrap();
    let query = facts.queries.iter().find(|q| q.shape.method == "findMany").unwrap();
    assert_eq!(query.receiver, Value::Instance(Box::new(import("@prisma/client", "PrismaClient"))));
    let callback = &facts.functions[query.func.unwrap() as usize];
    assert!(callback.inline, "a callback runs as part of its caller");
}

#[test]
fn a_callback_in_a_loop_inherits_the_loop() {
    let facts = extract(
        "cb.ts",
        "export async function f(posts, getAuthor) {\n  await Promise.all(posts.map(async (post) => getAuthor(post.authorId)));\n}\n",
    )
    .unwrap();
    let call =
        facts.calls.iter().find(|c| matches!(&c.callee, Value::Param { name, .. } if name == "getAuthor")).unwrap();
    let iteration = &facts.iterations[call.iteration.unwrap() as usize];
    assert_eq!(iteration.kind, IterationKind::ArrayCallback);
}

#[test]
fn a_function_declared_in_a_loop_is_not_run_by_it() {
    let facts = extract(
        "decl.ts",
        "import { db } from './db';\nexport function f(xs) {\n  for (const x of xs) {\n    const load = () => db.user.findMany();\n    cache.set(x, load);\n  }\n}\n",
    )
    .unwrap();
    assert_eq!(facts.queries.len(), 1);
    assert_eq!(facts.queries[0].iteration, None, "the arrow is assigned, not called, in the loop");
}

#[test]
fn syntax_errors_are_reported() {
    assert!(matches!(extract("x.ts", "const = ;"), Err(Skip::Parse(_))));
    let deep = format!("const x = {}1{};", "(".repeat(2_000), ")".repeat(2_000));
    assert_eq!(extract("deep.ts", &deep).unwrap_err(), Skip::TooDeep);
}

#[test]
fn sql_text_decides_read_or_write() {
    let facts = extract(
        "sql.ts",
        "import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function f(ids) {\n  await pool.query('SELECT * FROM users WHERE id = ANY($1)', [ids]);\n  await pool.query(`insert into logs (msg) values ($1)`, ['x']);\n}\n",
    )
    .unwrap();
    let shapes: Vec<(Operation, bool, Option<&str>)> =
        facts.queries.iter().map(|q| (q.shape.operation, q.shape.batched, q.shape.model.as_deref())).collect();
    assert_eq!(shapes, [(Operation::ReadMany, true, Some("users")), (Operation::Create, false, Some("logs"))]);
}

#[test]
fn capped_and_counted_collections() {
    let facts = extract(
        "capped.ts",
        "import { prisma } from './db';\nconst COUNT = 20;\nexport async function f(limit) {\n  const top = await prisma.user.findMany({ take: 5 });\n  for (const u of top) {}\n  const page = await prisma.user.findMany({ take: limit });\n  for (const u of page) {}\n  for (const r of Array.from({ length: COUNT })) {}\n  const { data } = await supabase.from('t').select().limit(3);\n  (data ?? []).map((row) => row);\n}\n",
    )
    .unwrap();
    let over: Vec<Over> = facts.iterations.iter().map(|i| i.over).collect();
    assert_eq!(over, [Over::Limited(5), Over::Collection, Over::Range(20), Over::Limited(3)]);
}
