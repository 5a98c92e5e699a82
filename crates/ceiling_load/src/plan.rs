//! The endpoints a run loads: URLs from the command line, or a base URL plus the app's route table, from
//! `ceiling routes --format json` saved to a file or read from the scan directly.

use std::path::Path;

use bytes::Bytes;
use http::uri::PathAndQuery;
use http::{HeaderName, HeaderValue, Method};
use serde::Deserialize;

use crate::client::RequestTemplate;
use crate::target::{Origin, parse_url};

/// The endpoints of one run, all on one origin.
#[derive(Debug, Clone)]
pub struct Plan {
    pub origin: Origin,
    pub requests: Vec<RequestTemplate>,
    /// Routes of the table that were left out, and why (`POST /orders: no request body in the routes file`).
    pub skipped: Vec<String>,
}

/// A route as `ceiling routes --format json` writes it, with the optional fields a user adds by hand to
/// load a route that is not a plain GET.
#[derive(Debug, Clone, Deserialize)]
pub struct RouteEntry {
    pub method: String,
    pub path: String,
    /// A JSON request body; routes other than GET are loaded only with one.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
    /// Values for the path's parameters: `{"id": "1"}` fills `/users/:id`, `/users/[id]` and `/users/{id}`.
    #[serde(default)]
    pub params: std::collections::BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RoutesFile {
    routes: Vec<RouteEntry>,
}

impl Plan {
    /// One GET per URL; every URL must share the first one's origin.
    pub fn from_urls(urls: &[String], method: &Method, body: Option<&Bytes>) -> Result<Plan, String> {
        let mut origin: Option<Origin> = None;
        let mut requests = Vec::new();
        for url in urls {
            let (this_origin, path) = parse_url(url)?;
            match &origin {
                Some(first) if *first != this_origin => {
                    return Err(format!("every URL of a run must be on one server: {first} and {this_origin}"));
                }
                _ => origin = Some(this_origin),
            }
            let mut request = RequestTemplate::get(path);
            request.method = method.clone();
            if let Some(body) = body {
                request.body = body.clone();
            }
            requests.push(request);
        }
        let origin = origin.ok_or("give a URL to load, e.g. http://127.0.0.1:3000/api/posts")?;
        Ok(Plan { origin, requests, skipped: Vec::new() })
    }

    /// The routes of `ceiling routes --format json`, on the server at `base`.
    pub fn from_routes_file(base: &str, file: &Path) -> Result<Plan, String> {
        let text = std::fs::read_to_string(file).map_err(|error| format!("cannot read {}: {error}", file.display()))?;
        let parsed: RoutesFile = serde_json::from_str(&text).map_err(|error| {
            format!(
                "{}:{}: {error} (expected the output of `ceiling routes --format json`)",
                file.display(),
                error.line()
            )
        })?;
        Plan::from_routes(base, parsed.routes)
    }

