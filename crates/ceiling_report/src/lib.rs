//! Renders findings for people (rustc-style diagnostics), for programs (versioned JSON) and for CI (GitHub
//! workflow commands, SARIF for code scanning, a Markdown pull-request comment, JUnit XML).
//!
//! Every ceiling command reports [`Finding`]s and a [`Summary`]; this crate knows nothing of
//! how they were found.

mod baseline;
mod db;
mod fingerprint;
mod github;
mod human;
mod json;
mod junit;
mod markdown;
mod routes;
mod sarif;
mod schema;

use ceiling_rules::{Finding, Severity};

pub use baseline::{Baseline, write_baseline};
pub use db::{DbFinding, DbObjectRead, DbRead, DbSummary, IndexRead, parse_db_json, render_db_human, render_db_json};
pub use fingerprint::fingerprints;
pub use github::render_github;
pub use human::render_human;
pub use json::{JSON_SCHEMA_VERSION, render_json};
pub use junit::render_junit;
pub use markdown::render_markdown;
pub use routes::{render_routes_human, render_routes_json, route_path};
pub use sarif::render_sarif;
pub use schema::{render_schema_human, render_schema_json};

/// Where each rule's page lives (`{RULE_DOCS}/n-plus-one.md`), for the links in SARIF and Markdown.
const RULE_DOCS: &str = "https://github.com/ceiling-dev/ceiling/blob/main/docs/rules";

/// What was looked at, for the closing summary.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub files_scanned: usize,
    pub lines_scanned: u64,
    /// `(path, reason label, detail)` of every file not analysed.
    pub skipped: Vec<SkippedFile>,
    /// Findings silenced by `ceiling-ignore` comments.
    pub suppressed: usize,
    /// Findings left out because the `--baseline` file holds them.
    pub baselined: usize,
    /// Wall time, shown to people only: it differs from run to run.
    pub elapsed: Option<std::time::Duration>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Reads the source of a file named by a finding, for the code excerpts.
pub type SourceLoader<'a> = &'a dyn Fn(&str) -> Option<String>;

fn count(findings: &[Finding], severity: Severity) -> usize {
    findings.iter().filter(|finding| finding.severity == severity).count()
}
