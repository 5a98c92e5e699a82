//! `costly-route-no-limit`: a route that sends email or SMS or calls a paid API, with no rate
//! limiter in front of it.

use ceiling_facts::{FileRole, Project, in_package};

use crate::outbound::PAID_APIS;
use crate::{ChainLink, Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "costly-route-no-limit",
    family: Family::Abuse,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A route sends email or SMS or calls a paid AI API on every request, with no rate limit.",
    docs: Docs {
        what: "A route whose handler, directly or through the functions it calls (two calls deep), \
calls a per-request paid service: an LLM API (`openai`, `@anthropic-ai/sdk`, the Vercel AI SDK \
`ai`, `@google/generative-ai`, `groq-sdk`, `@mistralai/mistralai`, `replicate`), or email and \
SMS senders (`resend`, `@sendgrid/mail`, `postmark`, `nodemailer`, `twilio`, \
`@aws-sdk/client-ses`, `@aws-sdk/client-sns`), and that no rate limiter covers.",
        why: "Each request costs money and quota. One script calling the route in a loop runs up \
the AI bill by thousands of dollars overnight, or sends thousands of emails and texts: the \
provider suspends the account or the domain lands on spam lists, and real users stop getting \
their mail.",
        fix: "Limit the route per user and per IP (`@upstash/ratelimit` at the top of the handler, \
`express-rate-limit` as route middleware, `@nestjs/throttler`), require a signed-in user for it, \
and set a spending cap with the provider.",
        fires: "```ts\nexport async function POST(req: Request) {\n  const { prompt } = await req.json();\n  const completion = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: prompt }] });\n  return Response.json(completion);\n}\n```",
        passes: "```ts\nexport async function POST(req: Request) {\n  const { success } = await ratelimit.limit(ip(req));\n  if (!success) return new Response('Too many requests', { status: 429 });\n  // ...the same call\n}\n```",
        guards: &[
            "A hand-written limiter counts: a function of the app named like one (`applyRateLimit`, `checkRateLimit`, `withRateLimit`, `throttle`) called by the handler or wrapping it.",
            "Any limiter covers the route: route middleware, an app-wide or router-wide `use`, a Next.js middleware whose matcher takes the path, or a limiter its handler calls.",
            "The paid call is more than two calls away from the handler, or made by a client that is not created from one of the listed packages (a plain `fetch`).",
            "Email and SMS that report a change the route writes to the database (an invite created, a status set, a token consumed): repeating the message needs the change again, which such routes refuse. Paid AI calls fire regardless.",
            "Routes only the app's own machinery calls: a handler that checks a signature (QStash's `verifySignature`, a webhook's `constructEvent`, a function of the app named like `verifyQstashSignature`) and scheduled jobs' endpoints (a `cron` path segment).",
            "Tests, scripts and generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for row in project.route_table() {
        if row.limiter.is_some() || project.file(row.file_id).role != FileRole::App {
            continue;
        }
        let Some(handler) = row.handler else { continue };
        let Some((package, file, span)) = project.call_made_by(handler, 0, &costly_call) else { continue };
        if crate::webhooks::internal(project, row) {
            continue;
        }
        let what = match (row.path.is_empty(), &row.handler_name) {
            (true, Some(name)) => format!("server action `{name}`"),
            _ => format!("{} {}", row.method, row.path),
        };
        let kind = if matches!(
            package.as_str(),
            "resend"
                | "@sendgrid/mail"
                | "postmark"
                | "nodemailer"
                | "@aws-sdk/client-ses"
                | "@aws-sdk/client-sesv2"
                | "mailgun.js"
        ) {
            "sends email"
        } else if matches!(package.as_str(), "twilio" | "@aws-sdk/client-sns") {
            "sends SMS"
        } else {
            "calls a paid AI API"
        };
        // A message that reports a change the route writes (an invite created, a status set, a
        // token consumed) is sent once per change: repeating it needs the change again, which
        // such routes refuse (already invited, already rejected, token gone).
        if kind != "calls a paid AI API" && writes_to_database(project, handler) {
            continue;
        }
        findings.push(Finding {
            chain: vec![ChainLink { file: project.file(file).path.clone(), span, note: format!("calls `{package}`") }],
            ..RULE.finding(
                row.file.clone(),
                row.span,
                format!("{what} {kind} (`{package}`) on every request, with no rate limit"),
                "Every request costs money or sending quota: a script calling the route in a loop runs up \
the bill or gets the account suspended."
                    .to_owned(),
                "Limit the route per user and per IP (`@upstash/ratelimit` in the handler, `express-rate-limit` \
as route middleware), require a signed-in user, and set a spending cap with the provider."
                    .to_owned(),
            )
        });
    }
}

/// The paid package a call goes to, when it is a call that costs: any call of a client's method,
/// but for the Vercel AI SDK only its generating functions, and never an error class
/// (`NoObjectGeneratedError.isInstance(e)`).
fn costly_call(module: &str, path: &[String]) -> Option<String> {
    if path.iter().any(|segment| segment.ends_with("Error") || segment == "isInstance") {
        return None;
    }
    let package = PAID_APIS.iter().find(|package| in_package(module, package))?;
    let generates = |names: &[&str]| path.first().is_some_and(|first| names.contains(&first.as_str()));
    match *package {
        "ai" => generates(&["generateText", "streamText", "generateObject", "streamObject", "embed", "embedMany"]),
        _ => true,
    }
    .then(|| (*package).to_owned())
}

/// Whether the handler, or a function it calls (two calls deep), writes to the database.
fn writes_to_database(project: &Project, handler: ceiling_facts::FnRef) -> bool {
    project.functions_within(handler, 2).into_iter().any(|function| {
        let Some(items) = project.items(function) else { return false };
        let facts = project.file(function.file);
        items.queries.iter().any(|&query| {
            !facts.queries[query as usize].shape.operation.is_read()
                && project.query_orm(function.file, query).is_some()
        })
    })
}
