//! `extension-outdated`: an extension older than the version the server ships.

use ceiling_facts::catalog::Catalog;

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "extension-outdated",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "An installed extension is older than the version the server ships: its fixes are not applied.",
    docs: Docs {
        what: "An extension whose installed version (`pg_extension.extversion`) differs from the \
default version the server's files provide (`pg_available_extensions.default_version`).",
        why: "Upgrading the server's packages updates an extension's files, not the objects it \
created in each database: until `ALTER EXTENSION ... UPDATE`, the database keeps the old \
SQL definitions, security fixes included.",
        fix: "`alter extension <name> update;` (read the extension's release notes first: an \
update can change functions the app calls).",
        fires: "```sql\ncreate extension pg_trgm version '1.5';  -- the server ships 1.6\n```",
        passes: "```sql\ncreate extension pg_trgm;  -- the default version\n```",
        guards: &[
            "Extensions at the default version, and extensions whose files are no longer on the server (no default version to compare with).",
        ],
    },
    splinter: Some("0022_extension_versions_outdated"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for extension in &catalog.security.extensions {
        let Some(default) = &extension.default_version else { continue };
        if *default == extension.installed_version {
            continue;
        }
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Extension, name: extension.name.clone() },
            format!(
                "extension `{}` is at version {}; the server ships {default}",
                extension.name, extension.installed_version
            ),
            "The database keeps the extension's old definitions until it is updated, fixes included.".to_owned(),
            format!("`alter extension {} update;` after reading its release notes.", extension.name),
        ));
    }
}
