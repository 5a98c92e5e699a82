//! `security-definer-view`: a view the API serves runs with its owner's privileges, bypassing the
//! caller's row-level security.

use ceiling_facts::catalog::{Catalog, RelationKind};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "security-definer-view",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Preview,
    summary: "A view the API serves runs as its owner (no `security_invoker`): it bypasses the caller's row-level security.",
    docs: Docs {
        what: "A view of the live database, served by the REST API (in a schema of \
`pgrst.db_schemas`, selectable by `anon` or `authenticated`), without `security_invoker` \
(PostgreSQL 15 and later).",
        why: "A view reads its tables with the privileges of its owner, usually `postgres`, which \
bypasses row-level security. Whatever the policies of the underlying tables say, a caller \
with the public anon key reads every row the view selects, other users' rows included.",
        fix: "`alter view public.v set (security_invoker = true);` so that the caller's privileges \
and policies apply (the API roles then need `select` on the underlying tables), or `revoke \
select on public.v from anon, authenticated;` if only the server reads it.",
        fires: "```sql\ncreate view public.order_totals as\n  select user_id, sum(total) from public.orders group by user_id;\n```",
        passes: "```sql\ncreate view public.order_totals with (security_invoker = true) as\n  select user_id, sum(total) from public.orders group by user_id;\n```",
        guards: &[
            "Views with `security_invoker = true` (or `on`, `yes`, `1`).",
            "Views no API role can select, views in schemas PostgREST does not serve, Supabase's own schemas and views of extensions.",
            "Servers before PostgreSQL 15, where `security_invoker` does not exist (pinned by a unit test: the fixture server is 15).",
        ],
    },
    splinter: Some("0010_security_definer_view"),
    check: Check::Database(check),
};

/// `server_version_num` of PostgreSQL 15, which added `security_invoker`.
const SECURITY_INVOKER_SINCE: u32 = 150_000;

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    if catalog.server.version_num < SECURITY_INVOKER_SINCE {
        return;
    }
    for table in &catalog.tables {
        if table.kind != RelationKind::View || !catalog.exposed(table) {
            continue;
        }
        if catalog.security.view(table.oid).is_none_or(|view| view.security_invoker) {
            continue;
        }
        let roles = catalog.security.selectable_by(table.oid).join("`, `");
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::View, name: table.qualified() },
            format!(
                "view `{}` runs with its owner's privileges and `{roles}` can select it: it bypasses row-level security",
                table.qualified()
            ),
            "Without `security_invoker`, the view reads its tables as its owner, so the callers' policies do not \
apply to what it returns."
                .to_owned(),
            format!(
                "`alter view {} set (security_invoker = true);`, or `revoke select on {} from anon, authenticated;`.",
                table.sql_name(),
                table.sql_name()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use ceiling_facts::catalog::{Grant, Security, Server, Table, View};

    use super::*;

    /// The fixture server is PostgreSQL 15: a server without `security_invoker` is pinned here.
    #[test]
    fn servers_before_15_have_no_fix_to_ask_for() {
        let mut catalog = Catalog {
            server: Server { version_num: 140_011, ..Server::default() },
            tables: vec![Table {
                oid: 1,
                schema: "public".into(),
                name: "totals".into(),
                kind: RelationKind::View,
                ..Table::default()
            }],
            security: Security {
                api_roles: vec!["anon".into()],
                exposed_schemas: vec!["public".into()],
                grants: vec![Grant { oid: 1, roles: vec!["anon".into()], columns: None }],
                views: vec![View { oid: 1, ..View::default() }],
                ..Security::default()
            },
            ..Catalog::default()
        };
        let mut findings = Vec::new();
        check(&catalog, &mut findings);
        assert!(findings.is_empty());
        catalog.server.version_num = 150_018;
        check(&catalog, &mut findings);
        assert_eq!(findings.len(), 1);
    }
}
