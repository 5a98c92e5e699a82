//! `client-polling`: browser code that asks the server for fresh data every few seconds, from
//! every open tab.

use ceiling_facts::{FileId, FileRole, FnRef, Framework, Project, Resolved, Span, Timer, TimerKind, Value};

use crate::loops::describe;
use crate::{ChainLink, Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "client-polling",
    family: Family::Abuse,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "Browser code polls the server every few seconds from every open tab.",
    docs: Docs {
        what: "A timer in client code that asks the server for data faster than every 10 seconds: \
a `setInterval` (or `useInterval`) whose callback calls the server, or a polling query (SWR \
`refreshInterval`, React Query and tRPC `refetchInterval`, Apollo `pollInterval`). A timer that \
pauses in hidden tabs (a `document.visibilityState` check, or SWR's and React Query's default) \
or skips a tick while the last request is in flight fires only below 5 seconds. A `setInterval` calls the server when its callback, or the functions \
it calls, runs a query (supabase-js in the browser), calls an HTTP or data client (axios, ky, \
ofetch, graphql-request, Apollo, `refetch` and `mutate` of React Query and SWR, Next.js \
`router.refresh()`), calls a server action or a function of an API module (`lib/api.ts`, \
`services/`), or is named like a fetch (`fetchData`, `loadMessages`, `refreshStatus`, `poll`, \
`sync`).",
        why: "Each open tab sends its own requests, whether anyone looks at it or not: a dashboard \
polling every 2 seconds makes 30 requests a minute per tab, and 1,000 users with it open make 500 \
requests a second, most of them returning what the last one did. That load grows with users, not \
with activity, and it lands on the routes and the database as one steady flood.",
        fix: "Poll less often (30 to 60 seconds is plenty for most dashboards), pause in hidden tabs \
(`document.visibilityState`, or leave SWR's `refreshWhenHidden` and React Query's \
`refetchIntervalInBackground` off), back off while nothing changes, or push changes instead: \
server-sent events, a WebSocket, Supabase Realtime.",
        fires: "```tsx\nuseEffect(() => {\n  const id = setInterval(fetchMessages, 2000);\n  return () => clearInterval(id);\n}, []);\n```",
        passes: "```tsx\nconst { data } = useSWR('/api/messages', fetcher, { refreshInterval: 30_000 });\n```",
        guards: &[
            "A period of 10 seconds or more, or 5 seconds or more for a timer that pauses in hidden tabs (a `document.hidden` or `visibilityState` check, a `visibilitychange` listener, a visibility hook; SWR and React Query by default) or skips a tick while the last request is in flight.",
            "A period that is not a constant: computed at run time, a backoff.",
            "A `setInterval` whose callback calls no server the project can see (a clock, an animation, a plain `fetch` in an inline callback whose function is not named like one).",
            "Server code: jobs are `job-overlap`'s concern.",
            "Tests, scripts and generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

/// Below this period a timer that polls every open tab fires.
const ALL_TABS_MS: u64 = 10_000;
/// Below this period a timer that pauses in hidden tabs fires too.
const VISIBLE_TABS_MS: u64 = 5_000;

/// Clients whose calls go to a server.
const SERVER_CLIENTS: &[&str] = &[
    "axios",
    "redaxios",
    "ky",
    "ofetch",
    "superagent",
    "graphql-request",
    "@apollo/client",
    "urql",
    "@urql/core",
    "swr",
    "@tanstack/react-query",
    "react-query",
    "@trpc/client",
    "@trpc/react-query",
    "@supabase/supabase-js",
    "firebase",
    "@firebase/firestore",
];

fn check(project: &Project, findings: &mut Vec<Finding>) {
    let mut actions: Option<Vec<FnRef>> = None;
    for (file, facts) in project.files() {
        if facts.role != FileRole::App {
            continue;
        }
        for timer in &facts.timers {
            if !timer.client || !matches!(timer.kind, TimerKind::Interval | TimerKind::Refetch) {
                continue;
            }
            let Some(period) = timer.period_ms else { continue };
            let limit = if timer.guarded { VISIBLE_TABS_MS } else { ALL_TABS_MS };
            if period >= limit {
                continue;
            }
            let chain = match timer.kind {
                TimerKind::Refetch => Vec::new(),
                _ => {
                    let actions = actions.get_or_insert_with(|| server_actions(project));
                    let Some(link) = server_call(project, file, timer, actions) else { continue };
                    vec![link]
                }
            };
            findings.push(Finding {
                chain,
                ..RULE.finding(
                    facts.path.clone(),
                    timer.span,
                    message(timer, period),
                    "Every open tab sends its own requests whether anyone looks at it or not: the load grows \
with the number of users who have the page open, not with what they do."
                        .to_owned(),
                    "Poll every 30 to 60 seconds, pause in hidden tabs (`document.visibilityState`; SWR's and \
React Query's defaults), back off while nothing changes, or push updates instead (server-sent events, a \
WebSocket, Supabase Realtime)."
                        .to_owned(),
                )
            });
        }
    }
}

/// "`setInterval` asks the server every 2 s: 30 requests a minute per open tab, hidden tabs
/// included; 500 a second for 1,000 users with the page open".
fn message(timer: &Timer, period: u64) -> String {
    let what = match timer.kind {
        TimerKind::Refetch => "a polling query refetches",
        _ => "`setInterval` asks the server",
    };
    let period = period.max(1);
    let per_minute = 60_000 / period;
    let per_minute = if per_minute == 0 { "under one request".to_owned() } else { thousands(per_minute) + " requests" };
    // A refetch that is guarded pauses in hidden tabs; an interval may be guarded by a flag instead.
    let tabs = match (timer.guarded, timer.kind) {
        (false, _) => "per open tab, hidden tabs included",
        (true, TimerKind::Refetch) => "per visible tab",
        (true, _) => "per tab",
    };
    let per_second = thousands(1_000 * 1_000 / period);
    format!(
        "{what} {}: {per_minute} a minute {tabs}; {per_second} a second for 1,000 users with the page open",
        every(period)
    )
}

/// `12345` -> `12,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// "every 2 s", "every 500 ms".
fn every(ms: u64) -> String {
    match ms {
        1_000 => "every second".to_owned(),
        ms if ms.is_multiple_of(1_000) => format!("every {} s", ms / 1_000),
        ms => format!("every {ms} ms"),
    }
}

/// The functions that are server actions (`'use server'`): calling one is a request.
fn server_actions(project: &Project) -> Vec<FnRef> {
    project
        .route_table()
        .iter()
        .filter(|row| row.framework == Framework::NextServerAction)
        .filter_map(|row| row.handler)
        .collect()
}

/// Where an interval's callback calls the server, if it visibly does.
fn server_call(project: &Project, file: FileId, timer: &Timer, actions: &[FnRef]) -> Option<ChainLink> {
    let callback = &timer.callback;
    let function = match callback {
        Value::Function(id) | Value::Wrap(_, id) => Some(FnRef { file, id: *id }),
        Value::Unknown => return None,
        value => match project.resolve(file, value) {
            Resolved::Function(function) | Resolved::Wrapped(function) => Some(function),
            _ => None,
        },
    };
    let Some(callback) = function else {
        // `setInterval(refetch, 2000)`, `setInterval(mutate, 2000)`: a client's method itself.
        let note = server_value(project, file, callback)?;
        return Some(ChainLink { file: project.file(file).path.clone(), span: timer.span, note });
    };
    // A function of an API module, a server action, or one named like a fetch (`fetchData`, whose
    // `fetch` the project does not record).
    let api = |function: FnRef| {
        is_fetch_name(project.function_name(function))
            || actions.contains(&function)
            || (function.file != file && is_api_module(&project.file(function.file).path))
    };
    let name = project.function_name(callback);
    if api(callback) {
        let span = project.file(callback.file).functions[callback.id as usize].span;
        let note = format!("runs {name}()");
        return Some(ChainLink { file: project.file(callback.file).path.clone(), span, note });
    }
    for function in project.functions_within(callback, 2) {
        let Some(items) = project.items(function) else { continue };
        let facts = project.file(function.file);
        let link = |span: Span, note: String| ChainLink { file: facts.path.clone(), span, note };
        for &query in &items.queries {
            let found = &facts.queries[query as usize];
            if project.query_orm(function.file, query).is_some() {
                return Some(link(found.span, format!("runs {}", describe(found))));
            }
        }
        for &call in &items.calls {
            let found = &facts.calls[call as usize];
            if let Some(target) = project.call_target(function.file, call) {
                if api(target) {
                    return Some(link(found.span, format!("calls {}()", project.function_name(target))));
                }
                continue;
            }
            if let Some(what) = server_value(project, function.file, &found.callee) {
                return Some(link(found.span, what));
            }
        }
    }
    None
}

/// A value that talks to a server when called: a method of an HTTP or data client, Next.js
/// `router.refresh`, an import from an API module the project does not hold, a function named
/// like a fetch.
fn server_value(project: &Project, file: FileId, value: &Value) -> Option<String> {
    if let Some(package) = project.package_among(file, value, SERVER_CLIENTS) {
        return Some(format!("calls `{package}`"));
    }
    let (module, path) = project.package_origin(file, value, 0)?;
    let last = path.last().map(String::as_str).unwrap_or_default();
    if (module == "next" || module.starts_with("next/")) && last == "refresh" {
        return Some("calls `router.refresh()`".to_owned());
    }
    if is_api_module(&module) || is_fetch_name(last) {
        return Some(format!("calls `{last}` from `{module}`"));
    }
    None
}

/// `fetchData`, `loadMessages`, `refreshStatus`, `pollJobs`, `syncCart`, `revalidate`.
fn is_fetch_name(name: &str) -> bool {
    let name = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase();
    ["fetch", "load", "refresh", "reload", "refetch", "poll", "sync", "revalidate", "mutate", "invalidate", "ping"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || name.contains("heartbeat")
}

/// A module of API calls: `lib/api.ts`, `src/services/jobs.ts`, `app/actions.ts`, `@/api/client`.
fn is_api_module(path: &str) -> bool {
    path.split('/').any(|segment| {
        let stem = segment.split('.').next().unwrap_or(segment).to_ascii_lowercase();
        matches!(stem.as_str(), "api" | "apis" | "services" | "service" | "actions" | "requests" | "endpoints")
    })
}
