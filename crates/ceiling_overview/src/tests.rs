//! The page from the fixtures of `crates/ceiling/tests/fixtures/report` (real runs of `ceiling db`, `ceiling grow`
//! and `ceiling load`) and a scan of `examples/next-prisma-app`.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use ceiling_page::html::{Overview, render_overview};
use ceiling_scan::{ScanOptions, ScanResult, scan};

use super::*;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ceiling/tests/fixtures/report").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn example() -> ScanResult {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/next-prisma-app");
    scan(&path, &ScanOptions::default()).expect("the example scans")
}

struct Fixtures {
    db: DbRead,
    grow: GrowReport,
    load: LoadReport,
}

fn fixtures() -> Fixtures {
    Fixtures {
        db: ceiling_report::parse_db_json(&fixture("db.json")).unwrap(),
        grow: ceiling_grow::report::parse_json(&fixture("grow.json")).unwrap(),
        load: ceiling_load::report::parse_json(&fixture("load.json")).unwrap(),
    }
}

fn inputs<'a>(result: &'a ScanResult, fixtures: Option<&'a Fixtures>) -> Inputs<'a> {
    Inputs {
        app: "next-prisma-app".to_owned(),
        scan: ScanInput {
            findings: &result.findings,
            files_scanned: result.files_scanned,
            lines_scanned: result.lines_scanned,
            routes: result.project.route_table(),
        },
        db: fixtures.map(|f| &f.db),
        grow: fixtures.map(|f| &f.grow),
        load: fixtures.map(|f| &f.load),
    }
}

/// The page's content as text: every line of the summary, every table row, each chart's title and series.
fn outline(overview: &Overview) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}", overview.title);
    overview.intro.iter().for_each(|line| _ = writeln!(out, "{line}"));
    let _ = writeln!(out, "\n## Summary\n{}", overview.headline);
    for (label, text) in &overview.summary {
        let _ = writeln!(out, "- {label}: {text}");
    }
    for chart in &overview.summary_charts {
        let _ = writeln!(out, "summary chart: {} ({})", chart.title, chart.subtitle);
    }
    for section in &overview.sections {
        let page = &section.page;
        let _ = writeln!(out, "\n## {} (#{})", page.title, section.id);
        page.intro.iter().for_each(|line| _ = writeln!(out, "{line}"));
        page.table.iter().for_each(|row| _ = writeln!(out, "| {} |", row.join(" | ")));
        for group in &page.groups {
            let _ = writeln!(out, "### {}{}", group.heading, if group.open { "" } else { " (folded)" });
            group.table.iter().for_each(|row| _ = writeln!(out, "| {} |", row.join(" | ")));
        }
        for chart in &page.charts {
            let series: Vec<String> =
                chart.series.iter().map(|s| format!("{} ({} points)", s.label, s.points.len())).collect();
            let _ = writeln!(out, "chart: {} [{}]", chart.title, series.join(", "));
        }
    }
    out
}

#[test]
fn snapshot_of_the_page_from_every_source() {
    let result = example();
    let fixtures = fixtures();
    insta::assert_snapshot!(outline(&overview(&inputs(&result, Some(&fixtures)))));
}

#[test]
fn the_summary_comes_from_the_data() {
    let result = example();
    let fixtures = fixtures();
    let page = overview(&inputs(&result, Some(&fixtures)));
    // The lowest capacity of the load fixture, and the live database's unindexed foreign key.
    assert_eq!(page.headline, "Your first ceiling: GET /api/posts at ~48 req/s; Notification.userId unindexed.");
    // The summary shows that endpoint's chart and the worst growing query's.
    let titles: Vec<&str> = page.summary_charts.iter().map(|chart| chart.title.as_str()).collect();
    assert_eq!(titles, ["GET /api/posts", "post.count where status"]);
    // Another run with a lower capacity elsewhere changes the headline.
    let mut load = fixtures.load.clone();
    load.endpoints[2].capacity_rps = Some(12.0);
    let both = Fixtures { load, ..fixtures };
    let page = overview(&inputs(&result, Some(&both)));
    assert!(page.headline.starts_with("Your first ceiling: GET /api/users at ~12 req/s;"), "{}", page.headline);
}

#[test]
fn sections_that_were_not_run_are_left_out() {
    let result = example();
    let page = overview(&inputs(&result, None));
    let ids: Vec<&str> = page.sections.iter().map(|section| section.id.as_str()).collect();
    assert_eq!(ids, ["scan", "routes"]);
    // Without measurements, the headline names the top database finding of the scan.
    assert_eq!(page.headline, "Your first ceiling: Notification.userId unindexed.");
    let html = render_overview(&overview(&inputs(&result, None)));
    assert!(!html.contains("<svg") && !html.contains("id=\"load\""));
}

#[test]
fn the_page_is_self_contained_and_escapes_what_it_shows() {
    let result = example();
    let mut fixtures = fixtures();
    fixtures.db.findings[0].message = "<script>alert('x')</script> & more".to_owned();
    fixtures.load.endpoints[0].endpoint = "GET /api/<posts>".to_owned();
    let html = render_overview(&overview(&inputs(&result, Some(&fixtures))));
    assert!(!html.contains("<script"), "a finding's text got through unescaped");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
    assert!(html.contains("GET /api/&lt;posts&gt;"));
    // No URL of any kind: the load's origin (an http URL) is written with a character reference.
    let lower = html.to_ascii_lowercase();
    for reference in ["http", "src=", "url(", "@import", "<link", "<img"] {
        assert!(!lower.contains(reference), "{reference}");
    }
    // One chart per growing grow query and per loaded endpoint, and the two of the summary again.
    let charts = ceiling_grow::chart::section(&fixtures.grow).charts.len() + fixtures.load.endpoints.len();
    assert_eq!(html.matches("<svg").count(), charts + 2);
    assert!(charts > 3);
}

#[test]
fn families_are_named_for_people_and_unknown_ones_kept() {
    assert_eq!(family_name("db"), "Database queries");
    assert_eq!(family_name("abuse"), "Rate limiting & abuse");
    assert_eq!(family_name("jobs"), "Background work");
    assert_eq!(family_name("http"), "Outbound calls");
    assert_eq!(family_name("meta"), "Suppression comments");
    assert_eq!(family_name("newfamily"), "newfamily");
}
