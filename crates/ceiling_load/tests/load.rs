//! The load engine against real servers on 127.0.0.1 whose capacity and latency are known in advance.

mod support;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use ceiling_load::client::{Connector, RequestTemplate};
use ceiling_load::engine::{Load, StepOutcome, StepSpec, StopFlag, run_step};
use ceiling_load::plan::Plan;
use ceiling_load::search::{EndpointReport, Mode, Progress, SearchSpec, Step, search};
use ceiling_load::slo::Slo;
use ceiling_load::target::Allowed;
use support::{Behaviour, start};

struct Quiet;

impl Progress for Quiet {
    fn step_started(&mut self, _: &str, _: Load, _: Duration) {}
    fn step_finished(&mut self, endpoint: &str, step: &Step) {
        eprintln!("{endpoint} {}", ceiling_load::report::step_line(step));
    }
}

/// A runtime and a preflighted connection to one URL, ready to run steps and searches on.
struct Rig {
    runtime: tokio::runtime::Runtime,
    connector: Connector,
    template: Arc<RequestTemplate>,
    stop: StopFlag,
}

impl Rig {
    fn new(url: &str, http2: bool) -> Rig {
        let runtime = ceiling_load::runtime(1).unwrap();
        let plan = Plan::from_urls(&[url.to_owned()], &http::Method::GET, None).unwrap();
        let allowed = Allowed::default();
        let preflight = ceiling_load::preflight(&plan, &allowed, http2, Duration::from_secs(5));
        let connector = runtime.block_on(preflight).unwrap().connector;
        let template = Arc::new(plan.requests[0].clone());
        Rig { runtime, connector, template, stop: Arc::new(AtomicBool::new(false)) }
    }

    fn step(&self, spec: &StepSpec) -> StepOutcome {
        self.runtime.block_on(run_step(&self.connector, &self.template, spec, &self.stop))
    }
}

fn step(rate: f64, connections: usize) -> StepSpec {
    StepSpec {
        load: Load::Rate(rate),
        duration: Duration::from_secs(3),
        timeout: Duration::from_secs(5),
        connections,
        drain: Duration::from_secs(1),
        abort_latency: None,
        threads: 1,
    }
}

fn run_search(url: &str, spec: &SearchSpec) -> EndpointReport {
    let rig = Rig::new(url, false);
    rig.runtime.block_on(search(&rig.connector, &rig.template, spec, &rig.stop, &mut Quiet))
}

/// 4 workers of 20 ms each serve 200 requests a second and not one more: below that a request takes its
/// 20 ms, above it the queue grows for as long as the step lasts. The search must find 200/s within 15%.
#[test]
fn the_capacity_found_is_the_servers_true_capacity() {
    let server = start(Behaviour::FixedCapacity { workers: 4, service: Duration::from_millis(20) });
    let spec = SearchSpec {
        mode: Mode::Rates { start: 25.0, max: 2000.0 },
        step: Duration::from_millis(1500),
        timeout: Duration::from_secs(5),
        connections: 64,
        slo: Slo { percentiles: Slo::parse_percentiles("p95=100ms").unwrap(), max_error_rate: 0.01 },
        precision: 0.1,
        max_duration: Duration::from_secs(60),
        max_requests: 100_000,
        threads: 1,
    };
    let report = run_search(&server.url("/"), &spec);
    let capacity = report.capacity_rps.expect("a capacity");
    let truth = 4.0 / 0.020;
    assert!((capacity - truth).abs() / truth <= 0.15, "capacity {capacity}/s, true {truth}/s: {report:#?}");
    // Below capacity the latency is the service time; the knee sits at or below the capacity.
    let knee = report.knee_rps.expect("a knee");
    assert!(knee <= capacity * 1.1, "knee {knee} above capacity {capacity}");
    let first = &report.steps[0];
    assert!(first.meets_slo && (19.0..40.0).contains(&first.latency_ms.p50), "{first:#?}");
    assert!(report.ended.contains("within 10%"), "{}", report.ended);
}

