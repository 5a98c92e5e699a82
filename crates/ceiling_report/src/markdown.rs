//! Findings as a pull-request comment in Markdown: counts by family and severity, then the top findings
//! with a link to each rule's page.

use std::fmt::Write;

use ceiling_rules::{Family, Finding, Severity};

use crate::RULE_DOCS;
use crate::human::findings_line;

/// Findings listed in full; the rest are counted.
const TOP: usize = 20;

pub fn render_markdown(findings: &[Finding], prefix: &str) -> String {
    let mut out = String::from("## ceiling\n\n");
    out.push_str(&findings_line(findings));
    if findings.is_empty() {
        return out;
    }
    out.push_str("\n| Family | Errors | Warnings | Infos |\n|---|---:|---:|---:|\n");
    for family in Family::ALL {
        let count = |severity| findings.iter().filter(|f| f.family == family && f.severity == severity).count();
        let (errors, warnings, infos) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
        if errors + warnings + infos > 0 {
            let _ = writeln!(out, "| {} | {errors} | {warnings} | {infos} |", family.as_str());
        }
    }
    let mut order: Vec<&Finding> = findings.iter().collect();
    // Most severe first; within a severity, in the report's order (by file and line).
    order.sort_by_key(|finding| std::cmp::Reverse(finding.severity));
    let _ = writeln!(out, "\n### Top findings\n");
    for finding in order.iter().take(TOP) {
        let place = if finding.file.is_empty() {
            String::new()
        } else {
            format!(" `{prefix}{}:{}`", finding.file, finding.span.line)
        };
        let _ = writeln!(
            out,
            "- **{}** [`{}`]({RULE_DOCS}/{}.md){place}: {}",
            finding.severity.as_str(),
            finding.rule,
            finding.rule,
            inline(&finding.message)
        );
    }
    if findings.len() > TOP {
        let _ = writeln!(out, "\n…and {} more: run `ceiling scan` for all of them.", findings.len() - TOP);
    }
    out
}

/// One line of text for a list item: newlines folded, Markdown's table and HTML characters kept literal.
fn inline(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('<', "&lt;").replace('>', "&gt;")
}
