//! Findings as SARIF 2.1.0, the format GitHub code scanning uploads: one run, the rules that fired with
//! their help text and page, and a result per finding with its location and a fingerprint that survives
//! edits elsewhere in the file.

use std::collections::BTreeMap;

use ceiling_rules::{Finding, Severity};
use serde_json::{Value, json};

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
    let mut texts: BTreeMap<&str, Option<String>> = BTreeMap::new();
    // The same rule on the same line text twice in a file: the occurrence number tells them apart.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let results: Vec<Value> = findings
        .iter()
        .map(|finding| {
            let mut result = json!({
                "ruleId": finding.rule,
                "ruleIndex": rule_index[finding.rule],
                "level": level(finding.severity),
                "message": { "text": format!("{}\n{}", finding.message, finding.fix) },
            });
            if !finding.file.is_empty() {
                let text = texts.entry(finding.file.as_str()).or_insert_with(|| sources(&finding.file));
                let line_text = text
                    .as_deref()
                    .and_then(|text| text.lines().nth(finding.span.line.saturating_sub(1) as usize))
                    .unwrap_or("");
                let key = format!("{}\0{}\0{}", finding.rule, finding.file, normalize(line_text));
                let occurrence = seen.entry(key.clone()).and_modify(|n| *n += 1).or_insert(1);
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": format!("{prefix}{}", finding.file) },
                        "region": { "startLine": finding.span.line.max(1), "startColumn": finding.span.col.max(1) },
                    }
                }]);
                result["partialFingerprints"] =
                    json!({ "ceilingFingerprint/v1": format!("{:016x}:{occurrence}", fnv1a(key.as_bytes())) });
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

/// The line's code without its indentation and runs of spaces: re-indenting does not move a fingerprint.
fn normalize(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// FNV-1a, 64 bits: a fingerprint must read the same from every build, which std's hasher does not promise.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_hash_is_fnv1a() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(normalize("    const a  =\tb"), "const a = b");
    }
}
