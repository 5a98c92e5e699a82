//! `unsupported-reg-type`: a column typed with a `reg*` type that `pg_upgrade` cannot carry.

use ceiling_facts::catalog::{Catalog, quote_ident};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "unsupported-reg-type",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A column stores `regproc`, `regoper`, `regconfig`... (object oids): `pg_upgrade` refuses the database.",
    docs: Docs {
        what: "A column of a table, view or materialized view typed `regcollation`, `regconfig`, \
`regdictionary`, `regnamespace`, `regoper`, `regoperator`, `regproc` or `regprocedure`.",
        why: "These types store the oid of a catalog object, and oids change when `pg_upgrade` \
moves the database to a new major version: it refuses to run while such a column exists, \
which blocks the upgrade (on Supabase, the platform's upgrade too). `regclass`, `regtype` and \
`regrole` are fine.",
        fix: "Store the name instead: `alter table public.t alter column c type text using \
c::text;` (cast back with `::regconfig` where it is used).",
        fires: "```sql\ncreate table public.search_settings (id int primary key, config regconfig);\n```",
        passes: "```sql\ncreate table public.search_settings (id int primary key, config text, kind regclass);\n```",
        guards: &[
            "`regclass`, `regtype`, `regrole`, which `pg_upgrade` carries.",
            "Objects of extensions and of Supabase's own schemas.",
        ],
    },
    splinter: Some("0018_unsupported_reg_types"),
    check: Check::Database(check),
};

const UNSUPPORTED: &[&str] = &[
    "regcollation",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regoper",
    "regoperator",
    "regproc",
    "regprocedure",
];

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for column in &catalog.columns {
        if !UNSUPPORTED.contains(&column.type_name.trim_end_matches("[]")) {
            continue;
        }
        let Some(table) = catalog.table(column.table_oid).filter(|table| !table.managed) else { continue };
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Table, name: format!("{}: {}", table.qualified(), column.name) },
            format!(
                "column `{}`.`{}` is of type `{}`, which blocks `pg_upgrade`",
                table.qualified(),
                column.name,
                column.type_name
            ),
            "The column stores catalog oids, which change across major versions: `pg_upgrade` refuses the database."
                .to_owned(),
            format!(
                "`alter table {} alter column {} type text using {}::text;`",
                table.sql_name(),
                quote_ident(&column.name),
                quote_ident(&column.name)
            ),
        ));
    }
}
