//! `unbounded-fanout`: `Promise.all` over a collection of any size, each element calling a remote
//! API, with nothing to cap how many calls are in flight.

use ceiling_facts::{CollectionOrigin, FileRole, Project};

use crate::outbound::{from_any, remote_call_by, remote_sdk, third_party_host, within};
use crate::{ChainLink, Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "unbounded-fanout",
    family: Family::Http,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "Promise.all fires one remote call per element of an unbounded list, all at once.",
    docs: Docs {
        what: "An array callback whose promises all run at once (`Promise.all(xs.map(async ...))`, \
also through a variable, `allSettled`, or an `async` callback of `forEach`; in Python, a \
comprehension or a loop of awaitables handed to `asyncio.gather`) over a list that can be \
large: one from the request's body (`const { emails } = await req.json()`, `request.data['emails']`), \
or every row of a query with no limit, and whose body, directly or through the functions it calls, sends \
an HTTP request to another host or calls a remote API's SDK (email, SMS, AI, payments).",
        why: "Ten elements in development are ten parallel calls; a list that grew to 5,000 is 5,000 \
sockets opened in the same millisecond. The remote API rate-limits or bans the account, the \
process runs out of sockets or memory, and the provider bills for the burst. Nothing fails in \
testing; it fails on the day a customer imports a big list.",
        fix: "Cap the concurrency: `p-limit` (`const limit = pLimit(5); await Promise.all(xs.map((x) => \
limit(() => send(x))))`), `p-map` with `{ concurrency: 5 }`, in Python an `asyncio.Semaphore(5)` \
entered around each call, or send in batches; for large lists, use the provider's batch endpoint or a queue.",
        fires: "```ts\nawait Promise.all(\n  subscribers.map((s) => resend.emails.send({ to: s.email, subject, html })),\n);\n```",
        passes: "```ts\nconst limit = pLimit(5);\nawait Promise.all(\n  subscribers.map((s) => limit(() => resend.emails.send({ to: s.email, subject, html }))),\n);\n```",
        guards: &[
            "Lists with no sign of being large: literals, counted ranges, query results with a constant limit, a parameter, a record's relation (`workspace.users`), a third-party API's page.",
            "A length check anywhere on the list (`if (invites.length > 5) throw`) or a validation (`schema.parse(body)`) on the way from the request: the code caps it.",
            "A concurrency limiter inside the callback or the function it calls for each element (`p-limit`, `p-queue`, `bottleneck`, `p-throttle`, `async-sema`, `async with asyncio.Semaphore(...)`), `p-map` with `concurrency`, a thread pool (`executor.submit`, capped by `max_workers`), or the fan-out nested in a loop over batches.",
            "Database queries in the callback are `n-plus-one`'s and `query-in-loop-write`'s concern, not this rule's.",
            "Callbacks that are not joined (`map` to build a list of names) and sequential loops.",
            "Tests, scripts and generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

/// Packages that cap how many promises run at once.
const LIMITERS: &[&str] =
    &["p-limit", "p-queue", "bottleneck", "p-throttle", "async-sema", "@supercharge/promise-pool"];

/// Exports of packages that cap how many calls run at once: semaphores entered around each call
/// (`async with semaphore:`), thread pools (whose `max_workers` is at most 32 by default).
const LIMITER_EXPORTS: &[(&str, &str)] = &[
    ("asyncio", "Semaphore"),
    ("asyncio", "BoundedSemaphore"),
    ("anyio", "Semaphore"),
    ("anyio", "CapacityLimiter"),
    ("threading", "Semaphore"),
    ("threading", "BoundedSemaphore"),
    ("concurrent/futures", "ThreadPoolExecutor"),
    ("concurrent/futures", "ProcessPoolExecutor"),
];

/// Whether a call's callee, from `module` at `path` below its export, caps concurrency.
fn limits(module: &str, path: &[String]) -> bool {
    from_any(module, LIMITERS)
        || LIMITER_EXPORTS
            .iter()
            .any(|(package, export)| module == *package && path.first().is_some_and(|p| p == export))
}

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (file, facts) in project.files() {
        if facts.role != FileRole::App {
            continue;
        }
        for (id, iteration) in facts.iterations.iter().enumerate() {
            let id = id as u32;
            // Nested in another loop: usually a batch of a chunked list.
            // Only lists that can be large: the request's body, all rows of a query.
            let Some(origin) = iteration.origin else { continue };
            if !iteration.concurrent || iteration.parent.is_some() {
                continue;
            }
            let calls_here = || facts.calls.iter().enumerate().filter(|(_, call)| within(facts, call.iteration, id));
            // A limiter around each call: in the callback, or in the function it calls for each
            // element (`async with semaphore:`).
            let limited = calls_here().any(|(index, call)| {
                project.package_origin(file, &call.callee, 0).is_some_and(|(module, path)| limits(&module, &path))
                    || project.call_target(file, index as u32).is_some_and(|target| {
                        project
                            .call_made_by(target, 1, &|module, path| limits(module, path).then(String::new))
                            .is_some()
                    })
            });
            if limited {
                continue;
            }
            let request = facts
                .requests
                .iter()
                .find(|request| within(facts, request.iteration, id) && third_party_host(request).is_some());
            let remote = match request {
                Some(request) => {
                    Some((format!("`{}` to {}", request.client, third_party_host(request).unwrap_or_default()), None))
                }
                None => calls_here().filter(|(_, call)| !call.constructs).find_map(|(index, call)| {
                    if let Some((module, _)) = project.package_origin(file, &call.callee, 0)
                        && remote_sdk(&module).is_some()
                    {
                        return Some((format!("`{module}`"), None));
                    }
                    let target = project.call_target(file, index as u32)?;
                    let (what, at_file, at_span) = remote_call_by(project, target)?;
                    let link = ChainLink {
                        file: project.file(at_file).path.clone(),
                        span: at_span,
                        note: format!("calls {what}"),
                    };
                    Some((format!("{what} (through `{}`)", project.function_name(target)), Some(link)))
                }),
            };
            let Some((what, link)) = remote else { continue };
            let mut finding = RULE.finding(
                facts.path.clone(),
                iteration.span,
                format!(
                    "calls {what} for every element of {} at once, with no limit on how many run together",
                    match origin {
                        CollectionOrigin::RequestInput => "a list from the request body",
                        CollectionOrigin::UnboundedQuery => "a query's rows (no limit)",
                    }
                ),
                match origin {
                    CollectionOrigin::RequestInput => {
                        "Whoever sends the request picks the list's length: one request \
with a few thousand elements is a few thousand simultaneous calls, which the API rate-limits or bans and the process \
may not have sockets for."
                    }
                    CollectionOrigin::UnboundedQuery => {
                        "The list grows with the table: at a few thousand rows that is a \
few thousand simultaneous calls, which the API rate-limits or bans and the process may not have sockets for."
                    }
                }
                .to_owned(),
                "Cap the concurrency with `p-limit` (`const limit = pLimit(5)`, then `limit(() => call(x))` in the \
callback) or `p-map` with `{ concurrency: 5 }` (in Python, `async with semaphore:` around each call), or use the \
API's batch endpoint."
                    .to_owned(),
            );
            finding.chain.extend(link);
            findings.push(finding);
        }
    }
}
