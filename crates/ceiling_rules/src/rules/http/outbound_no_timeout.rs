//! `outbound-no-timeout`: a request to a third-party API, on a route's path, that waits as long
//! as the API makes it wait.

use ceiling_facts::{FileRole, Project};

use crate::outbound::{PerRequest, third_party_host};
use crate::{ChainLink, Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "outbound-no-timeout",
    family: Family::Http,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A route waits on a third-party API with no timeout: when the API hangs, the route hangs with it.",
    docs: Docs {
        what: "An HTTP request to another company's host (`fetch`, `node-fetch`, `undici`, axios' default \
instance, `got`; in Python, requests, `urlopen`, aiohttp, and httpx with `timeout=None`), made by a route's handler or a function it calls (three calls deep), whose \
options set no `signal` and no `timeout`.",
        why: "Node's `fetch` waits up to five minutes for the response headers; axios and got wait \
forever. When the API slows down or stops answering, every request to the route waits with it, \
each holding a socket, memory and, on serverless, a billed instance. At a few hundred concurrent \
users the app runs out of them, and routes that never call the API stall too.",
        fix: "Give every outbound request a deadline shorter than your own: \
`fetch(url, { signal: AbortSignal.timeout(10_000) })`, axios `{ timeout: 10_000 }` (or \
`axios.defaults.timeout` once), got `{ timeout: { request: 10_000 } }`. Then answer the user \
quickly when it fires: a cached value, a 503, a retry later.",
        fires: "```ts\nexport async function GET() {\n  const res = await fetch('https://api.weather.example.org/v1/today');\n  return Response.json(await res.json());\n}\n```",
        passes: "```ts\nexport async function GET() {\n  const res = await fetch('https://api.weather.example.org/v1/today', {\n    signal: AbortSignal.timeout(5_000),\n  });\n  return Response.json(await res.json());\n}\n```",
        guards: &[
            "Options built elsewhere (a variable, a spread) may set a timeout: quiet.",
            "`ky` has a 10 s timeout by default; axios calls are quiet when the app sets `axios.defaults.timeout`, `urlopen` calls when it calls `socket.setdefaulttimeout(...)`; httpx has a 5 s timeout unless given `timeout=None`; a requests `Session` with a custom adapter mounted may set one.",
            "Requests to the app's own origin (`/api/...`), to `localhost`, IP addresses, internal names (`http://api:3000`, `*.internal`), or to a URL computed at run time: the host is not known to be someone else's.",
            "Requests no route runs within three calls: scripts, jobs, browser code.",
            "Routes only the app's own machinery calls: scheduled jobs' endpoints (a `cron` path segment) and handlers that check a queue's or webhook sender's signature.",
            "Tests, scripts and generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let per_request = PerRequest::new(project);
    // Clients whose default timeout the app sets for the whole process.
    let defaults: Vec<&str> =
        project.files().flat_map(|(_, facts)| facts.timeout_defaults.iter().map(String::as_str)).collect();
    for (file, facts) in project.files() {
        if facts.role != FileRole::App {
            continue;
        }
        for request in &facts.requests {
            if request.timeout || defaults.contains(&request.client.as_str()) {
                continue;
            }
            let Some(host) = third_party_host(request) else { continue };
            let Some(route) = per_request.route(project, file, request.func) else { continue };
            let what = match (route.path.is_empty(), &route.handler_name) {
                (true, Some(name)) => format!("server action `{name}`"),
                _ => format!("{} {}", route.method, route.path),
            };
            let mut finding = RULE.finding(
                facts.path.clone(),
                request.span,
                format!("`{}` to {host} has no timeout, on the path of {what} requests", request.client),
                format!(
                    "When {host} slows down or hangs, each {what} request that reaches this call waits with it \
({}), holding a socket and memory: under load the server runs out of them and other routes stall too.",
                    wait_of(&request.client)
                ),
                fix_for(&request.client),
            );
            if route.file != facts.path || route.line != request.span.line {
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

/// How long the client waits by default.
fn wait_of(client: &str) -> &'static str {
    match client {
        "fetch" | "undici" => "Node's fetch gives up on the headers only after five minutes",
        "aiohttp" => "aiohttp gives up only after five minutes",
        _ => "the client waits forever by default",
    }
}

fn fix_for(client: &str) -> String {
    match client {
        "axios" => "Pass `{ timeout: 10_000 }` to the call, or set `axios.defaults.timeout = 10_000` once at startup.",
        "got" => "Pass `{ timeout: { request: 10_000 } }` to the call.",
        "requests" => "Pass `timeout=10` to every call (a `Session`'s `timeout` attribute is ignored), or mount an adapter that sets one.",
        "urllib" => "Pass `timeout=10` to `urlopen`.",
        "aiohttp" => "Give the session a deadline: `aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))`, or pass `timeout=` to the call.",
        "httpx" => "Keep httpx's default timeout, or set one: `timeout=10` instead of `timeout=None`.",
        _ => "Pass `signal: AbortSignal.timeout(10_000)` in the request's options, and answer quickly when it fires.",
    }
    .to_owned()
}
