//! The report of `ceiling db`: the same diagnostics and JSON findings as `scan`, about database
//! objects instead of code, under a header that says which database was read.

use std::fmt::Write;

use ceiling_rules::{Finding, Severity};
use serde::Serialize;

use crate::human::{findings_line, render_findings};
use crate::json::{JsonFinding, json_finding};
use crate::{JSON_SCHEMA_VERSION, SourceLoader, count};

/// What was read, for the header and the closing line.
#[derive(Debug, Clone, Serialize)]
pub struct DbSummary {
    /// `db.example.com:5432/app`: never the URL, which may hold a password.
    pub target: String,
    pub server_version: String,
    pub tables: usize,
    pub indexes: usize,
    pub foreign_keys: usize,
    /// Things to know that are not findings (ignored URL keys, missing extensions).
    pub notes: Vec<String>,
    /// With `--code`: the files of the app that were scanned and checked against the database.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_files: Option<usize>,
    #[serde(skip)]
    pub elapsed: Option<std::time::Duration>,
}

/// `sources` reads the files of code findings (`ceiling db --code`); database findings have none.
pub fn render_db_human(findings: &[Finding], summary: &DbSummary, sources: SourceLoader<'_>, color: bool) -> String {
    let mut out = render_findings(findings, sources, color);
    for note in &summary.notes {
        let _ = writeln!(out, "note: {note}");
    }
    let _ = write!(
        out,
        "Read {} (PostgreSQL {}): {} tables, {} indexes, {} foreign keys",
        summary.target, summary.server_version, summary.tables, summary.indexes, summary.foreign_keys
    );
    if let Some(files) = summary.code_files {
        let _ = write!(out, ", and {files} files of the app's code");
    }
    if let Some(elapsed) = summary.elapsed {
        let _ = write!(out, " in {:.2}s", elapsed.as_secs_f64());
    }
    out.push_str(".\n");
    out.push_str(&findings_line(findings));
    out
}

#[derive(Serialize)]
struct DbReport<'a> {
    version: u32,
    tool: crate::json::Tool,
    database: &'a DbSummary,
    summary: Counts,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Serialize)]
struct Counts {
    findings: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

pub fn render_db_json(findings: &[Finding], summary: &DbSummary) -> String {
    let report = DbReport {
        version: JSON_SCHEMA_VERSION,
        tool: crate::json::Tool::CEILING,
        database: summary,
        summary: Counts {
            findings: findings.len(),
            errors: count(findings, Severity::Error),
            warnings: count(findings, Severity::Warning),
            infos: count(findings, Severity::Info),
        },
        findings: findings.iter().map(json_finding).collect(),
    };
    let mut text = serde_json::to_string_pretty(&report).expect("the report serialises");
    text.push('\n');
    text
}
