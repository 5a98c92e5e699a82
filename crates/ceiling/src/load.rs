//! `ceiling load` and `ceiling probe`: arguments, the stop on Ctrl-C, live progress, and output.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ceiling_load::engine::{Load, StopFlag};
use ceiling_load::plan::{Plan, RouteEntry, acts_when_called};
use ceiling_load::probe::{Declared, ProbeReport, ProbeSpec, ProbeTarget, TargetKind, WebhookScheme};
use ceiling_load::report::{describe_load, render_html, render_human, render_json, step_line};
use ceiling_load::search::{Mode, Progress, SearchSpec, Step};
use ceiling_load::slo::{Slo, parse_duration};
use ceiling_load::target::Allowed;
use ceiling_scan::{ScanOptions, scan};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{FindingsFormat, MeasureFormat, print};

#[derive(clap::Args)]
pub struct LoadArgs {
    /// The endpoints to load (`http://127.0.0.1:3000/api/posts`), all on one server; with --routes or
    /// --from-scan, the one base URL the routes are appended to.
    #[arg(required = true, value_name = "URL")]
    urls: Vec<String>,
    /// The routes of `ceiling routes --format json`, saved to a file; GET routes load as they are, other
    /// methods only with a "body", path parameters only with "params".
    #[arg(long, value_name = "FILE", conflicts_with = "from_scan")]
    routes: Option<PathBuf>,
    /// Scan the app at this path and load its GET routes that have no path parameters.
    #[arg(long, value_name = "PATH")]
    from_scan: Option<PathBuf>,
    /// The method of the URLs' requests.
    #[arg(long, default_value = "GET")]
    method: String,
    /// The body of the URLs' requests, as text or `@file`.
    #[arg(long)]
    body: Option<String>,
    /// A header for every request, `Name: value` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "HEADER")]
    headers: Vec<String>,
    /// The latency objective each step must meet, e.g. `p95=500ms` or `p95=200ms,p99=1s` [default:
    /// `[load] slo` in the config, or p95=500ms].
    #[arg(long)]
    slo: Option<String>,
    /// The share of requests that may fail (no answer, 5xx, 429) within the SLO [default: `[load]
    /// max-error-rate` in the config, or 1%].
    #[arg(long)]
    max_error_rate: Option<String>,
    #[command(flatten)]
    config: crate::ConfigArg,
    /// The first step's arrival rate, in requests per second.
    #[arg(long, default_value_t = 10.0)]
    start_rate: f64,
    /// The search never offers more than this many requests per second.
    #[arg(long, default_value_t = 5000.0)]
    max_rate: f64,
    /// Run closed-model steps of these many users instead of the rate search (`1,8,64`), as wrk, oha and
    /// ab do; latency is then measured from each actual send.
    #[arg(long, value_delimiter = ',')]
    concurrency: Vec<usize>,
    /// How long each step holds its load.
    #[arg(long = "step-duration", default_value = "5s")]
    step: String,
    /// Connections of the open model; requests beyond them wait, and the wait counts as latency.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// A request with no answer this long after its intended send time is a timeout.
    #[arg(long, default_value = "10s")]
    timeout: String,
    /// The longest one endpoint's search may run.
    #[arg(long, default_value = "120s")]
    max_duration: String,
    /// The most requests one endpoint's search may send.
    #[arg(long, default_value_t = 300_000)]
    max_requests: u64,
    /// Threads that send; by default half the cores, leaving the rest to a server on this machine.
    #[arg(long)]
    threads: Option<usize>,
    /// Speak HTTP/2 (prior knowledge over http://, ALPN over https://).
    #[arg(long)]
    http2: bool,
    /// Allow a host that is not loopback; name it exactly as in the URL (repeatable).
    #[arg(long, value_name = "HOST")]
    allow_remote: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MeasureFormat::Human)]
    format: MeasureFormat,
    /// Also write a self-contained HTML report with a latency-against-load chart per endpoint.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Write the plan as a script for another tool instead of running it: `--export k6 plan.js`.
    #[arg(long, num_args = 2, value_names = ["TOOL", "FILE"])]
    export: Vec<String>,
}

