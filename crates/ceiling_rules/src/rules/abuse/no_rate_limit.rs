//! `no-rate-limit`: an app with routes that change data and no rate limiter anywhere.

use ceiling_facts::{FileRole, LIMITER_PACKAGES, Project, in_package};

use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "no-rate-limit",
    family: Family::Abuse,
    severity: Severity::Info,
    status: Status::Preview,
    summary: "The app has routes that write and no rate limiter anywhere.",
    docs: Docs {
        what: "An app whose code declares routes that change data (`POST`, `PUT`, `PATCH`, \
`DELETE`, server and form actions) and no rate limiter at all: no limiter middleware, no \
Next.js middleware that limits, no limiter called by any handler, no import of a limiter \
package. One finding per app, at its first such route, listing how many there are.",
        why: "A single client can send 10,000 requests a minute: every write route can be \
replayed to fill the database, every expensive read to pin the CPU and the connection pool. \
Per-route limits on the sensitive routes come first (`auth-no-rate-limit`, \
`costly-route-no-limit`); a default limit on everything is the floor.",
        fix: "Add a default limit for the whole app (`app.use(rateLimit({ windowMs: 60_000, limit: \
100 }))`, `@fastify/rate-limit` registered globally, `ThrottlerGuard` as an app guard, or \
`@upstash/ratelimit` in `middleware.ts`), then stricter ones on auth and costly routes.",
        fires: "```ts\napp.post('/api/comments', createComment);\napp.post('/api/orders', createOrder);\n```",
        passes: "```ts\napp.use(rateLimit({ windowMs: 60_000, limit: 100 }));\napp.post('/api/comments', createComment);\n```",
        guards: &[
            "A function of the app named like a limiter (`applyRateLimit`, `rateLimiter`): the app limits somewhere by hand.",
            "Any route is covered by a limiter, or any file imports a limiter package: the app limits somewhere, and the per-route rules judge the rest.",
            "Limits applied outside the code (a CDN or WAF rule, an API gateway) are not visible: the finding is `info`, a question to answer once.",
            "Routes only the app's own machinery calls (cron endpoints, handlers that check a queue's or webhook sender's signature) do not count as writes users can send.",
            "Apps with only reads; tests, scripts and generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let rows = project.route_table();
    let app = |file: ceiling_facts::FileId| project.file(file).role == FileRole::App;
    if rows.iter().any(|row| row.limiter.is_some() && app(row.file_id)) || imports_a_limiter(project) {
        return;
    }
    let writes: Vec<_> = rows
        .iter()
        .filter(|row| project.file(row.file_id).role == FileRole::App)
        .filter(|row| matches!(row.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE" | "ACTION" | "ALL"))
        .filter(|row| !crate::webhooks::internal(project, row))
        .collect();
    let Some(first) = writes.first() else { return };
    let shown: Vec<String> = writes
        .iter()
        .take(5)
        .map(|row| match (row.path.is_empty(), &row.handler_name) {
            (true, Some(name)) => format!("action {name}"),
            _ => format!("{} {}", row.method, row.path),
        })
        .collect();
    let more =
        if writes.len() > shown.len() { format!(" and {} more", writes.len() - shown.len()) } else { String::new() };
    findings.push(
        RULE.finding(
            first.file.clone(),
            first.span,
            format!(
                "no rate limiter anywhere in the app, which has {} route{} that write{}: {}{more}",
                writes.len(),
                if writes.len() == 1 { "" } else { "s" },
                if writes.len() == 1 { "s" } else { "" },
                shown.join(", ")
            ),
            "One client can send thousands of requests a minute to every write route: nothing in the \
code slows it down."
                .to_owned(),
            "Add a default limit for the whole app, then stricter ones on auth and costly routes.".to_owned(),
        ),
    );
}

/// Whether any file of the app uses a limiter package directly (a limiter applied in a way the
/// route table does not show), or defines a function named like a limiter. Only the package a
/// call or export starts from is read: following every call through the project would cost
/// more than the whole scan.
fn imports_a_limiter(project: &Project) -> bool {
    project.files().filter(|(_, facts)| facts.role == FileRole::App).any(|(file, facts)| {
        facts.functions.iter().any(|function| ceiling_facts::is_limiter_name(&function.name))
            || facts.calls.iter().map(|call| &call.callee).chain(facts.exports.iter().map(|export| &export.value)).any(
                |value| {
                    value.root_module().is_some_and(|module| {
                        let module = project.package_path(file, module);
                        LIMITER_PACKAGES.iter().any(|package| in_package(&module, package))
                    })
                },
            )
    })
}
