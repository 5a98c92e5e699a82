//! The load report: a table per endpoint with its capacity and knee, as text, JSON, or an HTML page with a
//! latency-against-load chart per endpoint (also a section of `ceiling report`'s page, [`section`]).

use std::fmt::Write;

use ceiling_page::html::{Chart, ChartPoint, Limit, Marker, Page, Series, SeriesKind, XAxis, render};
use ceiling_page::output::{deserialize_output, read_output};
use ceiling_page::units::format_ms;

use crate::LoadReport;
use crate::engine::Load;
use crate::search::{EndpointReport, Step, format_rate};
use crate::slo::percentile_name;

/// The JSON report's format version: bumped when a field changes meaning or goes away.
pub const JSON_VERSION: u32 = 1;

pub fn render_json(report: &LoadReport) -> String {
    let value = serde_json::json!({ "version": JSON_VERSION, "load": report });
    serde_json::to_string_pretty(&value).expect("the report serializes") + "\n"
}

/// Reads back what [`render_json`] wrote (`ceiling report --load`); the error says what the text is not.
pub fn parse_json(text: &str) -> Result<LoadReport, String> {
    let value = read_output(text, "load", "load", JSON_VERSION)?;
    deserialize_output(&value["load"], "load")
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
        for line in verdict_lines(endpoint, &report.model) {
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

/// A pull-request comment: each endpoint's capacity, knee and first error, slowest first.
pub fn render_markdown(report: &LoadReport) -> String {
    let mut out = String::from("## ceiling load\n\n");
    let _ = writeln!(out, "`{}` · {} model · SLO {}\n", report.origin, report.model, report.slo.describe());
    let _ = writeln!(out, "| Endpoint | Capacity | Knee | First error | Search ended |\n|---|---:|---:|---|---|");
    let mut endpoints: Vec<&EndpointReport> = report.endpoints.iter().collect();
    endpoints.sort_by(|a, b| a.capacity_rps.unwrap_or(0.0).total_cmp(&b.capacity_rps.unwrap_or(0.0)));
    for endpoint in endpoints {
        let rate = |rps: Option<f64>| rps.map_or("-".to_owned(), |rps| format!("{}/s", format_rate(rps)));
        let error = endpoint.first_error.as_ref().map_or("-".to_owned(), |error| {
            format!("{} at {}/s", error.kind.replace('_', " "), format_rate(error.at_rps))
        });
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {error} | {} |",
            endpoint.endpoint.replace('|', "\\|"),
            rate(endpoint.capacity_rps),
            rate(endpoint.knee_rps),
            endpoint.ended.replace('|', "\\|")
        );
    }
    if !report.skipped.is_empty() {
        let _ = writeln!(out, "\nNot loaded: {}.", report.skipped.join("; "));
    }
    if report.interrupted {
        let _ = writeln!(out, "\nInterrupted: the table covers the steps that ran.");
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
    render(&section(report))
}

/// The page's content, titled `ceiling load`: for `ceiling load --html` and for a section of `ceiling report`.
pub fn section(report: &LoadReport) -> Page {
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
    Page { title: "ceiling load".to_owned(), intro, table, groups: Vec::new(), charts }
}

fn report_limit(report: &LoadReport) -> Option<Limit> {
    let first = report.slo.percentiles.first()?;
    Some(Limit { ms: first.limit_ms, label: format!("SLO {}", percentile_name(first.percentile)) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real run's JSON: three endpoints of a local server, one of them serialised behind a lock.
    const FIXTURE: &str = include_str!("../../ceiling/tests/fixtures/report/load.json");

    #[test]
    fn reads_back_what_it_writes() {
        let report = parse_json(FIXTURE).expect("the fixture reads");
        assert_eq!(report.model, "open");
        assert_eq!(report.endpoints[0].endpoint, "GET /api/posts");
        let (before, after): (serde_json::Value, serde_json::Value) =
            (serde_json::from_str(FIXTURE).unwrap(), serde_json::from_str(&render_json(&report)).unwrap());
        assert_eq!(before, after);
    }

    /// The pull-request table: the slowest endpoint first.
    #[test]
    fn markdown_of_a_real_run() {
        let markdown = render_markdown(&parse_json(FIXTURE).unwrap());
        let first = markdown.lines().find(|line| line.starts_with("| `")).unwrap();
        assert!(first.starts_with("| `GET /api/posts` | 48/s"), "{markdown}");
        insta::assert_snapshot!(markdown);
    }

    #[test]
    fn other_json_is_refused_with_the_reason() {
        let grow = include_str!("../../ceiling/tests/fixtures/report/grow.json");
        assert!(parse_json(grow).unwrap_err().contains("no \"load\" object"));
        assert!(parse_json(r#"{"load": {}}"#).unwrap_err().contains("no version"));
        let error = parse_json(r#"{"version": 1, "load": {"origin": "x"}}"#).unwrap_err();
        assert!(error.contains("missing field"), "{error}");
    }
}
