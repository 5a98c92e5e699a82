//! `graphql-table-exposed`: with pg_graphql installed, a relation the API roles can select is
//! visible in the GraphQL schema.

use ceiling_facts::catalog::{Catalog, RelationKind};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "graphql-table-exposed",
    family: Family::Auth,
    severity: Severity::Info,
    status: Status::Preview,
    summary: "With pg_graphql installed, a table or view the API roles can select is visible in the GraphQL schema.",
    docs: Docs {
        what: "A table, view, materialized view or foreign table of the app that `anon` or \
`authenticated` can select (a table grant or a column grant), in a database where the \
`pg_graphql` extension is installed. Covers splinter's lints 0026 (`anon`) and 0027 \
(`authenticated`) in one finding for the extension, naming the first relations and counting the rest: on a \
default Supabase project every table the browser reads is granted to the API roles, and one \
finding per table would bury the rest of the report.",
        why: "pg_graphql builds its schema from what the caller's role can select: the relation, \
its columns and relations appear in GraphQL introspection to anyone with the anon key (or any \
signed-up user), which maps the data model for an attacker, and serves the rows wherever \
row-level security does not stop them.",
        fix: "Revoke what should not be discoverable: `revoke select on public.t from anon;` (and \
from `authenticated` for objects only the server reads); or, if the app does not use \
GraphQL, `drop extension pg_graphql;`.",
        fires: "```sql\ncreate extension pg_graphql;\ncreate table public.internal_notes (id bigint primary key, body text);\ngrant select on public.internal_notes to anon;\n```",
        passes: "```sql\n-- no pg_graphql: nothing is served over GraphQL\ncreate table public.internal_notes (id bigint primary key, body text);\ngrant select on public.internal_notes to anon;\n```",
        guards: &[
            "Databases without the `pg_graphql` extension.",
            "Relations no API role can select, Supabase's own schemas and objects of extensions.",
        ],
    },
    splinter: Some("0026_pg_graphql_anon_table_exposed"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    if catalog.security.extension("pg_graphql").is_none() {
        return;
    }
    let exposed: Vec<String> = catalog
        .tables
        .iter()
        .filter(|table| !table.managed && table.kind != RelationKind::PartitionedTable && catalog.api_can_select(table))
        .map(|table| table.qualified())
        .collect();
    if exposed.is_empty() {
        return;
    }
    // Every table the browser reads through supabase-js is granted to the API roles, so it is in
    // the GraphQL schema too: one finding for the extension says it once, instead of one per table
    // burying the rest of the report.
    let shown = exposed.iter().take(MAX_NAMED).map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ");
    let more = exposed.len().saturating_sub(MAX_NAMED);
    findings.push(
        RULE.db_finding(
            DbObject { kind: ObjectKind::Extension, name: "pg_graphql".to_owned() },
            format!(
                "{} relation(s) the API roles can select are visible in the GraphQL schema: {shown}{}",
                exposed.len(),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            ),
            "pg_graphql reflects every relation the caller's role can select: its name, columns and relations show \
in introspection to anyone with the anon key."
                .to_owned(),
            "If the app does not use GraphQL, `drop extension pg_graphql;`; otherwise revoke `select` from `anon` on \
what should not be discoverable."
                .to_owned(),
        ),
    );
}

/// Relations named in the message; the rest are counted.
const MAX_NAMED: usize = 5;
