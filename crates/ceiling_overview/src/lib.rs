//! `ceiling report`: what every command found, on one self-contained page (`ceiling_page`'s overview).
//!
//! At the top, a summary computed from the results: the first ceiling (the endpoint with the lowest
//! capacity under load, else the query that grows worst), the top database issue, the findings by family.
//! Then a section per source: the scan's findings grouped by family, the route table, and where given the
//! results of `ceiling db`, `ceiling grow` and `ceiling load`, the last two drawn by the same code as their
//! own `--html` pages.

use std::cmp::Reverse;

use ceiling_facts::RouteRow;
use ceiling_grow::fit::Growth;
use ceiling_grow::run::{Measured, Report as GrowReport};
use ceiling_load::LoadReport;
use ceiling_load::search::{EndpointReport, format_rate};
use ceiling_page::html::{Group, Overview, Page, Section};
use ceiling_page::units::{format_ms, format_rows};
use ceiling_report::{DbFinding, DbRead, route_path};
use ceiling_rules::{Finding, Severity};

/// What the page is made of: the scan always, the others when the user ran them.
pub struct Inputs<'a> {
    /// The app's name, for the title (its directory's name).
    pub app: String,
    pub scan: ScanInput<'a>,
    pub db: Option<&'a DbRead>,
    pub grow: Option<&'a GrowReport>,
    pub load: Option<&'a LoadReport>,
}

pub struct ScanInput<'a> {
    pub findings: &'a [Finding],
    pub files_scanned: usize,
    pub lines_scanned: u64,
    pub routes: &'a [RouteRow],
}

/// The families of findings, in the order the page shows them, with the names people know them by.
const FAMILIES: [(&str, &str); 5] = [
    ("db", "Database queries"),
    ("abuse", "Rate limiting & abuse"),
    ("jobs", "Background work"),
    ("auth", "Auth"),
    ("http", "Outbound calls"),
];

/// Families that are not failure modes, shown only when they have findings.
const OTHER_FAMILIES: [(&str, &str); 1] = [("meta", "Suppression comments")];

/// The name a family is shown under; a family these lists do not know yet is shown by its id.
pub fn family_name(family: &str) -> &str {
    FAMILIES.iter().chain(&OTHER_FAMILIES).find(|(id, _)| *id == family).map_or(family, |(_, name)| name)
}

/// The page's content: the summary, then one section per source.
pub fn overview(inputs: &Inputs<'_>) -> Overview {
    let code: Vec<Item> = inputs.scan.findings.iter().map(Item::of_code).collect();
    let live: Vec<Item> = inputs
        .db
        .map(|db| db.findings.iter().filter(|f| f.object.is_some()).map(Item::of_db).collect())
        .unwrap_or_default();
    let summary = Summary::new(inputs, &code, &live);
    let mut sections = vec![
        Section { id: "scan".to_owned(), page: scan_section(&inputs.scan, &code) },
        Section { id: "routes".to_owned(), page: routes_section(inputs.scan.routes, inputs.load) },
    ];
    if let Some(db) = inputs.db {
        sections.push(Section { id: "db".to_owned(), page: db_section(db, &live) });
    }
    if let Some(grow) = inputs.grow {
        let page = ceiling_grow::chart::section(grow);
        sections.push(Section {
            id: "grow".to_owned(),
            page: Page { title: "Growth with the data (ceiling grow)".to_owned(), ..page },
        });
    }
    if let Some(load) = inputs.load {
        let page = ceiling_load::report::section(load);
        sections.push(Section {
            id: "load".to_owned(),
            page: Page { title: "Capacity under load (ceiling load)".to_owned(), ..page },
        });
    }
    let mut sources =
        vec![format!("a scan of {} files ({} lines)", inputs.scan.files_scanned, inputs.scan.lines_scanned)];
    if let Some(db) = inputs.db {
        sources.push(format!("ceiling db of {}", db.database.target));
    }
    if let Some(grow) = inputs.grow {
        let largest = grow.steps.iter().map(|step| step.largest).max().unwrap_or(0);
        sources.push(format!("ceiling grow up to {} rows", format_rows(largest as f64)));
    }
    if let Some(load) = inputs.load {
        sources.push(format!("ceiling load against {}", load.origin));
    }
    // The charts of the first ceiling and of the worst growth, drawn again in the summary.
    let chart_of = |id: &str, title: &str, subtitle_start: &str| {
        let section = sections.iter().find(|section| section.id == id)?;
        let chart = section.page.charts.iter().find(|c| c.title == title && c.subtitle.starts_with(subtitle_start))?;
        Some(chart.clone())
    };
    let summary_charts = [
        summary.load_chart.as_ref().and_then(|endpoint| chart_of("load", endpoint, "")),
        summary.grow_chart.as_ref().and_then(|(label, location)| chart_of("grow", label, location)),
    ];
    Overview {
        title: format!("ceiling report: {}", inputs.app),
        intro: vec![format!("From {}.", join_and(&sources))],
        headline: summary.headline(),
        summary: summary.lines(),
        summary_charts: summary_charts.into_iter().flatten().collect(),
        sections,
    }
}

