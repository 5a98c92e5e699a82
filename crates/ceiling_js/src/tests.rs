//! Facts extracted from small sources: the frontend's contract with the project model.

use ceiling_facts::{Filter, FilterOp, ImportedName, IterationKind, Operation, Over, QueryApi, Value};

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
    assert_eq!(query.shape.filters, [Filter::new("id", FilterOp::Equals)]);
    assert_eq!(query.span.line, 4);
    let iteration = &facts.iterations[query.iteration.unwrap() as usize];
    assert_eq!((iteration.kind, iteration.over), (IterationKind::ForOf, Over::Parameter { func: 0, index: 0 }));
    assert_eq!(facts.exports[0].name, "GET");
}

#[test]
fn drizzle_table_declarations_are_not_knex_queries() {
    let facts = extract(
        "schema.ts",
        "import { pgTable, serial, text } from 'drizzle-orm/pg-core';\nimport knex from 'knex';\n\
         export const users = pgTable('users', {\n  id: serial('id').primaryKey(),\n  name: text('name').notNull(),\n});\n\
         const db = knex({});\nexport const rows = () => db('users').where({ name: 'a' });\n",
    )
    .unwrap();
    let queries: Vec<(u32, QueryApi)> = facts.queries.iter().map(|q| (q.span.line, q.shape.api)).collect();
    // Only the Knex query of line 8; not the table and column builders of lines 3 to 5.
    assert_eq!(queries, [(8, QueryApi::KnexBuilder)]);
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

/// `(column, op, alternative)` of each filter of the file's first query shape (the receiver decides
/// later between ORMs that share a syntax), and whether it pages by offset.
fn filters_of(path: &str, source: &str) -> (Vec<(String, FilterOp, bool)>, bool) {
    let facts = extract(path, source).unwrap();
    assert!(!facts.queries.is_empty());
    let shape = &facts.queries[0].shape;
    (shape.filters.iter().map(|f| (f.column.clone(), f.op, f.alternative)).collect(), shape.offset)
}

fn filter(column: &str, op: FilterOp, alternative: bool) -> (String, FilterOp, bool) {
    (column.to_owned(), op, alternative)
}

#[test]
fn prisma_filters_say_how_each_column_is_compared() {
    let (filters, offset) = filters_of(
        "a.ts",
        "export const f = (db, q, page) => db.post.findMany({ skip: (page - 1) * 20, where: { authorId: 1, deletedAt: null,\n  createdAt: { gte: a, lt: b }, title: { contains: q, mode: 'insensitive' }, slug: { startsWith: q },\n  author: { email: q }, tags: { some: { name: q } }, status: { not: 'x' },\n  OR: [{ name: { endsWith: q } }, { id: { in: ids } }] } });",
    );
    use FilterOp::*;
    assert_eq!(
        filters,
        [
            filter("authorId", Equals, false),
            filter("deletedAt", Equals, false),
            filter("createdAt", Range, false),
            filter("title", Unanchored, false),
            filter("slug", Prefix, false),
            filter("author", Relation, false),
            filter("tags", Relation, false),
            filter("status", Other, false),
            filter("name", Unanchored, true),
            filter("id", In, true),
        ]
    );
    assert!(offset);
}

#[test]
fn a_constant_skip_is_no_offset_pagination() {
    let (_, offset) = filters_of("a.ts", "export const f = (db) => db.post.findMany({ skip: 1, take: 10 });");
    assert!(!offset);
}

#[test]
fn supabase_drizzle_and_knex_patterns() {
    use FilterOp::*;
    let (filters, offset) = filters_of(
        "a.ts",
        "export const f = (supabase, q, from) => supabase.from('posts').select('*').eq('team_id', t).ilike('title', `%${q}%`).like('slug', 'abc%').range(from, from + 9);",
    );
    assert_eq!(
        filters,
        [filter("team_id", Equals, false), filter("title", Unanchored, false), filter("slug", Prefix, false)]
    );
    assert!(offset);
    let (filters, _) = filters_of(
        "a.ts",
        "import { and, or, eq, ilike } from 'drizzle-orm';\nexport const f = (db, q) => db.select().from(posts).where(and(eq(posts.teamId, t), or(ilike(posts.title, '%' + q), eq(posts.id, 1))));",
    );
    assert_eq!(
        filters,
        [filter("teamId", Equals, false), filter("title", Unanchored, true), filter("id", Equals, true)]
    );
    let (filters, _) = filters_of(
        "a.ts",
        "export const f = (knex, q) => knex('posts').where('team_id', t).where('title', 'ilike', `%${q}%`).orWhere({ slug: q });",
    );
    assert_eq!(
        filters,
        [filter("team_id", Equals, false), filter("title", Unanchored, false), filter("slug", Equals, true)]
    );
}

#[test]
fn drizzle_relational_where_callbacks_are_read() {
    let (filters, _) = filters_of(
        "a.ts",
        "export const f = (db, id) => db.query.posts.findMany({ where: (posts, { eq }) => eq(posts.authorId, id) });",
    );
    assert_eq!(filters, [filter("authorId", FilterOp::Equals, false)]);
}

#[test]
fn http_requests_with_their_target_and_timeout() {
    let facts = extract(
        "api.ts",
        "import axios from 'axios';\nimport ky from 'ky';\nconst BASE = 'https://api.github.com';\nexport async function f(id, init) {\n  await fetch(`https://api.openai.com/v1/chat`, { method: 'POST' });\n  await fetch(`${BASE}/repos/${id}`);\n  await fetch('/api/me');\n  await fetch(process.env.API_URL + '/x');\n  await fetch('https://api.stripe.com/v1', { signal: AbortSignal.timeout(5000) });\n  await fetch('https://api.stripe.com/v1', init);\n  await axios.post('https://hooks.slack.com/x', { text: id });\n  await axios({ url: 'https://api.x.com/2', method: 'get', timeout: 3000 });\n  await ky.get('https://api.example.com');\n}\n",
    )
    .unwrap();
    let seen: Vec<(&str, String, bool)> = facts
        .requests
        .iter()
        .map(|r| {
            let target = match &r.target {
                ceiling_facts::Target::Host(host) => host.clone(),
                ceiling_facts::Target::SameOrigin => "/".to_owned(),
                ceiling_facts::Target::Unknown => "?".to_owned(),
            };
            (r.client.as_str(), target, r.timeout)
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("fetch", "api.openai.com".to_owned(), false),
            ("fetch", "api.github.com".to_owned(), false),
            ("fetch", "/".to_owned(), false),
            ("fetch", "?".to_owned(), false),
            ("fetch", "api.stripe.com".to_owned(), true),
            ("fetch", "api.stripe.com".to_owned(), true),
            ("axios", "hooks.slack.com".to_owned(), false),
            ("axios", "api.x.com".to_owned(), true),
            ("ky", "api.example.com".to_owned(), true),
        ]
    );
    assert!(facts.requests.last().unwrap().retries_itself, "ky retries 429s with Retry-After");
}

#[test]
fn a_local_fetch_binding_is_not_the_global() {
    let facts = extract("f.ts", "export function f(fetch) {\n  return fetch('https://api.example.com');\n}\n").unwrap();
    assert!(facts.requests.is_empty());
}

#[test]
fn callbacks_run_concurrently_when_their_promises_are_joined() {
    let facts = extract(
        "fan.ts",
        "export async function f(xs, send) {\n  await Promise.all(xs.map(async (x) => send(x)));\n  const jobs = xs.map((x) => send(x));\n  await Promise.allSettled(jobs);\n  xs.forEach(async (x) => { await send(x) });\n  xs.forEach((x) => send(x));\n  const names = xs.map((x) => x.name);\n}\n",
    )
    .unwrap();
    let concurrent: Vec<bool> = facts.iterations.iter().map(|i| i.concurrent).collect();
    assert_eq!(concurrent, [true, true, true, false, false]);
}

#[test]
fn how_retry_loops_wait() {
    use ceiling_facts::RetryWait;
    let facts = extract(
        "retry.ts",
        "async function f(q) {\n  for (let a = 0; a < 3; a++) { try { return await q() } catch {} }\n  for (let a = 0; a < 3; a++) { try { return await q() } catch { await sleep(1000) } }\n  for (let a = 0; a < 3; a++) { try { return await q() } catch { await new Promise((r) => setTimeout(r, RETRY_MS)) } }\n  for (let a = 0; a < 3; a++) { try { return await q() } catch { await sleep(2 ** a * 100) } }\n  for (const x of q) { await x }\n}\n",
    )
    .unwrap();
    let waits: Vec<Option<RetryWait>> = facts.iterations.iter().map(|i| i.wait).collect();
    assert_eq!(
        waits,
        [
            Some(RetryWait::Immediate),
            Some(RetryWait::Constant),
            Some(RetryWait::Constant),
            Some(RetryWait::Computed),
            None
        ]
    );
}

#[test]
fn constructions_kept_for_the_process_or_made_per_call() {
    let facts = extract(
        "db.ts",
        "import { Pool } from 'pg';\nimport { PrismaClient } from '@prisma/client';\nimport { cache } from 'react';\nlet pool;\nexport function getPool() { if (!pool) pool = new Pool(); return pool }\nexport function handler() { const prisma = new PrismaClient(); return prisma }\nexport function g() { globalThis.prisma ??= new PrismaClient(); return globalThis.prisma }\nexport const getDb = cache(() => new PrismaClient());\nexport function h() { return drizzle(new Pool()) }\n",
    )
    .unwrap();
    let constructions: Vec<(u32, bool)> =
        facts.calls.iter().filter(|c| c.constructs).map(|c| (c.span.line, c.kept)).collect();
    assert_eq!(constructions, [(5, true), (6, false), (7, true), (8, true), (9, false)]);
}

#[test]
fn functions_that_handle_a_remote_rate_limit() {
    let facts = extract(
        "limits.ts",
        "async function a(res) { if (res.status === 429) { const wait = res.headers.get('Retry-After') } }\nasync function b(res) { if (!res.ok) throw new Error('failed') }\nasync function c() { try { await call() } catch (e) { if (e instanceof RateLimitError) return } }\n",
    )
    .unwrap();
    let handles: Vec<bool> = facts.functions.iter().map(|f| f.handles_rate_limit).collect();
    assert_eq!(handles, [true, false, true]);
}

#[test]
fn the_page_of_a_call_with_a_limit_is_limited() {
    let facts = extract(
        "billing.ts",
        "export async function cancelAll(stripe, customer) {\n  const subscriptions = await stripe.subscriptions.list({ customer, limit: 100 });\n  await Promise.all(subscriptions.data.filter((s) => s.active).map((s) => stripe.subscriptions.cancel(s.id)));\n}\n",
    )
    .unwrap();
    let map = facts.iterations.iter().find(|i| i.concurrent).unwrap();
    assert_eq!(map.over, Over::Limited(100));
}

#[test]
fn where_a_collection_comes_from() {
    use ceiling_facts::CollectionOrigin;
    let facts = extract(
        "route.ts",
        "import { prisma } from './db';\nexport async function POST(req: Request) {\n  const { selected } = await req.json();\n  const fresh = selected.filter((d) => d.new);\n  if (fresh.length > 0) {}\n  for (const d of fresh) {}\n  const users = await prisma.user.findMany({ where: { active: true } });\n  users.map((u) => u.id);\n  const page = await prisma.user.findMany({ take: 10 });\n  page.map((u) => u.id);\n  const { ids } = await req.json();\n  if (ids.length > 50) throw new Error('too many');\n  ids.map((id) => id);\n}\n",
    )
    .unwrap();
    let origins: Vec<Option<CollectionOrigin>> = facts.iterations.iter().map(|i| i.origin).collect();
    assert_eq!(
        origins,
        [
            Some(CollectionOrigin::RequestInput),
            Some(CollectionOrigin::RequestInput),
            Some(CollectionOrigin::UnboundedQuery),
            None,
            None
        ]
    );
}
