//! `extension-in-public`: an extension installed in the `public` schema.

use ceiling_facts::catalog::Catalog;

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "extension-in-public",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "An extension is installed in the `public` schema: its functions and tables sit in the API's schema.",
    docs: Docs {
        what: "An extension of the live database whose objects live in `public` \
(`pg_extension.extnamespace`), other than `plpgsql`, while the REST API serves `public` (it is \
in `pgrst.db_schemas`, or that is unset and the API roles `anon`/`authenticated` exist).",
        why: "Everything the extension creates lands in `public`: its functions become callable \
over the REST API's RPC, its tables and views are served next to the app's, and its names \
collide with the app's. Supabase installs extensions in a dedicated `extensions` schema for \
this reason.",
        fix: "`create schema if not exists extensions; alter extension <name> set schema \
extensions;` (for extensions that support relocation; otherwise drop and re-create it with \
`with schema extensions`), then add `extensions` to the roles' search_path where it is used.",
        fires: "```sql\ncreate extension pg_trgm;  -- lands in public\n```",
        passes: "```sql\ncreate schema extensions;\ncreate extension pg_trgm with schema extensions;\n```",
        guards: &[
            "`plpgsql`, which every database has and which creates nothing callable.",
            "Extensions in any other schema (`extensions`, `pg_catalog`).",
            "Databases whose API does not serve `public` (no `anon`/`authenticated` role, or `pgrst.db_schemas` without it): there the extension's objects are only clutter.",
        ],
    },
    splinter: Some("0014_extension_in_public"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    if !catalog.security.exposed_schemas.iter().any(|schema| schema == "public") {
        return;
    }
    for extension in &catalog.security.extensions {
        if extension.schema != "public" || extension.name == "plpgsql" {
            continue;
        }
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Extension, name: extension.name.clone() },
            format!("extension `{}` is installed in the `public` schema", extension.name),
            "Its functions and tables sit in the schema the API serves, next to the app's, and can be called or read \
through it."
                .to_owned(),
            format!(
                "`create schema if not exists extensions; alter extension {} set schema extensions;`",
                extension.name
            ),
        ));
    }
}
