//! The load report: a table per endpoint with its capacity and knee, as text, JSON, or an HTML page with a
//! latency-against-load chart per endpoint.

use std::fmt::Write;

use ceiling_page::html::{Chart, ChartPoint, Limit, Marker, Page, Series, SeriesKind, XAxis, render};
use ceiling_page::units::format_ms;

use crate::LoadReport;
use crate::engine::Load;
use crate::search::{EndpointReport, Step, format_rate};
use crate::slo::percentile_name;

pub fn render_json(report: &LoadReport) -> String {
    let value = serde_json::json!({ "version": 1, "load": report });
    serde_json::to_string_pretty(&value).expect("the report serializes") + "\n"
}

/// `40/s` or `8 users`.
pub fn describe_load(load: Load) -> String {
    match load {
        Load::Rate(rate) => format!("{}/s", format_rate(rate)),
        Load::Concurrency(users) => format!("{users} users"),
    }
}

/// One line per finished step, for the live progress.
pub fn step_line(step: &Step) -> String {
    let latency = &step.latency_ms;
    let verdict = if step.meets_slo { "ok".to_owned() } else { format!("missed: {}", step.missed.join(", ")) };
    format!(
        "{:>10}  {:>9.0} req/s  p50 {:>7}  p95 {:>7}  p99 {:>7}  errors {:>5.1}%  {verdict}",
        describe_load(step.load),
        step.throughput_rps,
        format_ms(latency.p50),
        format_ms(latency.p95),
        format_ms(latency.p99),
        step.error_rate * 100.0,
    )
}

pub fn render_human(report: &LoadReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "ceiling load {} ({} model, SLO {})", report.origin, report.model, report.slo.describe());
    for endpoint in &report.endpoints {
        let _ = writeln!(out, "\n{}", endpoint.endpoint);
        let mut steps: Vec<&Step> = endpoint.steps.iter().collect();
        steps.sort_by(|a, b| a.x().total_cmp(&b.x()));
        for step in steps {
            let _ = writeln!(out, "  {}", step_line(step));
        }
        for line in verdict_lines(endpoint, report.model) {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !report.skipped.is_empty() {
        let _ = writeln!(out, "\nNot loaded:");
        for skipped in &report.skipped {
            let _ = writeln!(out, "  {skipped}");
        }
    }
    let _ = writeln!(out, "\nSummary");
    for endpoint in &report.endpoints {
        let capacity = endpoint.capacity_rps.map_or("-".to_owned(), |rps| format!("{}/s", format_rate(rps)));
        let knee = endpoint.knee_rps.map_or("-".to_owned(), |rps| format!("{}/s", format_rate(rps)));
        let _ = writeln!(out, "  {:<40} capacity {:>9}  knee {:>9}", endpoint.endpoint, capacity, knee);
    }
    let bounds = &report.bounds;
    let _ = writeln!(
        out,
        "\nBounds: {}; steps of {} s; at most {} s and {} requests per endpoint{}; {} connections, {} sending thread{}; \
         timeout {} s.",
        bounds.hosts,
        bounds.step_s,
        bounds.max_s_per_endpoint,
        bounds.max_requests_per_endpoint,
        bounds.max_rate.map_or(String::new(), |rate| format!(", {}/s at most", format_rate(rate))),
        bounds.connections,
        bounds.threads,
        if bounds.threads == 1 { "" } else { "s" },
        bounds.timeout_s,
    );
    if report.interrupted {
        let _ = writeln!(out, "Interrupted: the report covers the steps that ran.");
    }
    out
}

/// What the steps say about the endpoint, in sentences.
fn verdict_lines(endpoint: &EndpointReport, model: &str) -> Vec<String> {
    let unit = if model == "closed" { "req/s (closed model)" } else { "req/s" };
    let mut lines = Vec::new();
    match endpoint.capacity_rps {
        Some(rps) => lines.push(format!("capacity: {} {unit} within the SLO", format_rate(rps))),
        None => lines.push("capacity: no step met the SLO".to_owned()),
    }
    match endpoint.knee_rps {
        Some(rps) => lines.push(format!("knee: p95 grows faster than load above {}/s", format_rate(rps))),
        None => lines.push("knee: none in the range measured".to_owned()),
    }
    if let Some(error) = &endpoint.first_error {
        lines.push(format!(
            "first error: {} ({} of them) at {}/s",
            error.kind.replace('_', " "),
            error.count,
            format_rate(error.at_rps)
        ));
    }
    lines.push(format!("search ended: {}", endpoint.ended));
    lines
}

/// The HTML page: the summary table, then p50, p95 and p99 against load for each endpoint, with the SLO.
pub fn render_html(report: &LoadReport) -> String {
    let intro = vec![
        format!("{} model against {}; SLO {}.", report.model, report.origin, report.slo.describe()),
        format!(
            "Each point is one step held {} s; latency is measured from each request's intended send time.",
            report.bounds.step_s
        ),
    ];
    let mut table = vec![["endpoint", "capacity", "knee", "first error", "search ended"].map(str::to_owned).to_vec()];
    let mut charts = Vec::new();
    let limit = report_limit(report);
    for endpoint in &report.endpoints {
        table.push(vec![
            endpoint.endpoint.clone(),
            endpoint.capacity_rps.map_or("-".to_owned(), |rps| format!("{}/s", format_rate(rps))),
            endpoint.knee_rps.map_or("-".to_owned(), |rps| format!("{}/s", format_rate(rps))),
            endpoint.first_error.as_ref().map_or("-".to_owned(), |error| {
                format!("{} at {}/s", error.kind.replace('_', " "), format_rate(error.at_rps))
            }),
            endpoint.ended.clone(),
        ]);
        let curve = |kind, label: &str, pick: fn(&Step) -> f64| Series {
            label: label.to_owned(),
            kind,
            points: endpoint
                .steps
                .iter()
                .filter(|step| step.responses + step.unfinished > 0)
                .map(|step| ChartPoint {
                    x: step.x(),
                    ms: pick(step),
                    note: if step.meets_slo { "met the SLO".to_owned() } else { step.missed.join(", ") },
                })
                .collect(),
            projection: None,
        };
        charts.push(Chart {
            title: endpoint.endpoint.clone(),
            subtitle: endpoint
                .capacity_rps
                .map_or("no step met the SLO".to_owned(), |rps| format!("capacity {}/s", format_rate(rps))),
            x_axis: XAxis::Rate,
            series: vec![
                curve(SeriesKind::Faint, "p50", |step| step.latency_ms.p50),
                curve(SeriesKind::Neutral, "p95", |step| step.latency_ms.p95),
                curve(SeriesKind::Before, "p99", |step| step.latency_ms.p99),
            ],
            marker: endpoint.knee_rps.map(|rps| Marker { x: rps, label: "knee".to_owned() }),
            limit: limit.clone(),
        });
    }
    render(&Page { title: "ceiling load".to_owned(), intro, table, charts })
}

fn report_limit(report: &LoadReport) -> Option<Limit> {
    let first = report.slo.percentiles.first()?;
    Some(Limit { ms: first.limit_ms, label: format!("SLO {}", percentile_name(first.percentile)) })
}
