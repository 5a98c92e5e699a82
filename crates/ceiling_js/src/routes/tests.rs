//! Routes and mounts read from small files of each framework.

use ceiling_facts::{FileFacts, Framework, ImportedName, Mount, Route, Value};

use crate::extract;

fn facts_of(path: &str, source: &str) -> FileFacts {
    extract(path, source).unwrap_or_else(|skip| panic!("{path}: {skip:?}"))
}

fn routes_of(path: &str, source: &str) -> Vec<Route> {
    facts_of(path, source).routes
}

fn mounts_of(path: &str, source: &str) -> Vec<Mount> {
    facts_of(path, source).mounts
}

/// `(method, path)` of each route, in order.
fn endpoints(routes: &[Route]) -> Vec<(String, String)> {
    routes.iter().map(|route| (route.method.clone(), route.path.clone())).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(method, path)| ((*method).to_owned(), (*path).to_owned())).collect()
}

fn named(module: &str, name: &str) -> Value {
    Value::Import { module: module.to_owned(), name: ImportedName::Named(name.to_owned()) }
}

fn default(module: &str) -> Value {
    Value::Import { module: module.to_owned(), name: ImportedName::Default }
}

fn namespace(module: &str) -> Value {
    Value::Import { module: module.to_owned(), name: ImportedName::Namespace }
}

fn call(value: Value) -> Value {
    Value::Call(Box::new(value))
}

/// The id of the function declared or written at the first occurrence of `needle`.
fn function_at(facts: &FileFacts, source: &str, needle: &str) -> Value {
    let start = source.find(needle).unwrap_or_else(|| panic!("no {needle:?}")) as u32;
    let id = facts
        .functions
        .iter()
        .position(|function| function.span.start == start)
        .unwrap_or_else(|| panic!("no function at {needle:?}: {:#?}", facts.functions));
    Value::Function(id as u32)
}

#[test]
fn express_routes_carry_middleware_and_handlers() {
    let source = "import express from 'express';\nimport { limiter } from './limits';\nimport { login } from './auth';\nconst app = express();\napp.get('/health', (req, res) => res.send('ok'));\napp.post('/login', limiter, login);\napp.delete('/users/:id', [limiter], async (req, res) => {});\napp.all('/any', login);\napp.get('port');\n";
    let facts = facts_of("server.ts", source);
    assert_eq!(
        endpoints(&facts.routes),
        pairs(&[("GET", "/health"), ("POST", "/login"), ("DELETE", "/users/:id"), ("ALL", "/any")])
    );
    let app = call(default("express"));
    let health = &facts.routes[0];
    assert_eq!((health.framework, &health.on), (Framework::Express, &app));
    assert_eq!(health.handler, function_at(&facts, source, "(req, res) => res.send"));
    assert_eq!(health.span.line, 5);
    let login = &facts.routes[1];
    assert_eq!(login.middleware, [named("./limits", "limiter")]);
    assert_eq!(login.handler, named("./auth", "login"));
    assert_eq!(facts.routes[2].middleware, [named("./limits", "limiter")]);
    assert_eq!(facts.routes[2].handler, function_at(&facts, source, "async (req, res) => {}"));
}

