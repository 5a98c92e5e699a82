//! `materialized-view-in-api`: a materialized view the API serves, which row-level security
//! cannot protect.

use ceiling_facts::catalog::{Catalog, RelationKind};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "materialized-view-in-api",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A materialized view the API serves: row-level security cannot apply to it, every caller reads all its rows.",
    docs: Docs {
        what: "A materialized view in a schema of `pgrst.db_schemas` (`public` when unset) that \
`anon` or `authenticated` can select.",
        why: "Materialized views store a copy of their query's rows and support neither row-level \
security nor `security_invoker`: whatever the policies of the source tables, every caller \
with the anon key reads every row of the copy.",
        fix: "`revoke select on public.mv from anon, authenticated;` and serve what each user may \
see through a function or a `security_invoker` view over it, or move it to a schema the API \
does not serve.",
        fires: "```sql\ncreate materialized view public.sales_by_user as\n  select user_id, sum(total) from public.orders group by user_id;\n```",
        passes: "```sql\ncreate schema private;\ncreate materialized view private.sales_by_user as\n  select user_id, sum(total) from public.orders group by user_id;\n```",
        guards: &[
            "Materialized views no API role can select, in schemas PostgREST does not serve, of Supabase's schemas or of extensions.",
        ],
    },
    splinter: Some("0016_materialized_view_in_api"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for table in &catalog.tables {
        if table.kind != RelationKind::MaterializedView || !catalog.exposed(table) {
            continue;
        }
        let roles = catalog.security.selectable_by(table.oid).join("`, `");
        findings.push(
            RULE.db_finding(
                DbObject { kind: ObjectKind::View, name: table.qualified() },
                format!("materialized view `{}` is served by the API to `{roles}`", table.qualified()),
                "A materialized view has no row-level security: every caller with the anon key reads all its rows."
                    .to_owned(),
                format!("`revoke select on {} from anon, authenticated;`", table.sql_name()),
            ),
        );
    }
}
