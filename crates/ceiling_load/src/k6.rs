//! The run's plan as a k6 script, for load beyond one machine (k6's distributed operator or its cloud):
//! the same endpoints and bodies, the knee search's doubling rates as `ramping-arrival-rate` stages (k6's
//! open model), and the SLO as thresholds that abort a scenario once it is badly broken.

use std::fmt::Write;

use crate::plan::Plan;
use crate::search::{Mode, SearchSpec};

/// The rates of the doubling phase, from the start rate to the maximum: the stages k6 holds in turn.
/// (The bisection that follows depends on answers, which a script fixed in advance cannot have.)
pub fn rates(start: f64, max: f64) -> Vec<f64> {
    let mut rates = Vec::new();
    let mut rate = start.max(0.1);
    while rate < max && rates.len() < 64 {
        rates.push(rate);
        rate *= 2.0;
    }
    rates.push(max);
    rates
}

pub fn script(plan: &Plan, spec: &SearchSpec) -> String {
    let step = spec.step.as_secs().max(1);
    let mut out = String::new();
    let _ = writeln!(out, "// Written by `ceiling load --export k6`: the plan of a knee search, as k6 runs it.");
    let _ = writeln!(out, "// Run: k6 run -e BASE_URL={} <this file>", plan.origin.base());
    out.push_str("import http from 'k6/http';\n\n");
    let _ = writeln!(out, "const BASE_URL = __ENV.BASE_URL || {};", js_string(&plan.origin.base()));
    // ceiling counts 5xx and 429 as errors (`search::counts_as_error`); k6 by default counts every 4xx.
    out.push_str(
        "http.setResponseCallback(http.expectedStatuses({ min: 100, max: 428 }, { min: 430, max: 499 }));\n\n",
    );
    let (stages, users) = match &spec.mode {
        Mode::Rates { start, max } => (rates(*start, *max), None),
        Mode::Concurrency(users) => (Vec::new(), Some(users.clone())),
    };
    let scenario_seconds = match &users {
        None => stages.len() as u64 * (step + 1),
        Some(users) => users.len() as u64 * step,
    };
    out.push_str("export const options = {\n  discardResponseBodies: true,\n  scenarios: {\n");
    for (index, request) in plan.requests.iter().enumerate() {
        let name = scenario_name(index, &request.label());
        let start = index as u64 * scenario_seconds;
        let _ = writeln!(out, "    {name}: {{");
        let _ = writeln!(out, "      exec: '{name}',");
        let _ = writeln!(out, "      startTime: '{start}s',");
        match &users {
            None => {
                let _ = writeln!(out, "      executor: 'ramping-arrival-rate',");
                let _ = writeln!(out, "      startRate: {},", js_number(stages[0]));
                out.push_str("      timeUnit: '1s',\n");
                let _ = writeln!(out, "      preAllocatedVUs: {},", spec.connections);
                let _ = writeln!(out, "      maxVUs: {},", spec.connections);
                out.push_str("      stages: [\n");
                for rate in &stages {
                    // A one-second ramp to the rate, then the step held at it.
                    let _ = writeln!(out, "        {{ target: {}, duration: '1s' }},", js_number(*rate));
                    let _ = writeln!(out, "        {{ target: {}, duration: '{step}s' }},", js_number(*rate));
                }
                out.push_str("      ],\n");
            }
            Some(users) => {
                out.push_str("      executor: 'ramping-vus',\n      startVUs: 0,\n      stages: [\n");
                for count in users {
                    let _ = writeln!(out, "        {{ target: {count}, duration: '{step}s' }},");
                }
                out.push_str("      ],\n");
            }
        }
        out.push_str("    },\n");
    }
    out.push_str("  },\n  thresholds: {\n");
    for (index, request) in plan.requests.iter().enumerate() {
        let name = scenario_name(index, &request.label());
        let latency: Vec<String> = spec
            .slo
            .percentiles
            .iter()
            .map(|limit| {
                format!(
                    "{{ threshold: 'p({})<{}', abortOnFail: true, delayAbortEval: '{}s' }}",
                    js_number(limit.percentile),
                    js_number(limit.limit_ms),
                    step
                )
            })
            .collect();
        let _ = writeln!(out, "    'http_req_duration{{scenario:{name}}}': [{}],", latency.join(", "));
        let _ = writeln!(
            out,
            "    'http_req_failed{{scenario:{name}}}': ['rate<={}'],",
            js_number(spec.slo.max_error_rate)
        );
    }
    out.push_str("  },\n};\n");
    for (index, request) in plan.requests.iter().enumerate() {
        let name = scenario_name(index, &request.label());
        let mut headers: Vec<String> = request
            .headers
            .iter()
            .map(|(key, value)| format!("{}: {}", js_string(key.as_str()), js_string(value.to_str().unwrap_or(""))))
            .collect();
        headers.sort();
        let body = if request.body.is_empty() {
            "null".to_owned()
        } else {
            js_string(&String::from_utf8_lossy(&request.body))
        };
        let _ = writeln!(out, "\nexport function {name}() {{");
        let _ = writeln!(
            out,
            "  http.request({}, `${{BASE_URL}}{}`, {body}, {{ headers: {{ {} }} }});",
            js_string(request.method.as_str()),
            template_literal(request.path.as_str()),
            headers.join(", ")
        );
        out.push_str("}\n");
    }
    out
}

/// `get_posts_0`: an identifier for the scenario and its function.
fn scenario_name(index: usize, label: &str) -> String {
    let mut name: String =
        label.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    while name.contains("__") {
        name = name.replace("__", "_");
    }
    format!("{}_{index}", name.trim_matches('_'))
}

fn js_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

/// Text inside a template literal: backquotes, backslashes and `${` are escaped.
fn template_literal(text: &str) -> String {
    text.replace('\\', "\\\\").replace('`', "\\`").replace("${", "\\${")
}

fn js_number(value: f64) -> String {
    if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_doubling_rates_end_at_the_maximum() {
        assert_eq!(rates(10.0, 100.0), [10.0, 20.0, 40.0, 80.0, 100.0]);
        assert_eq!(rates(10.0, 10.0), [10.0]);
    }

    #[test]
    fn names_are_identifiers() {
        assert_eq!(scenario_name(0, "GET /api/posts?limit=5"), "get_api_posts_limit_5_0");
        assert_eq!(template_literal("/a`${x}"), "/a\\`\\${x}");
    }
}
