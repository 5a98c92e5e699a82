//! Findings as JUnit XML, for CI systems that show test reports (GitLab, Jenkins, CircleCI, Azure): each
//! finding is a test case, failed when it reaches the run's `--fail-on` level.

use std::fmt::Write;

use ceiling_rules::{Finding, Severity};

/// `fail_at`: the severity from which a finding fails its test case (`None`: none fail); below it the
/// case passes with the finding as its output.
pub fn render_junit(findings: &[Finding], prefix: &str, fail_at: Option<Severity>) -> String {
    let fails = |finding: &Finding| fail_at.is_some_and(|threshold| finding.severity >= threshold);
    let failures = findings.iter().filter(|finding| fails(finding)).count();
    let tests = findings.len().max(1);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"ceiling\" tests=\"{tests}\" failures=\"{failures}\">");
    let _ = writeln!(out, "  <testsuite name=\"ceiling scan\" tests=\"{tests}\" failures=\"{failures}\">");
    if findings.is_empty() {
        out.push_str("    <testcase classname=\"ceiling\" name=\"no findings\"/>\n");
    }
    for finding in findings {
        let file = if finding.file.is_empty() { String::new() } else { format!("{prefix}{}", finding.file) };
        let name = if file.is_empty() { finding.message.clone() } else { format!("{file}:{}", finding.span.line) };
        let _ = write!(out, "    <testcase classname=\"{}\" name=\"{}\"", xml(finding.rule), xml(&name));
        if !file.is_empty() {
            let _ = write!(out, " file=\"{}\" line=\"{}\"", xml(&file), finding.span.line);
        }
        let body = format!("{}\n\nWhy: {}\n\nFix: {}", finding.message, finding.why, finding.fix);
        if fails(finding) {
            let _ = writeln!(
                out,
                ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                finding.severity.as_str(),
                xml(&finding.message),
                xml(&body)
            );
        } else {
            let _ = writeln!(out, ">\n      <system-out>{}</system-out>\n    </testcase>", xml(&body));
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no place for other control characters.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(xml("a<b & \"c\"\u{7}"), "a&lt;b &amp; &quot;c&quot;");
        assert!(render_junit(&[], "", Some(Severity::Warning)).contains("name=\"no findings\""));
    }
}