#[derive(clap::Args)]
pub struct ProbeArgs {
    /// The app's base URL, e.g. http://127.0.0.1:3000.
    #[arg(value_name = "URL")]
    url: String,
    /// Scan the app at this path for its credential, webhook and list routes.
    #[arg(long, value_name = "PATH")]
    from_scan: Option<PathBuf>,
    /// A credential route to burst, e.g. `/api/login` (repeatable; POST).
    #[arg(long = "login", value_name = "PATH")]
    logins: Vec<String>,
    /// A webhook route to replay an event to (repeatable; POST).
    #[arg(long = "webhook", value_name = "PATH")]
    webhooks: Vec<String>,
    /// A list route to ask for an absurd page size (repeatable; GET).
    #[arg(long = "list", value_name = "PATH")]
    lists: Vec<String>,
    /// The test account the wrong passwords are tried against; use one of your own.
    #[arg(long, default_value = "ceiling-probe@example.com")]
    account: String,
    /// The JSON body of each credential attempt, instead of ceiling's
    /// `{"email","username","password","code","otp"}`.
    #[arg(long)]
    body: Option<String>,
    /// Wrong attempts per credential route, at most.
    #[arg(long, default_value_t = 60)]
    burst: usize,
    /// The window the burst must fit in.
    #[arg(long, default_value = "60s")]
    within: String,
    /// The webhook signing secret (or set CEILING_WEBHOOK_SECRET, which keeps it out of the process list).
    #[arg(long, env = "CEILING_WEBHOOK_SECRET", hide_env_values = true)]
    webhook_secret: Option<String>,
    /// How the webhook signs its events.
    #[arg(long, value_enum, default_value_t = Scheme::Stripe)]
    webhook_scheme: Scheme,
    /// A request with no answer this long is a failure.
    #[arg(long, default_value = "10s")]
    timeout: String,
    /// Allow a host that is not loopback; name it exactly as in the URL (repeatable).
    #[arg(long, value_name = "HOST")]
    allow_remote: Vec<String>,
    /// Output format: the CI formats (sarif, github, markdown, junit) carry each open route as a finding
    /// of the rule that predicts it from the code (`auth-no-rate-limit` for a login that takes 60
    /// guesses).
    #[arg(long, value_enum, default_value_t = crate::FindingsFormat::Human)]
    format: crate::FindingsFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum Scheme {
    Stripe,
    Github,
    StandardWebhooks,
}

const MAX_CONNECTIONS: usize = 10_000;

/// A one-line error and exit code 2.
fn fail(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("ceiling: {error}");
    ExitCode::from(2)
}

fn duration(flag: &str, text: &str) -> Result<Duration, String> {
    parse_duration(text).map_err(|error| format!("{flag}: {error}"))
}

pub fn run_load(args: LoadArgs) -> ExitCode {
    let config_dir = args.from_scan.clone().unwrap_or_else(|| PathBuf::from("."));
    let config = match args.config.find(&config_dir) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let spec = match search_spec(&args, config.as_ref()) {
        Ok(spec) => spec,
        Err(error) => return fail(error),
    };
    let plan = match load_plan(&args) {
        Ok(plan) => plan,
        Err(error) => return fail(error),
    };
    for skipped in &plan.skipped {
        eprintln!("ceiling: not loaded: {skipped}");
    }
    if let [tool, file] = args.export.as_slice() {
        if tool != "k6" {
            return fail(format!("--export {tool}: the one tool ceiling exports to is k6"));
        }
        if let Err(error) = std::fs::write(file, ceiling_load::k6::script(&plan, &spec)) {
            return fail(format!("cannot write {file}: {error}"));
        }
        eprintln!("ceiling: wrote {file}; run it with `k6 run {file}` (no load was sent)");
        return ExitCode::SUCCESS;
    }
    let runtime = match ceiling_load::runtime(spec.threads) {
        Ok(runtime) => runtime,
        Err(error) => return fail(error),
    };
    let allowed = Allowed { remote: args.allow_remote.clone() };
    let connector = match runtime.block_on(ceiling_load::preflight(&plan, &allowed, args.http2, spec.timeout)) {
        Ok(preflight) => {
            for warning in &preflight.warnings {
                eprintln!("ceiling: note: {warning}");
            }
            preflight.connector
        }
        Err(error) => return fail(error),
    };
    let stop = match stop_on_ctrl_c() {
        Ok(stop) => stop,
        Err(error) => return fail(error),
    };
    let mut progress = LoadBar::new();
    let hosts = hosts_line(&allowed);
    let report = runtime.block_on(ceiling_load::run(&plan, &connector, &spec, &stop, &mut progress, hosts));
    progress.bar.finish_and_clear();
    if let Some(path) = &args.html {
        if let Err(error) = std::fs::write(path, render_html(&report)) {
            return fail(format!("cannot write {}: {error}", path.display()));
        }
        eprintln!("ceiling: wrote {}", path.display());
    }
    let output = match args.format {
        MeasureFormat::Human => render_human(&report),
        MeasureFormat::Json => render_json(&report),
        MeasureFormat::Markdown => ceiling_load::report::render_markdown(&report),
    };
    if !print(&output) {
        return ExitCode::from(2);
    }
    if report.interrupted { ExitCode::from(130) } else { ExitCode::SUCCESS }
}

fn hosts_line(allowed: &Allowed) -> String {
    if allowed.remote.is_empty() {
        "loopback hosts only".to_owned()
    } else {
        format!("loopback hosts and {} (--allow-remote)", allowed.remote.join(", "))
    }
}

fn search_spec(args: &LoadArgs, config: Option<&ceiling_config::Found>) -> Result<SearchSpec, String> {
    // The flags win over the config, which was checked when read.
    let load = config.map(|found| &found.config.load);
    let slo = match (&args.slo, load.and_then(|load| load.slo.as_ref())) {
        (Some(flag), _) => Slo::parse_percentiles(flag).map_err(|error| format!("--slo: {error}"))?,
        (None, Some(configured)) => Slo::parse_percentiles(&configured.0)?,
        (None, None) => Slo::parse_percentiles("p95=500ms")?,
    };
    let max_error_rate = match (&args.max_error_rate, load.and_then(|load| load.max_error_rate.as_ref())) {
        (Some(flag), _) => Slo::parse_error_rate(flag).map_err(|error| format!("--max-error-rate: {error}"))?,
        (None, Some(configured)) => Slo::parse_error_rate(&configured.0)?,
        (None, None) => Slo::parse_error_rate("1%")?,
    };
    let slo = Slo { percentiles: slo, max_error_rate };
    let rates_valid = args.start_rate > 0.0 && args.start_rate.is_finite() && args.max_rate >= args.start_rate;
    if !rates_valid && args.concurrency.is_empty() {
        return Err(format!(
            "--start-rate {} and --max-rate {}: both must be positive, the maximum at least the start",
            args.start_rate, args.max_rate
        ));
    }
    if args.concurrency.contains(&0) || args.connections == 0 {
        return Err("--concurrency and --connections need at least 1".to_owned());
    }
    // Each connection or user keeps a latency histogram and a socket: bounded, like every other input.
    if args.concurrency.iter().chain([&args.connections]).any(|count| *count > MAX_CONNECTIONS) {
        return Err(format!("--concurrency and --connections take at most {MAX_CONNECTIONS}"));
    }
    if args.start_rate < 0.1 || args.max_rate > 1_000_000.0 {
        return Err("--start-rate must be at least 0.1 and --max-rate at most 1000000 requests per second".to_owned());
    }
    let mode = if args.concurrency.is_empty() {
        Mode::Rates { start: args.start_rate, max: args.max_rate }
    } else {
        Mode::Concurrency(args.concurrency.clone())
    };
    Ok(SearchSpec {
        mode,
        step: duration("--step-duration", &args.step)?,
        timeout: duration("--timeout", &args.timeout)?,
        connections: args.connections,
        slo,
        precision: 0.1,
        max_duration: duration("--max-duration", &args.max_duration)?,
        max_requests: args.max_requests,
        threads: args.threads.unwrap_or_else(ceiling_load::engine::default_threads).max(1),
    })
}

fn load_plan(args: &LoadArgs) -> Result<Plan, String> {
    let mut plan = match (&args.routes, &args.from_scan) {
        (None, None) => {
            let method = http::Method::from_bytes(args.method.to_ascii_uppercase().as_bytes())
                .map_err(|_| format!("--method {}: not an HTTP method", args.method))?;
            let body = args.body.as_deref().map(read_body).transpose()?;
            Plan::from_urls(&args.urls, &method, body.as_ref())?
        }
        (routes, from_scan) => {
            let [base] = args.urls.as_slice() else {
                return Err("with --routes or --from-scan, give one base URL, e.g. http://127.0.0.1:3000".to_owned());
            };
            match (routes, from_scan) {
                (Some(file), _) => Plan::from_routes_file(base, file)?,
                (None, Some(path)) => Plan::from_routes(base, scanned_routes(path)?)?,
                (None, None) => unreachable!("matched above"),
            }
        }
    };
    let headers = args.headers.iter().map(|header| parse_header(header)).collect::<Result<Vec<_>, _>>()?;
    for request in &mut plan.requests {
        request.headers.extend(headers.iter().cloned());
    }
    Ok(plan)
}

fn read_body(text: &str) -> Result<bytes::Bytes, String> {
    match text.strip_prefix('@') {
        Some(file) => std::fs::read(file).map(bytes::Bytes::from).map_err(|error| format!("--body @{file}: {error}")),
        None => Ok(bytes::Bytes::from(text.to_owned())),
    }
}

fn parse_header(text: &str) -> Result<(http::HeaderName, http::HeaderValue), String> {
    // The value may be a token: errors name the header only.
    let (name, value) = text.split_once(':').ok_or("--header: write it as `Name: value`")?;
    let name = http::HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| format!("--header: `{}` is not a header name", name.trim()))?;
    let value = http::HeaderValue::from_str(value.trim())
        .map_err(|_| format!("--header {}: the value is not a valid header value", name.as_str()))?;
    Ok((name, value))
}

