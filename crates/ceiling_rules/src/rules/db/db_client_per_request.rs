//! `db-client-per-request`: a database client or pool created while handling a request, instead
//! of once per process.

use ceiling_facts::{FileRole, ImportedName, Project, Value, in_package};

use crate::outbound::PerRequest;
use crate::{ChainLink, Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "db-client-per-request",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A database client or pool is created on every request instead of once per process.",
    docs: Docs {
        what: "`new PrismaClient()`, `new Pool()` / `new Client()` (pg, Neon's serverless driver), \
`postgres(url)`, mysql2's `createPool` / `createConnection`, `new MongoClient()`, mongoose's \
`createConnection`, `new Redis()` (ioredis), redis' `createClient`, `knex(config)`, \
`new Sequelize()`, TypeORM's `new DataSource()`, called by a route's handler or a function it calls \
(three calls deep), with the result kept only in a local variable or returned to the caller.",
        why: "Each client opens its own connections (Prisma a whole pool of them) and each connection \
costs the database a process and memory. One client per request means one new pool per request: \
at a hundred concurrent requests Postgres hits `max_connections` (100 by default, fewer on hosted \
plans) and answers `too many clients already`; before that, every request pays a TCP and TLS \
handshake and an authentication round trip. Clients that are never closed leak connections until \
the database refuses everyone.",
        fix: "Create the client once, at module scope, and import it where it is needed. In Next.js \
and other hot-reloading servers keep it on `globalThis` in development: \
`export const prisma = globalThis.prisma ?? new PrismaClient(); if (process.env.NODE_ENV !== \
'production') globalThis.prisma = prisma;`. On serverless, use the provider's pooler (Supabase \
Supavisor, Neon's pooled URL, Prisma Accelerate) with a module-level client.",
        fires: "```ts\nexport async function GET() {\n  const prisma = new PrismaClient();\n  const users = await prisma.user.findMany({ take: 20 });\n  return Response.json(users);\n}\n```",
        passes: "```ts\nconst globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };\nexport const prisma = globalForPrisma.prisma ?? new PrismaClient();\nif (process.env.NODE_ENV !== 'production') globalForPrisma.prisma = prisma;\n```",
        guards: &[
            "Clients kept for the process: created at module scope, stored in a module variable or on `globalThis` (`??=`, `if (!pool) pool = new Pool()`), in a class field, or returned from a memoising wrapper (`cache(() => new PrismaClient())`, `once`, `memoize`).",
            "Clients no route creates within three calls: a script, a job started once, a factory the module calls at startup; and routes only the app's own machinery calls (cron endpoints, signed queue consumers).",
            "HTTP-based clients that hold no connection (supabase-js `createClient`, Neon's `neon()`, PlanetScale's `connect()`, libsql over HTTP).",
            "Tests, scripts and generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

/// Constructors and factories of clients that hold database connections: `(package, export,
/// constructed with new)`.
const CLIENTS: &[(&str, &str, bool)] = &[
    ("@prisma/client", "PrismaClient", true),
    ("pg", "Pool", true),
    ("pg", "Client", true),
    ("@neondatabase/serverless", "Pool", true),
    ("@neondatabase/serverless", "Client", true),
    ("postgres", "", false),
    ("mysql2", "createPool", false),
    ("mysql2", "createConnection", false),
    ("mysql2/promise", "createPool", false),
    ("mysql2/promise", "createConnection", false),
    ("mongodb", "MongoClient", true),
    ("mongoose", "createConnection", false),
    ("ioredis", "", true),
    ("ioredis", "Redis", true),
    ("redis", "createClient", false),
    ("knex", "", false),
    ("sequelize", "Sequelize", true),
    ("typeorm", "DataSource", true),
];

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let per_request = PerRequest::new(project);
    for (file, facts) in project.files() {
        if facts.role != FileRole::App {
            continue;
        }
        for call in &facts.calls {
            if call.kept || call.func.is_none() || !could_be_client(&call.callee) {
                continue;
            }
            let Some((module, path)) = project.package_export(file, &call.callee) else { continue };
            let export = path.first().map_or("", String::as_str);
            let Some(&(package, name, _)) = CLIENTS.iter().find(|&&(package, name, constructs)| {
                package == module && name == export && constructs == call.constructs && path.len() <= 1
            }) else {
                continue;
            };
            let Some(route) = per_request.route(project, file, call.func) else { continue };
            let what = match (route.path.is_empty(), &route.handler_name) {
                (true, Some(action)) => format!("server action `{action}`"),
                _ => format!("{} {}", route.method, route.path),
            };
            let client = match (name, call.constructs) {
                ("", true) => format!("`new` {package} client"),
                ("", false) => format!("`{package}()` client"),
                (name, true) => format!("`new {name}()`"),
                (name, false) => format!("`{name}()`"),
            };
            let mut finding = RULE.finding(
                facts.path.clone(),
                call.span,
                format!("{client} is created on every {what} request instead of once per process"),
                "Each client opens its own database connections: at a hundred concurrent requests the database \
runs out of connections (`too many clients already`), and every request pays a new handshake before its first \
query."
                    .to_owned(),
                format!(
                    "Create the client once at module scope and import it (in dev servers that hot-reload, keep it on \
`globalThis`: `globalThis.db ??= {}`).",
                    constructor_snippet(package, name, call.constructs)
                ),
            );
            if route.file != facts.path {
                finding.chain.push(ChainLink {
                    file: route.file.clone(),
                    span: route.span,
                    note: format!("{what} runs it"),
                });
            }
            findings.push(finding);
        }
    }
}

fn constructor_snippet(package: &str, name: &str, constructs: bool) -> String {
    match (name, constructs) {
        ("", true) => "new Redis(url)".to_owned(),
        ("", false) => format!("{package}(url)"),
        (name, true) => format!("new {name}()"),
        (name, false) => format!("{name}(config)"),
    }
}

/// A cheap look at the callee before resolving it across files: an import from one of the
/// packages, or one of the constructors' names (a project's re-export of it).
fn could_be_client(callee: &Value) -> bool {
    let (module, name) = match callee {
        Value::Import { module, name } => (module, Some(name)),
        Value::Member(object, member) => match &**object {
            Value::Import { module, .. } => {
                return CLIENTS.iter().any(|&(package, name, _)| in_package(module, package) || name == member);
            }
            _ => return false,
        },
        _ => return false,
    };
    CLIENTS.iter().any(|&(package, export, _)| {
        in_package(module, package)
            || matches!(name, Some(ImportedName::Named(named)) if !export.is_empty() && named == export)
    })
}
