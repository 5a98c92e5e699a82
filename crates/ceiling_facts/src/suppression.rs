//! Inline suppressions, the same in every language: `ceiling-ignore <rule>[, <rule>]: <reason>`
//! in a comment (`//`, `/* */`, `#`, `--`). The comment silences its rules on its own line and
//! the next.

use crate::{LineIndex, Span};

/// `// ceiling-ignore n-plus-one: bounded by the UI`, as written: rule ids are checked against
/// the registry by the `invalid-suppression` rule, not here.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Suppression {
    /// The comment.
    pub span: Span,
    /// The comment's last line: a block comment or JSDoc spans several.
    pub end_line: u32,
    /// The ids as written; empty when the comment names none.
    pub rules: Vec<String>,
    /// The text after the colon; `None` when there is none.
    pub reason: Option<String>,
}

impl Suppression {
    /// Whether the suppression covers a finding of `rule` on `line`: a line of the comment, or the
    /// line after it.
    pub fn covers(&self, rule: &str, line: u32) -> bool {
        (self.span.line..=self.end_line + 1).contains(&line) && self.rules.iter().any(|id| id == rule)
    }
}

/// The rules and reason of a comment's text (markers included), or `None` when the comment is
/// not a suppression. A suppression starts the comment: prose that mentions `ceiling-ignore`
/// further on is not one.
pub fn parse_suppression(comment: &str) -> Option<(Vec<String>, Option<String>)> {
    let body = comment.trim_start_matches(|c: char| matches!(c, '/' | '*' | '#' | '-' | '!') || c.is_whitespace());
    let rest = body.strip_prefix("ceiling-ignore")?;
    // `ceiling-ignore-next-line` and the like are not ours.
    if rest.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let rest = rest.trim_end().trim_end_matches("*/").trim_end_matches("-->");
    let (ids, reason) = match rest.split_once(':') {
        Some((ids, reason)) => (ids, Some(reason.trim()).filter(|reason| !reason.is_empty())),
        None => (rest, None),
    };
    let rules = ids.split(|c: char| c == ',' || c.is_whitespace()).filter(|id| !id.is_empty());
    Some((rules.map(str::to_owned).collect(), reason.map(str::to_owned)))
}

/// The suppressions among `comments` (byte ranges into `source`).
pub fn suppressions(source: &str, comments: impl IntoIterator<Item = (u32, u32)>) -> Vec<Suppression> {
    if !source.contains("ceiling-ignore") {
        return Vec::new();
    }
    let lines = LineIndex::new(source);
    comments
        .into_iter()
        .filter_map(|(start, end)| {
            let (rules, reason) = parse_suppression(lines.text(start, end))?;
            // The end is exclusive: a line comment's range stops before its newline.
            let end_line = lines.range(end.saturating_sub(1).max(start), end).line;
            Some(Suppression { span: lines.range(start, end), end_line, rules, reason })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_suppression;

    fn parsed(rules: &[&str], reason: Option<&str>) -> Option<(Vec<String>, Option<String>)> {
        Some((rules.iter().map(|rule| (*rule).to_owned()).collect(), reason.map(str::to_owned)))
    }

    #[test]
    fn rules_and_reason() {
        assert_eq!(
            parse_suppression("// ceiling-ignore n-plus-one: bounded by the UI"),
            parsed(&["n-plus-one"], Some("bounded by the UI"))
        );
        assert_eq!(
            parse_suppression("/* ceiling-ignore n-plus-one, query-in-loop-write: at most 3 */"),
            parsed(&["n-plus-one", "query-in-loop-write"], Some("at most 3"))
        );
        assert_eq!(
            parse_suppression("# ceiling-ignore n-plus-one: admin only"),
            parsed(&["n-plus-one"], Some("admin only"))
        );
        assert_eq!(
            parse_suppression("-- ceiling-ignore unindexed-foreign-key: 40 rows"),
            parsed(&["unindexed-foreign-key"], Some("40 rows"))
        );
    }

    #[test]
    fn missing_parts_are_kept_for_the_rule_that_reports_them() {
        assert_eq!(parse_suppression("// ceiling-ignore n-plus-one"), parsed(&["n-plus-one"], None));
        assert_eq!(parse_suppression("// ceiling-ignore n-plus-one:   "), parsed(&["n-plus-one"], None));
        assert_eq!(parse_suppression("// ceiling-ignore: reasons"), parsed(&[], Some("reasons")));
        assert_eq!(parse_suppression("// ceiling-ignore"), parsed(&[], None));
    }

    #[test]
    fn not_suppressions() {
        assert_eq!(parse_suppression("// nothing to see"), None);
        assert_eq!(parse_suppression("// ceiling-ignored"), None);
        assert_eq!(parse_suppression("// ceiling-ignore-next-line n-plus-one"), None);
        assert_eq!(parse_suppression("// we silence these with ceiling-ignore comments"), None);
    }
}
