//! `security-definer-function-exposed`: a `SECURITY DEFINER` function the API lets its roles call.

use ceiling_facts::catalog::Catalog;

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "security-definer-function-exposed",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A `SECURITY DEFINER` function in a schema the API serves can be called by `anon` or `authenticated` over RPC.",
    docs: Docs {
        what: "A `SECURITY DEFINER` function in a schema of `pgrst.db_schemas` (`public` when \
unset) that `anon` or `authenticated` may execute. PostgreSQL grants `EXECUTE` to every role \
by default, so a function nobody revoked counts. Covers splinter's lints 0028 (`anon`) and \
0029 (`authenticated`).",
        why: "PostgREST serves such functions at `/rest/v1/rpc/<name>`. The function runs with its \
owner's privileges, which bypass row-level security: any caller with the anon key (or any \
signed-up user) can run it with arguments of their choice, and read or change what its owner \
can.",
        fix: "`revoke execute on function public.f(uuid) from public, anon, authenticated;` for a \
function only triggers or the server call; move it to a schema the API does not serve; or \
make it `security invoker` and rely on the caller's grants and policies.",
        fires: "```sql\ncreate function public.delete_user(id uuid) returns void language sql security definer\n  set search_path = '' as $$ delete from auth.users where id = $1 $$;\n```",
        passes: "```sql\ncreate function public.delete_user(id uuid) returns void language sql security definer\n  set search_path = '' as $$ delete from auth.users where id = $1 $$;\nrevoke execute on function public.delete_user(uuid) from public, anon, authenticated;\n```",
        guards: &[
            "`SECURITY INVOKER` functions (the default): they run with the caller's privileges.",
            "Trigger functions (`returns trigger`, like Supabase's `handle_new_user()`): PostgreSQL refuses to call them outside a trigger, so the API cannot.",
            "Functions whose `EXECUTE` is revoked from the API roles (and from `public`).",
            "Functions in schemas PostgREST does not serve, in Supabase's own schemas, and of extensions.",
        ],
    },
    splinter: Some("0028_anon_security_definer_function_executable"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for function in &catalog.security.functions {
        if function.managed
            || !function.security_definer
            || function.is_trigger
            || function.executable_by.is_empty()
            || !catalog.security.exposed_schemas.contains(&function.schema)
        {
            continue;
        }
        let roles = function.executable_by.join("`, `");
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Function, name: function.signature() },
            format!("`SECURITY DEFINER` function `{}` can be called over the API by `{roles}`", function.signature()),
            format!(
                "PostgREST serves it at `/rest/v1/rpc/{}`; it runs with its owner's privileges, bypassing row-level \
security, for any caller holding the anon key.",
                function.name
            ),
            format!(
                "`revoke execute on function {}.{}({}) from public, anon, authenticated;`, or make it `security \
invoker`.",
                function.schema, function.name, function.arguments
            ),
        ));
    }
}
