//! The scan baseline: the fingerprints of the findings a team has accepted for now, so that CI fails only
//! on new ones. A finding that moves keeps its fingerprint ([`crate::fingerprints`]).

use std::collections::BTreeSet;

use ceiling_rules::Finding;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// The rule and file are there for people reading the file in review; the fingerprint is what matches.
#[derive(Serialize, Deserialize)]
struct Entry {
    rule: String,
    file: String,
    fingerprint: String,
}

/// The baseline file of these findings.
pub fn write_baseline(findings: &[Finding], fingerprints: &[String]) -> String {
    let mut entries: Vec<Entry> = findings
        .iter()
        .zip(fingerprints)
        .map(|(finding, print)| Entry {
            rule: finding.rule.to_owned(),
            file: finding.file.clone(),
            fingerprint: format!("{}:{print}", finding.rule),
        })
        .collect();
    entries.sort_by(|a, b| (&a.file, &a.rule, &a.fingerprint).cmp(&(&b.file, &b.rule, &b.fingerprint)));
    serde_json::to_string_pretty(&File { version: 1, findings: entries }).expect("a baseline serializes") + "\n"
}

pub struct Baseline {
    known: BTreeSet<String>,
}

impl Baseline {
    /// Reads a baseline file's text; `name` is its path, for the error.
    pub fn parse(text: &str, name: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text)
            .map_err(|error| format!("{name}:{}: not a ceiling baseline: {error}", error.line()))?;
        if file.version != 1 {
            return Err(format!("{name}: baseline version {} is not one this ceiling reads (1)", file.version));
        }
        Ok(Baseline { known: file.findings.into_iter().map(|entry| entry.fingerprint).collect() })
    }

    /// Whether the finding with this fingerprint was accepted.
    pub fn knows(&self, finding: &Finding, fingerprint: &str) -> bool {
        self.known.contains(&format!("{}:{fingerprint}", finding.rule))
    }
}