#[test]
fn express_routers_route_chains_and_mounts() {
    let source = "const express = require('express');\nconst { auth } = require('./auth');\nconst users = require('./routes/users');\nconst router = express.Router();\nrouter.route('/items/:id')\n  .get(getItem)\n  .post(auth, saveItem);\nfunction getItem(req, res) {}\nfunction saveItem(req, res) {}\nconst app = express();\napp.use(express.json());\napp.use('/api', auth, router);\napp.use(['/v1', '/v2'], users);\nmodule.exports = router;\n";
    let facts = facts_of("app.js", source);
    assert_eq!(endpoints(&facts.routes), pairs(&[("GET", "/items/:id"), ("POST", "/items/:id")]));
    let router = call(Value::Member(Box::new(namespace("express")), "Router".to_owned()));
    assert_eq!(facts.routes[0].on, router);
    assert_eq!(facts.routes[0].handler, function_at(&facts, source, "function getItem"));
    assert_eq!(facts.routes[1].middleware, [Value::Member(Box::new(namespace("./auth")), "auth".to_owned())]);
    assert_eq!(facts.routes[1].span.line, 7, "a link of a chain is reported on its own line");
    let prefixes: Vec<&str> = facts.mounts.iter().map(|mount| mount.prefix.as_str()).collect();
    assert_eq!(prefixes, ["", "/api", "/v1", "/v2"]);
    let app = call(namespace("express"));
    assert!(facts.mounts.iter().all(|mount| mount.on == app && mount.framework == Framework::Express));
    assert_eq!(facts.mounts[0].handlers, [call(Value::Member(Box::new(namespace("express")), "json".to_owned()))]);
    assert_eq!(facts.mounts[1].handlers[1], router, "the mounted router is the value routes are registered on");
    assert_eq!(facts.mounts[2].handlers, [namespace("./routes/users")]);
}

#[test]
fn routes_set_up_inside_a_function_and_on_typed_parameters() {
    let source = "import express, { Router, type Express } from 'express';\nexport function createApp() {\n  const app = express();\n  app.post('/signup', signup);\n  return app;\n}\nexport function mountAdmin(app: Express) {\n  app.put('/admin', update);\n}\nexport const r = Router();\nr.patch('/me', update);\nfunction signup() {}\nfunction update() {}\n";
    assert_eq!(
        endpoints(&routes_of("app.ts", source)),
        pairs(&[("POST", "/signup"), ("PUT", "/admin"), ("PATCH", "/me")])
    );
}

#[test]
fn calls_on_other_objects_are_not_routes() {
    let source = "import express from 'express';\nimport axios from 'axios';\nconst cache = new Map();\ncache.get('k', 1);\naxios.get('/x', { params: {} });\naxios.post('/y', { a: 1 });\nconst app = express();\napp.get('/ok', (req, res) => {\n  req.get('content-type');\n  res.set('x', 'y');\n});\n";
    assert_eq!(endpoints(&routes_of("server.ts", source)), pairs(&[("GET", "/ok")]));
    let source = "import axios from 'axios';\nconst router = { get(a, b) {} };\nrouter.get('/x', () => 1);\naxios.get('/x', () => 1);\n";
    let facts = facts_of("client.ts", source);
    assert!(facts.routes.is_empty() && facts.mounts.is_empty(), "{:#?}", facts.routes);
}

#[test]
fn files_without_a_framework_have_no_routes() {
    let facts = facts_of(
        "src/lib/util.ts",
        "export async function GET() { return 1 }\nexport default function handler(req, res) {}\nexport const action = async () => {};\n",
    );
    assert!(facts.routes.is_empty() && facts.mounts.is_empty());
}

#[test]
fn fastify_routes_options_hooks_and_plugins() {
    let source = "import Fastify from 'fastify';\nimport { verify } from './auth';\nconst fastify = Fastify({ logger: true });\nfastify.get('/a', async (request, reply) => 'a');\nfastify.post('/b', { preHandler: [verify] }, async (request) => 'b');\nfastify.put('/c', { onRequest: verify, handler: async () => 'c' });\nfastify.route({ method: ['GET', 'POST'], url: '/d', preValidation: verify, handler: d });\nfastify.register(import('./users'), { prefix: '/users' });\nfastify.addHook('onRequest', verify);\nfastify.addHook('onSend', verify);\nasync function d() {}\n";
    let facts = facts_of("server.ts", source);
    assert_eq!(
        endpoints(&facts.routes),
        pairs(&[("GET", "/a"), ("POST", "/b"), ("PUT", "/c"), ("GET", "/d"), ("POST", "/d")])
    );
    let app = call(default("fastify"));
    assert!(facts.routes.iter().all(|route| route.framework == Framework::Fastify && route.on == app));
    let verify = named("./auth", "verify");
    assert_eq!(facts.routes[1].middleware, std::slice::from_ref(&verify));
    assert_eq!(facts.routes[2].middleware, std::slice::from_ref(&verify));
    assert_eq!(facts.routes[2].handler, function_at(&facts, source, "async () => 'c'"));
    assert_eq!(facts.routes[3].middleware, std::slice::from_ref(&verify));
    assert_eq!(facts.routes[3].handler, function_at(&facts, source, "async function d"));
    assert_eq!(facts.mounts.len(), 2);
    assert_eq!(
        (facts.mounts[0].prefix.as_str(), &facts.mounts[0].handlers[..]),
        ("/users", &[namespace("./users")][..])
    );
    assert_eq!((facts.mounts[1].prefix.as_str(), &facts.mounts[1].handlers[..]), ("", &[verify][..]));
}

