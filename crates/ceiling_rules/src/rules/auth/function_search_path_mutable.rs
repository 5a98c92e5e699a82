//! `function-search-path-mutable`: a function of the app that does not pin its `search_path`.

use ceiling_facts::catalog::Catalog;

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "function-search-path-mutable",
    family: Family::Auth,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A function does not set its `search_path`: the caller's path decides which tables and functions its names mean.",
    docs: Docs {
        what: "A function or procedure of the app (not of an extension, not in Supabase's own \
schemas) whose definition has no `SET search_path = ...`. `SECURITY DEFINER` functions are \
named as such in the message.",
        why: "Unqualified names in the body (`users`, `now()`, `=`) resolve through the caller's \
`search_path`. A role that can create objects in a schema earlier on that path can shadow \
them, and a `SECURITY DEFINER` function then runs the attacker's object with its owner's \
privileges. Even without an attacker, the function's meaning changes with the session.",
        fix: "Pin the path in the definition: `alter function public.f(uuid) set search_path = '';` \
and qualify the names in the body (`public.users`), or `set search_path = public, \
pg_temp`.",
        fires: "```sql\ncreate function public.handle_new_user() returns trigger language plpgsql security definer as $$\nbegin insert into profiles (id) values (new.id); return new; end $$;\n```",
        passes: "```sql\ncreate function public.handle_new_user() returns trigger language plpgsql security definer\n  set search_path = '' as $$\nbegin insert into public.profiles (id) values (new.id); return new; end $$;\n```",
        guards: &[
            "Functions with `SET search_path` in their definition, to any value (`''`, `public, pg_temp`).",
            "Functions of extensions (`pg_depend`), and functions in Supabase's own schemas (`auth.uid()`).",
            "Aggregates and window functions, which take no `SET` clause.",
            "Reported as `warning` for `SECURITY DEFINER` functions, which run with their owner's rights; `info` for the others, which a hijacked path can only turn against their own caller.",
        ],
    },
    splinter: Some("0011_function_search_path_mutable"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for function in &catalog.security.functions {
        if function.managed || function.pins_search_path {
            continue;
        }
        let definer = if function.security_definer { "`SECURITY DEFINER` function" } else { "function" };
        // A function that runs with its caller's rights can only be turned against that caller;
        // one that runs with its owner's (often the superuser's) is the escalation splinter warns of.
        let severity = if function.security_definer { Severity::Warning } else { Severity::Info };
        findings.push(Finding {
            severity,
            ..RULE.db_finding(
                DbObject { kind: ObjectKind::Function, name: function.signature() },
                format!("{definer} `{}` does not set its search_path", function.signature()),
                "Unqualified names in its body resolve through the caller's search_path, which a role able to create \
objects earlier on that path can use to substitute its own."
                    .to_owned(),
                format!(
                    "`alter function {}.{}({}) set search_path = '';` and qualify the names its body uses.",
                    function.schema, function.name, function.arguments
                ),
            )
        });
    }
}
