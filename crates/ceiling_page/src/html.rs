//! A report as one self-contained HTML page: inline CSS and SVG charts drawn here, with no JavaScript and no
//! external URL, so the file opens offline, from a CI artifact or a mail attachment alike. The charts are log-log:
//! milliseconds up the side, table rows (`ceiling grow`) or a request rate (`ceiling load`) along the bottom.
//!
//! A [`Page`] is one command's report ([`render`]); an [`Overview`] puts several of them on one page, each as a
//! section under a summary ([`render_overview`], for `ceiling report`).

use std::fmt::Write;

use crate::units::{format_ms, format_rows};

#[derive(Debug, Clone, Default)]
pub struct Page {
    pub title: String,
    pub intro: Vec<String>,
    /// The first row is the header.
    pub table: Vec<Vec<String>>,
    /// Tables under a heading that opens and closes them, after the table: findings by family, say.
    pub groups: Vec<Group>,
    pub charts: Vec<Chart>,
}

/// A table under a heading that folds it away (`<details>`).
#[derive(Debug, Clone)]
pub struct Group {
    pub heading: String,
    /// Shown unfolded when the page opens.
    pub open: bool,
    /// The first row is the header.
    pub table: Vec<Vec<String>>,
}

/// Several pages on one: a summary at the top, then each page as a section under its title.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub title: String,
    pub intro: Vec<String>,
    /// The one sentence the summary opens with.
    pub headline: String,
    /// `(label, text)` lines under the headline.
    pub summary: Vec<(String, String)>,
    /// Charts shown in the summary, side by side under its lines: copies of the sections' most telling ones.
    pub summary_charts: Vec<Chart>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone)]
pub struct Section {
    /// The section's anchor (`scan`), which the contents line links to.
    pub id: String,
    pub page: Page,
}

#[derive(Debug, Clone)]
pub struct Chart {
    pub title: String,
    pub subtitle: String,
    pub series: Vec<Series>,
    /// What the x axis counts, which decides its tick labels and the points' tooltips.
    pub x_axis: XAxis,
    /// A dashed vertical line on the x axis, labelled under it ("target", "knee").
    pub marker: Option<Marker>,
    /// A dashed horizontal line at a time, e.g. a budget per query.
    pub limit: Option<Limit>,
}

