//! The knee search of one endpoint: arrival rates that double while the SLO holds, then bisect between
//! the last rate that met it and the first that did not. The endpoint's capacity is the highest rate that
//! met the SLO; its knee is where p95 starts to grow faster than the load.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use ceiling_page::units::format_ms;
use serde::{Deserialize, Serialize};

use crate::client::{Connector, RequestTemplate};
use crate::engine::{Load, StepOutcome, StepSpec, StopFlag, run_step};
use crate::slo::{Slo, percentile_name};

#[derive(Debug, Clone)]
pub enum Mode {
    /// The open model's knee search, from `start` requests per second up to `max`.
    Rates { start: f64, max: f64 },
    /// The closed model: each number of users in turn, for comparison with wrk, oha or ab.
    Concurrency(Vec<usize>),
}

#[derive(Debug, Clone)]
pub struct SearchSpec {
    pub mode: Mode,
    pub step: Duration,
    pub timeout: Duration,
    pub connections: usize,
    pub slo: Slo,
    /// The search stops when the gap between the rate that met the SLO and the one that did not is
    /// this share of the former.
    pub precision: f64,
    /// Bounds of one endpoint's search.
    pub max_duration: Duration,
    pub max_requests: u64,
    pub threads: usize,
}

/// One step as the reports show it. Latencies are in milliseconds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    pub load: Load,
    pub duration_s: f64,
    /// Requests scheduled (open model) or sent (closed model).
    pub requests: u64,
    pub responses: u64,
    pub throughput_rps: f64,
    pub latency_ms: Latency,
    pub error_rate: f64,
    /// No response, by kind, and the responses that count as errors (`http_503`, `http_429`).
    pub errors: BTreeMap<String, u64>,
    pub statuses: BTreeMap<u16, u64>,
    pub unfinished: u64,
    pub meets_slo: bool,
    /// Why the step missed the SLO: `p95 812 ms > 500 ms`.
    pub missed: Vec<String>,
    pub aborted: Option<String>,
    /// Stopped by the user: the step says nothing about the SLO, and the search leaves it out.
    pub interrupted: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Latency {
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

/// A step's outcome read against the SLO.
pub fn summarize(outcome: &StepOutcome, slo: &Slo) -> Step {
    {
        let histogram = &outcome.latency;
        let at = |q: f64| if histogram.is_empty() { 0.0 } else { histogram.value_at_quantile(q) as f64 / 1000.0 };
        let latency_ms = Latency {
            p50: at(0.50),
            p90: at(0.90),
            p95: at(0.95),
            p99: at(0.99),
            p999: at(0.999),
            max: histogram.max() as f64 / 1000.0,
        };
        let mut errors: BTreeMap<String, u64> =
            outcome.errors.iter().map(|(kind, count)| (kind.key().to_owned(), *count)).collect();
        for (status, count) in &outcome.statuses {
            if counts_as_error(*status) {
                errors.insert(format!("http_{status}"), *count);
            }
        }
        // A request with no answer by the end of the step failed it, whatever its timeout says.
        if outcome.unfinished > 0 && !outcome.interrupted {
            errors.insert("unfinished".to_owned(), outcome.unfinished);
        }
        let failed: u64 = errors.values().sum();
        let transport_errors: u64 = outcome.errors.values().sum();
        let attempts = outcome.responses() + transport_errors + outcome.unfinished;
        let error_rate = if attempts == 0 { 0.0 } else { failed as f64 / attempts as f64 };
        let mut missed = Vec::new();
        for limit in &slo.percentiles {
            let measured_ms = if histogram.is_empty() {
                0.0
            } else {
                histogram.value_at_percentile(limit.percentile) as f64 / 1000.0
            };
            if measured_ms > limit.limit_ms {
                missed.push(format!(
                    "{} {} > {}",
                    percentile_name(limit.percentile),
                    format_ms(measured_ms),
                    format_ms(limit.limit_ms)
                ));
            }
        }
        if error_rate > slo.max_error_rate {
            missed.push(format!("errors {:.1}% > {:.1}%", error_rate * 100.0, slo.max_error_rate * 100.0));
        }
        if attempts == 0 {
            missed.push("no request completed".to_owned());
        }
        if let Some(reason) = &outcome.aborted {
            missed.push(reason.clone());
        }
        let seconds = outcome.elapsed.as_secs_f64().max(1e-6);
        Step {
            load: outcome.load,
            duration_s: outcome.elapsed.as_secs_f64(),
            requests: outcome.planned,
            responses: outcome.responses(),
            throughput_rps: outcome.responses() as f64 / seconds,
            latency_ms,
            error_rate,
            errors,
            statuses: outcome.statuses.clone(),
            unfinished: outcome.unfinished,
            meets_slo: missed.is_empty(),
            missed,
            aborted: outcome.aborted.clone(),
            interrupted: outcome.interrupted,
        }
    }
}

impl Step {
    /// Where the step sits on the load axis: the offered rate, or in the closed model the throughput.
    pub fn x(&self) -> f64 {
        match self.load {
            Load::Rate(rate) => rate,
            Load::Concurrency(_) => self.throughput_rps,
        }
    }
}

/// 5xx are the server failing; 429 is a limiter refusing the load, which caps capacity just the same.
pub fn counts_as_error(status: u16) -> bool {
    status >= 500 || status == 429
}

/// One endpoint's search, as run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndpointReport {
    pub endpoint: String,
    pub url: String,
    /// In the order they ran.
    pub steps: Vec<Step>,
    /// The highest rate (or closed-model throughput) that met the SLO.
    pub capacity_rps: Option<f64>,
    /// The last load before p95 grew faster than load.
    pub knee_rps: Option<f64>,
    pub first_error: Option<FirstError>,
    /// Why the search ended.
    pub ended: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FirstError {
    pub at_rps: f64,
    pub kind: String,
    pub count: u64,
}

/// Reports each step as it starts and ends.
pub trait Progress {
    fn step_started(&mut self, endpoint: &str, load: Load, duration: Duration);
    fn step_finished(&mut self, endpoint: &str, step: &Step);
}

pub async fn search(
    connector: &Connector,
    template: &Arc<RequestTemplate>,
    spec: &SearchSpec,
    stop: &StopFlag,
    progress: &mut dyn Progress,
) -> EndpointReport {
    let label = template.label();
    let began = Instant::now();
    let mut steps: Vec<Step> = Vec::new();
    let mut requests = 0u64;
    let drain = spec.slo.tightest().saturating_mul(2).max(Duration::from_secs(1)).min(spec.timeout);
    let mut next = match &spec.mode {
        Mode::Rates { start, .. } => Some(Load::Rate(*start)),
        Mode::Concurrency(users) => users.first().map(|users| Load::Concurrency(*users)),
    };
    let ended = loop {
        let Some(load) = next else {
            break "every step ran".to_owned();
        };
        if stop.load(Ordering::Relaxed) {
            break "stopped by the user".to_owned();
        }
        let expected = match load {
            Load::Rate(rate) => (rate * spec.step.as_secs_f64()) as u64,
            Load::Concurrency(_) => 0,
        };
        if requests + expected > spec.max_requests {
            break format!("the next step would pass the bound of {} requests", spec.max_requests);
        }
        if began.elapsed() + spec.step + drain > spec.max_duration {
            break format!("the next step would pass the bound of {} s", spec.max_duration.as_secs());
        }
        let step_spec = StepSpec {
            load,
            duration: spec.step,
            timeout: spec.timeout,
            connections: spec.connections,
            drain,
            abort_latency: matches!(load, Load::Rate(_)).then(|| spec.slo.tightest().saturating_mul(3)),
            threads: spec.threads,
        };
        progress.step_started(&label, load, spec.step);
        let outcome = run_step(connector, template, &step_spec, stop).await;
        let step = summarize(&outcome, &spec.slo);
        progress.step_finished(&label, &step);
        requests += step.requests;
        steps.push(step);
        if stop.load(Ordering::Relaxed) {
            break "stopped by the user".to_owned();
        }
        next = match &spec.mode {
            Mode::Rates { max, .. } => match next_rate(&steps, *max, spec.precision) {
                Ok(rate) => Some(Load::Rate(rate)),
                Err(reason) => break reason,
            },
            Mode::Concurrency(users) => users.get(steps.len()).map(|users| Load::Concurrency(*users)),
        };
    };
    let slo_ms = spec.slo.tightest().as_secs_f64() * 1000.0;
    let (capacity_rps, knee_rps, first_error) = (capacity(&steps), knee(&steps, slo_ms), first_error(&steps));
    EndpointReport {
        endpoint: label,
        url: connector.origin().uri(&template.path).to_string(),
        steps,
        capacity_rps,
        knee_rps,
        first_error,
        ended,
    }
}

/// The lowest rate that missed the SLO, and the highest below it that met it.
fn bracket(steps: &[Step]) -> (Option<f64>, Option<f64>) {
    let rate = |step: &Step| match step.load {
        Load::Rate(rate) if !step.interrupted => Some(rate),
        _ => None,
    };
    let missed = steps.iter().filter(|s| !s.meets_slo).filter_map(rate).reduce(f64::min);
    let met = steps
        .iter()
        .filter(|s| s.meets_slo)
        .filter_map(rate)
        .filter(|rate| missed.is_none_or(|missed| *rate < missed))
        .reduce(f64::max);
    (met, missed)
}

/// Doubles until a step misses the SLO, then bisects; `Err` says why the search is done.
fn next_rate(steps: &[Step], max: f64, precision: f64) -> Result<f64, String> {
    let last = match steps.last().map(|step| step.load) {
        Some(Load::Rate(rate)) => rate,
        _ => return Err("no rate ran".to_owned()),
    };
    match bracket(steps) {
        (_, None) if last >= max => Err(format!("met the SLO up to --max-rate {}/s", format_rate(max))),
        (_, None) => Ok((last * 2.0).min(max)),
        (None, Some(missed)) if missed / 4.0 < 0.5 => Err(format!("missed the SLO even at {}/s", format_rate(missed))),
        (None, Some(missed)) => Ok(missed / 4.0),
        (Some(met), Some(missed)) if (missed - met) / met <= precision => {
            Err(format!("capacity bracketed within {:.0}%", precision * 100.0))
        }
        (Some(met), Some(missed)) => {
            let middle = round_rate((met + missed) / 2.0);
            // At low rates the rounding can land on an end, which would run the same step again.
            if middle <= met || middle >= missed {
                Err(format!("capacity bracketed between {}/s and {}/s", format_rate(met), format_rate(missed)))
            } else {
                Ok(middle)
            }
        }
    }
}

fn round_rate(rate: f64) -> f64 {
    if rate >= 20.0 { rate.round() } else { (rate * 10.0).round() / 10.0 }
}

pub fn format_rate(rate: f64) -> String {
    if rate >= 100.0 || rate.fract() == 0.0 { format!("{rate:.0}") } else { format!("{rate:.1}") }
}

fn capacity(steps: &[Step]) -> Option<f64> {
    if steps.iter().any(|step| matches!(step.load, Load::Concurrency(_))) {
        return steps.iter().filter(|s| s.meets_slo && !s.interrupted).map(|s| s.throughput_rps).reduce(f64::max);
    }
    bracket(steps).0
}

/// The last load before p95 grew faster than the load did (a log-log slope above 1), by a margin that is
/// not noise: to twice its lowest value, and by a tenth of the SLO's limit. Below the knee more load costs
/// little latency; above it requests queue.
fn knee(steps: &[Step], slo_ms: f64) -> Option<f64> {
    let mut points: Vec<(f64, f64)> = steps
        .iter()
        .filter(|s| s.latency_ms.max > 0.0 && !s.interrupted)
        .map(|s| (s.x(), s.latency_ms.p95.max(0.001)))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut floor = f64::INFINITY;
    for pair in points.windows(2) {
        let ((x0, p0), (x1, p1)) = (pair[0], pair[1]);
        floor = floor.min(p0);
        // Bisection steps a few percent apart turn noise into steep slopes.
        if x1 < x0 * 1.05 {
            continue;
        }
        let slope = (p1 / p0).ln() / (x1 / x0).ln();
        if slope > 1.0 && p1 >= floor * 2.0 && p1 - floor >= slo_ms * 0.1 {
            return Some(x0);
        }
    }
    None
}

fn first_error(steps: &[Step]) -> Option<FirstError> {
    let mut order: Vec<&Step> = steps.iter().collect();
    order.sort_by(|a, b| a.x().total_cmp(&b.x()));
    order.into_iter().find_map(|step| {
        let (kind, count) = step.errors.iter().max_by_key(|(_, count)| **count)?;
        Some(FirstError { at_rps: step.x(), kind: kind.clone(), count: *count })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(rate: f64, p95: f64, meets_slo: bool) -> Step {
        Step {
            load: Load::Rate(rate),
            duration_s: 1.0,
            requests: rate as u64,
            responses: rate as u64,
            throughput_rps: rate,
            latency_ms: Latency { p50: p95 / 2.0, p90: p95, p95, p99: p95, p999: p95, max: p95 },
            error_rate: 0.0,
            errors: BTreeMap::new(),
            statuses: BTreeMap::new(),
            unfinished: 0,
            meets_slo,
            missed: Vec::new(),
            aborted: None,
            interrupted: false,
        }
    }

    #[test]
    fn doubles_then_bisects_then_stops_within_precision() {
        let mut steps = vec![step(10.0, 20.0, true)];
        assert_eq!(next_rate(&steps, 1e6, 0.1), Ok(20.0));
        steps.push(step(160.0, 21.0, true));
        steps.push(step(320.0, 900.0, false));
        assert_eq!(next_rate(&steps, 1e6, 0.1), Ok(240.0));
        steps.push(step(240.0, 700.0, false));
        assert_eq!(next_rate(&steps, 1e6, 0.1), Ok(200.0));
        steps.push(step(200.0, 30.0, true));
        steps.push(step(220.0, 600.0, false));
        steps.push(step(210.0, 40.0, true));
        assert!(next_rate(&steps, 1e6, 0.1).unwrap_err().contains("within 10%"));
        assert_eq!(capacity(&steps), Some(210.0));
    }

    #[test]
    fn a_pass_above_a_miss_does_not_count() {
        // Noise: 180 missed once, 190 met once; the capacity is still below the lowest miss.
        let steps = vec![step(160.0, 20.0, true), step(180.0, 700.0, false), step(190.0, 30.0, true)];
        assert_eq!(capacity(&steps), Some(160.0));
    }

    #[test]
    fn a_step_the_user_stopped_is_not_a_miss() {
        let mut stopped = step(80.0, 5.0, false);
        stopped.interrupted = true;
        let steps = vec![step(10.0, 5.0, true), step(20.0, 5.0, true), step(40.0, 5.0, true), stopped];
        assert_eq!(capacity(&steps), Some(40.0));
        assert_eq!(bracket(&steps), (Some(40.0), None));
    }

    #[test]
    fn a_bisection_that_rounds_onto_an_end_stops() {
        let steps = vec![step(0.625, 5.0, true), step(0.7, 900.0, false)];
        assert!(next_rate(&steps, 1e6, 0.01).unwrap_err().contains("between"));
    }

    #[test]
    fn steps_down_when_the_first_rate_misses_and_gives_up_below_one() {
        let steps = vec![step(10.0, 900.0, false)];
        assert_eq!(next_rate(&steps, 1e6, 0.1), Ok(2.5));
        let steps = vec![step(1.0, 900.0, false)];
        assert!(next_rate(&steps, 1e6, 0.1).unwrap_err().contains("even at 1/s"));
        let steps = vec![step(100.0, 10.0, true)];
        assert!(next_rate(&steps, 100.0, 0.1).unwrap_err().contains("--max-rate 100/s"));
    }

    #[test]
    fn the_knee_is_where_latency_outgrows_load_beyond_noise() {
        let steps = vec![
            step(10.0, 20.0, true),
            step(20.0, 21.0, true),
            step(40.0, 22.0, true),
            step(80.0, 30.0, true),
            step(160.0, 400.0, false),
        ];
        assert_eq!(knee(&steps, 500.0), Some(80.0));
        let flat = vec![step(10.0, 20.0, true), step(20.0, 20.5, true), step(40.0, 21.0, true)];
        assert_eq!(knee(&flat, 500.0), None);
        // 7 ms to 15 ms doubles, but against a 200 ms SLO it is noise; 31 ms past 280/s is the knee.
        let noisy = vec![
            step(80.0, 7.1, true),
            step(160.0, 15.0, true),
            step(240.0, 11.0, true),
            step(280.0, 15.0, true),
            step(300.0, 31.0, true),
            step(320.0, 210.0, false),
        ];
        assert_eq!(knee(&noisy, 200.0), Some(280.0));
    }
}
