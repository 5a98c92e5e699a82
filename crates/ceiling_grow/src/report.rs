//! The terminal and JSON views of a run.

use std::fmt::Write as _;

use ceiling_page::output::{deserialize_output, read_output};
use ceiling_page::units::{format_ms, format_rows};

use crate::fit::Growth;
use crate::run::{Measured, Point, Report};

/// The JSON report's format version: bumped when a field changes meaning or goes away.
pub const JSON_VERSION: u32 = 1;

pub fn render_json(report: &Report) -> String {
    let value = serde_json::json!({ "version": JSON_VERSION, "grow": report });
    let mut text = serde_json::to_string_pretty(&value).expect("the report serialises");
    text.push('\n');
    text
}

/// Reads back what [`render_json`] wrote (`ceiling report --grow`); the error says what the text is not.
pub fn parse_json(text: &str) -> Result<Report, String> {
    let value = read_output(text, "grow", "grow", JSON_VERSION)?;
    deserialize_output(&value["grow"], "grow")
}

/// A pull-request comment: the queries that grow, worst projection first, with their growth, the
/// projected time, the size at which they spend the budget, and what the suggested index changes.
pub fn render_markdown(report: &Report) -> String {
    let mut out = String::from("## ceiling grow\n\n");
    let largest = report.steps.last().map_or(0, |step| step.largest);
    let _ = writeln!(
        out,
        "{} · PostgreSQL {} · up to {} rows in the largest table, projected to {} rows\n",
        report.source.describe(),
        report.server_version,
        format_rows(largest as f64),
        format_rows(report.target_rows as f64)
    );
    let mut growing: Vec<&Measured> =
        report.queries.iter().filter(|m| m.fit.is_some_and(|fit| fit.growth != Growth::Constant)).collect();
    growing.sort_by(|a, b| b.projected_ms.unwrap_or(0.0).total_cmp(&a.projected_ms.unwrap_or(0.0)));
    if growing.is_empty() {
        let _ = writeln!(out, "No query grows with the data: {} measured.", report.queries.len());
    } else {
        let _ = writeln!(
            out,
            "| Query | Where | Growth | At {} rows | Spends {} at | With the index |\n|---|---|---|---:|---:|---|",
            format_rows(report.target_rows as f64),
            format_ms(report.budget_ms)
        );
        for measured in &growing {
            let growth = measured.fit.map_or("", |fit| fit.growth.label());
            let projected = measured.projected_ms.map_or("-".to_owned(), format_ms);
            let budget =
                measured.budget_rows.map_or("-".to_owned(), |rows| format!("{} rows", format_rows(rows as f64)));
            let indexed = measured.with_index.as_ref().map_or("-".to_owned(), |with| {
                // An index that makes the query flat leaves no curve to project: its last time says it.
                let last = with.points.iter().rev().find_map(|point| {
                    let timing = point.timing.as_ref()?;
                    Some(format!("{} at {} rows", format_ms(timing.exec_ms), format_rows(point.table_rows as f64)))
                });
                let time = with.projected_ms.map(format_ms).or(last).unwrap_or_else(|| "-".to_owned());
                format!("{time} with `{}`", with.index)
            });
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {growth} | {projected} | {budget} | {indexed} |",
                cell(&measured.query.label),
                cell(&measured.query.location)
            );
        }
    }
    for cost in &report.n_plus_one {
        let pages: Vec<String> = cost
            .pages
            .iter()
            .map(|page| {
                let batched = page.batched_ms.map_or(String::new(), |ms| format!(" (batched {})", format_ms(ms)));
                format!("{} items {}{batched}", page.items, format_ms(page.n_plus_one_ms))
            })
            .collect();
        let _ = writeln!(out, "\nN+1 at `{}`: {}.", cell(&cost.location), pages.join(" · "));
    }
    out
}