#[test]
fn fastify_plugins_register_on_their_parameter() {
    let source = "import type { FastifyInstance } from 'fastify';\nexport default async function routes(fastify: FastifyInstance) {\n  fastify.get('/typed', async () => 1);\n}\nexport async function more(fastify, opts) {\n  fastify.delete('/untyped', async () => 1);\n  fastify.register(async (instance) => {\n    instance.post('/nested', async () => 1);\n  }, { prefix: '/v1' });\n}\n";
    let facts = facts_of("routes.ts", source);
    assert_eq!(endpoints(&facts.routes), pairs(&[("GET", "/typed"), ("DELETE", "/untyped"), ("POST", "/nested")]));
    assert!(matches!(facts.routes[1].on, Value::Param { ref name, index: 0, .. } if name == "fastify"));
    assert_eq!(facts.mounts[0].prefix, "/v1");
}

#[test]
fn hono_routes_chains_and_mounts() {
    let source = "import { Hono } from 'hono';\nimport { cors } from 'hono/cors';\nimport { auth } from './auth';\nimport users from './users';\nconst app = new Hono().basePath('/api');\napp.use('*', cors());\napp.use(auth);\napp.get('/posts', (c) => c.json([]));\napp.post('/posts', auth, async (c) => c.json({}));\napp.on(['PUT', 'PATCH'], '/posts/:id', async (c) => c.json({}));\napp.route('/users', users);\nexport const chained = new Hono()\n  .get('/a', (c) => c.text('a'))\n  .post('/b', (c) => c.text('b'));\nexport default app;\n";
    let facts = facts_of("src/index.ts", source);
    assert_eq!(
        endpoints(&facts.routes),
        pairs(&[
            ("GET", "/api/posts"),
            ("POST", "/api/posts"),
            ("PUT", "/api/posts/:id"),
            ("PATCH", "/api/posts/:id"),
            ("GET", "/a"),
            ("POST", "/b"),
        ])
    );
    let app = facts.exports.iter().find(|export| export.name == "default").unwrap().value.clone();
    assert_eq!(facts.routes[0].on, app);
    assert_eq!(facts.routes[0].framework, Framework::Hono);
    assert_eq!(facts.routes[1].middleware, [named("./auth", "auth")]);
    let chained = facts.exports.iter().find(|export| export.name == "chained").unwrap().value.clone();
    assert_eq!(facts.routes[4].on, chained, "a chain from `new Hono()` is on what the chain binds");
    assert_eq!(facts.routes[5].on, chained);
    let mounts: Vec<(&str, &[Value])> =
        facts.mounts.iter().map(|mount| (mount.prefix.as_str(), mount.handlers.as_slice())).collect();
    assert_eq!(
        mounts,
        [
            ("/api/*", &[call(named("hono/cors", "cors"))][..]),
            ("/api", &[named("./auth", "auth")][..]),
            ("/api/users", &[default("./users")][..]),
        ]
    );
}

