//! The report of `ceiling db`: the same diagnostics and JSON findings as `scan`, about database
//! objects instead of code, under a header that says which database was read.

use std::fmt::Write;

use ceiling_page::output::{deserialize_output, read_output};
use ceiling_rules::{Finding, Severity};
use serde::{Deserialize, Serialize};

use crate::human::{findings_line, render_findings};
use crate::json::{JsonFinding, json_finding};
use crate::{JSON_SCHEMA_VERSION, SourceLoader, count};

/// What was read, for the header and the closing line.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

/// `ceiling db --format json` read back (`ceiling report --db`): the database's summary and its findings.
#[derive(Debug, Clone, Deserialize)]
pub struct DbRead {
    pub database: DbSummary,
    pub findings: Vec<DbFinding>,
}

/// One finding of the JSON, as written: a database object's, or (with `--code`) one of the code's with what the
/// database says about it.
#[derive(Debug, Clone, Deserialize)]
pub struct DbFinding {
    pub rule: String,
    /// `db`, `abuse`...: kept as written, so that a family this build does not know still reads.
    pub family: String,
    #[serde(deserialize_with = "severity")]
    pub severity: Severity,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub object: Option<DbObjectRead>,
    pub message: String,
    pub fix: String,
    pub index: Option<IndexRead>,
    #[serde(default)]
    pub evidence: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DbObjectRead {
    /// `table`, `index`, `constraint`...
    pub kind: String,
    pub name: String,
}

/// The index that fixes a finding.
#[derive(Debug, Clone, Deserialize)]
pub struct IndexRead {
    pub table: String,
    pub columns: Vec<String>,
    pub name: String,
}

fn severity<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Severity, D::Error> {
    let text = String::deserialize(deserializer)?;
    [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .find(|severity| severity.as_str() == text)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown severity `{text}`")))
}

/// Reads back what [`render_db_json`] wrote; the error says what the text is not.
pub fn parse_db_json(text: &str) -> Result<DbRead, String> {
    let value = read_output(text, "db", "database", JSON_SCHEMA_VERSION)?;
    deserialize_output(&value, "db")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real run's JSON: `ceiling db --code examples/next-prisma-app --format json` on that app's schema with
    /// some rows and a workload.
    const FIXTURE: &str = include_str!("../../ceiling/tests/fixtures/report/db.json");

    #[test]
    fn reads_the_database_and_its_findings() {
        let read = parse_db_json(FIXTURE).expect("the fixture reads");
        assert_eq!(read.database.tables, 8);
        assert_eq!(read.database.code_files, Some(22));
        let fk = read.findings.iter().find(|f| f.rule == "unindexed-foreign-key" && f.object.is_some()).unwrap();
        assert_eq!(fk.severity, Severity::Warning);
        assert_eq!(fk.object.as_ref().unwrap().kind, "constraint");
        assert_eq!(fk.index.as_ref().unwrap().columns, ["userId"]);
        let code = read.findings.iter().find(|f| f.file.is_some() && !f.evidence.is_empty()).unwrap();
        assert!(code.evidence[0].starts_with("live database:"), "{:?}", code.evidence);
    }

    #[test]
    fn other_json_is_refused_with_the_reason() {
        let scan = r#"{"version": 1, "summary": {}, "findings": []}"#;
        assert!(parse_db_json(scan).unwrap_err().contains("no \"database\" object"));
        assert!(parse_db_json(r#"{"version": 9, "database": {}}"#).unwrap_err().contains("version 9"));
        let bad = FIXTURE.replacen("\"severity\": \"warning\"", "\"severity\": \"fatal\"", 1);
        assert!(parse_db_json(&bad).unwrap_err().contains("unknown severity `fatal`"));
        assert!(parse_db_json("").unwrap_err().starts_with("not JSON"));
    }
}