/// A finding of the code or of the live database, as the page shows it.
struct Item {
    family: String,
    severity: Severity,
    rule: String,
    /// `src/app/page.tsx:16`, or the database object: `table public.Notification`.
    place: String,
    message: String,
    fix: String,
    /// `(table, columns)` of the index that fixes it.
    index: Option<(String, Vec<String>)>,
    live: bool,
}

impl Item {
    fn of_code(finding: &Finding) -> Item {
        let place = match &finding.object {
            Some(object) => format!("{} {}", object.kind.as_str(), object.name),
            None => format!("{}:{}", finding.file, finding.span.line),
        };
        Item {
            family: finding.family.as_str().to_owned(),
            severity: finding.severity,
            rule: finding.rule.to_owned(),
            place,
            message: finding.message.clone(),
            fix: finding.fix.clone(),
            index: finding.index.as_ref().map(|index| (index.table.clone(), index.columns.clone())),
            live: finding.object.is_some(),
        }
    }

    fn of_db(finding: &DbFinding) -> Item {
        let place = match (&finding.object, &finding.file) {
            (Some(object), _) => format!("{} {}", object.kind, object.name),
            (None, Some(file)) => format!("{file}:{}", finding.line.unwrap_or(0)),
            (None, None) => String::new(),
        };
        Item {
            family: finding.family.clone(),
            severity: finding.severity,
            rule: finding.rule.clone(),
            place,
            message: finding.message.clone(),
            fix: finding.fix.clone(),
            index: finding.index.as_ref().map(|index| (index.table.clone(), index.columns.clone())),
            live: finding.object.is_some(),
        }
    }

    fn row(&self) -> Vec<String> {
        vec![
            self.severity.as_str().to_owned(),
            self.rule.clone(),
            self.place.clone(),
            self.message.clone(),
            self.fix.clone(),
        ]
    }

    /// `Notification.userId unindexed`, or `n-plus-one at src/app/page.tsx:16`.
    fn phrase(&self) -> String {
        match &self.index {
            Some((table, columns)) => format!("{table}.{} unindexed", columns.join(", ")),
            None => format!("{} at {}", self.rule, self.place),
        }
    }
}

fn finding_header(place: &str) -> Vec<String> {
    ["severity", "rule", place, "finding", "fix"].map(str::to_owned).to_vec()
}

/// Most severe first; within a severity, in the order given (the scan's: by file and line).
fn by_severity(items: &[Item]) -> Vec<&Item> {
    let mut order: Vec<&Item> = items.iter().collect();
    order.sort_by_key(|item| Reverse(item.severity));
    order
}

/// What the summary says, each part computed from the results.
struct Summary {
    /// `GET /api/posts at ~48 req/s`, and the line that explains it.
    load: Option<(Option<String>, String)>,
    /// The query that grows worst: a headline phrase when it spends its budget, and its line.
    grow: Option<(Option<String>, String)>,
    /// The top database issue: its phrase and its line.
    db: Option<(String, String)>,
    /// The most severe finding of any family, for a headline without a database issue.
    top: Option<String>,
    /// The counts by family.
    counts: String,
    live_counts: Option<String>,
    /// The endpoint of the first ceiling, whose chart the summary shows.
    load_chart: Option<String>,
    /// The worst growing query's label and location, whose chart the summary shows.
    grow_chart: Option<(String, String)>,
}

