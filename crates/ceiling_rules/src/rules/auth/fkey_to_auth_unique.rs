//! `fkey-to-auth-unique`: a foreign key references a unique constraint of Supabase's `auth`
//! schema, other than a primary key.

use ceiling_facts::catalog::Catalog;

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "fkey-to-auth-unique",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Preview,
    summary: "A foreign key references a unique column of `auth` other than its primary key: Supabase may drop that constraint.",
    docs: Docs {
        what: "A foreign key of the app whose referenced key is a unique index, not the primary \
key, of a table in Supabase's `auth` schema (`references auth.users (email)`, \
`auth.users (phone)`).",
        why: "Supabase manages the `auth` schema and changes its unique constraints between \
versions; a foreign key that depends on one blocks those migrations, or breaks when the \
constraint is dropped. Only the primary key (`auth.users.id`) is a stable target.",
        fix: "Reference the primary key: `user_id uuid references auth.users (id)`, and read the \
email through a join or a `public.profiles` table.",
        fires: "```sql\ncreate table public.invites (email text references auth.users (email));\n```",
        passes: "```sql\ncreate table public.invites (user_id uuid references auth.users (id));\n```",
        guards: &[
            "Foreign keys to the primary key of an `auth` table.",
            "Foreign keys to unique columns of the app's own tables.",
        ],
    },
    splinter: Some("0021_fkey_to_auth_unique"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for key in &catalog.foreign_keys {
        let Some(table) = catalog.table(key.table_oid).filter(|table| !table.managed) else { continue };
        let Some(index) = catalog.indexes.iter().find(|index| index.oid == key.referenced_index_oid) else { continue };
        let Some(referenced) = catalog.table(key.referenced_oid) else { continue };
        if referenced.schema != "auth" || !index.unique || index.primary {
            continue;
        }
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Constraint, name: format!("{}: {}", table.qualified(), key.name) },
            format!(
                "foreign key `{}` of `{}` references `{}` through its unique index `{}`, not its primary key",
                key.name,
                table.qualified(),
                referenced.qualified(),
                index.name
            ),
            "Supabase manages the auth schema and may drop or change this unique constraint; the foreign key would \
block or break its migrations."
                .to_owned(),
            format!("Reference `{}` by its primary key (`id`) instead.", referenced.qualified()),
        ));
    }
}
