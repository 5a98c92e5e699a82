//! Findings as SARIF 2.1.0, the format GitHub code scanning uploads: one run, the rules that fired with
//! their help text and page, and a result per finding with its location and a fingerprint that survives
//! edits elsewhere in the file.

use std::collections::BTreeMap;

use ceiling_rules::{Finding, Severity};
use serde_json::{Value, json};

use crate::fingerprint::fingerprints;
use crate::{RULE_DOCS, SourceLoader};

/// `prefix`: the scanned directory from the repository root (`examples/app/`), as code scanning places
/// results by paths from the root.
pub fn render_sarif(findings: &[Finding], prefix: &str, sources: SourceLoader<'_>) -> String {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for finding in findings {
        if rule_index.contains_key(finding.rule) {
            continue;
        }
        rule_index.insert(finding.rule, rules.len());
        let summary = ceiling_rules::rule(finding.rule).map_or(finding.message.as_str(), |rule| rule.summary);
        rules.push(json!({
            "id": finding.rule,
            "name": finding.rule,
            "shortDescription": { "text": summary },
            "fullDescription": { "text": finding.why },
            "help": { "text": format!("{summary}\n\nFix: {}", finding.fix), "markdown": format!("{summary}\n\n**Fix:** {}", finding.fix) },
            "helpUri": format!("{RULE_DOCS}/{}.md", finding.rule),
            "defaultConfiguration": { "level": level(finding.severity) },
            "properties": { "tags": [finding.family.as_str()] },
        }));
    }
    let prints = fingerprints(findings, sources);
    let results: Vec<Value> = findings
        .iter()
        .zip(&prints)
        .map(|(finding, print)| {
            let mut result = json!({
                "ruleId": finding.rule,
                "ruleIndex": rule_index[finding.rule],
                "level": level(finding.severity),
                "message": { "text": format!("{}\n{}", finding.message, finding.fix) },
            });
            if !finding.file.is_empty() {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": format!("{prefix}{}", finding.file) },
                        "region": { "startLine": finding.span.line.max(1), "startColumn": finding.span.col.max(1) },
                    }
                }]);
                result["partialFingerprints"] = json!({ "ceilingFingerprint/v1": print });
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ceiling",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/ceiling-dev/ceiling",
                "rules": rules,
            } },
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).expect("SARIF serializes") + "\n"
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