#[test]
fn hono_openapi_routes() {
    let source = "import { OpenAPIHono, createRoute } from '@hono/zod-openapi';\nimport { limit } from './limit';\nconst app = new OpenAPIHono();\nconst route = createRoute({ method: 'post', path: '/users/{id}', middleware: [limit] });\napp.openapi(route, async (c) => c.json({}));\n";
    let routes = routes_of("app.ts", source);
    assert_eq!(endpoints(&routes), pairs(&[("POST", "/users/{id}")]));
    assert_eq!(routes[0].middleware, [named("./limit", "limit")]);
}

#[test]
fn koa_routers_and_mounts() {
    let source = "import Koa from 'koa';\nimport Router from '@koa/router';\nimport { ratelimit } from './limit';\nconst app = new Koa();\nconst router = new Router({ prefix: '/users' });\nrouter.post('/login', ratelimit, async (ctx) => {});\nrouter.get('user', '/:id', async (ctx) => {});\nrouter.del('/:id', async (ctx) => {});\napp.use(ratelimit);\napp.use(router.routes());\napp.use(router.allowedMethods());\n";
    let facts = facts_of("server.ts", source);
    assert_eq!(
        endpoints(&facts.routes),
        pairs(&[("POST", "/users/login"), ("GET", "/users/:id"), ("DELETE", "/users/:id")])
    );
    let router = Value::Instance(Box::new(default("@koa/router")));
    assert!(facts.routes.iter().all(|route| route.framework == Framework::Koa && route.on == router));
    assert_eq!(facts.routes[0].middleware, [named("./limit", "ratelimit")]);
    let app = Value::Instance(Box::new(default("koa")));
    assert_eq!(facts.mounts.len(), 3);
    assert!(facts.mounts.iter().all(|mount| mount.on == app && mount.prefix.is_empty()));
    assert_eq!(facts.mounts[1].handlers, [router], "`router.routes()` mounts the router");
}

#[test]
fn nest_controllers() {
    let source = "import { Controller, Get, Post, UseGuards } from '@nestjs/common';\nimport { AuthGuard } from '@nestjs/passport';\nimport { Throttle, SkipThrottle } from '@nestjs/throttler';\nimport { RolesGuard } from './roles.guard';\n@Controller('users')\n@UseGuards(RolesGuard)\nexport class UsersController {\n  @Post('login')\n  @Throttle({ default: { limit: 3, ttl: 60000 } })\n  login() {}\n  @Get()\n  @UseGuards(AuthGuard('jwt'))\n  @SkipThrottle()\n  list() {}\n  helper() {}\n}\n@Controller({ path: '/admin/' })\nclass AdminController {\n  @Get(':id')\n  show() {}\n}\n";
    let facts = facts_of("users.controller.ts", source);
    assert_eq!(endpoints(&facts.routes), pairs(&[("POST", "/users/login"), ("GET", "/users"), ("GET", "/admin/:id")]));
    let login = &facts.routes[0];
    assert_eq!(login.framework, Framework::NestJs);
    assert_eq!(login.on, Value::Class(0));
    assert_eq!(login.handler, function_at(&facts, source, "() {}"));
    assert_eq!(login.middleware, [named("./roles.guard", "RolesGuard"), named("@nestjs/throttler", "Throttle")]);
    assert_eq!(login.span.line, 8);
    assert_eq!(
        facts.routes[1].middleware,
        [named("./roles.guard", "RolesGuard"), call(named("@nestjs/passport", "AuthGuard"))],
        "`@SkipThrottle()` takes the limit off: it is no limiter"
    );
    assert_eq!(facts.routes[2].on, Value::Class(1));
}