impl Summary {
    fn new(inputs: &Inputs<'_>, code: &[Item], live: &[Item]) -> Summary {
        let db_items: Vec<&Item> = code.iter().chain(live).filter(|item| item.family == "db").collect();
        // An unindexed foreign key first, then other findings an index fixes; the live database's word first.
        let rank = |item: &Item| {
            let kind = if item.rule == "unindexed-foreign-key" {
                0
            } else if item.index.is_some() {
                1
            } else {
                2
            };
            (Reverse(item.severity), kind, !item.live)
        };
        let db = db_items.iter().copied().min_by_key(|item| rank(item)).map(|item| {
            let source = if item.live { "the live database".to_owned() } else { item.place.clone() };
            (item.phrase(), format!("{}: {} ({source}).", item.phrase(), item.message))
        });
        // A ceiling is a failure mode; a malformed suppression comment is not one.
        let top = by_severity(code).into_iter().find(|item| item.family != "meta").map(|item| item.phrase());
        let mut counts: Vec<String> = FAMILIES
            .iter()
            .map(|(id, name)| format!("{name} {}", code.iter().filter(|item| item.family == *id).count()))
            .collect();
        for family in families_beyond_the_list(code) {
            counts.push(format!(
                "{} {}",
                family_name(family),
                code.iter().filter(|item| item.family == family).count()
            ));
        }
        let counts = format!("{} ({}): {}", code.len(), severities(code), counts.join(" · "));
        let live_counts = inputs.db.map(|_| format!("{} ({})", live.len(), severities(live)));
        let load_chart = inputs.load.and_then(lowest_capacity).map(|endpoint| endpoint.endpoint.clone());
        let grow_chart = inputs.grow.and_then(worst_growing).map(|m| (m.query.label.clone(), m.query.location.clone()));
        Summary {
            load: inputs.load.and_then(first_ceiling),
            grow: inputs.grow.map(worst_growth),
            db,
            top,
            counts,
            live_counts,
            load_chart,
            grow_chart,
        }
    }

    /// `Your first ceiling: GET /api/posts at ~48 req/s; Notification.userId unindexed.`
    fn headline(&self) -> String {
        let mut parts = Vec::new();
        let measured = self.load.as_ref().and_then(|(phrase, _)| phrase.clone());
        if let Some(phrase) = measured.or_else(|| self.grow.as_ref().and_then(|(phrase, _)| phrase.clone())) {
            parts.push(phrase);
        }
        if let Some(phrase) = self.db.as_ref().map(|(phrase, _)| phrase.clone()).or_else(|| self.top.clone()) {
            parts.push(phrase);
        }
        if parts.is_empty() {
            return "No ceiling found: no finding in the code and no measurement past its limit.".to_owned();
        }
        format!("Your first ceiling: {}.", parts.join("; "))
    }

    fn lines(&self) -> Vec<(String, String)> {
        let mut lines = Vec::new();
        if let Some((_, line)) = &self.load {
            lines.push(("First ceiling under load".to_owned(), line.clone()));
        }
        if let Some((_, line)) = &self.grow {
            lines.push(("Worst growth".to_owned(), line.clone()));
        }
        if let Some((_, line)) = &self.db {
            lines.push(("Top database issue".to_owned(), line.clone()));
        }
        lines.push(("Findings in the code".to_owned(), self.counts.clone()));
        if let Some(live) = &self.live_counts {
            lines.push(("Findings in the live database".to_owned(), live.clone()));
        }
        lines
    }
}

/// Families found in the code that [`FAMILIES`] does not list, in the order found.
fn families_beyond_the_list(items: &[Item]) -> Vec<&str> {
    let mut found: Vec<&str> = Vec::new();
    for item in items {
        let family = item.family.as_str();
        if !FAMILIES.iter().any(|(id, _)| *id == family) && !found.contains(&family) {
            found.push(family);
        }
    }
    found
}

/// `11 warnings, 3 infos`, or `none`.
fn severities(items: &[Item]) -> String {
    let parts: Vec<String> = [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Info, "info")]
        .into_iter()
        .filter_map(|(severity, name)| {
            let count = items.iter().filter(|item| item.severity == severity).count();
            (count > 0).then(|| format!("{count} {name}{}", if count == 1 { "" } else { "s" }))
        })
        .collect();
    if parts.is_empty() { "none".to_owned() } else { parts.join(", ") }
}