    pub fn from_routes(base: &str, routes: Vec<RouteEntry>) -> Result<Plan, String> {
        let (origin, prefix) = parse_url(base)?;
        let prefix = prefix.path().trim_end_matches('/').to_owned();
        let mut requests = Vec::new();
        let mut skipped = Vec::new();
        for route in routes {
            let name = format!("{} {}", route.method, route.path);
            match request_for(&route, &prefix) {
                Ok(request) => requests.push(request),
                Err(reason) => skipped.push(format!("{name}: {reason}")),
            }
        }
        if requests.is_empty() {
            return Err(match skipped.first() {
                None => "no route to load: the route table is empty".to_owned(),
                Some(first) => format!("no route to load: all {} routes were left out, e.g. {first}", skipped.len()),
            });
        }
        Ok(Plan { origin, requests, skipped })
    }
}

/// Words of a route that does something when called: a cron endpoint, a sign-out, an export, a send.
/// Load and the list probe stay off such GET routes, since every request would run the action.
const ACTIONS: &[&str] = &[
    "cron",
    "job",
    "jobs",
    "task",
    "tasks",
    "trigger",
    "run",
    "sync",
    "refresh",
    "revalidate",
    "cleanup",
    "clear",
    "purge",
    "seed",
    "reset",
    "delete",
    "remove",
    "logout",
    "signout",
    "callback",
    "verify",
    "confirm",
    "unsubscribe",
    "export",
    "send",
    "notify",
    "invite",
    "checkout",
    "pay",
    "redirect",
    "oauth",
    "authorize",
    "webhook",
    "webhooks",
    "migrate",
    "backfill",
    "import",
    "generate",
    "email",
    "emails",
];

/// Whether a route's path names an action, word by word (`/api/cron-job`, `/sendWelcomeEmail`,
/// `/clear_cache`), so that a request to it would run one.
pub fn acts_when_called(path: &str) -> bool {
    path.split('/').flat_map(ceiling_facts::words).any(|word| ACTIONS.contains(&word.as_str()))
}

fn request_for(route: &RouteEntry, prefix: &str) -> Result<RequestTemplate, String> {
    if route.method == "ALL" {
        // Express's `app.all` and Next.js pages API routes: which methods read is the handler's business,
        // and a load that guesses GET could run an action.
        return Err("a handler for every method (`app.all`, a Next.js pages API route); load it by URL".to_owned());
    }
    if route.method == "GET" && route.body.is_none() && acts_when_called(&route.path) {
        return Err("its path names an action (a cron, a sign-out, a send...): loading it would run it".to_owned());
    }
    let method = match route.method.as_str() {
        "GET" => Method::GET,
        "ACTION" | "" => return Err("a server action has no URL of its own".to_owned()),
        other => Method::from_bytes(other.as_bytes()).map_err(|_| format!("unknown method {other}"))?,
    };
    if method != Method::GET && route.body.is_none() {
        return Err("not a GET and no \"body\" given in the routes file".to_owned());
    }
    let path = fill_params(&route.path, &route.params)?;
    let path: PathAndQuery =
        format!("{prefix}{path}").parse().map_err(|error| format!("`{path}` is not a valid path: {error}"))?;
    let mut request = RequestTemplate::get(path);
    request.method = method;
    if let Some(body) = &route.body {
        request.body = Bytes::from(body.to_string());
        request.headers.push((HeaderName::from_static("content-type"), HeaderValue::from_static("application/json")));
    }
    Ok(request)
}

/// Replaces `:id`, `[id]`, `[...slug]` and `{id}` segments with the given values.
fn fill_params(path: &str, params: &std::collections::BTreeMap<String, String>) -> Result<String, String> {
    let mut segments = Vec::new();
    for segment in path.split('/') {
        let name = segment
            .strip_prefix(':')
            .map(|name| name.trim_end_matches('?'))
            .or_else(|| {
                segment.strip_prefix('[').and_then(|s| s.strip_suffix(']')).map(|s| s.trim_start_matches("..."))
            })
            .or_else(|| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')));
        match name {
            Some(name) => match params.get(name) {
                Some(value) => segments.push(value.clone()),
                None => {
                    return Err(format!(
                        "the path parameter `{name}` has no value (add \"params\" in the routes file)"
                    ));
                }
            },
            None if segment.contains('*') => return Err("a wildcard path".to_owned()),
            None => segments.push(segment.to_owned()),
        }
    }
    Ok(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(method: &str, path: &str) -> RouteEntry {
        RouteEntry { method: method.to_owned(), path: path.to_owned(), body: None, params: Default::default() }
    }

    #[test]
    fn get_routes_load_and_others_need_a_body() {
        let mut post = entry("POST", "/login");
        post.body = Some(serde_json::json!({"email": "a@b.c"}));
        let routes = vec![entry("GET", "/posts"), entry("POST", "/orders"), post, entry("GET", "/users/:id")];
        let plan = Plan::from_routes("http://127.0.0.1:3000/api/", routes).unwrap();
        let labels: Vec<String> = plan.requests.iter().map(RequestTemplate::label).collect();
        assert_eq!(labels, ["GET /api/posts", "POST /api/login"]);
        assert_eq!(plan.requests[1].body, Bytes::from(r#"{"email":"a@b.c"}"#));
        assert_eq!(plan.skipped.len(), 2);
        assert!(plan.skipped[0].starts_with("POST /orders: not a GET"), "{:?}", plan.skipped);
        assert!(plan.skipped[1].contains("`id` has no value"), "{:?}", plan.skipped);
    }

    #[test]
    fn routes_that_act_when_called_are_left_alone() {
        for path in ["/api/cron/cleanup", "/auth/logout", "/api/sendWelcomeEmail", "/api/cron-job", "/clear_cache"] {
            assert!(acts_when_called(path), "{path}");
        }
        for path in ["/api/posts", "/api/payments", "/api/exports-history", "/runs", "/api/users/me"] {
            assert!(!acts_when_called(path), "{path}");
        }
        let plan =
            Plan::from_routes("http://127.0.0.1:3000", vec![entry("GET", "/posts"), entry("GET", "/api/cron/daily")]);
        assert_eq!(plan.unwrap().skipped.len(), 1);
        let all = Plan::from_routes("http://127.0.0.1:3000", vec![entry("ALL", "/anything")]);
        assert!(all.unwrap_err().contains("a handler for every method"));
    }

    #[test]
    fn path_parameters_of_every_framework_are_filled() {
        let params = [("id".to_owned(), "7".to_owned()), ("slug".to_owned(), "a".to_owned())].into();
        assert_eq!(fill_params("/users/:id/posts/[...slug]", &params).unwrap(), "/users/7/posts/a");
        assert_eq!(fill_params("/items/{id}", &params).unwrap(), "/items/7");
    }

    #[test]
    fn urls_must_share_one_server() {
        let urls = ["http://127.0.0.1:3000/a".to_owned(), "http://127.0.0.1:3001/b".to_owned()];
        assert!(Plan::from_urls(&urls, &Method::GET, None).unwrap_err().contains("one server"));
        assert!(Plan::from_urls(&[], &Method::GET, None).is_err());
    }
}