#[derive(Debug, Clone)]
pub struct Marker {
    pub x: f64,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XAxis {
    /// Rows in a table: "1k".
    Rows,
    /// Requests per second: "1k/s".
    Rate,
}

impl XAxis {
    /// A value on this axis as a tick label: "1k" rows, "1k/s".
    pub fn format(self, x: f64) -> String {
        match self {
            XAxis::Rows => format_rows(x),
            XAxis::Rate => format!("{}/s", format_rows(x)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    pub ms: f64,
    /// Written under the line at the right, e.g. "budget 100 ms".
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub kind: SeriesKind,
    pub points: Vec<ChartPoint>,
    /// (x, ms) at the target, drawn dashed from the last measured point.
    pub projection: Option<(f64, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesKind {
    /// As the app is today: red.
    Before,
    /// With the suggested fix: green.
    After,
    /// Neither before nor after, e.g. one percentile of a latency: blue.
    Neutral,
    /// A secondary line beside the others: grey.
    Faint,
}

impl SeriesKind {
    fn class(self) -> &'static str {
        match self {
            SeriesKind::Before => "before",
            SeriesKind::After => "after",
            SeriesKind::Neutral => "neutral",
            SeriesKind::Faint => "faint",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ChartPoint {
    pub x: f64,
    pub ms: f64,
    /// Said in the point's tooltip, e.g. what the plan did there ("Seq Scan").
    pub note: String,
}

/// The plot box inside the 480×300 canvas, leaving room for the axis labels and the legend.
const LEFT: f64 = 60.0;
const RIGHT: f64 = 460.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 260.0;
/// Log axes cannot show 0 ms (a timing below EXPLAIN's resolution), so such times are drawn at this floor.
const MIN_MS: f64 = 0.001;

const STYLE: &str = "\
body{font:14px/1.45 system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}
figure{display:inline-block;margin:1em 1em 1em 0;vertical-align:top}
figcaption small{color:#666}
svg text{font-size:11px;fill:#555;stroke:none}
.grid{stroke:#eee}
.frame{fill:none;stroke:#bbb}
.before{stroke:#c0392b;fill:#c0392b}
.after{stroke:#1e8449;fill:#1e8449}
polyline{fill:none;stroke-width:2}
line.proj{stroke-dasharray:5 4}
circle.proj{fill:#fff}
.budget{stroke:#888;stroke-dasharray:6 3}
.target{stroke:#aaa;stroke-dasharray:2 3}
";

/// What an overview adds: the contents line, the summary box and the folding groups.
const OVERVIEW_STYLE: &str = "\
nav{color:#666;margin:0 0 1em}
section{margin:2em 0}
h2{border-bottom:1px solid #ddd;padding-bottom:.2em}
.summary{background:#fdf6e3;border:1px solid #e8d9a8;border-radius:6px;padding:.1em 1.2em 1em}
.summary h2{border:none}
.summary figure{margin:1em 1em 0 0;width:440px}
.summary svg{width:100%;height:auto}
.headline{font-size:1.3em;font-weight:600;margin:.4em 0 .8em}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35em 1.2em;margin:0}
dt{font-weight:600;color:#555}
dd{margin:0}
details{margin:.8em 0}
details>summary{cursor:pointer;font-weight:600}
";

/// The colours of the kinds beyond before and after, written into a page only when one of its series uses them.
const EXTRA_STYLES: [(SeriesKind, &str); 2] = [
    (SeriesKind::Neutral, ".neutral{stroke:#2e86c1;fill:#2e86c1}\n"),
    (SeriesKind::Faint, ".faint{stroke:#999;fill:#999}\n"),
];

pub fn render(page: &Page) -> String {
    let mut out = head(&page.title, page.charts.iter(), "");
    let _ = writeln!(out, "<h1>{}</h1>", esc(&page.title));
    render_body(&mut out, page);
    out.push_str("</body>\n</html>\n");
    out
}

/// The overview: the title, a line of links to the sections, the summary, then each page under an `<h2>`.
pub fn render_overview(overview: &Overview) -> String {
    let charts = overview.sections.iter().flat_map(|section| &section.page.charts).chain(&overview.summary_charts);
    let mut out = head(&overview.title, charts, OVERVIEW_STYLE);
    let _ = writeln!(out, "<h1>{}</h1>", esc(&overview.title));
    for paragraph in &overview.intro {
        let _ = writeln!(out, "<p>{}</p>", esc(paragraph));
    }
    let links: Vec<String> = std::iter::once(("summary", "Summary"))
        .chain(overview.sections.iter().map(|section| (section.id.as_str(), section.page.title.as_str())))
        .map(|(id, title)| format!("<a href=\"#{}\">{}</a>", esc(id), esc(title)))
        .collect();
    let _ = writeln!(out, "<nav>{}</nav>", links.join(" · "));
    out.push_str("<section id=\"summary\" class=\"summary\">\n<h2>Summary</h2>\n");
    let _ = writeln!(out, "<p class=\"headline\">{}</p>", esc(&overview.headline));
    if !overview.summary.is_empty() {
        out.push_str("<dl>\n");
        for (label, text) in &overview.summary {
            let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(label), esc(text));
        }
        out.push_str("</dl>\n");
    }
    overview.summary_charts.iter().for_each(|chart| render_chart(&mut out, chart));
    out.push_str("</section>\n");
    for section in &overview.sections {
        let _ = writeln!(out, "<section id=\"{}\">\n<h2>{}</h2>", esc(&section.id), esc(&section.page.title));
        render_body(&mut out, &section.page);
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The document up to `<body>`: the title and the styles, with the series colours that `charts` use.
fn head<'a>(title: &str, charts: impl Iterator<Item = &'a Chart> + Clone, extra_style: &str) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = write!(out, "<title>{}</title>\n<style>\n{STYLE}{extra_style}", esc(title));
    let used = |kind| charts.clone().flat_map(|chart| &chart.series).any(|series| series.kind == kind);
    for (kind, style) in EXTRA_STYLES {
        if used(kind) {
            out.push_str(style);
        }
    }
    out.push_str("</style>\n</head>\n<body>\n");
    out
}

/// A page's content under its heading: paragraphs, the table, the groups, the charts.
fn render_body(out: &mut String, page: &Page) {
    for paragraph in &page.intro {
        let _ = writeln!(out, "<p>{}</p>", esc(paragraph));
    }
    render_table(out, &page.table);
    for group in &page.groups {
        let open = if group.open { " open" } else { "" };
        let _ = writeln!(out, "<details{open}>\n<summary>{}</summary>", esc(&group.heading));
        render_table(out, &group.table);
        out.push_str("</details>\n");
    }
    page.charts.iter().for_each(|chart| render_chart(out, chart));
}

fn render_table(out: &mut String, table: &[Vec<String>]) {
    let Some((header, body)) = table.split_first() else { return };
    out.push_str("<table>\n");
    let row = |out: &mut String, cells: &[String], tag: &str| {
        let cells: String = cells.iter().map(|cell| format!("<{tag}>{}</{tag}>", esc(cell))).collect();
        let _ = writeln!(out, "<tr>{cells}</tr>");
    };
    row(out, header, "th");
    body.iter().for_each(|cells| row(out, cells, "td"));
    out.push_str("</table>\n");
}

fn render_chart(out: &mut String, chart: &Chart) {
    let (title, subtitle) = (esc(&chart.title), esc(&chart.subtitle));
    let _ = writeln!(out, "<figure>\n<figcaption><strong>{title}</strong><br><small>{subtitle}</small></figcaption>");
    let _ = writeln!(out, r#"<svg viewBox="0 0 480 300" width="480" height="300" role="img" aria-label="{title}">"#);
    let Some(axes) = Axes::new(chart) else {
        out.push_str("<rect class=\"frame\" x=\"60\" y=\"20\" width=\"400\" height=\"240\"/>\n");
        out.push_str("<text x=\"260\" y=\"144\" text-anchor=\"middle\">no measurements</text>\n</svg>\n</figure>\n");
        return;
    };
    // Grid first, so that everything else is drawn over it.
    for decade in axes.x_lo..=axes.x_hi {
        let x = axes.x(10f64.powi(decade));
        let _ = writeln!(out, r#"<line class="grid" x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{BOTTOM}"/>"#);
        let label = chart.x_axis.format(10f64.powi(decade));
        let _ = writeln!(out, r#"<text x="{x:.1}" y="276" text-anchor="middle">{label}</text>"#);
    }
    for decade in axes.y_lo..=axes.y_hi {
        let y = axes.y(10f64.powi(decade));
        let _ = writeln!(out, r#"<line class="grid" x1="{LEFT}" y1="{y:.1}" x2="{RIGHT}" y2="{y:.1}"/>"#);
        let label = format_ms(10f64.powi(decade));
        let _ = writeln!(out, r#"<text x="54" y="{:.1}" text-anchor="end">{label}</text>"#, y + 4.0);
    }
    out.push_str("<rect class=\"frame\" x=\"60\" y=\"20\" width=\"400\" height=\"240\"/>\n");
    if let Some(marker) = &chart.marker {
        let x = axes.x(marker.x);
        let _ = writeln!(out, r#"<line class="target" x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{BOTTOM}"/>"#);
        // Under the tick labels, where no line of the plot can cover it.
        let label = esc(&marker.label);
        let _ = writeln!(out, r#"<text x="{x:.1}" y="291" text-anchor="middle">{label}</text>"#);
    }
    if let Some(limit) = &chart.limit {
        let y = axes.y(limit.ms);
        let _ = writeln!(out, r#"<line class="budget" x1="{LEFT}" y1="{y:.1}" x2="{RIGHT}" y2="{y:.1}"/>"#);
        // Under the line at the right: the legend holds the top left, and the line may be the top edge.
        let label = esc(&limit.label);
        let _ = writeln!(out, r#"<text x="{}" y="{:.1}" text-anchor="end">{label}</text>"#, RIGHT - 4.0, y + 13.0);
    }
    let mut legend_x = LEFT;
    for series in &chart.series {
        let class = series.kind.class();
        let mut points: Vec<&ChartPoint> = series.points.iter().collect();
        points.sort_by(|a, b| a.x.total_cmp(&b.x));
        let _ = writeln!(out, r#"<g class="{class}">"#);
        let coords: Vec<String> = points.iter().map(|p| format!("{:.1},{:.1}", axes.x(p.x), axes.y(p.ms))).collect();
        let _ = writeln!(out, r#"<polyline points="{}"/>"#, coords.join(" "));
        if let (Some((to, ms)), Some(last)) = (series.projection, points.last()) {
            let (x1, y1, x2, y2) = (axes.x(last.x), axes.y(last.ms), axes.x(to), axes.y(ms));
            let _ = writeln!(out, r#"<line class="proj" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}"/>"#);
            let tip = tooltip(chart.x_axis, to, ms, "projected");
            let _ =
                writeln!(out, r#"<circle class="proj" cx="{x2:.1}" cy="{y2:.1}" r="3"><title>{tip}</title></circle>"#);
        }
        for point in &points {
            let (x, y) = (axes.x(point.x), axes.y(point.ms));
            let tip = tooltip(chart.x_axis, point.x, point.ms, &point.note);
            let _ = writeln!(out, r#"<circle cx="{x:.1}" cy="{y:.1}" r="3"><title>{tip}</title></circle>"#);
        }
        // The legend runs along the top margin, one short line and the label per series.
        let _ = writeln!(out, r#"<line x1="{legend_x}" y1="9" x2="{}" y2="9" stroke-width="2"/>"#, legend_x + 16.0);
        let _ = writeln!(out, r#"<text x="{}" y="13">{}</text>"#, legend_x + 20.0, esc(&series.label));
        legend_x += 36.0 + 6.0 * series.label.chars().count() as f64;
        out.push_str("</g>\n");
    }
    out.push_str("</svg>\n</figure>\n");
}

/// "100k rows: 11 ms (Seq Scan)" or "200/s: 11 ms (p95)", escaped.
fn tooltip(axis: XAxis, x: f64, ms: f64, note: &str) -> String {
    let note = if note.is_empty() { String::new() } else { format!(" ({note})") };
    let at = match axis {
        XAxis::Rows => format!("{} rows", format_rows(x)),
        XAxis::Rate => axis.format(x),
    };
    esc(&format!("{at}: {}{note}", format_ms(ms)))
}

/// Whole decades on both log axes, so that every grid line is a round number.
struct Axes {
    x_lo: i32,
    x_hi: i32,
    y_lo: i32,
    y_hi: i32,
}

impl Axes {
    /// `None` when no series has a point: there is nothing to scale the axes to.
    fn new(chart: &Chart) -> Option<Axes> {
        let points = chart.series.iter().flat_map(|s| &s.points);
        let projections = chart.series.iter().filter_map(|s| s.projection);
        let xs: Vec<f64> = points.clone().map(|p| p.x).collect();
        let x_lo = decade_floor(xs.iter().copied().map(clean_x).reduce(f64::min)?);
        let all_xs =
            xs.into_iter().chain(projections.clone().map(|p| p.0)).chain(chart.marker.as_ref().map(|marker| marker.x));
        let x_hi = decade_ceil(all_xs.map(clean_x).fold(1.0, f64::max)).max(x_lo + 1);
        let limit = chart.limit.as_ref().map(|limit| limit.ms);
        let all_ms: Vec<f64> =
            points.map(|p| p.ms).chain(projections.map(|p| p.1)).chain(limit).map(clean_ms).collect();
        let y_lo = decade_floor(all_ms.iter().copied().fold(f64::INFINITY, f64::min));
        let y_hi = decade_ceil(all_ms.iter().copied().fold(MIN_MS, f64::max)).max(y_lo + 1);
        Some(Axes { x_lo, x_hi, y_lo, y_hi })
    }

    fn x(&self, x: f64) -> f64 {
        let share = (clean_x(x).log10() - f64::from(self.x_lo)) / f64::from(self.x_hi - self.x_lo);
        LEFT + share * (RIGHT - LEFT)
    }

    fn y(&self, ms: f64) -> f64 {
        let share = (clean_ms(ms).log10() - f64::from(self.y_lo)) / f64::from(self.y_hi - self.y_lo);
        BOTTOM - share * (BOTTOM - TOP)
    }
}

/// Row counts or rates below 1 (or not numbers) have no logarithm; they are drawn at 1.
fn clean_x(x: f64) -> f64 {
    if x.is_finite() { x.max(1.0) } else { 1.0 }
}

fn clean_ms(ms: f64) -> f64 {
    if ms.is_finite() { ms.max(MIN_MS) } else { MIN_MS }
}

// The nudge keeps log10(1000) = 2.9999… from putting an exact power of ten a decade off.
fn decade_floor(value: f64) -> i32 {
    (value.log10() + 1e-9).floor() as i32
}

fn decade_ceil(value: f64) -> i32 {
    (value.log10() - 1e-9).ceil() as i32
}

/// HTML-escapes text; an "http" in it (a URL in a query, say) gets its h as a character reference, so that the
/// page keeps its promise of not a single `http` in the file, while it reads the same.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (at, c) in text.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            'h' | 'H' if text[at + 1..].get(..3).is_some_and(|rest| rest.eq_ignore_ascii_case("ttp")) => {
                let _ = write!(out, "&#{};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(ms: [f64; 4], note: &str) -> Vec<ChartPoint> {
        let rows = [1e3, 1e4, 1e5, 1e6];
        rows.into_iter().zip(ms).map(|(x, ms)| ChartPoint { x, ms, note: note.to_string() }).collect()
    }

    fn chart(title: &str) -> Chart {
        let before = Series {
            label: "today".to_string(),
            kind: SeriesKind::Before,
            points: points([0.077, 0.787, 11.24, 78.39], "Seq Scan"),
            projection: Some((1e7, 828.0)),
        };
        let after = Series {
            label: "with the index".to_string(),
            kind: SeriesKind::After,
            points: points([0.016, 0.011, 0.013, 0.012], "Index Scan"),
            projection: Some((1e7, 0.012)),
        };
        Chart {
            title: title.to_string(),
            subtitle: "SELECT * FROM posts WHERE author_id = $1".to_string(),
            series: vec![before, after],
            x_axis: XAxis::Rows,
            marker: Some(Marker { x: 1e7, label: "target".to_string() }),
            limit: Some(Limit { ms: 100.0, label: "budget 100 ms".to_string() }),
        }
    }

    fn page(title: &str, charts: Vec<Chart>) -> Page {
        Page {
            title: title.to_string(),
            intro: vec!["Synthetic data at 1k, 10k, 100k and 1M rows; median of 5 runs.".to_string()],
            table: vec![
                vec!["query".to_string(), "growth".to_string(), "at 10M rows".to_string()],
                vec!["posts by author".to_string(), "linear".to_string(), "828 ms".to_string()],
            ],
            groups: vec![],
            charts,
        }
    }

    #[test]
    fn snapshot_of_a_page_with_one_chart() {
        insta::assert_snapshot!(render(&page("ceiling grow", vec![chart("posts by author")])));
    }

    #[test]
    fn self_contained_one_svg_per_chart_and_deterministic() {
        let empty = Chart { series: vec![], marker: None, limit: None, ..chart("nothing measured") };
        let mut with_url = chart("links");
        with_url.subtitle = "SELECT * FROM links WHERE url LIKE 'https://%' OR url LIKE 'HTTP://%'".to_string();
        let page = page("ceiling grow", vec![chart("posts by author"), empty, with_url]);
        let html = render(&page);
        assert!(!html.to_ascii_lowercase().contains("http"), "{html}");
        assert!(!html.contains("<script"));
        assert_eq!(html.matches("<svg").count(), 3);
        assert_eq!(html.matches("no measurements").count(), 1);
        assert_eq!(html, render(&page));
    }

    #[test]
    fn titles_are_escaped() {
        let html = render(&page("<b>&", vec![chart("<b>&\"'")]));
        assert!(!html.contains("<b>&"), "{html}");
        assert!(html.contains("<title>&lt;b&gt;&amp;</title>"));
        assert!(html.contains("<strong>&lt;b&gt;&amp;&quot;&#39;</strong>"));
    }

    #[test]
    fn zero_and_broken_values_are_clamped_not_panicking() {
        let mut broken = chart("broken");
        broken.series[0].points = points([0.0, -1.0, f64::NAN, f64::INFINITY], "");
        broken.series[1].points.truncate(1);
        let html = render(&page("t", vec![broken]));
        assert!(!html.contains("NaN") && !html.contains("inf"), "{html}");
    }

    #[test]
    fn a_rate_chart_labels_its_axis_and_tooltips_per_second() {
        let rates = [10.0, 100.0, 200.0, 1000.0];
        let curve = |label: &str, kind, ms: [f64; 4]| Series {
            label: label.to_string(),
            kind,
            points: rates.into_iter().zip(ms).map(|(x, ms)| ChartPoint { x, ms, note: label.to_string() }).collect(),
            projection: None,
        };
        let rate = Chart {
            title: "GET /api/posts".to_string(),
            subtitle: "latency against the offered rate".to_string(),
            series: vec![
                curve("p50", SeriesKind::Neutral, [2.0, 2.5, 3.0, 40.0]),
                curve("p99", SeriesKind::Faint, [9.0, 11.0, 30.0, 900.0]),
            ],
            x_axis: XAxis::Rate,
            marker: Some(Marker { x: 500.0, label: "knee".to_string() }),
            limit: Some(Limit { ms: 250.0, label: "p99 <= 250 ms".to_string() }),
        };
        let html = render(&page("ceiling load", vec![rate]));
        let ticks: Vec<&str> = html
            .lines()
            .filter(|line| line.contains(r#"y="276""#))
            .filter_map(|line| line.split('>').nth(1)?.strip_suffix("</text"))
            .collect();
        assert_eq!(ticks, ["10/s", "100/s", "1k/s"]);
        assert!(html.contains(">p99 &lt;= 250 ms</text>"), "{html}");
        assert!(html.contains("<title>200/s: 3 ms (p50)</title>"), "{html}");
        assert!(html.contains("<title>1k/s: 900 ms (p99)</title>"), "{html}");
        assert!(!html.contains(" rows:"), "{html}");
        assert!(html.contains(r#"<g class="neutral">"#) && html.contains(r#"<g class="faint">"#));
        assert!(html.contains(".neutral{stroke:#2e86c1") && html.contains(".faint{stroke:#999"));
        // A page without those kinds carries no rule for them.
        let rows = render(&page("ceiling grow", vec![chart("posts by author")]));
        assert!(!rows.contains(".neutral") && !rows.contains(".faint"));
    }

    fn overview() -> Overview {
        let findings = Page {
            title: "Findings <scan>".to_string(),
            intro: vec!["2 findings.".to_string()],
            groups: vec![
                Group {
                    heading: "Database queries (1)".to_string(),
                    open: true,
                    table: vec![
                        vec!["rule".to_string(), "where".to_string()],
                        vec!["n-plus-one".to_string(), "src/<a>.ts:3".to_string()],
                    ],
                },
                Group { heading: "Auth (0)".to_string(), open: false, table: vec![] },
            ],
            ..Page::default()
        };
        let grow = page("Growth", vec![chart("posts by author")]);
        Overview {
            title: "ceiling report: app".to_string(),
            intro: vec!["From a scan and a grow run.".to_string()],
            headline: "Your first ceiling: GET /api/feed at ~40 req/s; posts.author_id unindexed.".to_string(),
            summary: vec![("First ceiling".to_string(), "GET /api/feed at ~40 req/s & <falling>".to_string())],
            summary_charts: vec![],
            sections: vec![
                Section { id: "scan".to_string(), page: findings },
                Section { id: "grow".to_string(), page: grow },
            ],
        }
    }

    #[test]
    fn snapshot_of_an_overview() {
        insta::assert_snapshot!(render_overview(&overview()));
    }

    #[test]
    fn an_overview_links_its_sections_and_escapes_what_it_shows() {
        let html = render_overview(&overview());
        assert!(html.contains(r##"<a href="#summary">Summary</a> · <a href="#scan">Findings &lt;scan&gt;</a>"##));
        assert!(html.contains(r#"<section id="grow">"#) && html.contains("<h2>Growth</h2>"));
        assert!(html.contains("<dd>GET /api/feed at ~40 req/s &amp; &lt;falling&gt;</dd>"), "{html}");
        assert!(html.contains("<details open>\n<summary>Database queries (1)</summary>"));
        // A group with no rows keeps its heading and draws no empty table.
        assert!(html.contains("<details>\n<summary>Auth (0)</summary>\n</details>"), "{html}");
        assert!(html.contains("<td>src/&lt;a&gt;.ts:3</td>"));
        assert_eq!(html.matches("<svg").count(), 1);
        assert!(!html.contains("<script") && !html.to_ascii_lowercase().contains("http"));
        // A chart of the summary is drawn inside it, with the colours its series need.
        let mut with_chart = overview();
        let mut rate = chart("GET /api/feed");
        rate.series[0].kind = SeriesKind::Neutral;
        with_chart.summary_charts.push(rate);
        let html = render_overview(&with_chart);
        let summary = &html[html.find("<section id=\"summary\"").unwrap()..html.find("<section id=\"scan\"").unwrap()];
        assert!(summary.contains("aria-label=\"GET /api/feed\""), "{summary}");
        assert!(html.contains(".neutral{"));
        // The page of one command is the same as before overviews: no overview styles in it.
        assert!(!render(&page("ceiling grow", vec![])).contains(".summary"));
    }
}