/// The endpoint with the lowest capacity: `GET /api/posts at ~48 req/s` for the headline (none when every
/// endpoint held up to the highest rate offered), and the line that says it.
fn first_ceiling(load: &LoadReport) -> Option<(Option<String>, String)> {
    let lowest = lowest_capacity(load)?;
    let unit = if load.model == "closed" { "req/s (closed model)" } else { "req/s" };
    let slo = load.slo.describe();
    let Some(rps) = lowest.capacity_rps else {
        let phrase = format!("{} fails the SLO at every rate tried", lowest.endpoint);
        return Some((Some(phrase.clone()), format!("{phrase} ({slo}).")));
    };
    if load.bounds.max_rate.is_some_and(|max| rps >= max) {
        let line = format!(
            "none: every endpoint met the SLO ({slo}) up to the highest rate offered, {} {unit}.",
            format_rate(rps)
        );
        return Some((None, line));
    }
    let phrase = format!("{} at ~{} {unit}", lowest.endpoint, format_rate(rps));
    let mut line =
        format!("{}: ~{} {unit} is the highest rate that met the SLO ({slo})", lowest.endpoint, format_rate(rps));
    if let Some(knee) = lowest.knee_rps {
        line.push_str(&format!("; p95 starts to climb at {}/s", format_rate(knee)));
    }
    if let Some(error) = &lowest.first_error {
        line.push_str(&format!("; first error ({}) at {}/s", error.kind.replace('_', " "), format_rate(error.at_rps)));
    }
    let others = load.endpoints.len() - 1;
    if others > 0 {
        line.push_str(&format!("; {others} other endpoint{} held more", if others == 1 { "" } else { "s" }));
    }
    Some((Some(phrase), format!("{line}.")))
}

/// The endpoint with the lowest capacity; one that met the SLO at no rate has the lowest of all.
fn lowest_capacity(load: &LoadReport) -> Option<&EndpointReport> {
    let capacity = |endpoint: &EndpointReport| endpoint.capacity_rps.unwrap_or(-1.0);
    load.endpoints.iter().min_by(|a, b| capacity(a).total_cmp(&capacity(b)))
}

/// The query whose projected time is the largest among those that grow.
fn worst_growing(grow: &GrowReport) -> Option<&Measured> {
    let growing = grow.queries.iter().filter(|m| m.fit.is_some_and(|fit| fit.growth != Growth::Constant));
    growing.max_by(|a, b| a.projected_ms.unwrap_or(0.0).total_cmp(&b.projected_ms.unwrap_or(0.0)))
}

/// The line of the worst growing query, with a headline phrase when it spends its budget.
fn worst_growth(grow: &GrowReport) -> (Option<String>, String) {
    let Some(worst) = worst_growing(grow) else {
        let line =
            format!("no query's time grows with its table in the sizes measured ({} timed).", grow.queries.len());
        return (None, line);
    };
    let budget = format_ms(grow.budget_ms);
    let phrase = worst
        .budget_rows
        .map(|rows| format!("{} spends its {budget} at {} rows", worst.query.label, format_rows(rows as f64)));
    (phrase, growth_line(worst, grow))
}

/// `post.count where status (src/app/api/stats/route.ts:9): n log n, 850 ms at 1M rows; ...`
fn growth_line(measured: &Measured, grow: &GrowReport) -> String {
    let growth = measured.fit.map_or("-", |fit| fit.growth.label());
    let mut line = format!("{} ({}): {growth}", measured.query.label, measured.query.location);
    if let Some(ms) = measured.projected_ms {
        line.push_str(&format!(", {} at {} rows", format_ms(ms), format_rows(grow.target_rows as f64)));
    }
    if let Some(rows) = measured.budget_rows {
        line.push_str(&format!(
            "; spends the {} budget at {} rows",
            format_ms(grow.budget_ms),
            format_rows(rows as f64)
        ));
    }
    if let Some(with) = &measured.with_index
        && let Some(ms) = with.projected_ms
    {
        line.push_str(&format!("; {} with {}", format_ms(ms), with.index));
    }
    line.push('.');
    line
}

