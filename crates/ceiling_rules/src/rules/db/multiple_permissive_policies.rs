//! `multiple-permissive-policies`: several permissive policies of a table apply to the same
//! role and command, so every one of them runs for every row.

use std::collections::BTreeMap;

use ceiling_facts::catalog::{Catalog, PolicyCommand, RelationKind};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "multiple-permissive-policies",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "Several permissive policies apply to the same role and command: each runs for every row.",
    docs: Docs {
        what: "A table with two or more permissive policies that apply to the same role (named, or \
every role through no `TO` clause) for the same command (`ALL` counts for each of `SELECT`, \
`INSERT`, `UPDATE` and `DELETE`). One finding per table, naming each role and command with \
the policies that overlap.",
        why: "PostgreSQL combines permissive policies with `OR` and evaluates each for every row \
the query touches, so two policies cost two conditions (and their subqueries) per row. On a \
large table the second policy doubles the filter's work, often for a condition that one \
combined policy could express more cheaply.",
        fix: "Merge the overlapping policies into one with `OR` (`using (is_public or (select \
auth.uid()) = user_id)`), or give each policy a distinct role or command (`for select`, \
`for update`) instead of `for all`.",
        fires: "```sql\ncreate policy \"public read\" on public.posts for select using (is_public);\ncreate policy \"own rows\" on public.posts for all to authenticated\n  using ((select auth.uid()) = user_id);\n```",
        passes: "```sql\ncreate policy \"read\" on public.posts for select\n  using (is_public or (select auth.uid()) = user_id);\ncreate policy \"own writes\" on public.posts for update to authenticated\n  using ((select auth.uid()) = user_id);\n```",
        guards: &[
            "Restrictive policies: they are combined with `AND` and narrow, they are not alternatives.",
            "Policies for different roles, or for different commands (`for select` and `for update`).",
            "Roles that bypass row-level security (`service_role`, superusers): policies never run for them.",
            "Supabase's own schemas and tables of extensions.",
        ],
    },
    splinter: Some("0006_multiple_permissive_policies"),
    check: Check::Database(check),
};

const COMMANDS: [PolicyCommand; 4] =
    [PolicyCommand::Select, PolicyCommand::Insert, PolicyCommand::Update, PolicyCommand::Delete];

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for table in &catalog.tables {
        if !matches!(table.kind, RelationKind::Table | RelationKind::PartitionedTable) || table.managed {
            continue;
        }
        let policies: Vec<_> = catalog.security.policies_of(table.oid).filter(|policy| policy.permissive).collect();
        if policies.len() < 2 {
            continue;
        }
        // The roles to look at: every role a policy names, and the API roles, which a policy for
        // every role (PUBLIC) reaches too; `public` stands for any other role.
        let mut roles: Vec<&str> = policies.iter().flat_map(|policy| policy.roles.iter().map(String::as_str)).collect();
        roles.extend(catalog.security.api_roles.iter().map(String::as_str));
        // Roles that bypass row-level security never evaluate a policy.
        roles.retain(|role| !catalog.security.bypass_rls_roles.iter().any(|bypass| bypass == role));
        roles.sort_unstable();
        roles.dedup();
        // Overlapping policy names → the (role, command) pairs where they overlap.
        let mut overlaps: BTreeMap<Vec<&str>, Vec<String>> = BTreeMap::new();
        for role in &roles {
            for command in COMMANDS {
                let names: Vec<&str> = policies
                    .iter()
                    .filter(|policy| policy.covers(command) && policy.applies_to(role))
                    .map(|policy| policy.name.as_str())
                    .collect();
                if names.len() > 1 {
                    overlaps.entry(names).or_default().push(format!("{role} {}", command.as_sql()));
                }
            }
        }
        if overlaps.is_empty() {
            continue;
        }
        let described: Vec<String> = overlaps
            .iter()
            .map(|(names, pairs)| format!("\"{}\" for {}", names.join("\", \""), pairs.join(", ")))
            .collect();
        findings.push(
            RULE.db_finding(
                DbObject { kind: ObjectKind::Table, name: table.qualified() },
                format!("table `{}` has overlapping permissive policies: {}", table.qualified(), described.join("; ")),
                "Permissive policies are OR-ed and each is evaluated for every row: overlapping ones multiply the \
per-row work of every query on the table."
                    .to_owned(),
                "Merge the overlapping policies into one condition joined by `or`, or give each a distinct role or \
command."
                    .to_owned(),
            ),
        );
    }
}