#[test]
fn next_app_router_handlers() {
    let source = "import { withAuth } from '@/lib/auth';\nexport async function GET(req: Request) { return Response.json([]) }\nexport const POST = withAuth(async (req) => Response.json({}));\nconst handler = () => null;\nexport { handler as PUT };\nexport const dynamic = 'force-dynamic';\n";
    let facts = facts_of("src/app/(site)/api/posts/[id]/route.ts", source);
    assert_eq!(
        endpoints(&facts.routes),
        pairs(&[("GET", "/api/posts/[id]"), ("POST", "/api/posts/[id]"), ("PUT", "/api/posts/[id]")])
    );
    assert!(facts.routes.iter().all(|route| route.framework == Framework::NextAppRouter && route.on.is_unknown()));
    assert_eq!(facts.routes[0].handler, function_at(&facts, source, "async function GET"));
    let callback = function_at(&facts, source, "async (req) =>");
    let Value::Function(callback) = callback else { unreachable!() };
    assert_eq!(facts.routes[1].handler, Value::Wrap(Box::new(named("@/lib/auth", "withAuth")), callback));
    assert_eq!(facts.routes[2].handler, function_at(&facts, source, "() => null"));
    assert_eq!(facts.routes[1].span.line, 3);
}

#[test]
fn next_auth_route_and_reexports() {
    let source = "import NextAuth from 'next-auth';\nconst handler = NextAuth({});\nexport { handler as GET, handler as POST };\n";
    let routes = routes_of("app/api/auth/[...nextauth]/route.ts", source);
    assert_eq!(endpoints(&routes), pairs(&[("GET", "/api/auth/[...nextauth]"), ("POST", "/api/auth/[...nextauth]")]));
    assert_eq!(routes[0].handler, call(default("next-auth")));
    let routes = routes_of("app/api/auth/[...nextauth]/route.ts", "export { GET, POST } from '@/auth';\n");
    assert_eq!(routes[1].handler, named("@/auth", "POST"));
    assert!(super::next::app_route_path("app/_lib/route.ts").is_none(), "private folders are not routed");
    assert_eq!(super::next::app_route_path("app/route.ts").as_deref(), Some("/"));
    assert_eq!(super::next::app_route_path("apps/web/app/@modal/(.)x/route.js").as_deref(), Some("/(.)x"));
}

#[test]
fn next_pages_api_routes() {
    let source = "export default async function handler(req, res) { res.json({}) }\n";
    let routes = routes_of("src/pages/api/users/index.ts", source);
    assert_eq!(endpoints(&routes), pairs(&[("ALL", "/api/users")]));
    assert_eq!(routes[0].framework, Framework::NextPagesApi);
    let routes = routes_of(
        "pages/api/users/[id].js",
        "import { withSession } from '../lib';\nexport default withSession(handler);\nfunction handler() {}\n",
    );
    assert_eq!(endpoints(&routes), pairs(&[("ALL", "/api/users/[id]")]));
    assert_eq!(routes[0].handler, call(named("../lib", "withSession")));
    assert!(routes_of("pages/about.tsx", source).is_empty());
}

#[test]
fn next_server_actions() {
    let source = "'use server';\nimport { actionClient } from '@/lib/safe-action';\nexport async function createPost(data) {}\nexport const deletePost = async (id) => {};\nexport const updatePost = actionClient.action(async ({ parsedInput }) => {});\nexport const LIMIT = 10;\nexport type Post = { id: string };\n";
    let facts = facts_of("src/app/actions.ts", source);
    assert_eq!(endpoints(&facts.routes), pairs(&[("ACTION", ""), ("ACTION", ""), ("ACTION", "")]));
    assert!(facts.routes.iter().all(|route| route.framework == Framework::NextServerAction));
    assert_eq!(facts.routes[0].handler, function_at(&facts, source, "async function createPost"));
    assert_eq!(facts.routes[1].handler, function_at(&facts, source, "async (id)"));
    assert!(matches!(facts.routes[2].handler, Value::Wrap(..)));
}

#[test]
fn inline_server_actions() {
    let source = "export default function Page() {\n  async function save(form) {\n    'use server';\n    await db.save(form);\n  }\n  return <form action={save} />;\n}\n";
    let facts = facts_of("app/page.tsx", source);
    assert_eq!(endpoints(&facts.routes), pairs(&[("ACTION", "")]));
    assert_eq!(facts.routes[0].handler, function_at(&facts, source, "async function save"));
    assert_eq!(facts.routes[0].span.line, 2);
}

