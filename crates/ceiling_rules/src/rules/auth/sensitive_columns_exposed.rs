//! `sensitive-columns-exposed`: a table the API serves without row-level security has columns
//! named like secrets or personal data.

use ceiling_facts::catalog::{Catalog, RelationKind, quote_ident};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "sensitive-columns-exposed",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Preview,
    summary: "A table the API serves without row-level security has columns named like passwords, tokens or personal data.",
    docs: Docs {
        what: "A table served by the REST API (in a schema of `pgrst.db_schemas`, selectable by \
`anon` or `authenticated`) with row-level security off, and a column whose name, lowercased \
with `-` read as `_`, is one of splinter's sensitive names: `password`, `token`, \
`api_key`, `secret`, `ssn`, `credit_card`, `iban`, `cvv`, `passport_number`, \
`medical_record`... Only the columns the API roles can select count.",
        why: "Without row-level security the API returns every row to anyone with the anon key; \
a column of credentials or personal data makes that a leak of secrets, not only of content.",
        fix: "Enable row-level security with policies (`alter table public.t enable row level \
security;`), revoke the column from the API roles (`revoke select (password) on public.t \
from anon, authenticated;`), or move the secret to a table the API does not serve.",
        fires: "```sql\ncreate table public.integrations (id bigint primary key, api_key text);\n```",
        passes: "```sql\ncreate table public.integrations (id bigint primary key, api_key text);\nalter table public.integrations enable row level security;\n```",
        guards: &[
            "Tables with row-level security on, tables no API role can select, schemas PostgREST does not serve, Supabase's own schemas.",
            "Whole names only: `token_count` or `password_changed_at` are not secrets.",
            "Columns revoked from the API roles by a column grant (`grant select (id, name)`).",
        ],
    },
    splinter: Some("0023_sensitive_columns_exposed"),
    check: Check::Database(check),
};

/// splinter's list of column names that hold credentials or personal data.
const SENSITIVE: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "secret_key",
    "private_key",
    "api_key",
    "apikey",
    "auth_key",
    "token",
    "jwt",
    "access_token",
    "refresh_token",
    "oauth_token",
    "session_token",
    "bearer_token",
    "auth_code",
    "session_id",
    "session_key",
    "session_secret",
    "recovery_code",
    "backup_code",
    "verification_code",
    "otp",
    "two_factor",
    "2fa_secret",
    "2fa_code",
    "ssn",
    "social_security",
    "social_security_number",
    "driver_license",
    "drivers_license",
    "license_number",
    "passport_number",
    "passport_id",
    "national_id",
    "tax_id",
    "credit_card",
    "card_number",
    "cvv",
    "cvc",
    "cvn",
    "bank_account",
    "account_number",
    "routing_number",
    "iban",
    "swift_code",
    "bic",
    "health_record",
    "medical_record",
    "patient_id",
    "insurance_number",
    "health_insurance",
    "medical_insurance",
    "treatment",
    "mac_address",
    "macaddr",
    "imei",
    "device_uuid",
    "pgp_key",
    "gpg_key",
    "ssh_key",
    "certificate",
    "license_key",
    "activation_key",
    "facial_recognition",
];

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for table in &catalog.tables {
        if !matches!(table.kind, RelationKind::Table | RelationKind::PartitionedTable)
            || table.rls_enabled
            || !catalog.exposed(table)
        {
            continue;
        }
        let sensitive: Vec<&str> = catalog
            .columns
            .iter()
            .filter(|column| {
                column.table_oid == table.oid && catalog.security.column_selectable(table.oid, column.number)
            })
            .filter(|column| SENSITIVE.contains(&column.name.to_lowercase().replace('-', "_").as_str()))
            .map(|column| column.name.as_str())
            .collect();
        if sensitive.is_empty() {
            continue;
        }
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Table, name: table.qualified() },
            format!(
                "table `{}` is served by the API without row-level security and has sensitive columns: {}",
                table.qualified(),
                sensitive.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
            ),
            "Anyone with the anon key can read every row of these columns through the REST API.".to_owned(),
            format!(
                "`alter table {} enable row level security;` with policies, or `revoke select ({}) on {} from anon, \
authenticated;`.",
                table.sql_name(),
                sensitive.iter().map(|column| quote_ident(column)).collect::<Vec<_>>().join(", "),
                table.sql_name()
            ),
        ));
    }
}
