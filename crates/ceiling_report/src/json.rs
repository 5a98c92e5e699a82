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
pub(crate) struct Tool {
    name: &'static str,
    version: &'static str,
}

impl Tool {
    pub(crate) const CEILING: Tool = Tool { name: "ceiling", version: env!("CARGO_PKG_VERSION") };
}

#[derive(Serialize)]
struct JsonSummary {
    files_scanned: usize,
    lines_scanned: u64,
    files_skipped: usize,
    suppressed: usize,
    /// Left out by `--baseline`; absent when no baseline was given or it held none of them.
    #[serde(skip_serializing_if = "is_zero")]
    baselined: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

#[derive(Serialize)]
pub(crate) struct JsonFinding<'a> {
    rule: &'a str,
    family: ceiling_rules::Family,
    severity: Severity,
    /// Code findings: where. Database findings have `object` instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a ceiling_rules::DbObject>,
    message: &'a str,
    chain: Vec<JsonLink<'a>>,
    why: &'a str,
    fix: &'a str,
    /// For index findings: the index that fixes them.
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<&'a ceiling_rules::SuggestedIndex>,
    /// What a live database says about a finding of the code (`ceiling db --code`).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    evidence: &'a [String],
}

#[derive(Serialize)]
struct JsonLink<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    note: &'a str,
}

pub(crate) fn json_finding(finding: &Finding) -> JsonFinding<'_> {
    let code = finding.object.is_none();
    JsonFinding {
        rule: finding.rule,
        family: finding.family,
        severity: finding.severity,
        file: code.then_some(finding.file.as_str()),
        line: code.then_some(finding.span.line),
        column: code.then_some(finding.span.col),
        object: finding.object.as_ref(),
        message: &finding.message,
        chain: finding
            .chain
            .iter()
            .map(|link| JsonLink { file: &link.file, line: link.span.line, column: link.span.col, note: &link.note })
            .collect(),
        why: &finding.why,
        fix: &finding.fix,
        index: finding.index.as_ref(),
        evidence: &finding.evidence,
    }
}

pub fn render_json(findings: &[Finding], summary: &Summary) -> String {
    let report = Report {
        version: JSON_SCHEMA_VERSION,
        tool: Tool::CEILING,
        summary: JsonSummary {
            files_scanned: summary.files_scanned,
            lines_scanned: summary.lines_scanned,
            files_skipped: summary.skipped.len(),
            suppressed: summary.suppressed,
            baselined: summary.baselined,
            findings: findings.len(),
            errors: count(findings, Severity::Error),
            warnings: count(findings, Severity::Warning),
            infos: count(findings, Severity::Info),
        },
        findings: findings.iter().map(json_finding).collect(),
        skipped: &summary.skipped,
    };
    let mut text = serde_json::to_string_pretty(&report).expect("the report serialises");
    text.push('\n');
    text
}

fn is_zero(count: &usize) -> bool {
    *count == 0
}
