//! `auth-rls-initplan`: a row-level security policy calls `auth.uid()` (or another per-request
//! function) once per row instead of once per statement.

use ceiling_facts::catalog::{Catalog, quote_ident};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "auth-rls-initplan",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A row-level security policy calls `auth.uid()`, `auth.jwt()` or `current_setting()` once per row: wrap it in `(select ...)`.",
    docs: Docs {
        what: "A policy of a table with row-level security on whose `USING` or `WITH CHECK` calls \
`auth.uid()`, `auth.jwt()`, `auth.role()`, `auth.email()` or `current_setting(...)` where the \
call's nearest enclosing subquery is not a bare `(select f(...))` (no `FROM`, no `WHERE`, one \
projection that reads no column). The expression is parsed from `pg_get_expr` under an empty \
search path, not matched as text: a policy that wraps one call and not another, \
`((select auth.uid()) = owner) or (id = auth.uid())`, is reported; so is a call inside a \
correlated subquery, `exists (select 1 from members m where m.user_id = auth.uid() ...)`.",
        why: "These functions return the same value for the whole statement, but PostgreSQL calls \
them for every row the policy filters: a query that scans 100,000 rows makes 100,000 calls \
(each `auth.uid()` reads and parses the JWT claims from a setting), and a call inside a \
correlated subquery repeats the subquery's work too. Wrapped in a scalar subquery, the planner \
runs it once as an initPlan and compares each row to the cached value.",
        fix: "Wrap each call in a subquery: `using ((select auth.uid()) = user_id)`, \
`(select auth.jwt()) ->> 'role'`, `(select current_setting('app.tenant_id'))`. Apply it with \
`alter policy \"name\" on public.t using (...)`; the finding shows the rewritten call.",
        fires: "```sql\nalter table public.posts enable row level security;\ncreate policy \"own posts\" on public.posts for select to authenticated\n  using (auth.uid() = user_id);\n```",
        passes: "```sql\nalter table public.posts enable row level security;\ncreate policy \"own posts\" on public.posts for select to authenticated\n  using ((select auth.uid()) = user_id);\n```",
        guards: &[
            "Calls already wrapped in a bare `(select f(...) [as x])`, also inside an `IN (select ... where user_id = (select auth.uid()))`.",
            "Policies of tables with row-level security off (they never run: `policy-rls-disabled`), and of Supabase's own schemas.",
            "Policies only for roles that bypass row-level security (`to service_role`, a superuser): they never run.",
            "A policy fixed with `alter policy` stops firing: the live expression is read, not a cached lint result.",
            "A policy whose expression cannot be parsed is reported by `could-not-check`, never passed silently.",
        ],
    },
    splinter: Some("0003_auth_rls_initplan"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for policy in &catalog.security.policies {
        let Some(table) = catalog.table(policy.table_oid) else { continue };
        if table.managed
            || !table.rls_enabled
            || policy.per_row_calls.is_empty()
            || !policy.runs_for_someone(&catalog.security.bypass_rls_roles)
        {
            continue;
        }
        let calls: Vec<String> = policy.per_row_calls.iter().map(|call| format!("`{call}`")).collect();
        let rewrites: Vec<String> =
            policy.per_row_calls.iter().map(|call| format!("`{call}` → `(select {call})`")).collect();
        findings.push(
            RULE.db_finding(
                DbObject { kind: ObjectKind::Policy, name: format!("{}: {}", table.qualified(), policy.name) },
                format!(
                    "policy \"{}\" on `{}` calls {} once per row: write `(select {})`",
                    policy.name,
                    table.qualified(),
                    calls.join(", "),
                    policy.per_row_calls[0]
                ),
                "PostgreSQL evaluates the call for every row the policy filters; wrapped in a scalar subquery it runs \
once per statement (an initPlan) and each row compares to the cached value."
                    .to_owned(),
                format!(
                    "In `alter policy {} on {} ...`, rewrite {}.",
                    quote_ident(&policy.name),
                    table.sql_name(),
                    rewrites.join(", ")
                ),
            ),
        );
    }
}