/// What the schedule implies for a serial server that pauses `pause_ms` on every 100th request while
/// requests arrive every `interval_ms`: each request's latency, simulated.
fn implied_latencies(rate: f64, pause_ms: f64, base_ms: f64, count: usize) -> Vec<f64> {
    let interval = 1000.0 / rate;
    let mut free_at = 0.0f64;
    let mut latencies: Vec<f64> = (0..count)
        .map(|i| {
            let arrives = i as f64 * interval;
            let service = if (i + 1).is_multiple_of(100) { pause_ms } else { base_ms };
            free_at = free_at.max(arrives) + service;
            free_at - arrives
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    latencies
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((p / 100.0) * (sorted.len() - 1) as f64).round() as usize]
}

/// A 10 ms pause every 100th request at 1000 requests a second delays the ten requests that arrive during
/// it by 10, 9, ... 1 ms: p99 near 9 ms and p95 near 5 ms. The open model reports that; a closed loop,
/// which stops sending while it waits, sees one slow request in a hundred and reports p95 near zero.
#[test]
fn the_open_model_reports_the_latency_a_pause_implies_and_the_closed_loop_hides_it() {
    let server = start(Behaviour::PauseEvery { every: 100, pause: Duration::from_millis(10) });
    let rig = Rig::new(&server.url("/"), false);
    let open = rig.step(&step(1000.0, 16));
    let slo = Slo::default();
    let open = ceiling_load::search::summarize(&open, &slo);
    let implied = implied_latencies(1000.0, 10.0, 0.1, 3000);
    let (implied_p95, implied_p99) = (percentile(&implied, 95.0), percentile(&implied, 99.0));
    eprintln!("open: {open:#?}\nimplied p95 {implied_p95:.2} ms, p99 {implied_p99:.2} ms");
    assert!(open.errors.is_empty(), "{open:#?}");
    let p99 = open.latency_ms.p99;
    assert!((p99 - implied_p99).abs() <= implied_p99 * 0.3 + 1.0, "p99 {p99} ms, implied {implied_p99:.2} ms");
    let p95 = open.latency_ms.p95;
    assert!((p95 - implied_p95).abs() <= implied_p95 * 0.4 + 1.0, "p95 {p95} ms, implied {implied_p95:.2} ms");

    let closed_spec = StepSpec { load: Load::Concurrency(1), ..step(0.0, 1) };
    let closed = rig.step(&closed_spec);
    let closed = ceiling_load::search::summarize(&closed, &slo);
    eprintln!("closed: {closed:#?}");
    // Relative bounds: on a busy machine every latency rises, the closed loop's too (2 ms seen in CI).
    let closed_p95 = closed.latency_ms.p95;
    assert!(closed_p95 < implied_p95 / 2.0, "the closed loop's p95 {closed_p95} ms, implied {implied_p95:.2} ms");
    assert!(closed_p95 * 2.0 < p95, "closed p95 {closed_p95} ms against open p95 {p95} ms");
}

/// A stalled server shows as latency, not as fewer requests: every scheduled request is accounted for,
/// answered or counted unfinished.
#[test]
fn every_scheduled_request_is_accounted_for_when_the_server_falls_behind() {
    let server = start(Behaviour::FixedCapacity { workers: 1, service: Duration::from_millis(50) });
    let spec = StepSpec { duration: Duration::from_secs(2), drain: Duration::from_millis(500), ..step(100.0, 8) };
    let outcome = Rig::new(&server.url("/"), false).step(&spec);
    let answered = outcome.responses();
    let failed: u64 = outcome.errors.values().sum();
    assert_eq!(answered + failed + outcome.unfinished, outcome.planned, "answered {answered}, failed {failed}");
    assert_eq!(outcome.planned, 200);
    // 20/s of capacity against 100/s offered: most requests wait, and the slowest waited most of the step.
    assert!(outcome.unfinished > 100, "{}", outcome.unfinished);
    assert!(outcome.latency.max() > 1_500_000, "max {} µs", outcome.latency.max());
}

#[test]
fn http2_carries_the_load_too() {
    let server = start(Behaviour::FixedCapacity { workers: 64, service: Duration::from_millis(1) });
    let spec = StepSpec { duration: Duration::from_secs(1), ..step(200.0, 4) };
    let outcome = Rig::new(&server.url("/"), true).step(&spec);
    assert_eq!(outcome.statuses.get(&200), Some(&200), "{:?} {:?}", outcome.statuses, outcome.errors);
}
