//! `outbound-no-backoff`: retries that hammer a remote API (at once, or on a fixed beat), and raw
//! requests to APIs with account-wide rate limits that ignore `429 Too Many Requests`.

use ceiling_facts::{FileFacts, FileId, FileRole, Iteration, Over, Project, RetryWait, Span, Target};

use crate::outbound::{owners, remote_call_by, remote_sdk, third_party_host, within};
use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "outbound-no-backoff",
    family: Family::Http,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "Calls to a remote API retry without backoff, or ignore its rate limit (429 / Retry-After).",
    docs: Docs {
        what: "Two shapes of the same mistake:\n\n\
- a retry loop (a counted or conditional loop whose `try` leaves on success) around an HTTP \
request or a remote API's SDK call, that tries again at once or after the same fixed delay each \
time (`await sleep(1000)`, `time.sleep(2)`);\n\
- a raw HTTP request (`fetch`, axios, `node-fetch`, `undici`) sent once per element of a loop \
or a fan-out, to an API whose rate limit is shared by the whole account (OpenAI, Anthropic, Gemini, Groq, Mistral, Stripe, Twilio, \
SendGrid, Resend, Postmark, Mailgun, Brevo, OpenRouter...), in a function that never looks at status 429 or the `Retry-After` header, \
nor do its callers.",
        why: "A rate limit you did not know existed is the first wall a growing app hits: the \
account-wide quota is shared by all your users, so at ten times the traffic a share of requests \
get `429`. Code that ignores it fails those users; code that retries at once or on a fixed beat \
makes every client retry in lockstep, keeps the quota exhausted and turns a slowdown into an \
outage.",
        fix: "Back off exponentially with jitter and honour `Retry-After`: \
`await sleep(Math.min(30_000, 2 ** attempt * 500) * (0.5 + Math.random()))`, or use a client \
that does it (the provider's SDK, `p-retry`, `ky`, `got`). For account-wide limits, queue the \
work and send it at the rate the provider allows.",
        fires: "```ts\nfor (let attempt = 0; attempt < 5; attempt++) {\n  try {\n    return await fetch('https://api.openai.com/v1/chat/completions', init);\n  } catch {\n    await sleep(1000);\n  }\n}\n```",
        passes: "```ts\nfor (let attempt = 0; attempt < 5; attempt++) {\n  try {\n    return await fetch('https://api.openai.com/v1/chat/completions', init);\n  } catch {\n    await sleep(2 ** attempt * 500 * (0.5 + Math.random()));\n  }\n}\n```",
        guards: &[
            "A single request per call of its function: one call per user action rarely meets an account's limit; the rule looks at requests sent per element of a loop or a fan-out.",
            "A retry delay that is computed (from the attempt, a variable the loop doubles, `Math.random()`) or a call named like backoff or jitter counts as backing off; so do tenacity's `@retry` with a growing or random `wait` and backoff's `@on_exception`, around the function they decorate.",
            "Loops over a collection or a list of alternatives (`for (const model of models)`) try each once: failover, not retries.",
            "Rate-limited hosts: a function that mentions status 429, `Retry-After`, `RateLimitError` or `TOO_MANY_REQUESTS`, or whose caller does; clients that retry 429s themselves (`ky`, `got`); the providers' own SDKs, which back off by default.",
            "APIs called with each customer's own OAuth token (Slack, Notion, Airtable, GitHub, Google) have a limit per customer, not one the app's growth exhausts: not on the list.",
            "Tests, scripts and generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

/// Hosts whose rate limit is shared by every user of the app, because the app calls them with its
/// own API key: AI providers, payments, email and SMS. Integrations that act with each
/// customer's OAuth token (Slack, Notion, Airtable, GitHub) have a limit per customer.
const ACCOUNT_LIMITED: &[&str] = &[
    "api.openai.com",
    "api.anthropic.com",
    "generativelanguage.googleapis.com",
    "api.groq.com",
    "api.mistral.ai",
    "api.cohere.ai",
    "api.cohere.com",
    "api.replicate.com",
    "openrouter.ai",
    "api.deepseek.com",
    "api.perplexity.ai",
    "api.together.xyz",
    "api.elevenlabs.io",
    "api.stripe.com",
    "api.twilio.com",
    "api.sendgrid.com",
    "api.resend.com",
    "api.postmarkapp.com",
    "api.mailgun.net",
    "api.brevo.com",
];

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (file, facts) in project.files() {
        if facts.role != FileRole::App {
            continue;
        }
        for (id, iteration) in facts.iterations.iter().enumerate() {
            retry_without_backoff(project, file, facts, id as u32, iteration, findings);
        }
        for request in &facts.requests {
            let Some(host) = third_party_host(request) else { continue };
            // One call per user action rarely meets the limit; a loop or a fan-out sends a burst.
            if request.retries_itself || !ACCOUNT_LIMITED.contains(&host) || !per_element(facts, request.iteration) {
                continue;
            }
            if handles_rate_limit(project, file, request.func) || in_backoff_loop(facts, request.iteration) {
                continue;
            }
            findings.push(
                RULE.finding(
                    facts.path.clone(),
                    request.span,
                    format!(
                        "`{}` to {host}, sent once per element of a loop, ignores its rate limit: nothing here or in \
its callers handles status 429 or `Retry-After`",
                        request.client
                    ),
                    format!(
                        "{host} limits requests per account, and every user of the app shares that quota: a loop over \
a growing list sends a burst that gets `429 Too Many Requests` part-way, and the rest of the work fails."
                    ),
                    "On 429, wait for `Retry-After` (or back off exponentially with jitter) and retry a few times; \
or use the provider's SDK, which does, and queue bursts of work."
                        .to_owned(),
                ),
            );
        }
    }
}

/// A retry loop around a remote call that does not back off.
fn retry_without_backoff(
    project: &Project,
    file: FileId,
    facts: &FileFacts,
    id: u32,
    iteration: &Iteration,
    findings: &mut Vec<Finding>,
) {
    let Some(wait @ (RetryWait::Immediate | RetryWait::Constant)) = iteration.wait else { return };
    if !matches!(iteration.over, Over::Condition | Over::Range(_)) {
        return;
    }
    let Some((what, _)) = remote_call_in(project, file, facts, id) else { return };
    let (how, consequence) = match wait {
        RetryWait::Immediate => {
            ("tries again at once", "when the API is down or rate-limited, each caller fires its retries back to back")
        }
        _ => (
            "waits the same fixed delay before each try",
            "every caller that failed together retries together, in lockstep",
        ),
    };
    findings.push(
        RULE.finding(
            facts.path.clone(),
            iteration.span,
            format!("retry loop around {what} {how}, with no backoff or jitter"),
            format!(
                "Retries are meant to give the API room to recover; {consequence}, which keeps its rate limit \
exhausted and turns a brief slowdown into an outage."
            ),
            "Grow the delay with each attempt and add jitter: `await sleep(Math.min(30_000, 2 ** attempt * 500) * \
(0.5 + Math.random()))`; honour `Retry-After` on 429; or use `p-retry`."
                .to_owned(),
        ),
    );
}

/// The remote call a loop's body makes: an HTTP request to another host, an SDK call, or a call
/// of a function that makes one.
fn remote_call_in(project: &Project, file: FileId, facts: &FileFacts, id: u32) -> Option<(String, Span)> {
    let request = facts
        .requests
        .iter()
        .find(|request| within(facts, request.iteration, id) && !matches!(request.target, Target::SameOrigin));
    if let Some(request) = request {
        let to = match &request.target {
            Target::Host(host) => format!(" to {host}"),
            _ => String::new(),
        };
        return Some((format!("`{}`{to}", request.client), request.span));
    }
    facts.calls.iter().enumerate().filter(|(_, call)| within(facts, call.iteration, id) && !call.constructs).find_map(
        |(index, call)| {
            if let Some((module, _)) = project.package_origin(file, &call.callee, 0)
                && remote_sdk(&module).is_some()
            {
                return Some((format!("`{module}`"), call.span));
            }
            let target = project.call_target(file, index as u32)?;
            remote_call_by(project, target).map(|(what, _, _)| (what, call.span))
        },
    )
}

/// The function, a function around it, or one of its callers, looks at 429 or `Retry-After`.
fn handles_rate_limit(project: &Project, file: FileId, func: Option<u32>) -> bool {
    handles_rate_limit_here(project, file, func)
        || owners(project.file(file), file, func).any(|function| {
            project.callers(function).iter().any(|&(caller_file, call)| {
                handles_rate_limit_here(project, caller_file, project.file(caller_file).calls[call as usize].func)
            })
        })
}

/// The function, or one around it, looks at 429 or `Retry-After`.
fn handles_rate_limit_here(project: &Project, file: FileId, func: Option<u32>) -> bool {
    let facts = project.file(file);
    std::iter::successors(func, |&id| facts.functions[id as usize].parent)
        .any(|id| facts.functions[id as usize].handles_rate_limit)
}

/// The request runs once per element of a collection: in a loop over one that is not a retry
/// loop (retries and failover over alternatives are the first shape's concern), nor a loop over
/// a handful of literal values or a counted range.
fn per_element(facts: &FileFacts, iteration: Option<u32>) -> bool {
    std::iter::successors(iteration, |&id| facts.iterations[id as usize].parent).any(|id| {
        let iteration = &facts.iterations[id as usize];
        !iteration.retries && matches!(iteration.over, Over::Collection | Over::Parameter { .. })
    })
}

/// The request sits in a retry loop that backs off.
fn in_backoff_loop(facts: &FileFacts, iteration: Option<u32>) -> bool {
    std::iter::successors(iteration, |&id| facts.iterations[id as usize].parent)
        .any(|id| facts.iterations[id as usize].wait == Some(RetryWait::Computed))
}
