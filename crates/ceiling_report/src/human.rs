//! rustc/ruff-style diagnostics: the code with the loop and the query marked, the chain between
//! them across files, why it breaks at scale, and the fix.

use std::collections::BTreeMap;
use std::fmt::Write;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use ceiling_rules::{Finding, Severity};

use crate::{SourceLoader, Summary, count};

pub fn render_human(findings: &[Finding], summary: &Summary, sources: SourceLoader<'_>, color: bool) -> String {
    let mut out = render_findings(findings, sources, color);
    out.push_str(&summary_line(findings, summary));
    out
}

/// Every finding as a diagnostic, each followed by a blank line.
pub(crate) fn render_findings(findings: &[Finding], sources: SourceLoader<'_>, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    let mut cache: BTreeMap<String, Option<String>> = BTreeMap::new();
    for finding in findings {
        for link in &finding.chain {
            cache.entry(link.file.clone()).or_insert_with(|| sources(&link.file));
        }
        cache.entry(finding.file.clone()).or_insert_with(|| sources(&finding.file));
    }
    // A secret in the code is masked wherever the file is shown, byte for byte, so spans hold.
    for finding in findings.iter().filter(|finding| !finding.redact.is_empty()) {
        if let Some(Some(source)) = cache.get_mut(&finding.file) {
            for span in &finding.redact {
                mask(source, span.start as usize, span.end as usize);
            }
        }
    }
    // Findings that one index fixes are shown once, with every site: "posts: 3 queries filter by
    // author_id" reads better than three separate findings.
    let mut shown = vec![false; findings.len()];
    for (at, finding) in findings.iter().enumerate() {
        if shown[at] {
            continue;
        }
        let members: Vec<usize> = match &finding.index {
            Some(index) if finding.object.is_none() => (at..findings.len())
                .filter(|&other| findings[other].index.as_ref().is_some_and(|o| o.name == index.name))
                .collect(),
            _ => vec![at],
        };
        for &member in &members {
            shown[member] = true;
        }
        let groups = match members.as_slice() {
            [_] => report(finding, &cache),
            _ => index_report(&members.iter().map(|&member| &findings[member]).collect::<Vec<_>>(), &cache),
        };
        let _ = writeln!(out, "{}\n", renderer.render(&groups));
    }
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
    }
}

fn report<'s>(finding: &'s Finding, sources: &'s BTreeMap<String, Option<String>>) -> Vec<Group<'s>> {
    let mut group = Group::with_title(level(finding.severity).primary_title(finding.message.as_str()).id(finding.rule));
    // A database object stands where code findings show their file.
    if let Some(object) = &finding.object {
        group = group.element(Origin::path(format!("{} {}", object.kind.as_str(), object.name)));
    }
    // The finding's own file first, then each other file of the chain in the order it is reached.
    let mut files: Vec<&str> = vec![finding.file.as_str()];
    for link in &finding.chain {
        if !files.contains(&link.file.as_str()) {
            files.push(&link.file);
        }
    }
    for file in files {
        let Some(Some(source)) = sources.get(file) else { continue };
        let mut snippet = Snippet::source(source.as_str()).path(file).line_start(1);
        let mut primary_done = false;
        if file == finding.file {
            snippet = snippet.annotation(
                AnnotationKind::Primary.span(first_line(source, finding.span.start, finding.span.end)).label(
                    finding
                        .chain
                        .iter()
                        .find(|l| l.span == finding.span && l.file == finding.file)
                        .map_or("here", |l| l.note.as_str()),
                ),
            );
            primary_done = true;
        }
        for link in finding.chain.iter().filter(|l| l.file == file) {
            if primary_done && link.span == finding.span {
                continue;
            }
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(first_line(source, link.span.start, link.span.end))
                    .label(link.note.as_str()),
            );
        }
        group = group.element(snippet);
    }
    let notes = Group::with_title(Level::NOTE.secondary_title(finding.why.as_str()));
    let evidence = finding.evidence.iter().map(|line| Group::with_title(Level::NOTE.secondary_title(line.as_str())));
    let help = Group::with_title(Level::HELP.secondary_title(finding.fix.as_str()));
    [group, notes].into_iter().chain(evidence).chain([help]).collect()
}