/// The app's route table, as `ceiling routes` prints it.
fn scanned_routes(path: &Path) -> Result<Vec<RouteEntry>, String> {
    let result = scan(path, &ScanOptions::default()).map_err(|error| error.to_string())?;
    let routes = result
        .project
        .route_table()
        .iter()
        .map(|row| RouteEntry {
            method: row.method.clone(),
            path: row.path.clone(),
            body: None,
            params: Default::default(),
        })
        .collect();
    Ok(routes)
}

/// The first Ctrl-C stops sending and keeps the report; a second one ends the process.
fn stop_on_ctrl_c() -> Result<StopFlag, String> {
    let stop: StopFlag = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nceiling: stopping; the report covers what ran (Ctrl-C again to quit now)");
    })
    .map_err(|error| format!("cannot watch for Ctrl-C: {error}"))?;
    Ok(stop)
}

/// The live progress of `ceiling load` on stderr: the running step, then a line per finished step with
/// its percentiles and errors. Hidden when stderr is not a terminal.
struct LoadBar {
    bar: ProgressBar,
}

impl LoadBar {
    fn new() -> LoadBar {
        LoadBar { bar: ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()) }
    }
}

impl Progress for LoadBar {
    fn step_started(&mut self, endpoint: &str, load: Load, duration: Duration) {
        let style = ProgressStyle::with_template("{msg} [{bar:30}] {elapsed}").expect("a valid template");
        self.bar.set_style(style.progress_chars("=> "));
        self.bar.set_length(duration.as_millis() as u64);
        self.bar.set_position(0);
        self.bar.set_message(format!("{endpoint} at {}", describe_load(load)));
        self.bar.enable_steady_tick(Duration::from_millis(100));
        let bar = self.bar.clone();
        // The bar follows the clock; the step itself runs on the runtime's threads.
        std::thread::spawn(move || {
            let started = std::time::Instant::now();
            while !bar.is_finished() && started.elapsed() < duration {
                bar.set_position(started.elapsed().as_millis() as u64);
                std::thread::sleep(Duration::from_millis(100));
            }
        });
    }

