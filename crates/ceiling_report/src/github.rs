//! Findings as GitHub Actions workflow commands (`::warning file=...,line=...::message`): each becomes an
//! annotation on the pull request's diff, with no upload step.

use std::fmt::Write;

use ceiling_rules::{Finding, Severity};

/// One workflow command per finding. `prefix` is the scanned directory relative to the repository root
/// (`examples/app/`), since GitHub places annotations by paths from the root; empty when the scan ran
/// there.
pub fn render_github(findings: &[Finding], prefix: &str) -> String {
    let mut out = String::new();
    for finding in findings {
        let level = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut properties = Vec::new();
        if !finding.file.is_empty() {
            properties.push(format!("file={}", property(&format!("{prefix}{}", finding.file))));
            properties.push(format!("line={}", finding.span.line.max(1)));
            properties.push(format!("col={}", finding.span.col.max(1)));
        }
        properties.push(format!("title={}", property(&format!("ceiling {}", finding.rule))));
        let message = if finding.fix.is_empty() {
            finding.message.clone()
        } else {
            format!("{}\nFix: {}", finding.message, finding.fix)
        };
        let _ = writeln!(out, "::{level} {}::{}", properties.join(","), data(&message));
    }
    out
}

/// A command's message: `%`, CR and LF escaped, as the runner's parser reads them back.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value: the message's escapes, and `:` and `,`, which separate properties.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_runner() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
