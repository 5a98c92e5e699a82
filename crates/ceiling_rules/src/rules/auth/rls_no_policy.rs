//! `rls-no-policy`: a table the API serves with row-level security on and no policy at all.

use ceiling_facts::catalog::{Catalog, RelationKind};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "rls-no-policy",
    family: Family::Auth,
    severity: Severity::Info,
    status: Status::Preview,
    summary: "A table the API serves has row-level security on but no policy: every API request sees no rows.",
    docs: Docs {
        what: "A table of the live database, served by the REST API (in a schema of \
`pgrst.db_schemas`, selectable by `anon` or `authenticated`), whose row-level security is \
enabled while no policy exists on it.",
        why: "With row-level security on and no policy, PostgreSQL denies every row to every role \
but the owner and roles that bypass it. Requests through the API return nothing and writes \
fail, which is either a server-only table that should not be granted to the API roles, or \
policies that were forgotten.",
        fix: "Add the policies the app needs (`create policy \"own rows\" on public.t for select to \
authenticated using ((select auth.uid()) = user_id);`), or, for a table only the server \
uses, `revoke all on public.t from anon, authenticated;` so that the intent is explicit.",
        fires: "```sql\ncreate table public.orders (id bigint primary key, user_id uuid);\nalter table public.orders enable row level security;\n```",
        passes: "```sql\ncreate table public.orders (id bigint primary key, user_id uuid);\nalter table public.orders enable row level security;\ncreate policy \"own orders\" on public.orders for select to authenticated\n  using ((select auth.uid()) = user_id);\n```",
        guards: &[
            "Tables no API role can select (no `anon`/`authenticated` role, or no grant): a server-only table with row-level security and no policy is a deliberate lock, not a mistake.",
            "Schemas PostgREST does not serve, Supabase's own schemas and tables of extensions.",
        ],
    },
    splinter: Some("0008_rls_enabled_no_policy"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for table in &catalog.tables {
        if !matches!(table.kind, RelationKind::Table | RelationKind::PartitionedTable)
            || !table.rls_enabled
            || !catalog.exposed(table)
            || catalog.security.policies_of(table.oid).next().is_some()
        {
            continue;
        }
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Table, name: table.qualified() },
            format!("table `{}` has row-level security on and no policy: API requests see no rows", table.qualified()),
            "Without a policy, row-level security denies every row to the API roles: the table looks empty through \
the API and writes fail."
                .to_owned(),
            format!(
                "Add a policy for each role that needs access, or `revoke all on {} from anon, authenticated;` if only \
the server uses it.",
                table.sql_name()
            ),
        ));
    }
}
