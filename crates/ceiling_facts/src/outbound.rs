//! Language-neutral readings of outbound calls that every frontend shares: the host a URL's text
//! names, names and strings about a remote API's rate limit, and how a retry loop's pause waits.

use crate::{RetryWait, Target};

/// `https://api.openai.com/v1/...` is `api.openai.com`; `/api/users` is the app's own origin.
pub fn target_of_text(text: &str) -> Target {
    if text.starts_with('/') && !text.starts_with("//") {
        return Target::SameOrigin;
    }
    let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) else {
        return Target::Unknown;
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    // The text stops inside the host (`https://${region}.api.com`, `https://api.`): unknown.
    let complete = end < rest.len() || !host.is_empty();
    if !complete || host.is_empty() || host.ends_with(['.', '-']) || host.starts_with(['.', '-']) {
        return Target::Unknown;
    }
    Target::Host(host)
}

/// Text or a name about a remote API's rate limit: the `Retry-After` header, `RateLimitError`,
/// `TOO_MANY_REQUESTS`.
pub fn mentions_rate_limit(text: &str) -> bool {
    // Most names and strings say none of it: a cheap test before folding case and separators.
    let bytes = text.as_bytes();
    let has = |word: &[u8]| bytes.windows(word.len()).any(|window| window.eq_ignore_ascii_case(word));
    // A header, a status name or a class name is short; prose and markup are not what we look for.
    if !(9..=40).contains(&text.len()) || !(has(b"rate") || has(b"retry") || has(b"many")) {
        return false;
    }
    let folded: String = text.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    ["retryafter", "ratelimit", "toomanyrequests"].iter().any(|word| folded.contains(word))
}

/// Names of functions that pause: `await sleep(1000)`, `time.sleep(2)`, `await delay(ms)`,
/// `new Promise((r) => setTimeout(r, 500))`.
const PAUSES: &[&str] = &["sleep", "delay", "wait", "setTimeout", "timeout", "pause"];

/// How a call named `name` makes a retry loop wait, if it does: a call named like backoff or
/// jitter computes its delay; a pause waits a constant delay when `constant_delay` says its
/// argument is one.
pub fn wait_of_call(name: &str, constant_delay: impl FnOnce() -> bool) -> Option<RetryWait> {
    let lower = name.to_ascii_lowercase();
    if lower.contains("backoff") || lower.contains("jitter") {
        Some(RetryWait::Computed)
    } else if PAUSES.contains(&name) {
        Some(if constant_delay() { RetryWait::Constant } else { RetryWait::Computed })
    } else {
        None
    }
}

/// The most deliberate of two waits in one body: a computed delay wins over a constant one.
pub fn stronger_wait(a: RetryWait, b: RetryWait) -> RetryWait {
    match (a, b) {
        (RetryWait::Computed, _) | (_, RetryWait::Computed) => RetryWait::Computed,
        (RetryWait::Immediate, RetryWait::Immediate) => RetryWait::Immediate,
        _ => RetryWait::Constant,
    }
}

/// A constant's name (`RETRY_DELAY_MS`): upper case, digits and underscores.
pub fn is_constant_name(name: &str) -> bool {
    name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_urls() {
        assert_eq!(target_of_text("https://api.openai.com/v1/chat"), Target::Host("api.openai.com".into()));
        assert_eq!(target_of_text("http://user:pw@Example.com:8080?q"), Target::Host("example.com".into()));
        assert_eq!(target_of_text("/api/users"), Target::SameOrigin);
        assert_eq!(target_of_text("//cdn.example.com/x"), Target::Unknown);
        assert_eq!(target_of_text("https://api."), Target::Unknown);
        assert_eq!(target_of_text(""), Target::Unknown);
    }
}
