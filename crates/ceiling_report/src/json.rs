//! The JSON report. Its shape is documented in `docs/json-output.md`; any change to it that is not
//! a new optional field bumps [`JSON_SCHEMA_VERSION`].

use ceiling_rules::{Finding, Severity};
use serde::Serialize;

use crate::{SkippedFile, Summary, count};

pub const JSON_SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    summary: JsonSummary,
    findings: Vec<JsonFinding<'a>>,
    skipped: &'a [SkippedFile],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonSummary {
    files_scanned: usize,
    lines_scanned: u64,
    files_skipped: usize,
    suppressed: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    family: ceiling_rules::Family,
    severity: Severity,
    file: &'a str,
    line: u32,
    column: u32,
    message: &'a str,
    chain: Vec<JsonLink<'a>>,
    why: &'a str,
    fix: &'a str,
    /// For index findings: the index that fixes them.
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<&'a ceiling_rules::SuggestedIndex>,
}

#[derive(Serialize)]
struct JsonLink<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    note: &'a str,
}

pub fn render_json(findings: &[Finding], summary: &Summary) -> String {
    let report = Report {
        version: JSON_SCHEMA_VERSION,
        tool: Tool { name: "ceiling", version: env!("CARGO_PKG_VERSION") },
        summary: JsonSummary {
            files_scanned: summary.files_scanned,
            lines_scanned: summary.lines_scanned,
            files_skipped: summary.skipped.len(),
            suppressed: summary.suppressed,
            findings: findings.len(),
            errors: count(findings, Severity::Error),
            warnings: count(findings, Severity::Warning),
            infos: count(findings, Severity::Info),
        },
        findings: findings
            .iter()
            .map(|finding| JsonFinding {
                rule: finding.rule,
                family: finding.family,
                severity: finding.severity,
                file: &finding.file,
                line: finding.span.line,
                column: finding.span.col,
                message: &finding.message,
                chain: finding
                    .chain
                    .iter()
                    .map(|link| JsonLink {
                        file: &link.file,
                        line: link.span.line,
                        column: link.span.col,
                        note: &link.note,
                    })
                    .collect(),
                why: &finding.why,
                fix: &finding.fix,
                index: finding.index.as_ref(),
            })
            .collect(),
        skipped: &summary.skipped,
    };
    let mut text = serde_json::to_string_pretty(&report).expect("the report serialises");
    text.push('\n');
    text
}
