//! The run's report as the HTML page: a table of every timed query, then one chart per query
//! that has a curve worth seeing (it grows, or an index changes it). The same content is a section of
//! `ceiling report`'s page ([`section`]).

use ceiling_page::html::{Chart, ChartPoint, Limit, Marker, Page, Series, SeriesKind, XAxis, render};
use ceiling_page::units::{format_ms, format_rows};

use crate::fit::Growth;
use crate::run::{Measured, Point, Report};

pub fn page(report: &Report) -> String {
    render(&section(report))
}

/// The page's content, titled `ceiling grow`: for `ceiling grow --html` and for a section of `ceiling report`.
pub fn section(report: &Report) -> Page {
    let steps: Vec<String> = report.steps.iter().map(|step| format_rows(step.largest as f64)).collect();
    let intro = vec![
        format!("Schema: {}; PostgreSQL {}.", report.source.describe(), report.server_version),
        format!(
            "Synthetic data at {} rows in the largest table; each time is the median of EXPLAIN ANALYZE runs. \
             Projections are to {} rows; the budget line is {} per query.",
            steps.join(", "),
            format_rows(report.target_rows as f64),
            format_ms(report.budget_ms)
        ),
    ];
    let mut order: Vec<&Measured> = report.queries.iter().collect();
    order.sort_by(|a, b| b.projected_ms.unwrap_or(0.0).total_cmp(&a.projected_ms.unwrap_or(0.0)));
    let mut table = vec![vec![
        "query".to_owned(),
        "where".to_owned(),
        "growth".to_owned(),
        format!("at {} rows", format_rows(report.target_rows as f64)),
        "with the suggested index".to_owned(),
    ]];
    let mut charts = Vec::new();
    for measured in order {
        let growth = measured.fit.map_or("-", |fit| fit.growth.label());
        let after = measured
            .with_index
            .as_ref()
            .and_then(|with| with.projected_ms.map(|ms| format!("{} ({})", format_ms(ms), with.index)))
            .unwrap_or_default();
        table.push(vec![
            measured.query.label.clone(),
            measured.query.location.clone(),
            growth.to_owned(),
            measured.projected_ms.map(format_ms).unwrap_or_default(),
            after,
        ]);
        let grows = measured.fit.is_some_and(|fit| fit.growth != Growth::Constant);
        if !grows && measured.with_index.is_none() {
            continue;
        }
        let mut series = vec![Series {
            label: "as written".to_owned(),
            kind: SeriesKind::Before,
            points: chart_points(&measured.points),
            projection: measured.projected_ms.map(|ms| (report.target_rows as f64, ms)),
        }];
        if let Some(with) = &measured.with_index {
            series.push(Series {
                label: format!("with {}", with.index),
                kind: SeriesKind::After,
                points: chart_points(&with.points),
                projection: with.projected_ms.map(|ms| (report.target_rows as f64, ms)),
            });
        }
        charts.push(Chart {
            title: measured.query.label.clone(),
            subtitle: format!("{} · {}", measured.query.location, measured.query.sql),
            series,
            x_axis: XAxis::Rows,
            marker: Some(Marker { x: report.target_rows as f64, label: "target".to_owned() }),
            limit: Some(Limit { ms: report.budget_ms, label: format!("budget {}", format_ms(report.budget_ms)) }),
        });
    }
    Page { title: "ceiling grow".to_owned(), intro, table, groups: Vec::new(), charts }
}

fn chart_points(points: &[Point]) -> Vec<ChartPoint> {
    points
        .iter()
        .filter_map(|point| {
            let timing = point.timing.as_ref()?;
            Some(ChartPoint { x: point.table_rows as f64, ms: timing.exec_ms, note: timing.node.clone() })
        })
        .collect()
}
