//! `rls-user-metadata`: a row-level security policy trusts the JWT's `user_metadata`, which
//! each user can edit.

use ceiling_facts::catalog::Catalog;

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "rls-user-metadata",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Preview,
    summary: "A row-level security policy decides on the JWT's `user_metadata`, which every user can change for themselves.",
    docs: Docs {
        what: "A policy whose `USING` or `WITH CHECK` reads `user_metadata` from the JWT: \
`auth.jwt() -> 'user_metadata'`, `auth.jwt() #>> '{user_metadata,role}'`, or the same on \
`current_setting('request.jwt.claims')`. The expression is parsed: the key must be read from \
the JWT, not merely appear in the text.",
        why: "Supabase Auth lets every signed-in user write their own `user_metadata` \
(`supabase.auth.updateUser({ data: { role: 'admin' } })`), and it is copied into their next \
JWT. A policy that grants on it (`role = 'admin'`, `team_id = ...`) grants whatever the user \
writes there.",
        fix: "Read authorization data from `app_metadata` (`auth.jwt() -> 'app_metadata'`), which \
only the service role can change, or from a table the user cannot write (`exists (select 1 \
from public.admins where user_id = (select auth.uid()))`).",
        fires: "```sql\ncreate policy \"admins\" on public.reports for select to authenticated\n  using ((auth.jwt() -> 'user_metadata' ->> 'role') = 'admin');\n```",
        passes: "```sql\ncreate policy \"admins\" on public.reports for select to authenticated\n  using (((select auth.jwt()) -> 'app_metadata' ->> 'role') = 'admin');\n```",
        guards: &[
            "`app_metadata`, and JWT claims other than `user_metadata` (`role`, `sub`).",
            "A column or string named `user_metadata` that is not read from the JWT.",
            "Policies of Supabase's own schemas.",
        ],
    },
    splinter: Some("0015_rls_references_user_metadata"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for policy in &catalog.security.policies {
        let Some(table) = catalog.table(policy.table_oid) else { continue };
        if table.managed || !policy.reads_user_metadata {
            continue;
        }
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Policy, name: format!("{}: {}", table.qualified(), policy.name) },
            format!(
                "policy \"{}\" on `{}` decides on the JWT's `user_metadata`, which each user can set",
                policy.name,
                table.qualified()
            ),
            "Any signed-in user can write their own user_metadata with `supabase.auth.updateUser()`; it reaches the \
next JWT and this policy trusts it."
                .to_owned(),
            "Read the claim from `app_metadata` (only the service role writes it) or from a table users cannot \
write."
                .to_owned(),
        ));
    }
}
