//! What a project's config changes in a scan: which files are read, which of them run per request,
//! how severe each rule is, and which tables stay small. Globs match paths relative to the config
//! file's directory, `/`-separated.

use std::collections::BTreeMap;

use ceiling_facts::{FileRole, Schema};
use ceiling_rules::{Finding, Severity};
use globset::GlobSet;

#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Where the scan root sits under the config's directory (`apps/web/`), or empty.
    pub prefix: String,
    /// When set, only code files matching it are read. Schema files are read regardless: the
    /// rules judge code by them.
    pub include: Option<GlobSet>,
    /// Files never read, code or schema.
    pub exclude: Option<GlobSet>,
    /// Files that run per request, whatever their path says (`scripts/server.ts`).
    pub request_paths: Option<GlobSet>,
    /// Files that never run per request (`tools/**`): their findings are `info`, as seeds' are.
    pub offline_paths: Option<GlobSet>,
    /// Tables that stay small however the app grows: the index and size rules leave them alone.
    pub small_tables: Vec<String>,
    /// Rule ids to their level.
    pub rules: BTreeMap<String, Level>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    At(Severity),
}

impl Settings {
    fn matches(&self, set: &Option<GlobSet>, relative: &str) -> bool {
        set.as_ref().is_some_and(|set| set.is_match(format!("{}{relative}", self.prefix)))
    }

    /// Whether the code file at `relative` is read.
    pub(crate) fn reads_code(&self, relative: &str) -> bool {
        (self.include.is_none() || self.matches(&self.include, relative)) && !self.matches(&self.exclude, relative)
    }

    /// Whether the schema file at `relative` is read.
    pub(crate) fn reads_schema(&self, relative: &str) -> bool {
        !self.matches(&self.exclude, relative)
    }

    /// The role the config gives the file at `relative`, if it gives one.
    pub(crate) fn role(&self, relative: &str) -> Option<FileRole> {
        if self.matches(&self.request_paths, relative) {
            Some(FileRole::App)
        } else if self.matches(&self.offline_paths, relative) {
            Some(FileRole::Script)
        } else {
            None
        }
    }

    pub(crate) fn mark_small_tables(&self, schema: &mut Schema) {
        for table in schema.tables.iter_mut().filter(|table| self.small_tables.contains(&table.name)) {
            table.small = true;
        }
    }

    /// Whether the rule is turned on by the config: `unused-suppression`, which runs only when asked.
    pub(crate) fn turns_on(&self, rule: &str) -> bool {
        matches!(self.rules.get(rule), Some(Level::At(_)))
    }

    /// Drops the findings of rules turned off and sets the level of the others. A finding the rule
    /// itself lowered (`info` in a seed script) stays lower than the rule's level.
    pub(crate) fn apply_levels(&self, findings: &mut Vec<Finding>) {
        if self.rules.is_empty() {
            return;
        }
        findings.retain(|finding| self.rules.get(finding.rule) != Some(&Level::Off));
        for finding in findings {
            let Some(Level::At(level)) = self.rules.get(finding.rule) else { continue };
            let default = ceiling_rules::rule(finding.rule).map(|rule| rule.severity);
            if default == Some(finding.severity) {
                finding.severity = *level;
            }
        }
    }
}
