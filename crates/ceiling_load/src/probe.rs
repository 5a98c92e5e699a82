//! `ceiling probe`: small, bounded requests that prove whether a running app refuses abuse.
//!
//! - Credential routes (login, sign-up, reset, OTP) get a burst of wrong credentials for the user's test
//!   account, sent one after another; the probe reports when a 429, a 423, a lockout message or a CAPTCHA
//!   first appeared and which rate-limit headers came with it.
//! - Webhook routes get one signed event twice and a copy signed an hour ago, with the secret the user
//!   gives: is the signature checked, is a replay accepted, is the timestamp's age checked?
//! - List routes get an absurd page size (`?limit=100000`): is it capped?

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::prelude::BASE64_STANDARD;
use bytes::Bytes;
use http::uri::PathAndQuery;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde::Serialize;

use crate::client::{Answer, Connection, Connector, RequestTemplate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A credential or account flow; the string says which abuse it is open to.
    Credentials,
    Webhook,
    List,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProbeTarget {
    pub kind: TargetKind,
    pub method: String,
    pub path: String,
    /// Why the route was chosen: `password guessing`, `named on the command line`.
    pub why: String,
    /// Where the app declares the route, when it came from a scan: `src/routes/auth.ts:12`, relative
    /// to the scanned directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared: Option<Declared>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Declared {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone)]
pub struct ProbeSpec {
    pub burst: usize,
    pub within: Duration,
    pub account: String,
    /// Replaces the credential body ceiling writes.
    pub body: Option<String>,
    pub webhook_secret: Option<String>,
    pub webhook_scheme: WebhookScheme,
    pub timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookScheme {
    /// `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`.
    Stripe,
    /// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`.
    Github,
    /// Standard Webhooks (Svix, Resend, Clerk): `webhook-id`, `webhook-timestamp`, and
    /// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.t.body">` keyed by the base64 after `whsec_`.
    StandardWebhooks,
}

/// One target's result.
#[derive(Debug, Clone, Serialize)]
pub struct ProbeResult {
    pub target: ProbeTarget,
    /// `true`: the app refused the abuse or capped the page; `false`: it did not; `None`: the probe
    /// could not tell (the route answered 404, the body was refused as malformed, no secret).
    pub protected: Option<bool>,
    pub verdict: String,
    pub requests: usize,
    pub details: Vec<String>,
}

/// The verdict of a webhook route that accepted an unsigned event.
const UNSIGNED_ACCEPTED: &str = "signature not checked: an unsigned event was accepted";

impl ProbeResult {
    /// When the route is open, the id of ceiling's rule that predicts the abuse from the code: its
    /// documentation says why it matters and how to fix it.
    pub fn rule(&self) -> Option<&'static str> {
        if self.protected != Some(false) {
            return None;
        }
        Some(match self.target.kind {
            TargetKind::Credentials => "auth-no-rate-limit",
            TargetKind::Webhook if self.verdict == UNSIGNED_ACCEPTED => "webhook-unverified",
            TargetKind::Webhook => "webhook-no-idempotency",
            TargetKind::List => "unbounded-read",
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ProbeReport {
    pub origin: String,
    pub bounds: String,
    pub results: Vec<ProbeResult>,
}

pub async fn run(connector: &Connector, targets: &[ProbeTarget], spec: &ProbeSpec) -> ProbeReport {
    let mut results = Vec::new();
    for target in targets {
        let result = match target.kind {
            TargetKind::Credentials => burst(connector, target, spec).await,
            TargetKind::Webhook => replay(connector, target, spec).await,
            TargetKind::List => page_cap(connector, target, spec).await,
        };
        results.push(result);
    }
    ProbeReport {
        origin: connector.origin().base(),
        bounds: format!(
            "at most {} requests within {} s per credential route, 4 per webhook route, 2 per list route",
            spec.burst,
            spec.within.as_secs_f64()
        ),
        results,
    }
}

/// Sends one request on a connection of its own, opened again after a failure.
struct Prober<'a> {
    connector: &'a Connector,
    connection: Option<Connection>,
    timeout: Duration,
    sent: usize,
}

impl Prober<'_> {
    async fn send(&mut self, request: &RequestTemplate) -> Result<Answer, String> {
        self.sent += 1;
        if self.connection.as_ref().is_some_and(|connection| !connection.reusable()) {
            self.connection = None;
        }
        let connection = match &mut self.connection {
            Some(connection) => connection,
            slot => {
                let connected = tokio::time::timeout(self.timeout, self.connector.connect())
                    .await
                    .map_err(|_| format!("no connection within {} s", self.timeout.as_secs_f64()))?;
                slot.insert(connected.map_err(|failure| failure.to_string())?)
            }
        };
        match tokio::time::timeout(self.timeout, connection.answer(request)).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(failure)) => {
                self.connection = None;
                Err(failure.to_string())
            }
            Err(_) => {
                self.connection = None;
                Err(format!("no answer within {} s", self.timeout.as_secs_f64()))
            }
        }
    }
}

fn request(method: &str, path: &str, body: Option<String>, headers: Vec<(HeaderName, HeaderValue)>) -> RequestTemplate {
    let path: PathAndQuery = path.parse().unwrap_or_else(|_| PathAndQuery::from_static("/"));
    let mut request = RequestTemplate::get(path);
    request.method = Method::from_bytes(method.as_bytes()).unwrap_or(Method::POST);
    request.headers = headers;
    if let Some(body) = body {
        request.body = Bytes::from(body);
        request.headers.push((http::header::CONTENT_TYPE, HeaderValue::from_static("application/json")));
    }
    request
}

/// Rate-limit headers by their names: the IETF draft's (`RateLimit`, `RateLimit-Policy`, and the older
/// `RateLimit-Limit` trio), the common `X-RateLimit-*`, and `Retry-After`.
fn limit_headers(headers: &HeaderMap) -> Vec<String> {
    let mut names: Vec<String> = headers
        .keys()
        .map(|name| name.as_str())
        .filter(|name| name.starts_with("ratelimit") || name.starts_with("x-ratelimit") || *name == "retry-after")
        .map(|name| match headers.get(name).and_then(|value| value.to_str().ok()) {
            Some(value) if value.len() <= 80 => format!("{name}: {value}"),
            _ => name.to_owned(),
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

/// What in an answer says the app refused the attempt, if anything: 429, 423, a 503 (nginx's
/// `limit_req` answers so), or a refusal in words (a CAPTCHA, a lockout message) on an error status.
fn refusal(answer: &Answer) -> Option<String> {
    match answer.status {
        429 => return Some("429 Too Many Requests".to_owned()),
        423 => return Some("423 Locked".to_owned()),
        503 => return Some("503 Service Unavailable".to_owned()),
        status if status < 400 => return None,
        _ => {}
    }
    let body = String::from_utf8_lossy(&answer.body[..answer.body.len().min(64 * 1024)]).to_ascii_lowercase();
    if ["captcha", "turnstile"].iter().any(|word| body.contains(word)) {
        return Some(format!("a CAPTCHA ({})", answer.status));
    }
    let lockout = ["too many", "locked", "try again later", "rate limit", "slow down"];
    if lockout.iter().any(|phrase| contains_word(&body, phrase)) {
        return Some(format!("a lockout message ({})", answer.status));
    }
    None
}

/// `phrase` in `text` as whole words: "locked" but not "blocked" or "unlocked".
fn contains_word(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = text[at + phrase.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

async fn burst(connector: &Connector, target: &ProbeTarget, spec: &ProbeSpec) -> ProbeResult {
    let mut prober = Prober { connector, connection: None, timeout: spec.timeout, sent: 0 };
    let began = Instant::now();
    let mut statuses: std::collections::BTreeMap<u16, usize> = Default::default();
    let mut headers_seen: Vec<String> = Vec::new();
    let mut refused_at: Option<(usize, String)> = None;
    let mut errors = Vec::new();
    for attempt in 1..=spec.burst {
        if began.elapsed() >= spec.within {
            break;
        }
        let body = spec.body.clone().unwrap_or_else(|| {
            serde_json::json!({
                "email": spec.account,
                "username": spec.account,
                "password": format!("ceiling-probe-wrong-{attempt}"),
                "code": "000000",
                "otp": "000000",
            })
            .to_string()
        });
        match prober.send(&request(&target.method, &target.path, Some(body), Vec::new())).await {
            Ok(answer) => {
                *statuses.entry(answer.status).or_default() += 1;
                for header in limit_headers(&answer.headers) {
                    let name = header.split(':').next().unwrap_or_default().to_owned();
                    if !headers_seen.iter().any(|seen| seen.split(':').next() == Some(name.as_str())) {
                        headers_seen.push(header);
                    }
                }
                if refused_at.is_none()
                    && let Some(how) = refusal(&answer)
                {
                    refused_at = Some((attempt, how));
                }
            }
            Err(error) => errors.push(error),
        }
        // Two more after the first refusal show whether it holds; more would only add to the app's logs.
        if refused_at.as_ref().is_some_and(|(at, _)| attempt >= at + 2) {
            break;
        }
    }
    let seconds = began.elapsed().as_secs_f64();
    let answered: Vec<String> = statuses.iter().map(|(status, count)| format!("{count}× {status}")).collect();
    let mut details =
        vec![format!("answers: {}", if answered.is_empty() { "none".to_owned() } else { answered.join(", ") })];
    if !headers_seen.is_empty() {
        details.push(format!("rate-limit headers: {}", headers_seen.join("; ")));
    }
    if let Some(error) = errors.first() {
        details.push(format!("{} requests failed, the first with {error}", errors.len()));
    }
    let sent = prober.sent;
    let announced = !headers_seen.is_empty();
    // Statuses a wrong attempt gets when the route checked it: 401, or an error body under 200 or 400.
    let judged = statuses.keys().all(|status| matches!(status, 200 | 400 | 401 | 422)) && statuses.contains_key(&401)
        || statuses.keys().all(|status| *status == 200);
    let (protected, verdict) = match refused_at {
        // Refused from the first attempt: a limit already in force (an earlier run), or a route that refuses
        // everything; either way the burst shows no threshold.
        Some((1, how)) => (None, format!("unclear: refused from the first attempt ({how}); run it again later")),
        Some((at, how)) => (Some(true), format!("limited: {how} at request {at} of {sent} ({seconds:.1} s)")),
        None if statuses.keys().all(|status| matches!(status, 404 | 405)) && !statuses.is_empty() => {
            (None, format!("not probed: the route answered {}", answered.join(", ")))
        }
        None if statuses.keys().any(|status| matches!(status, 400 | 415 | 422)) && !statuses.contains_key(&401) => (
            None,
            format!(
                "unclear: {sent} requests in {seconds:.1} s were refused as malformed ({}); give the body the route \
                 expects with --body",
                answered.join(", ")
            ),
        ),
        None if statuses.is_empty() => (None, "unclear: no request got an answer".to_owned()),
        None if announced => (
            Some(true),
            format!("limited above {sent} attempts: none refused, but the answers announce a limit (headers below)"),
        ),
        None if judged => (
            Some(false),
            format!("no limit: {sent} wrong attempts in {seconds:.1} s, none refused ({})", answered.join(", ")),
        ),
        None => (
            None,
            format!(
                "unclear: {sent} attempts answered {} (a CSRF check, a redirect, a server error?); name the route's \
                 body with --body",
                answered.join(", ")
            ),
        ),
    };
    ProbeResult { target: target.clone(), protected, verdict, requests: sent, details }
}

async fn replay(connector: &Connector, target: &ProbeTarget, spec: &ProbeSpec) -> ProbeResult {
    let mut prober = Prober { connector, connection: None, timeout: spec.timeout, sent: 0 };
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
    let event_id = format!("evt_ceiling_probe_{now}");
    let payload = serde_json::json!({
        "id": event_id,
        "type": "ceiling.probe",
        "created": now,
        "data": { "object": { "id": "ceiling_probe", "object": "ceiling.probe" } },
    })
    .to_string();
    let mut details = Vec::new();
    let unsigned = prober.send(&request(&target.method, &target.path, Some(payload.clone()), Vec::new())).await;
    let unsigned_status = match &unsigned {
        Ok(answer) => {
            details.push(format!("unsigned event: {}", answer.status));
            Some(answer.status)
        }
        Err(error) => {
            details.push(format!("unsigned event: {error}"));
            None
        }
    };
    if unsigned_status.is_some_and(|status| status < 300) {
        let verdict = UNSIGNED_ACCEPTED.to_owned();
        return ProbeResult { target: target.clone(), protected: Some(false), verdict, requests: prober.sent, details };
    }
    let Some(secret) = &spec.webhook_secret else {
        let verdict = "replay not probed: give the signing secret with --webhook-secret".to_owned();
        return ProbeResult { target: target.clone(), protected: None, verdict, requests: prober.sent, details };
    };
    let signed = request(
        &target.method,
        &target.path,
        Some(payload.clone()),
        sign(spec.webhook_scheme, secret, &event_id, now, &payload),
    );
    let mut accepted = Vec::new();
    for attempt in ["signed event", "the same event again"] {
        match prober.send(&signed).await {
            Ok(answer) => {
                details.push(format!("{attempt}: {}", answer.status));
                accepted.push(answer.status < 300);
            }
            Err(error) => {
                details.push(format!("{attempt}: {error}"));
                accepted.push(false);
            }
        }
    }
    let mut stale_accepted = None;
    if spec.webhook_scheme != WebhookScheme::Github {
        // GitHub signs no timestamp; the others carry one a receiver should hold to a few minutes.
        let old = now.saturating_sub(3600);
        let stale_id = format!("{event_id}_stale");
        let stale = request(
            &target.method,
            &target.path,
            Some(payload.clone()),
            sign(spec.webhook_scheme, secret, &stale_id, old, &payload),
        );
        if let Ok(answer) = prober.send(&stale).await {
            details.push(format!("event signed an hour ago: {}", answer.status));
            stale_accepted = Some(answer.status < 300);
        }
    }
    let stale_note = match stale_accepted {
        Some(true) => "; a copy signed an hour ago was accepted: the timestamp's age is not checked",
        Some(false) => "; a copy signed an hour ago was refused",
        None => "",
    };
    let (protected, verdict) = match (accepted.as_slice(), stale_accepted) {
        ([false, _], _) => {
            (None, "unclear: the signed event was refused; check the secret and --webhook-scheme".to_owned())
        }
        // An old signature accepted is a replay anyone who saw one delivery can make, for ever.
        ([true, _], Some(true)) => (
            Some(false),
            format!(
                "replayable: the same event `{event_id}` was answered 2xx twice{stale_note}; reject old timestamps and dedupe by event id"
            ),
        ),
        // Twice 2xx alone is what a handler that dedupes answers too (Stripe asks for 2xx on duplicates).
        ([true, true], _) => (
            None,
            format!(
                "replay answered 2xx: the same event `{event_id}` was accepted twice{stale_note}; unless the \
                 handler dedupes by event id, each replay repeats its work"
            ),
        ),
        ([true, false], _) => {
            (Some(true), format!("replay refused: the second delivery of the same event was refused{stale_note}"))
        }
        _ => (None, "unclear".to_owned()),
    };
    ProbeResult { target: target.clone(), protected, verdict, requests: prober.sent, details }
}

fn sign(
    scheme: WebhookScheme,
    secret: &str,
    id: &str,
    timestamp: u64,
    payload: &str,
) -> Vec<(HeaderName, HeaderValue)> {
    let hmac = |key: &[u8], message: &str| {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
        ring::hmac::sign(&key, message.as_bytes()).as_ref().to_vec()
    };
    let header = |name: &'static str, value: String| {
        (HeaderName::from_static(name), HeaderValue::from_str(&value).expect("signatures are ASCII"))
    };
    match scheme {
        WebhookScheme::Stripe => {
            let signature = hex(&hmac(secret.as_bytes(), &format!("{timestamp}.{payload}")));
            vec![header("stripe-signature", format!("t={timestamp},v1={signature}"))]
        }
        WebhookScheme::Github => {
            vec![header("x-hub-signature-256", format!("sha256={}", hex(&hmac(secret.as_bytes(), payload))))]
        }
        WebhookScheme::StandardWebhooks => {
            let key = secret
                .strip_prefix("whsec_")
                .and_then(|encoded| BASE64_STANDARD.decode(encoded).ok())
                .unwrap_or_else(|| secret.as_bytes().to_vec());
            let signature = BASE64_STANDARD.encode(hmac(&key, &format!("{id}.{timestamp}.{payload}")));
            vec![
                header("webhook-id", id.to_owned()),
                header("webhook-timestamp", timestamp.to_string()),
                header("webhook-signature", format!("v1,{signature}")),
            ]
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The page-size parameters of common APIs, all set at once so that one request tries them all.
const PAGE_PARAMS: &[&str] = &["limit", "pageSize", "page_size", "per_page", "perPage", "take", "size", "first"];
const ABSURD: u32 = 100_000;
/// More items than this for an absurd page size is uncapped; a cap above it would be no cap either.
const UNCAPPED: usize = 1000;

async fn page_cap(connector: &Connector, target: &ProbeTarget, spec: &ProbeSpec) -> ProbeResult {
    let mut prober = Prober { connector, connection: None, timeout: spec.timeout, sent: 0 };
    let plain = prober.send(&request("GET", &target.path, None, Vec::new())).await;
    let separator = if target.path.contains('?') { '&' } else { '?' };
    let query: Vec<String> = PAGE_PARAMS.iter().map(|param| format!("{param}={ABSURD}")).collect();
    let absurd_path = format!("{}{separator}{}", target.path, query.join("&"));
    let began = Instant::now();
    let absurd = prober.send(&request("GET", &absurd_path, None, Vec::new())).await;
    let seconds = began.elapsed().as_secs_f64();
    let mut details = Vec::new();
    let (protected, verdict) = match (plain, absurd) {
        (Err(error), _) | (_, Err(error)) => (None, format!("unclear: {error}")),
        (Ok(plain), Ok(absurd)) => {
            details.push(format!(
                "without a page size: {} ({} bytes); with {}={ABSURD}: {} ({} bytes, {seconds:.2} s)",
                plain.status,
                plain.body.len(),
                PAGE_PARAMS[0],
                absurd.status,
                absurd.body.len()
            ));
            match (items(&plain), items(&absurd)) {
                _ if matches!(absurd.status, 400 | 422) => {
                    (Some(true), format!("capped: the page size was refused ({})", absurd.status))
                }
                (Some(before), Some(after)) if after > UNCAPPED => (
                    Some(false),
                    format!(
                        "not capped: {after} items for a page size of {ABSURD} ({before} by default), in {seconds:.2} s"
                    ),
                ),
                // The page size was honoured up to a number a cap or the table's size explains alike.
                (Some(before), Some(after)) if after > before => (
                    None,
                    format!(
                        "{after} items for a page size of {ABSURD} ({before} by default): a cap at {after}, or all the rows there are"
                    ),
                ),
                (Some(before), Some(after)) => {
                    (Some(true), format!("capped: {after} items for a page size of {ABSURD} ({before} by default)"))
                }
                _ => (None, format!("not a list: the answer ({}) holds no JSON array", absurd.status)),
            }
        }
    };
    ProbeResult { target: target.clone(), protected, verdict, requests: prober.sent, details }
}

/// The length of a JSON list answer: a top-level array, or the array under `data`, `items`, `results` and
/// their kin, or the only array field of a top-level object.
fn items(answer: &Answer) -> Option<usize> {
    if answer.status >= 300 {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(&answer.body).ok()?;
    match &value {
        serde_json::Value::Array(items) => Some(items.len()),
        serde_json::Value::Object(fields) => {
            let named = ["data", "items", "results", "rows", "records", "edges", "nodes", "list"]
                .iter()
                .find_map(|key| fields.get(*key)?.as_array().map(Vec::len));
            named.or_else(|| {
                let arrays: Vec<usize> = fields.values().filter_map(|v| v.as_array().map(Vec::len)).collect();
                (arrays.len() == 1).then(|| arrays[0])
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer { status, headers: HeaderMap::new(), body: Bytes::from(body.to_owned()) }
    }

    #[test]
    fn refusals_are_429_423_lockouts_and_captchas_but_not_a_wrong_password() {
        assert!(refusal(&answer(429, "")).is_some());
        assert!(refusal(&answer(423, "")).is_some());
        assert!(refusal(&answer(401, r#"{"error":"Too many attempts, try again later"}"#)).is_some());
        assert!(refusal(&answer(403, r#"{"error":"captcha required"}"#)).is_some());
        assert!(refusal(&answer(401, r#"{"error":"Invalid email or password"}"#)).is_none());
        assert!(
            refusal(&answer(200, r#"{"note":"account locked? contact us"}"#)).is_none(),
            "a success is not a refusal"
        );
    }

    #[test]
    fn list_answers_are_counted_in_their_usual_envelopes() {
        assert_eq!(items(&answer(200, "[1,2,3]")), Some(3));
        assert_eq!(items(&answer(200, r#"{"data":[1,2],"total":9}"#)), Some(2));
        assert_eq!(items(&answer(200, r#"{"posts":[1],"next":null}"#)), Some(1));
        assert_eq!(items(&answer(200, r#"{"a":[1],"b":[2]}"#)), None);
        assert_eq!(items(&answer(404, "[]")), None);
    }

    #[test]
    fn signatures_match_the_senders_documented_examples() {
        // Stripe and GitHub: HMAC-SHA256 in hex; checked against `openssl dgst -sha256 -hmac`.
        let stripe = sign(WebhookScheme::Stripe, "whsec_test", "evt", 1700000000, "{}");
        let value = stripe[0].1.to_str().unwrap();
        assert!(value.starts_with("t=1700000000,v1="), "{value}");
        assert_eq!(value.len(), "t=1700000000,v1=".len() + 64);
        let github = sign(WebhookScheme::Github, "It's a Secret to Everybody", "", 0, "Hello, World!");
        // GitHub's documentation gives this digest for this secret and payload.
        assert_eq!(
            github[0].1.to_str().unwrap(),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
        );
        // Standard Webhooks: the key is the base64 after `whsec_`; the signature is base64 too.
        let standard = sign(WebhookScheme::StandardWebhooks, "whsec_c2VjcmV0", "msg_1", 1700000000, "{}");
        let expected = BASE64_STANDARD.encode(
            ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, b"secret"), b"msg_1.1700000000.{}")
                .as_ref(),
        );
        assert_eq!(standard[2].1.to_str().unwrap(), format!("v1,{expected}"));
    }
}