#[test]
fn next_middleware_and_matchers() {
    let source = "import { NextResponse } from 'next/server';\nexport function middleware(req) { return NextResponse.next() }\nexport const config = { matcher: ['/api/:path*', { source: '/dashboard/:path*' }] };\n";
    let facts = facts_of("src/middleware.ts", source);
    assert!(facts.routes.is_empty());
    let prefixes: Vec<&str> = facts.mounts.iter().map(|mount| mount.prefix.as_str()).collect();
    assert_eq!(prefixes, ["/api/:path*", "/dashboard/:path*"]);
    let handler = function_at(&facts, source, "function middleware");
    assert!(facts.mounts.iter().all(|mount| mount.framework == Framework::NextMiddleware
        && mount.on.is_unknown()
        && mount.handlers == [handler.clone()]));
    let mounts = mounts_of("middleware.ts", "import { auth } from './auth';\nexport default auth;\n");
    assert_eq!(mounts.len(), 1);
    assert_eq!((mounts[0].prefix.as_str(), &mounts[0].handlers[..]), ("", &[named("./auth", "auth")][..]));
    let mounts = mounts_of(
        "middleware.ts",
        "export { auth as middleware } from './auth';\nexport const config = { matcher: '/admin' };\n",
    );
    assert_eq!((mounts[0].prefix.as_str(), &mounts[0].handlers[..]), ("/admin", &[named("./auth", "auth")][..]));
    assert!(!mounts_of("src/lib/middleware.ts", source).is_empty(), "a Next.js app of a monorepo");
    assert!(mounts_of("server/middleware.ts", "export function middleware(req, res, next) {}\n").is_empty());
}

#[test]
fn sveltekit_endpoints_and_actions() {
    let source = "import { json } from '@sveltejs/kit';\nexport async function GET() { return json([]) }\nexport const POST = async ({ request }) => json({});\nexport const fallback = async () => json({});\n";
    let routes = routes_of("src/routes/api/(v1)/posts/[id]/+server.ts", source);
    assert_eq!(
        endpoints(&routes),
        pairs(&[("GET", "/api/posts/[id]"), ("POST", "/api/posts/[id]"), ("ALL", "/api/posts/[id]")])
    );
    assert!(routes.iter().all(|route| route.framework == Framework::SvelteKit));
    let source = "import type { Actions } from './$types';\nexport const load = async () => ({});\nexport const actions = {\n  default: async (event) => {},\n  login: async ({ request }) => {},\n  async register(event) {},\n} satisfies Actions;\n";
    let facts = facts_of("src/routes/login/+page.server.ts", source);
    assert_eq!(
        endpoints(&facts.routes),
        pairs(&[("GET", "/login"), ("ACTION", "/login"), ("ACTION", "/login?/login"), ("ACTION", "/login?/register")])
    );
    assert_eq!(facts.routes[2].handler, function_at(&facts, source, "async ({ request })"));
    assert_eq!(facts.routes[2].span.line, 5);
    assert!(matches!(facts.routes[3].handler, Value::Function(_)));
}

