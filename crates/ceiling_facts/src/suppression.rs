//! Inline suppressions, the same in every language: `ceiling-ignore <rule>[, <rule>]: <reason>`
//! in a comment (`//`, `/* */`, `#`).

/// The rules a comment's text suppresses (empty: all), or `None` when it is not a suppression.
pub fn parse_suppression(comment: &str) -> Option<Vec<String>> {
    let rest = comment.split_once("ceiling-ignore")?.1;
    // `ceiling-ignore-next-line` and the like are not ours.
    if rest.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let rules = rest.split_once(':').map_or(rest, |(rules, _reason)| rules);
    let rules = rules.trim_end_matches("*/");
    Some(
        rules
            .split([',', ' '])
            .map(str::trim)
            .filter(|rule| {
                !rule.is_empty() && rule.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            })
            .map(str::to_owned)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::parse_suppression;

    #[test]
    fn suppressions() {
        assert_eq!(
            parse_suppression("// ceiling-ignore n-plus-one: bounded by the UI"),
            Some(vec!["n-plus-one".to_owned()])
        );
        assert_eq!(
            parse_suppression("/* ceiling-ignore n-plus-one, query-in-loop-write */"),
            Some(vec!["n-plus-one".to_owned(), "query-in-loop-write".to_owned()])
        );
        assert_eq!(parse_suppression("// ceiling-ignore"), Some(vec![]));
        assert_eq!(parse_suppression("// nothing to see"), None);
        assert_eq!(parse_suppression("// ceiling-ignored"), None);
    }
}
