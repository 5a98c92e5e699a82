//! Calls that leave the app: HTTP requests and the SDKs of remote APIs, and the functions that run
//! on every request. Shared by the rules about timeouts, retries, fan-out and per-request clients.

use ceiling_facts::{FileFacts, FileId, FnId, FnRef, HttpRequest, IterId, Project, RouteRow, Target, in_package};
use std::cell::RefCell;

use rustc_hash::FxHashMap;

/// How many calls deep from a route's handler a function still runs "on the request".
const REQUEST_DEPTH: u32 = 3;

/// Packages whose calls cost money or quota per request: AI APIs, email and SMS senders.
pub const PAID_APIS: &[&str] = &[
    "openai",
    "@anthropic-ai/sdk",
    "ai",
    "@ai-sdk/openai",
    "@ai-sdk/anthropic",
    "@google/generative-ai",
    "@google/genai",
    "groq-sdk",
    "@mistralai/mistralai",
    "replicate",
    "cohere-ai",
    "resend",
    "@sendgrid/mail",
    "postmark",
    "nodemailer",
    "twilio",
    "@aws-sdk/client-ses",
    "@aws-sdk/client-sesv2",
    "@aws-sdk/client-sns",
    "mailgun.js",
];

/// SDKs of other remote APIs: each call is a request to another service, free or not.
const OTHER_SDKS: &[&str] = &[
    "stripe",
    "@slack/web-api",
    "@octokit/rest",
    "octokit",
    "@aws-sdk/client-s3",
    "@aws-sdk/client-lambda",
    "firebase-admin",
];

/// The remote API's SDK a module belongs to, paid or not. The Vercel AI SDK (`ai`,
/// `@ai-sdk/*`) is left out: it exports helpers beside its calls, which only
/// `costly-route-no-limit` tells apart.
pub fn remote_sdk(module: &str) -> Option<&'static str> {
    PAID_APIS
        .iter()
        .chain(OTHER_SDKS)
        .filter(|package| **package != "ai" && !package.starts_with("@ai-sdk/"))
        .find(|package| in_package(module, package))
        .copied()
}

/// The functions that run on a user's request, each with the routes (indices in the route table)
/// that run it: each route's handler and the functions it calls, a few calls deep. Routes only the
/// app's own machinery calls (cron endpoints, signed queue consumers) do not count; whether a route
/// is one is asked only of the routes a finding would name, since it costs a walk of the handler.
pub struct PerRequest {
    routes_of: FxHashMap<FnRef, Vec<u32>>,
    internal: RefCell<FxHashMap<u32, bool>>,
}

impl PerRequest {
    pub fn new(project: &Project) -> PerRequest {
        let mut routes_of: FxHashMap<FnRef, Vec<u32>> = FxHashMap::default();
        for (index, row) in project.route_table().iter().enumerate() {
            if project.file(row.file_id).role != ceiling_facts::FileRole::App {
                continue;
            }
            let Some(handler) = row.handler else { continue };
            for function in project.functions_within(handler, REQUEST_DEPTH) {
                routes_of.entry(function).or_default().push(index as u32);
            }
        }
        PerRequest { routes_of, internal: RefCell::default() }
    }

    /// The first route users call that runs code of `func` in `file` (a function, or a callback
    /// inside one).
    pub fn route<'p>(&self, project: &'p Project, file: FileId, func: Option<FnId>) -> Option<&'p RouteRow> {
        let table = project.route_table();
        owners(project.file(file), file, func)
            .filter_map(|function| self.routes_of.get(&function))
            .flatten()
            .find(|&&index| {
                !*self
                    .internal
                    .borrow_mut()
                    .entry(index)
                    .or_insert_with(|| crate::webhooks::internal(project, &table[index as usize]))
            })
            .map(|&index| &table[index as usize])
    }
}

/// The function `func` and, while it is a callback run in place, the functions around it.
pub fn owners(facts: &FileFacts, file: FileId, func: Option<FnId>) -> impl Iterator<Item = FnRef> + '_ {
    std::iter::successors(func, move |&id| {
        let function = &facts.functions[id as usize];
        if function.inline { function.parent } else { None }
    })
    .map(move |id| FnRef { file, id })
}

/// Whether a host belongs to someone else: a public name with a dot, not the machine itself, an
/// internal name (`api`, `redis:6379`, `*.internal`, `*.svc`), an IP address, or a name reserved
/// for examples (`example.com`, `*.test`), which placeholder code uses.
pub fn is_third_party(host: &str) -> bool {
    const NOT_PUBLIC: &[&str] = &[
        "local",
        "localhost",
        "internal",
        "svc",
        "lan",
        "test",
        "example",
        "invalid",
        "example.com",
        "example.org",
        "example.net",
    ];
    host.contains('.')
        && host.parse::<std::net::IpAddr>().is_err()
        && !NOT_PUBLIC
            .iter()
            .any(|name| host == *name || host.strip_suffix(name).is_some_and(|rest| rest.ends_with('.')))
}

/// The host of a request, when it is a third party's.
pub fn third_party_host(request: &HttpRequest) -> Option<&str> {
    match &request.target {
        Target::Host(host) if is_third_party(host) => Some(host),
        _ => None,
    }
}

/// Whether iteration `inner` is `outer` or runs inside it.
pub fn within(facts: &FileFacts, inner: Option<IterId>, outer: IterId) -> bool {
    std::iter::successors(inner, |&id| facts.iterations[id as usize].parent).any(|id| id == outer)
}

/// The remote call a function makes, itself or through the functions it calls (two calls deep):
/// an HTTP request to a third party, or a call of a remote API's SDK. Its description and place.
pub fn remote_call_by(project: &Project, function: FnRef) -> Option<(String, FileId, ceiling_facts::Span)> {
    for within in project.functions_within(function, 2) {
        let facts = project.file(within.file);
        let request = facts.requests.iter().find(|request| {
            third_party_host(request).is_some() && owners(facts, within.file, request.func).any(|owner| owner == within)
        });
        if let Some(request) = request {
            let host = third_party_host(request).unwrap_or_default();
            return Some((format!("`{}` to {host}", request.client), within.file, request.span));
        }
    }
    project
        .call_made_by(function, 0, &|module, _| remote_sdk(module).map(str::to_owned))
        .map(|(package, file, span)| (format!("`{package}`"), file, span))
}

/// Whether a module is one of `packages` (or a subpath of one).
pub fn from_any(module: &str, packages: &[&str]) -> bool {
    packages.iter().any(|package| in_package(module, package))
}
