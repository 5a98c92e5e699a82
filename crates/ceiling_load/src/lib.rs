//! `ceiling load` and `ceiling probe`: HTTP load and bounded abuse checks against a running app.
//!
//! - [`target`] parses URLs and keeps every request on loopback unless the user names another host.
//! - [`client`] holds one HTTP/1.1 or HTTP/2 connection (hyper) and sorts failures into kinds; [`wire`] is
//!   the load loop's own plain HTTP/1.1, one write and one reused buffer per request.
//! - [`engine`] runs one step of load, open model (a constant arrival rate) or closed (fixed users).
//! - [`search`] runs the steps of one endpoint's knee search and reads capacity and knee off them.
//! - [`report`] prints the run; [`k6`] writes the same plan as a k6 script; [`probe`] checks rate limits,
//!   webhook replay and page-size caps.

pub mod client;
pub mod engine;
pub mod k6;
pub mod plan;
pub mod probe;
pub mod report;
pub mod search;
pub mod slo;
pub mod target;
pub mod wire;

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::client::Connector;
use crate::engine::StopFlag;
use crate::plan::Plan;
use crate::search::{EndpointReport, Mode, Progress, SearchSpec};
use crate::slo::Slo;
use crate::target::Allowed;

/// The whole run, as `--format json` writes it under `"load"`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoadReport {
    pub origin: String,
    /// `open` or `closed`.
    pub model: String,
    pub slo: Slo,
    pub bounds: Bounds,
    pub endpoints: Vec<EndpointReport>,
    pub skipped: Vec<String>,
    pub interrupted: bool,
}

/// The limits the run kept to, stated in every report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Bounds {
    pub step_s: f64,
    pub max_s_per_endpoint: f64,
    pub max_requests_per_endpoint: u64,
    pub max_rate: Option<f64>,
    pub connections: usize,
    pub timeout_s: f64,
    pub threads: usize,
    pub hosts: String,
}

/// The async runtime of load and probes, with `threads` workers ([`engine::default_threads`]).
pub fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the async runtime: {error}"))
}

/// A connection checked before the load, and what its first answers say.
pub struct Preflight {
    pub connector: Connector,
    /// `GET /postz answered 404`: endpoints whose answer is not a success, which the load would measure.
    pub warnings: Vec<String>,
}

/// Resolves the plan's server, checks it is allowed, and sends one request per endpoint, so that a wrong
/// URL, a refused connection or a TLS error is one clear line before any load is sent.
pub async fn preflight(plan: &Plan, allowed: &Allowed, http2: bool, timeout: Duration) -> Result<Preflight, String> {
    allowed.check_host(&plan.origin)?;
    let addrs = target::resolve(&plan.origin).await?;
    allowed.check_addrs(&plan.origin, &addrs)?;
    let connector = Connector::new(plan.origin.clone(), addrs, http2);
    let mut connection = tokio::time::timeout(timeout, connector.connect())
        .await
        .map_err(|_| format!("cannot connect to {}: no answer within {} s", plan.origin, timeout.as_secs_f64()))?
        .map_err(|failure| format!("cannot connect to {}: {failure}", plan.origin))?;
    let mut warnings = Vec::new();
    for request in &plan.requests {
        if !connection.reusable() {
            connection =
                connector.connect().await.map_err(|failure| format!("cannot connect to {}: {failure}", plan.origin))?;
        }
        let status = tokio::time::timeout(timeout, connection.send(request))
            .await
            .map_err(|_| {
                format!("{} on {}: no answer within {} s", request.label(), plan.origin, timeout.as_secs_f64())
            })?
            .map_err(|failure| format!("{} on {}: {failure}", request.label(), plan.origin))?;
        if status >= 300 {
            warnings.push(format!("{} answered {status}; the load measures that answer", request.label()));
        }
    }
    Ok(Preflight { connector, warnings })
}

/// Runs the knee search of every endpoint of the plan in turn.
pub async fn run(
    plan: &Plan,
    connector: &Connector,
    spec: &SearchSpec,
    stop: &StopFlag,
    progress: &mut dyn Progress,
    hosts: String,
) -> LoadReport {
    let mut endpoints = Vec::new();
    for request in &plan.requests {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            break;
        }
        let template = Arc::new(request.clone());
        endpoints.push(search::search(connector, &template, spec, stop, progress).await);
    }
    let (model, max_rate) = match &spec.mode {
        Mode::Rates { max, .. } => ("open", Some(*max)),
        Mode::Concurrency(_) => ("closed", None),
    };
    LoadReport {
        origin: plan.origin.base(),
        model: model.to_owned(),
        slo: spec.slo.clone(),
        bounds: Bounds {
            step_s: spec.step.as_secs_f64(),
            max_s_per_endpoint: spec.max_duration.as_secs_f64(),
            max_requests_per_endpoint: spec.max_requests,
            max_rate,
            connections: spec.connections,
            timeout_s: spec.timeout.as_secs_f64(),
            threads: spec.threads,
            hosts,
        },
        endpoints,
        skipped: plan.skipped.clone(),
        interrupted: stop.load(std::sync::atomic::Ordering::Relaxed),
    }
}
