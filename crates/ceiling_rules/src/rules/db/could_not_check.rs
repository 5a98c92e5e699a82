//! `could-not-check`: a part of a live database that `ceiling db` could not read.

use ceiling_facts::catalog::Catalog;

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "could-not-check",
    family: Family::Db,
    severity: Severity::Info,
    status: Status::Preview,
    summary: "A part of the live database could not be read (a missing privilege, a timeout): its checks did not run.",
    docs: Docs {
        what: "A catalog or statistics view that `ceiling db` could not read: the role lacks a \
privilege (`pg_stat_statements` needs `pg_read_all_stats` to show other roles' statements), a \
statement hit the timeout, or an extension is missing. The checks that read it did not run.",
        why: "A check that did not run is not a check that passed. Saying so keeps a clean report \
from being read as a clean database.",
        fix: "Grant the role what the message names (`GRANT pg_read_all_stats TO ...`), raise \
`--statement-timeout`, or install the extension, then run `ceiling db` again.",
        fires: "A role without `pg_read_all_stats` on a server with `pg_stat_statements`.",
        passes: "A role that can read every view `ceiling db` reads.",
        guards: &[
            "Only failures are reported: an extension that is simply not installed is said once, with how to install it, by the check that needs it.",
        ],
    },
    splinter: None,
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for unchecked in &catalog.unchecked {
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Database, name: catalog.server.database.clone() },
            format!("could not read {}: {}", unchecked.what, unchecked.reason),
            "The checks that read it did not run; the rest of the report stands.".to_owned(),
            "Grant the missing privilege or raise `--statement-timeout`, then run `ceiling db` again.".to_owned(),
        ));
    }
}
