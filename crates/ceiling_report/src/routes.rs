//! `ceiling routes`: the route table, for people and for `load`/`probe` and other programs.

use std::fmt::Write;

use ceiling_facts::RouteRow;
use serde::Serialize;

/// One table row per route: method, path, where it is declared, the limiter that covers it.
pub fn render_routes_human(rows: &[RouteRow]) -> String {
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("No routes found.\n");
        return out;
    }
    let cells: Vec<[String; 4]> = rows
        .iter()
        .map(|row| {
            [
                row.method.clone(),
                route_path(row),
                format!("{}:{}", row.file, row.line),
                row.limiter.clone().unwrap_or_else(|| "-".to_owned()),
            ]
        })
        .collect();
    let header = ["METHOD", "PATH", "HANDLER", "RATE LIMIT"];
    let mut widths = header.map(str::len);
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 4]| {
        let mut text = String::new();
        for (at, (cell, width)) in cells.iter().zip(widths).enumerate() {
            if at + 1 == cells.len() {
                text.push_str(cell);
            } else {
                let _ = write!(text, "{cell:<width$}  ");
            }
        }
        text.push('\n');
        text
    };
    out.push_str(&line(header));
    for row in &cells {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3]]));
    }
    let limited = rows.iter().filter(|row| row.limiter.is_some()).count();
    let _ = writeln!(out, "\n{} routes, {limited} behind a rate limiter.", rows.len());
    out
}

/// The route's path, or for a server action, which has none, `(action name)`.
pub fn route_path(row: &RouteRow) -> String {
    match (&row.path, &row.handler_name) {
        (path, Some(name)) if path.is_empty() => format!("(action {name})"),
        (path, None) if path.is_empty() => "(action)".to_owned(),
        (path, _) => path.clone(),
    }
}

#[derive(Serialize)]
struct RoutesReport<'a> {
    version: u32,
    routes: &'a [RouteRow],
}

/// The route table as JSON: `{ "version": 1, "routes": [{ framework, method, path, file, line,
/// limiter }] }`.
pub fn render_routes_json(rows: &[RouteRow]) -> String {
    let mut text = serde_json::to_string_pretty(&RoutesReport { version: 1, routes: rows }).expect("routes serialise");
    text.push('\n');
    text
}
