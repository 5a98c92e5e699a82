//! `unused-suppression`: a `ceiling-ignore` comment that silences nothing. Reported on request
//! (`--report-unused-suppressions`), since it reads the findings of every other rule.

use ceiling_facts::{FileRole, Project};

use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "unused-suppression",
    family: Family::Meta,
    severity: Severity::Warning,
    status: Status::Stable,
    summary: "A `ceiling-ignore` comment names a rule that reports nothing on its line or the next.",
    docs: Docs {
        what: "A suppression comment naming a rule that has no finding on the comment's line or \
the line below it. Reported when `ceiling scan --report-unused-suppressions` asks for it.",
        why: "Code moves and rules get sharper: a suppression left behind after the loop was \
rewritten silences whatever lands on that line next, a new N+1 included, and tells readers \
something that is no longer true.",
        fix: "Delete the comment, or the ids in it that no longer apply.",
        fires: "```ts\n// ceiling-ignore n-plus-one: at most three owners\nconst owners = await db.user.findMany({ where: { id: { in: ids } } });\n```",
        passes: "```ts\n// ceiling-ignore n-plus-one: at most three owners\nfor (const id of ids) await db.user.findUnique({ where: { id } });\n```",
        guards: &[
            "Ids that are not rules are `invalid-suppression`'s to report, not this rule's.",
            "A comment naming several rules is reported only for the ids that silence nothing.",
            "Generated files.",
        ],
    },
    splinter: None,
    check: Check::Findings(check),
};

fn check(project: &Project, reported: &[Finding], findings: &mut Vec<Finding>) {
    for (path, suppression) in project.all_suppressions() {
        if project.file_id(path).is_some_and(|file| project.file(file).role == FileRole::Generated) {
            continue;
        }
        let unused: Vec<&str> = suppression
            .rules
            .iter()
            .filter(|id| crate::rule(id).is_some())
            .filter(|id| {
                !reported.iter().any(|finding| {
                    finding.rule == id.as_str() && finding.file == path && suppression.covers(id, finding.span.line)
                })
            })
            .map(String::as_str)
            .collect();
        if unused.is_empty() {
            continue;
        }
        let ids = unused.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ");
        findings.push(
            RULE.finding(
                path.to_owned(),
                suppression.span,
                format!("this `ceiling-ignore` comment silences nothing: no {ids} finding on this line or the next"),
                "A suppression left behind silences whatever lands on its line next, and tells readers something \
that is no longer true."
                    .to_owned(),
                format!("Remove {ids} from the comment, or the comment itself."),
            ),
        );
    }
}
