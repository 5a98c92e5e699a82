//! `auth-users-exposed`: a view the API serves reads Supabase's `auth.users`.

use ceiling_facts::catalog::{Catalog, RelationKind};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "auth-users-exposed",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Preview,
    summary: "A view or materialized view the API serves reads `auth.users`: users' emails and metadata are public.",
    docs: Docs {
        what: "A view or materialized view of the live database, served by the REST API (in a \
schema of `pgrst.db_schemas`, selectable by `anon` or `authenticated`), that reads \
`auth.users` directly, and is a materialized view (which has no row-level security), a view \
without `security_invoker`, or a `security_invoker` view while `auth.users` has row-level \
security off.",
        why: "`auth.users` holds every user's email, phone, sign-in data and metadata. Supabase \
keeps it out of the API on purpose; a view in `public` that reads it as its owner hands all of \
it to anyone with the anon key.",
        fix: "Keep what the app needs in a `public.profiles` table filled by a trigger on \
`auth.users`, with row-level security; or move the view to a schema the API does not serve, \
or `revoke select on public.v from anon, authenticated;`.",
        fires: "```sql\ncreate view public.members as select id, email from auth.users;\n```",
        passes: "```sql\ncreate table public.profiles (id uuid primary key references auth.users, name text);\nalter table public.profiles enable row level security;\n```",
        guards: &[
            "Views no API role can select, and views in schemas PostgREST does not serve (`private.members`).",
            "`security_invoker` views while `auth.users` has row-level security on: the caller's policies apply.",
            "Views that do not read `auth.users` (a `public.profiles` table kept by a trigger), and Supabase's own schemas.",
        ],
    },
    splinter: Some("0002_auth_users_exposed"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    let users_protected = catalog.auth_users().is_some_and(|users| users.rls_enabled);
    for table in &catalog.tables {
        if !matches!(table.kind, RelationKind::View | RelationKind::MaterializedView) || !catalog.exposed(table) {
            continue;
        }
        let Some(view) = catalog.security.view(table.oid).filter(|view| view.reads_auth_users) else { continue };
        let how = match table.kind {
            RelationKind::MaterializedView => "a materialized view has no row-level security",
            _ if !view.security_invoker => "it reads `auth.users` with its owner's privileges",
            _ if !users_protected => "`auth.users` has row-level security off",
            _ => continue,
        };
        let roles = catalog.security.selectable_by(table.oid).join("`, `");
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::View, name: table.qualified() },
            format!("`{}` exposes `auth.users` to `{roles}`: {how}", table.qualified()),
            "`auth.users` holds every user's email, phone and metadata; the API serves this view to anyone with the \
anon key."
                .to_owned(),
            format!(
                "Read from a `public.profiles` table with row-level security instead, move the view out of the API's \
schemas, or `revoke select on {} from anon, authenticated;`.",
                table.qualified()
            ),
        ));
    }
}