    fn step_finished(&mut self, endpoint: &str, step: &Step) {
        self.bar.set_position(self.bar.length().unwrap_or(0));
        self.bar.println(format!("{endpoint} {}", step_line(step)));
    }
}

pub fn run_probe(args: ProbeArgs) -> ExitCode {
    let spec = match probe_spec(&args) {
        Ok(spec) => spec,
        Err(error) => return fail(error),
    };
    let (origin, prefix) = match ceiling_load::target::parse_url(&args.url) {
        Ok(parsed) => parsed,
        Err(error) => return fail(error),
    };
    let targets = match probe_targets(&args, prefix.path().trim_end_matches('/')) {
        Ok(targets) => targets,
        Err(error) => return fail(error),
    };
    if targets.is_empty() {
        return fail("nothing to probe: pass --from-scan PATH, or name routes with --login, --webhook or --list");
    }
    let runtime = match ceiling_load::runtime(1) {
        Ok(runtime) => runtime,
        Err(error) => return fail(error),
    };
    let allowed = Allowed { remote: args.allow_remote.clone() };
    let plan = Plan { origin, requests: Vec::new(), skipped: Vec::new() };
    let connector = match runtime.block_on(ceiling_load::preflight(&plan, &allowed, false, spec.timeout)) {
        Ok(preflight) => preflight.connector,
        Err(error) => return fail(error),
    };
    let report = runtime.block_on(ceiling_load::probe::run(&connector, &targets, &spec));
    let output = match args.format {
        FindingsFormat::Human => render_probe_human(&report, &allowed),
        FindingsFormat::Json => {
            let value = serde_json::json!({ "version": 1, "probe": report });
            serde_json::to_string_pretty(&value).expect("the report serializes") + "\n"
        }
        // Every open route fails the run, as the exit code says.
        ci => crate::render_for_ci(ci, &probe_findings(&report), args.from_scan.as_deref(), crate::FailOn::Info),
    };
    if !print(&output) {
        return ExitCode::from(2);
    }
    let open = report.results.iter().any(|result| result.protected == Some(false));
    if open { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn probe_spec(args: &ProbeArgs) -> Result<ProbeSpec, String> {
    if args.burst == 0 {
        return Err("--burst needs at least 1".to_owned());
    }
    if let Some(body) = &args.body {
        serde_json::from_str::<serde_json::Value>(body).map_err(|error| format!("--body is not JSON: {error}"))?;
    }
    Ok(ProbeSpec {
        burst: args.burst,
        within: duration("--within", &args.within)?,
        account: args.account.clone(),
        body: args.body.clone(),
        webhook_secret: args.webhook_secret.clone(),
        webhook_scheme: match args.webhook_scheme {
            Scheme::Stripe => WebhookScheme::Stripe,
            Scheme::Github => WebhookScheme::Github,
            Scheme::StandardWebhooks => WebhookScheme::StandardWebhooks,
        },
        timeout: duration("--timeout", &args.timeout)?,
    })
}

/// The routes named on the command line, then those the scan finds: credential flows (by the words
/// `auth-no-rate-limit` reads), webhooks (a `webhook` in the path), and GET routes as lists. Routes
/// with path parameters are left out: a probe needs a real URL.
fn probe_targets(args: &ProbeArgs, prefix: &str) -> Result<Vec<ProbeTarget>, String> {
    let named = |kind, method: &str, path: &String| {
        if !path.starts_with('/') || path.parse::<http::uri::PathAndQuery>().is_err() {
            return Err(format!("`{path}` is not a path such as /api/login"));
        }
        Ok(ProbeTarget {
            kind,
            method: method.to_owned(),
            path: format!("{prefix}{path}"),
            why: "named on the command line".to_owned(),
            declared: None,
        })
    };
    let mut targets: Vec<ProbeTarget> = args
        .logins
        .iter()
        .map(|path| named(TargetKind::Credentials, "POST", path))
        .chain(args.webhooks.iter().map(|path| named(TargetKind::Webhook, "POST", path)))
        .chain(args.lists.iter().map(|path| named(TargetKind::List, "GET", path)))
        .collect::<Result<_, _>>()?;
    if let Some(path) = &args.from_scan {
        let result = scan(path, &ScanOptions::default()).map_err(|error| error.to_string())?;
        for row in result.project.route_table() {
            let invalid = row.path.parse::<http::uri::PathAndQuery>().is_err();
            if row.path.is_empty() || invalid || row.path.contains([':', '[', '{', '*', '<']) {
                continue;
            }
            let writes = matches!(row.method.as_str(), "POST" | "PUT" | "PATCH" | "ALL");
            let webhook = row.path.to_ascii_lowercase().contains("webhook");
            // `app.all(...)` takes any method; POST is what a form or a client sends.
            let method = if row.method == "ALL" { "POST" } else { row.method.as_str() };
            let (kind, method, why) = match ceiling_rules::credential_flow(row) {
                Some(abuse) if writes => (TargetKind::Credentials, method, abuse.to_owned()),
                _ if writes && webhook => (TargetKind::Webhook, method, "a webhook receiver".to_owned()),
                _ if row.method == "GET" && !webhook && !acts_when_called(&row.path) => {
                    (TargetKind::List, "GET", "a GET route".to_owned())
                }
                _ => continue,
            };
            let path = format!("{prefix}{}", row.path);
            if !targets.iter().any(|target| target.path == path && target.kind == kind) {
                let declared = Some(Declared { file: row.file.clone(), line: row.span.line, column: row.span.col });
                targets.push(ProbeTarget { kind, method: method.to_owned(), path, why, declared });
            }
        }
    }
    Ok(targets)
}

/// Each open route as a finding of the rule that predicts it, with what the probe saw as evidence.
fn probe_findings(report: &ProbeReport) -> Vec<ceiling_rules::Finding> {
    let open = report.results.iter().filter_map(|result| Some((result, ceiling_rules::rule(result.rule()?)?)));
    open.map(|(result, rule)| {
        let target = &result.target;
        let message =
            format!("{} {}{} ({}): {}", target.method, report.origin, target.path, target.why, result.verdict);
        // Placed at the route's declaration when the scan found it, so that code scanning can show it.
        let (file, span) = match &target.declared {
            Some(at) => (at.file.clone(), ceiling_facts::Span { line: at.line, col: at.column, ..Default::default() }),
            None => (String::new(), ceiling_facts::Span::default()),
        };
        let mut finding = rule.finding(file, span, message, rule.docs.why.to_owned(), rule.docs.fix.to_owned());
        finding.evidence.clone_from(&result.details);
        finding
    })
    .collect()
}

fn render_probe_human(report: &ProbeReport, allowed: &Allowed) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "ceiling probe {}", report.origin);
    let mut not_lists = Vec::new();
    for result in &report.results {
        let target = &result.target;
        if target.kind == TargetKind::List && result.protected.is_none() && result.verdict.starts_with("not a list") {
            not_lists.push(target.path.clone());
            continue;
        }
        let mark = match result.protected {
            Some(true) => "ok  ",
            Some(false) => "OPEN",
            None => "?   ",
        };
        let _ = writeln!(out, "\n{mark} {} {} ({})", target.method, target.path, target.why);
        let _ = writeln!(out, "     {}", result.verdict);
        for detail in &result.details {
            let _ = writeln!(out, "     {detail}");
        }
    }
    if !not_lists.is_empty() {
        let _ = writeln!(out, "\nNot lists (no JSON array in the answer): {}", not_lists.join(", "));
    }
    let open = report.results.iter().filter(|result| result.protected == Some(false)).count();
    let _ = writeln!(out, "\n{open} open of {} probed.", report.results.len());
    let _ = writeln!(out, "Bounds: {}; {}.", hosts_line(allowed), report.bounds);
    out
}