fn scan_section(scan: &ScanInput<'_>, code: &[Item]) -> Page {
    let mut families: Vec<(&str, &str)> = FAMILIES.to_vec();
    families.extend(families_beyond_the_list(code).into_iter().map(|family| (family, family_name(family))));
    let groups = families
        .into_iter()
        .map(|(id, name)| {
            let found: Vec<&Item> = by_severity(code).into_iter().filter(|item| item.family == id).collect();
            let mut table = Vec::new();
            if !found.is_empty() {
                table.push(finding_header("where"));
                table.extend(found.iter().map(|item| item.row()));
            }
            Group { heading: format!("{name} ({})", found.len()), open: !found.is_empty(), table }
        })
        .collect();
    Page {
        title: "Findings in the code (ceiling scan)".to_owned(),
        intro: vec![
            format!(
                "{} findings in {} files ({} lines): {}.",
                code.len(),
                scan.files_scanned,
                scan.lines_scanned,
                severities(code)
            ),
            "`ceiling explain <rule>` prints each rule's documentation: why it breaks at scale and how to fix it."
                .to_owned(),
        ],
        groups,
        ..Page::default()
    }
}

/// The route table, with each route's capacity where `ceiling load` measured it.
fn routes_section(routes: &[RouteRow], load: Option<&LoadReport>) -> Page {
    let limited = routes.iter().filter(|row| row.limiter.is_some()).count();
    let intro = if routes.is_empty() {
        vec!["No routes found.".to_owned()]
    } else {
        vec![format!("{} routes, {limited} behind a rate limiter.", routes.len())]
    };
    let mut header = ["method", "path", "handler", "rate limit"].map(str::to_owned).to_vec();
    if load.is_some() {
        header.push("capacity (load)".to_owned());
    }
    let mut table = vec![header];
    for row in routes {
        let path = route_path(row);
        let mut cells = vec![
            row.method.clone(),
            path.clone(),
            format!("{}:{}", row.file, row.line),
            row.limiter.clone().unwrap_or_else(|| "-".to_owned()),
        ];
        if let Some(load) = load {
            let label = format!("{} {path}", row.method);
            let capacity = load.endpoints.iter().find(|endpoint| endpoint.endpoint == label).map(|endpoint| {
                endpoint.capacity_rps.map_or("no step met the SLO".to_owned(), |rps| format!("{}/s", format_rate(rps)))
            });
            cells.push(capacity.unwrap_or_default());
        }
        table.push(cells);
    }
    if routes.is_empty() {
        table.clear();
    }
    Page { title: "Routes (ceiling routes)".to_owned(), intro, table, ..Page::default() }
}

fn db_section(db: &DbRead, live: &[Item]) -> Page {
    let summary = &db.database;
    let mut intro = vec![format!(
        "Read {} (PostgreSQL {}): {} tables, {} indexes, {} foreign keys; {}.",
        summary.target,
        summary.server_version,
        summary.tables,
        summary.indexes,
        summary.foreign_keys,
        match live.len() {
            0 => "no findings".to_owned(),
            1 => "1 finding".to_owned(),
            count => format!("{count} findings"),
        }
    )];
    intro.extend(summary.notes.iter().map(|note| format!("Note: {note}")));
    let code: Vec<&DbFinding> = db.findings.iter().filter(|f| f.object.is_none()).collect();
    let mut groups = Vec::new();
    if !code.is_empty() {
        intro.push(format!(
            "It also checked {} findings of the code (`ceiling db --code`), which are listed with the scan's above.",
            code.len()
        ));
        let mut table = vec![["rule", "where", "what the live database says"].map(str::to_owned).to_vec()];
        for finding in code.iter().filter(|f| !f.evidence.is_empty()) {
            let item = Item::of_db(finding);
            table.push(vec![item.rule, item.place, finding.evidence.join(" · ")]);
        }
        if table.len() > 1 {
            let heading = format!("The live database on the code's findings ({})", table.len() - 1);
            groups.push(Group { heading, open: true, table });
        }
    }
    let mut table = Vec::new();
    if !live.is_empty() {
        table.push(finding_header("object"));
        table.extend(by_severity(live).into_iter().map(Item::row));
    }
    Page { title: "The live database (ceiling db)".to_owned(), intro, table, groups, charts: Vec::new() }
}

/// `a, b and c`.
fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests;
