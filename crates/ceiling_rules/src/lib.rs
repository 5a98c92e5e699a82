//! ceiling's rules: each reads the project model and reports findings.
//!
//! One rule, one file, under `src/rules/<family>/<rule_id>.rs`, holding a `pub static RULE: Rule`
//! with its metadata, its documentation and its check. The registry is generated from those files
//! by `build.rs`; `docs/rules/` is generated from the documentation (`cargo xtask docs`).
//! Multi-file fixtures live in `fixtures/<rule-id>/{fire,pass}/<case>/` and are run by
//! `tests/fixtures.rs`.

pub mod docs;
mod finding;
mod loops;
mod outbound;
mod serializers;
mod tables;
mod webhooks;

pub use finding::{ChainLink, Declaration, Family, Finding, Severity, SuggestedIndex};

use ceiling_facts::Project;

/// A rule: what it is, what it says to users, and its check.
pub struct Rule {
    /// Kebab-case id, as users write it in config and suppressions: `n-plus-one`.
    pub id: &'static str,
    pub family: Family,
    pub severity: Severity,
    /// `preview` until judged on real repositories, then `stable`.
    pub status: Status,
    /// One line: what the rule finds.
    pub summary: &'static str,
    pub docs: Docs,
    pub check: fn(&Project, &mut Vec<Finding>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Preview,
    Stable,
}

/// The sections of a rule's page in `docs/rules/`.
pub struct Docs {
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    pub fires: &'static str,
    pub passes: &'static str,
    /// The false-positive guards, each backed by a `pass` fixture.
    pub guards: &'static [&'static str],
}

impl Rule {
    /// A finding of this rule at its own severity, with no chain, index or redaction: what most
    /// findings are.
    pub fn finding(
        &self,
        file: String,
        span: ceiling_facts::Span,
        message: String,
        why: String,
        fix: String,
    ) -> Finding {
        Finding {
            rule: self.id,
            family: self.family,
            severity: self.severity,
            file,
            span,
            message,
            chain: Vec::new(),
            why,
            fix,
            index: None,
            redact: Vec::new(),
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// Runs every rule over the project and returns the findings, sorted by place.
pub fn check(project: &Project) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES {
        (rule.check)(project, &mut findings);
    }
    findings.sort_by(|a, b| (&a.file, a.span.start, a.rule).cmp(&(&b.file, b.span.start, b.rule)));
    findings.dedup_by(|a, b| a.rule == b.rule && a.file == b.file && a.span == b.span);
    findings
}

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.id == id)
}
