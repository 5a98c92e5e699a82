//! `rls-policy-always-true`: a permissive policy for an API role whose condition is constant
//! true for writes: anyone the API lets in can change every row.

use ceiling_facts::catalog::{Catalog, Policy, PolicyCommand, RelationKind, quote_ident};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "rls-policy-always-true",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A row-level security policy lets API callers write every row: `USING (true)` or `WITH CHECK (true)` on a write.",
    docs: Docs {
        what: "A permissive policy of the live database, for `anon`, `authenticated` or every role \
(no `TO`), on a table with row-level security on, whose condition holds for every row: \
`UPDATE`, `DELETE` or `ALL` with a `USING` that folds to true (`true`, `1 = 1`) or is missing, \
or `INSERT` and `UPDATE`/`ALL` with a `WITH CHECK` that folds to true or is missing (and no \
`USING` to fall back on). The expressions are parsed, not compared as text. Supabase's lint \
0012 (anonymous sign-ins allowed) cannot be checked from the database: when Supabase Auth \
allows anonymous sign-ins, `authenticated` includes anyone who asks, and a policy `to \
authenticated` is as open as one `to anon`; check that setting in the dashboard.",
        why: "Row-level security is on, which reads as protected, but the policy grants the write \
on every row. Supabase's REST API runs as `anon` for anyone with the anon key shipped in the \
browser, and as `authenticated` for anyone who signs up: they can overwrite or delete other \
users' rows, or insert rows in their name.",
        fix: "Replace the constant with an ownership check: `alter policy \"name\" on public.t using \
((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);`. A table only the \
server writes needs no write policy at all: the service role bypasses row-level security.",
        fires: "```sql\nalter table public.comments enable row level security;\ncreate policy \"anyone edits\" on public.comments for update to authenticated using (true);\n```",
        passes: "```sql\nalter table public.comments enable row level security;\ncreate policy \"public read\" on public.comments for select using (true);\ncreate policy \"own edits\" on public.comments for update to authenticated\n  using ((select auth.uid()) = user_id) with check ((select auth.uid()) = user_id);\n```",
        guards: &[
            "`FOR SELECT ... USING (true)`: public reads are often the point (profiles, posts).",
            "Restrictive policies, which never grant anything, and policies only for roles the API does not carry (`service_role`, an app's own role).",
            "Databases without API roles (`anon`, `authenticated`): no caller of an API stands behind `public` (pinned by a unit test: the fixture server's roles are shared by every case).",
            "Tables with row-level security off (`policy-rls-disabled`), and Supabase's own schemas.",
            "A policy whose expression cannot be parsed is reported by `could-not-check`, never taken as true or false.",
        ],
    },
    splinter: Some("0024_rls_policy_always_true"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    if catalog.security.api_roles.is_empty() {
        return;
    }
    for policy in &catalog.security.policies {
        let Some(table) = catalog.table(policy.table_oid) else { continue };
        if !matches!(table.kind, RelationKind::Table | RelationKind::PartitionedTable)
            || table.managed
            || !table.rls_enabled
            || !policy.permissive
            || !policy.applies_to_api()
        {
            continue;
        }
        let (using_open, check_open) = open_clauses(policy);
        let clause = match (using_open, check_open) {
            (true, true) => "both `USING` and `WITH CHECK` are always true",
            (true, false) => "`USING` is always true",
            (false, true) => "`WITH CHECK` is always true",
            (false, false) => continue,
        };
        let roles = policy.roles.join(", ");
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Policy, name: format!("{}: {}", table.qualified(), policy.name) },
            format!(
                "policy \"{}\" on `{}` for {} to {roles}: {clause}, so API callers can write every row",
                policy.name,
                table.qualified(),
                policy.command.as_sql()
            ),
            format!(
                "Row-level security is on, but this permissive policy lets `{roles}` {} any row of `{}`: anyone \
holding the public anon key (or any signed-up user, for `authenticated`) can.",
                match policy.command {
                    PolicyCommand::Insert => "insert",
                    PolicyCommand::Delete => "delete",
                    _ => "change",
                },
                table.qualified()
            ),
            format!(
                "`alter policy {} on {} using ((select auth.uid()) = user_id) with check ((select auth.uid()) = \
user_id);` with the table's owner column, or drop the policy if only the server writes.",
                quote_ident(&policy.name),
                table.sql_name()
            ),
        ));
    }
}

/// Whether `USING` and `WITH CHECK` let every row through for the policy's writes (splinter's
/// reading: a missing clause is open when nothing else narrows the command).
fn open_clauses(policy: &Policy) -> (bool, bool) {
    let writes_existing = matches!(policy.command, PolicyCommand::Update | PolicyCommand::Delete | PolicyCommand::All);
    let using_open = writes_existing && (policy.using.is_none() || policy.using_always_true);
    let check_open = match policy.command {
        PolicyCommand::Select | PolicyCommand::Delete => false,
        PolicyCommand::Insert => policy.with_check.is_none() || policy.check_always_true,
        PolicyCommand::Update | PolicyCommand::All => {
            policy.check_always_true || (policy.with_check.is_none() && policy.using_always_true)
        }
    };
    (using_open, check_open)
}

#[cfg(test)]
mod tests {
    use ceiling_facts::catalog::{Security, Table};

    use super::*;

    /// The fixture server's roles are shared by every case, so a database without `anon` and
    /// `authenticated` is pinned here, on a hand-built catalog.
    #[test]
    fn a_policy_for_every_role_is_open_only_where_an_api_has_callers() {
        let mut catalog = Catalog {
            tables: vec![Table {
                oid: 1,
                schema: "public".into(),
                name: "comments".into(),
                rls_enabled: true,
                ..Table::default()
            }],
            security: Security {
                policies: vec![Policy {
                    table_oid: 1,
                    name: "anyone edits".into(),
                    permissive: true,
                    command: PolicyCommand::Update,
                    roles: vec!["public".into()],
                    using: Some("true".into()),
                    using_always_true: true,
                    ..Policy::default()
                }],
                ..Security::default()
            },
            ..Catalog::default()
        };
        let mut findings = Vec::new();
        check(&catalog, &mut findings);
        assert!(findings.is_empty());
        catalog.security.api_roles = vec!["anon".into(), "authenticated".into()];
        check(&catalog, &mut findings);
        assert_eq!(findings.len(), 1);
    }
}
