//! `foreign-table-in-api`: a foreign table the API serves, which row-level security cannot
//! protect.

use ceiling_facts::catalog::{Catalog, RelationKind};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "foreign-table-in-api",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A foreign table the API serves: row-level security cannot apply to it, every caller reads the remote rows.",
    docs: Docs {
        what: "A foreign table (`postgres_fdw`, `wrappers`...) in a schema of `pgrst.db_schemas` \
(`public` when unset) that `anon` or `authenticated` can select.",
        why: "Foreign tables do not support row-level security: the API returns every remote row \
to anyone with the anon key, read with the credentials of the foreign server's user mapping.",
        fix: "Move the foreign table to a schema the API does not serve (`create schema private; \
alter foreign table public.t set schema private;`), or `revoke select on public.t from anon, \
authenticated;`, and expose what users may see through a function or view.",
        fires: "```sql\ncreate foreign table public.stripe_customers (id text, email text) server stripe_server;\n```",
        passes: "```sql\ncreate foreign table private.stripe_customers (id text, email text) server stripe_server;\n```",
        guards: &[
            "Foreign tables no API role can select, in schemas PostgREST does not serve, of Supabase's schemas or of extensions.",
        ],
    },
    splinter: Some("0017_foreign_table_in_api"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for table in &catalog.tables {
        if table.kind != RelationKind::ForeignTable || !catalog.exposed(table) {
            continue;
        }
        let roles = catalog.security.selectable_by(table.oid).join("`, `");
        findings.push(
            RULE.db_finding(
                DbObject { kind: ObjectKind::Table, name: table.qualified() },
                format!("foreign table `{}` is served by the API to `{roles}`", table.qualified()),
                "Foreign tables have no row-level security: every caller with the anon key reads every remote row."
                    .to_owned(),
                format!(
                    "Move it out of the API's schemas, or `revoke select on {} from anon, authenticated;`.",
                    table.sql_name()
                ),
            ),
        );
    }
}
