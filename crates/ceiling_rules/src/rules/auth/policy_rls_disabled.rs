//! `policy-rls-disabled`: a table has row-level security policies that do not apply, because
//! row-level security is off.

use ceiling_facts::catalog::Catalog;

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "policy-rls-disabled",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Preview,
    summary: "A table has row-level security policies, but row-level security is off: none of them applies.",
    docs: Docs {
        what: "A table of the live database with at least one policy (`pg_policy`) while its \
row-level security is disabled.",
        why: "Policies only run when row-level security is enabled on the table. Someone wrote them \
believing the rows are protected; until `ENABLE ROW LEVEL SECURITY`, every role with a grant \
reads and writes every row, whatever the policies say.",
        fix: "`alter table public.t enable row level security;` (check first that the policies \
allow what the app does), or drop the policies if the table is meant to be open.",
        fires: "```sql\ncreate table public.posts (id bigint primary key, user_id uuid);\ncreate policy \"own posts\" on public.posts using ((select auth.uid()) = user_id);\n```",
        passes: "```sql\ncreate table public.posts (id bigint primary key, user_id uuid);\nalter table public.posts enable row level security;\ncreate policy \"own posts\" on public.posts using ((select auth.uid()) = user_id);\n```",
        guards: &[
            "Supabase's own schemas (`auth`, `storage`...) and tables of extensions are not the app's.",
            "Tables with row-level security on, and tables without policies (`supabase-rls-disabled` judges those the API serves).",
        ],
    },
    splinter: Some("0007_policy_exists_rls_disabled"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for table in &catalog.tables {
        if table.rls_enabled || table.managed {
            continue;
        }
        let names: Vec<String> =
            catalog.security.policies_of(table.oid).map(|policy| format!("\"{}\"", policy.name)).collect();
        if names.is_empty() {
            continue;
        }
        findings.push(
            RULE.db_finding(
                DbObject { kind: ObjectKind::Table, name: table.qualified() },
                format!(
                    "table `{}` has policies ({}) but row-level security is off: they do not apply",
                    table.qualified(),
                    names.join(", ")
                ),
                "PostgreSQL ignores policies while row-level security is disabled: every role with a grant reads and \
writes every row."
                    .to_owned(),
                format!("`alter table {} enable row level security;`", table.sql_name()),
            ),
        );
    }
}
