//! ceiling's rules: each reads the project model, a live database's catalog, or both, and reports
//! findings.
//!
//! One rule, one file, under `src/rules/<family>/<rule_id>.rs`, holding a `pub static RULE: Rule`
//! with its metadata, its documentation and its check. The registry is generated from those files
//! by `build.rs`; `docs/rules/` is generated from the documentation (`cargo xtask docs`).
//! Multi-file fixtures live in `fixtures/<rule-id>/{fire,pass}/<case>/` and are run by
//! `tests/fixtures.rs`.

pub mod docs;
mod finding;
mod live;
mod loops;
mod outbound;
mod serializers;
mod sizes;
mod tables;
mod webhooks;

pub use finding::{ChainLink, DbObject, Declaration, Family, Finding, ObjectKind, Severity, SuggestedIndex};
pub use live::corroborate;

use ceiling_facts::Project;
use ceiling_facts::catalog::Catalog;

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
    /// The Supabase advisor (supabase/splinter) lint this rule matches, for rules of the live
    /// database: `0001_unindexed_foreign_keys`.
    pub splinter: Option<&'static str>,
    pub check: Check,
}

/// What a rule reads: the code (`ceiling scan`), a live database (`ceiling db`), or both, when
/// one problem shows in each (an unindexed foreign key is in the schema files and in the catalog).
pub enum Check {
    Code(fn(&Project, &mut Vec<Finding>)),
    Database(fn(&Catalog, &mut Vec<Finding>)),
    Both {
        code: fn(&Project, &mut Vec<Finding>),
        database: fn(&Catalog, &mut Vec<Finding>),
    },
    /// Reads the code and the other rules' findings on it (`unused-suppression`); run on request,
    /// by [`check_findings`].
    Findings(fn(&Project, &[Finding], &mut Vec<Finding>)),
}

impl Check {
    fn code(&self) -> Option<fn(&Project, &mut Vec<Finding>)> {
        match *self {
            Check::Code(check) | Check::Both { code: check, .. } => Some(check),
            Check::Database(_) | Check::Findings(_) => None,
        }
    }

    fn database(&self) -> Option<fn(&Catalog, &mut Vec<Finding>)> {
        match *self {
            Check::Database(check) | Check::Both { database: check, .. } => Some(check),
            Check::Code(_) | Check::Findings(_) => None,
        }
    }

    /// `code`, `database` or `code, database`: where the rule looks, for its docs.
    pub fn sources(&self) -> &'static str {
        match self {
            Check::Code(_) | Check::Findings(_) => "code",
            Check::Database(_) => "database",
            Check::Both { .. } => "code, database",
        }
    }
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
            object: None,
            evidence: Vec::new(),
        }
    }

    /// A finding of this rule on an object of a live database.
    pub fn db_finding(&self, object: DbObject, message: String, why: String, fix: String) -> Finding {
        Finding {
            object: Some(object),
            ..self.finding(String::new(), ceiling_facts::Span::default(), message, why, fix)
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/registry.rs"));

/// Runs every rule of the code over the project and returns the findings, sorted by place.
pub fn check(project: &Project) -> Vec<Finding> {
    let mut findings = Vec::new();
    for check in RULES.iter().filter_map(|rule| rule.check.code()) {
        check(project, &mut findings);
    }
    findings.sort_by(|a, b| (&a.file, a.span.start, a.rule).cmp(&(&b.file, b.span.start, b.rule)));
    findings.dedup_by(|a, b| a.rule == b.rule && a.file == b.file && a.span == b.span);
    findings
}

/// Runs the rules that judge the code by the findings of the others (`unused-suppression`)
/// over `findings`, and returns what they report.
pub fn check_findings(project: &Project, findings: &[Finding]) -> Vec<Finding> {
    let mut found = Vec::new();
    for rule in RULES {
        if let Check::Findings(check) = rule.check {
            check(project, findings, &mut found);
        }
    }
    found
}

/// Runs every rule of the live database over its catalog and returns the findings, sorted by
/// object.
pub fn check_catalog(catalog: &Catalog) -> Vec<Finding> {
    let mut findings = Vec::new();
    for check in RULES.iter().filter_map(|rule| rule.check.database()) {
        check(catalog, &mut findings);
    }
    findings.sort_by(|a, b| (&a.object, a.rule, &a.message).cmp(&(&b.object, b.rule, &b.message)));
    findings
}

/// The abuse a route is open to when its path or handler name says it is a credential or account flow
/// (`password guessing` for `POST /login`): the routes `auth-no-rate-limit` judges, and `ceiling probe` bursts.
pub fn credential_flow(row: &ceiling_facts::RouteRow) -> Option<&'static str> {
    auth_no_rate_limit::sensitive(row)
}

pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.id == id)
}