/// Text for a Markdown table cell: a `|` would end it.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Queries that grow come first, worst projection first, each with its curve; those that stay
/// flat are listed in one line each after them.
pub fn render_human(report: &Report) -> String {
    let mut out = String::new();
    let steps: Vec<String> = report.steps.iter().map(|step| format_rows(step.largest as f64)).collect();
    let loaded: u64 = report.steps.iter().map(|step| step.rows_loaded).sum();
    let copy: f64 = report.steps.iter().map(|step| step.copy_seconds).sum();
    let _ = writeln!(out, "schema: {} · PostgreSQL {}", report.source.describe(), report.server_version);
    let _ = writeln!(
        out,
        "data: {} steps ({} rows in the largest table), {} rows loaded by COPY in {:.1} s ({:.2}M rows/s)\n",
        steps.len(),
        steps.join(", "),
        loaded,
        copy,
        loaded as f64 / copy.max(1e-9) / 1e6
    );

    let mut order: Vec<&Measured> = report.queries.iter().collect();
    order.sort_by(|a, b| b.projected_ms.unwrap_or(0.0).total_cmp(&a.projected_ms.unwrap_or(0.0)));
    let growing: Vec<&Measured> =
        order.iter().copied().filter(|m| m.fit.is_some_and(|fit| fit.growth != Growth::Constant)).collect();
    let flat: Vec<&Measured> =
        order.iter().copied().filter(|m| m.fit.is_some_and(|fit| fit.growth == Growth::Constant)).collect();
    let unclassified: Vec<&Measured> = order.iter().copied().filter(|m| m.fit.is_none()).collect();
    for measured in &growing {
        render_query(&mut out, measured, report);
    }
    if !unclassified.is_empty() {
        let _ = writeln!(
            out,
            "Not classified ({}): fewer than 3 sizes of 100+ rows timed with one plan (try larger --scales), or the last failed:",
            unclassified.len()
        );
        for measured in &unclassified {
            let last = measured.points.last();
            let timing = last.and_then(|p| p.timing.as_ref());
            let outcome = match (timing, last.and_then(|p| p.error.as_deref())) {
                (Some(t), _) => format!("{} ({})", format_ms(t.exec_ms), t.node),
                (None, Some(error)) if error.contains("timed out") => "over the time limit".to_owned(),
                (None, Some(error)) => format!("failed: {error}"),
                (None, None) => "n/a".to_owned(),
            };
            let _ = writeln!(
                out,
                "  {}  {}  {outcome} at {} rows",
                measured.query.location,
                measured.query.label,
                format_rows(last.map_or(0, |p| p.table_rows) as f64),
            );
        }
        out.push('\n');
    }
    if !flat.is_empty() {
        let _ = writeln!(out, "Flat at every size ({}):", flat.len());
        for measured in &flat {
            let last = measured.points.last().and_then(|p| p.timing.as_ref());
            let _ = writeln!(
                out,
                "  {}  {}  {} ({})",
                measured.query.location,
                measured.query.label,
                last.map_or("n/a".to_owned(), |t| format_ms(t.exec_ms)),
                last.map_or("", |t| t.node.as_str())
            );
        }
        out.push('\n');
    }
    if !report.n_plus_one.is_empty() {
        let _ = writeln!(
            out,
            "N+1 pages at the last step (each query plus a {} round trip):",
            format_ms(report.round_trip_ms)
        );
        for cost in &report.n_plus_one {
            let _ = writeln!(
                out,
                "  {}: one query per item, {} each: {}",
                cost.location,
                format_ms(cost.per_item_ms),
                cost.query
            );
            let pages: Vec<String> = cost
                .pages
                .iter()
                .map(|page| {
                    let batched = page.batched_ms.map_or(String::new(), |ms| format!(" (batched: {})", format_ms(ms)));
                    format!("{} items {}{batched}", page.items, format_ms(page.n_plus_one_ms))
                })
                .collect();
            let _ = writeln!(out, "    {}", pages.join(" · "));
        }
        out.push('\n');
    }
    if !report.unmeasured.is_empty() {
        let _ = writeln!(out, "Not measured ({}): their shape could not be rebuilt as SQL", report.unmeasured.len());
        for unmeasured in report.unmeasured.iter().take(10) {
            let _ = writeln!(out, "  {}: {}", unmeasured.location, unmeasured.reason);
        }
        if report.unmeasured.len() > 10 {
            let _ = writeln!(out, "  ... and {} more (--format json lists them all)", report.unmeasured.len() - 10);
        }
        out.push('\n');
    }
    for note in &report.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let _ = writeln!(
        out,
        "{} queries timed ({} growing, {} flat, {} not classified), median of each query's runs by EXPLAIN ANALYZE.",
        report.queries.len(),
        growing.len(),
        flat.len(),
        unclassified.len()
    );
    out
}