#[test]
fn remix_loaders_and_actions() {
    let source = "import { json } from '@remix-run/node';\nexport async function loader({ request }) { return json({}) }\nexport const action = async ({ request }) => json({});\nexport default function Login() { return null }\n";
    let facts = facts_of("app/routes/auth.login.tsx", source);
    assert_eq!(endpoints(&facts.routes), pairs(&[("GET", "/auth/login"), ("POST", "/auth/login")]));
    assert!(facts.routes.iter().all(|route| route.framework == Framework::Remix));
    assert_eq!(facts.routes[0].handler, function_at(&facts, source, "async function loader"));
    let path = |path: &str| super::remix::route_path(path, &super::Imports::default());
    assert_eq!(path("app/routes/users.$userId.edit.tsx").as_deref(), Some("/users/:userId/edit"));
    assert_eq!(path("app/routes/_auth.login/route.tsx").as_deref(), Some("/login"));
    assert_eq!(path("app/routes/_index.tsx").as_deref(), Some("/"));
    assert_eq!(path("app/routes/($lang).files.$.tsx").as_deref(), Some("/:lang?/files/*"));
    assert_eq!(path("app/routes/sitemap[.]xml.ts").as_deref(), Some("/sitemap.xml"));
    assert_eq!(path("app/routes/users_.$id.tsx").as_deref(), Some("/users/:id"));
    assert_eq!(path("app/routes/blog/index.tsx").as_deref(), Some("/blog"));
    assert_eq!(path("src/components/x.tsx"), None);
    let routes = routes_of(
        "app/root.tsx",
        "import type { LoaderFunctionArgs } from '@remix-run/node';\nexport const loader = async () => null;\n",
    );
    assert_eq!(endpoints(&routes), pairs(&[("GET", "/")]));
    let routes = routes_of(
        "src/pages/x.tsx",
        "import { useLoaderData } from 'react-router-dom';\nexport async function loader() {}\n",
    );
    assert!(routes.is_empty(), "react-router-dom loaders run in the browser");
}

#[test]
fn supabase_edge_functions() {
    let source =
        "import { createClient } from 'npm:@supabase/supabase-js';\nDeno.serve(async (req) => new Response('ok'));\n";
    let facts = facts_of("supabase/functions/send-email/index.ts", source);
    assert_eq!(endpoints(&facts.routes), pairs(&[("ALL", "/functions/v1/send-email")]));
    assert_eq!(facts.routes[0].framework, Framework::SupabaseFunction);
    assert_eq!(facts.routes[0].handler, function_at(&facts, source, "async (req)"));
    let source = "import { serve } from 'https://deno.land/std@0.168.0/http/server.ts';\nserve(handler);\nfunction handler(req) {}\n";
    let facts = facts_of("supabase/functions/hello/index.ts", source);
    assert_eq!(facts.routes[0].handler, function_at(&facts, source, "function handler"));
    assert!(routes_of("supabase/functions/_shared/index.ts", source).is_empty());
    assert!(routes_of("supabase/functions/hello/util.ts", source).is_empty());
}

#[test]
fn apps_held_in_fields_constants_and_factories() {
    let source = "import express from 'express';\nclass Server {\n  app = express();\n  routes() { this.app.get('/x', (req, res) => {}); }\n}\nconst PATH = '/const';\nconst app = express();\napp.post(PATH, h).listen(3000);\napp.put(`${base}/t`, h);\nfunction h() {}\n";
    let facts = facts_of("server.ts", source);
    assert_eq!(endpoints(&facts.routes), pairs(&[("GET", "/x"), ("POST", "/const"), ("PUT", "*/t")]));
    assert_eq!(facts.routes[0].on, Value::Member(Box::new(Value::This(0)), "app".to_owned()));
    let source = "import { createFactory } from 'hono/factory';\nconst app = createFactory().createApp();\napp.get('/f', (c) => c.text('x'));\n";
    assert_eq!(endpoints(&routes_of("app.ts", source)), pairs(&[("GET", "/f")]));
    let source = "import Koa from 'koa';\nimport mount from 'koa-mount';\nimport api from './api';\nconst app = new Koa();\napp.use(mount('/api', api));\n";
    let mounts = mounts_of("server.ts", source);
    assert_eq!((mounts[0].prefix.as_str(), &mounts[0].handlers[..]), ("/api", &[default("./api")][..]));
}

#[test]
fn test_clients_are_not_routes() {
    let source = "import request from 'supertest';\nimport express from 'express';\nconst app = express();\nit('logs in', async () => {\n  await request(app).post('/login').send({});\n});\n";
    assert!(routes_of("login.test.ts", source).is_empty());
}
