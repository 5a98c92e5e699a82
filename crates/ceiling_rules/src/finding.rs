//! Findings: what every ceiling command reports, whatever found it.

use ceiling_facts::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Family {
    Db,
    Abuse,
    Jobs,
    Auth,
    Http,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Db => "db",
            Family::Abuse => "abuse",
            Family::Jobs => "jobs",
            Family::Auth => "auth",
            Family::Http => "http",
        }
    }
}

/// One step of the path from the loop to the query: the loop, each call, the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainLink {
    pub file: String,
    pub span: Span,
    /// What happens here: "loops over each element", "calls getAuthor()", "queries user.findUnique".
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub family: Family,
    pub severity: Severity,
    /// Path relative to the scan root, `/`-separated.
    pub file: String,
    pub span: Span,
    pub message: String,
    /// Loop, calls and query, in the order they run.
    pub chain: Vec<ChainLink>,
    /// Why this breaks at scale, in one or two sentences.
    pub why: String,
    /// How to fix it, for the ORM in use.
    pub fix: String,
}