fn render_query(out: &mut String, measured: &Measured, report: &Report) {
    let findings =
        if measured.findings.is_empty() { String::new() } else { format!("  [{}]", measured.findings.join(", ")) };
    let _ = writeln!(out, "{}  {}{findings}", measured.query.label, measured.query.location);
    let _ = writeln!(out, "  {}", measured.query.sql);
    let rows: Vec<String> = measured.points.iter().map(|p| format_rows(p.table_rows as f64)).collect();
    let _ = writeln!(out, "  {:<12}{}", "rows", columns(&rows));
    render_curve(out, &measured.points);
    if measured.points.iter().any(|p| p.hot_ms.is_some()) {
        let hot: Vec<String> = measured.points.iter().map(|p| p.hot_ms.map_or("-".to_owned(), format_ms)).collect();
        let _ = writeln!(out, "  {:<12}{}", "hottest key", columns(&hot));
    }
    if let (Some(fit), Some(projected)) = (measured.fit, measured.projected_ms) {
        let mut line = format!(
            "{}: {} at {} rows",
            fit.growth.label(),
            format_ms(projected),
            format_rows(report.target_rows as f64)
        );
        let measured_rows = measured.points.last().map_or(0, |p| p.table_rows);
        if report.target_rows > measured_rows.saturating_mul(2) {
            let _ = write!(line, " (extrapolated from {})", format_rows(measured_rows as f64));
        }
        if let Some(rows) = measured.budget_rows {
            let _ = write!(
                line,
                "; spends the {} budget at {} rows",
                format_ms(report.budget_ms),
                format_rows(rows as f64)
            );
        }
        let _ = writeln!(out, "  {:<12}{line}", "growth");
    }
    if let Some(with) = &measured.with_index {
        let _ = writeln!(out, "  with index {}:", with.index);
        render_curve(out, &with.points);
        if let (Some(fit), Some(after), Some(before)) = (with.fit, with.projected_ms, measured.projected_ms) {
            let ratio = before / after.max(1e-6);
            let change = if ratio >= 1.5 {
                format!("{ratio:.0}x faster")
            } else if ratio <= 1.0 / 1.5 {
                format!("{:.1}x slower", 1.0 / ratio)
            } else {
                "about the same".to_owned()
            };
            let _ = writeln!(
                out,
                "  {:<12}{}: {} at {} rows ({change})",
                "growth",
                fit.growth.label(),
                format_ms(after),
                format_rows(report.target_rows as f64),
            );
        }
        let _ = writeln!(out, "  {:<12}{}", "fix", with.sql);
    }
    out.push('\n');
}

/// The time and the plan at each step.
fn render_curve(out: &mut String, points: &[Point]) {
    let _ = writeln!(out, "  {:<12}{}", "time", columns(&times(points)));
    let plans: Vec<String> =
        points.iter().map(|p| p.timing.as_ref().map_or("-".to_owned(), |t| t.node.clone())).collect();
    let _ = writeln!(out, "  {:<12}{}", "plan", plans.join(" → "));
}

fn times(points: &[Point]) -> Vec<String> {
    points
        .iter()
        .map(|p| match (&p.timing, &p.error) {
            (Some(timing), _) => format_ms(timing.exec_ms),
            (None, Some(error)) if error.contains("timed out") => "timeout".to_owned(),
            _ => "error".to_owned(),
        })
        .collect()
}

fn columns(cells: &[String]) -> String {
    cells.iter().map(|cell| format!("{cell:<11}")).collect::<String>().trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real run's JSON (`ceiling grow examples/next-prisma-app --scales 1k,3k,10k,30k,100k,300k --format json`).
    const FIXTURE: &str = include_str!("../../ceiling/tests/fixtures/report/grow.json");

    #[test]
    fn reads_back_what_it_writes() {
        let report = parse_json(FIXTURE).expect("the fixture reads");
        assert_eq!(report.queries.len(), 16);
        let again = render_json(&report);
        let (before, after): (serde_json::Value, serde_json::Value) =
            (serde_json::from_str(FIXTURE).unwrap(), serde_json::from_str(&again).unwrap());
        assert_eq!(before, after);
    }

    /// The pull-request table: growing queries only, worst projection first.
    #[test]
    fn markdown_of_a_real_run() {
        let markdown = render_markdown(&parse_json(FIXTURE).unwrap());
        let rows = markdown.lines().filter(|line| line.starts_with("| `")).count();
        assert!(rows > 0 && rows < 16, "flat queries are left out: {markdown}");
        insta::assert_snapshot!(markdown);
    }

    #[test]
    fn other_json_is_refused_with_the_reason() {
        let error = parse_json(r#"{"version": 1, "findings": []}"#).unwrap_err();
        assert!(error.contains("no \"grow\" object"), "{error}");
        let error = parse_json(r#"{"version": 2, "grow": {}}"#).unwrap_err();
        assert!(error.contains("version 2"), "{error}");
        let error = parse_json(r#"{"version": 1, "grow": {"steps": []}}"#).unwrap_err();
        assert!(error.contains("missing field"), "{error}");
        assert!(parse_json("<html>").unwrap_err().starts_with("not JSON"));
    }
}