/// Several findings fixed by one index: each site marked with its own message, the reason and the
/// fix once.
fn index_report<'s>(members: &[&'s Finding], sources: &'s BTreeMap<String, Option<String>>) -> Vec<Group<'s>> {
    let first = members[0];
    let index = first.index.as_ref().expect("grouped by index");
    let severity = members.iter().map(|finding| finding.severity).max().unwrap_or(first.severity);
    let title = format!(
        "`{}` has no index on {}: {} findings",
        index.table,
        if index.columns.len() == 1 { index.columns[0].clone() } else { format!("({})", index.columns.join(", ")) },
        members.len()
    );
    let mut group = Group::with_title(level(severity).primary_title(title).id(first.rule));
    let mut files: Vec<&str> = Vec::new();
    for finding in members {
        if !files.contains(&finding.file.as_str()) {
            files.push(&finding.file);
        }
    }
    for file in files {
        let Some(Some(source)) = sources.get(file) else { continue };
        let mut snippet = Snippet::source(source.as_str()).path(file).line_start(1);
        for finding in members.iter().filter(|finding| finding.file == file) {
            snippet = snippet.annotation(
                AnnotationKind::Primary
                    .span(first_line(source, finding.span.start, finding.span.end))
                    .label(finding.message.as_str()),
            );
        }
        group = group.element(snippet);
    }
    let notes = Group::with_title(Level::NOTE.secondary_title(first.why.as_str()));
    let evidence = first.evidence.iter().map(|line| Group::with_title(Level::NOTE.secondary_title(line.as_str())));
    let help = Group::with_title(Level::HELP.secondary_title(first.fix.as_str()));
    [group, notes].into_iter().chain(evidence).chain([help]).collect()
}

/// Replaces `start..end` of `source` with `*`, one per byte.
fn mask(source: &mut String, start: usize, end: usize) {
    let (start, end) = (start.min(source.len()), end.min(source.len()));
    if start < end && source.is_char_boundary(start) && source.is_char_boundary(end) {
        source.replace_range(start..end, &"*".repeat(end - start));
    }
}

/// A span cut to its first line: a call spanning twenty lines is marked where it starts. An empty
/// span marks a declaration (a schema field, a migration statement): its line is marked.
fn first_line(source: &str, start: u32, end: u32) -> std::ops::Range<usize> {
    let start = (start as usize).min(source.len());
    let end = if end as usize == start { source.len() } else { (end as usize).clamp(start, source.len()) };
    let line_end = source[start..end].find('\n').map_or(end, |at| start + at);
    start..line_end.max(start + 1).min(source.len().max(start))
}

fn summary_line(findings: &[Finding], summary: &Summary) -> String {
    let mut line = format!("Scanned {} files ({} lines)", summary.files_scanned, summary.lines_scanned);
    if let Some(elapsed) = summary.elapsed {
        let _ = write!(line, " in {:.2}s", elapsed.as_secs_f64());
    }
    if !summary.skipped.is_empty() {
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for skipped in &summary.skipped {
            *reasons.entry(skipped.reason.as_str()).or_default() += 1;
        }
        let reasons: Vec<String> = reasons.iter().map(|(reason, n)| format!("{n} {reason}")).collect();
        let _ = write!(line, "; skipped {} ({})", summary.skipped.len(), reasons.join(", "));
    }
    if summary.suppressed > 0 {
        let _ = write!(line, "; {} suppressed by ceiling-ignore", summary.suppressed);
    }
    if summary.baselined > 0 {
        let _ = write!(line, "; {} known from the baseline", summary.baselined);
    }
    line.push_str(".\n");
    line.push_str(&findings_line(findings));
    line
}

/// `Found 3 findings: 1 error, 2 warnings.`, or `No findings.`
pub(crate) fn findings_line(findings: &[Finding]) -> String {
    let mut line = String::new();
    if findings.is_empty() {
        line.push_str("No findings.\n");
    } else {
        let by_severity: Vec<String> = [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .filter_map(|severity| {
                let n = count(findings, severity);
                (n > 0).then(|| format!("{n} {}{}", severity.as_str(), if n == 1 { "" } else { "s" }))
            })
            .collect();
        let _ = writeln!(
            line,
            "Found {} finding{}: {}.",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            by_severity.join(", ")
        );
    }
    line
}
