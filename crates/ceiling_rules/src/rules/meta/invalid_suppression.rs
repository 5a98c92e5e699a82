//! `invalid-suppression`: a `ceiling-ignore` comment that names no rule, an unknown rule, or no
//! reason.

use ceiling_facts::{FileRole, Project, Suppression};

use crate::{Check, Docs, Family, Finding, RULES, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "invalid-suppression",
    family: Family::Meta,
    severity: Severity::Warning,
    status: Status::Stable,
    summary: "A `ceiling-ignore` comment names no rule, a rule that does not exist, or no reason.",
    docs: Docs {
        what: "A suppression comment (`// ceiling-ignore <rule>: <reason>`, `#` in Python, `--` in \
SQL) that names no rule, names an id that is not one of ceiling's rules (`n_plus_one`, a rule of \
another tool), or gives no reason after a colon.",
        why: "A suppression is a decision someone made about a finding: that this loop is bounded, \
that this table stays small. A comment that names no rule or a misspelled one silences nothing, \
and nobody notices (silencing every rule instead would hide the N+1 that lands on the line next \
month, so a blanket `ceiling-ignore` is not one); without a reason, the next reader cannot tell \
whether the decision still holds when the code changes.",
        fix: "Write `ceiling-ignore <rule>[, <rule>]: <why it is fine here>`, with ids as \
`ceiling rules` lists them. A suppression that gives no reason still silences its rules, so that \
the fix is to add the reason, not to chase a finding that came back.",
        fires: "```ts\n// ceiling-ignore n_plus_one\nfor (const id of ids) await db.user.findUnique({ where: { id } });\n```",
        passes: "```ts\n// ceiling-ignore n-plus-one: ids holds the three owners of a workspace\nfor (const id of ids) await db.user.findUnique({ where: { id } });\n```",
        guards: &[
            "Only a comment that starts with `ceiling-ignore` is a suppression: prose that mentions it further on (`we silence these with ceiling-ignore comments`) is not.",
            "`ceiling-ignore-next-line` and other words that only start with `ceiling-ignore` belong to other tools.",
            "Generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (path, suppression) in project.all_suppressions() {
        if project.file_id(path).is_some_and(|file| project.file(file).role == FileRole::Generated) {
            continue;
        }
        let problems = problems(suppression);
        if problems.is_empty() {
            continue;
        }
        findings.push(
            RULE.finding(
                path.to_owned(),
                suppression.span,
                format!("this `ceiling-ignore` comment {}", problems.join("; it ")),
                "A suppression records why a finding does not apply here; one without a known rule silences \
nothing, and one without a reason cannot be judged when the code changes."
                    .to_owned(),
                "Write `ceiling-ignore <rule>: <why it is fine here>`; `ceiling rules` lists the ids.".to_owned(),
            ),
        );
    }
}

fn problems(suppression: &Suppression) -> Vec<String> {
    let mut problems = Vec::new();
    if suppression.rules.is_empty() {
        problems.push("names no rule, so it silences nothing".to_owned());
    }
    for id in &suppression.rules {
        if crate::rule(id).is_none() {
            problems.push(match closest_rule(id) {
                Some(near) => format!("names `{id}`, which is not a rule (did you mean `{near}`?)"),
                None => format!("names `{id}`, which is not a rule"),
            });
        }
    }
    if suppression.reason.is_none() {
        problems.push("gives no reason: write it after a colon".to_owned());
    }
    problems
}

/// The rule id within two edits of `id` (`n_plus_one`, `n-plus-on`), ignoring case and `_`/`-`.
fn closest_rule(id: &str) -> Option<&'static str> {
    let id = id.to_ascii_lowercase().replace('_', "-");
    RULES
        .iter()
        .map(|rule| (edit_distance(&id, rule.id), rule.id))
        .filter(|(distance, _)| *distance <= 2)
        .min()
        .map(|(_, near)| near)
}

/// Levenshtein distance over bytes: ids are ASCII.
fn edit_distance(a: &str, b: &str) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.bytes().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{closest_rule, edit_distance};

    #[test]
    fn near_misses_are_named() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(closest_rule("n_plus_one"), Some("n-plus-one"));
        assert_eq!(closest_rule("N-Plus-On"), Some("n-plus-one"));
        assert_eq!(closest_rule("no-console"), None);
    }
}
