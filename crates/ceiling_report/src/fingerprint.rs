//! A finding's identity across edits: what SARIF's partial fingerprints and the scan baseline compare.
//! It hashes the rule, the file and the finding's line of code (whitespace-normalized), not the line
//! number, so lines added or removed elsewhere in the file do not change it; the same rule on the same
//! code twice in a file is told apart by its occurrence.

use std::collections::BTreeMap;

use ceiling_rules::Finding;

use crate::SourceLoader;

/// One fingerprint per finding, in order: `<16 hex digits>:<occurrence>`.
pub fn fingerprints(findings: &[Finding], sources: SourceLoader<'_>) -> Vec<String> {
    let mut texts: BTreeMap<&str, Option<String>> = BTreeMap::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    findings
        .iter()
        .map(|finding| {
            // A finding on a database object has no line: its message names the object.
            let anchor = if finding.file.is_empty() {
                finding.message.clone()
            } else {
                let text = texts.entry(finding.file.as_str()).or_insert_with(|| sources(&finding.file));
                let line =
                    text.as_deref().and_then(|text| text.lines().nth(finding.span.line.saturating_sub(1) as usize));
                normalize(line.unwrap_or(""))
            };
            let key = format!("{}\0{}\0{anchor}", finding.rule, finding.file);
            let occurrence = seen.entry(key.clone()).and_modify(|n| *n += 1).or_insert(1);
            format!("{:016x}:{occurrence}", fnv1a(key.as_bytes()))
        })
        .collect()
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
