//! Roles, exposure through the API, row-level security policies, views, functions, extensions.
//!
//! The API roles are looked up first: `has_table_privilege('anon', ...)` raises an error when the
//! role does not exist, so the later queries only name roles that do (from a fixed list, never
//! text of the database).

mod policy;

use ceiling_facts::catalog::{
    Bucket, Catalog, Extension, Function, Grant, PLATFORM_SCHEMAS, Policy, PolicyCommand, Unchecked, View,
};

use super::{SYSTEM_SCHEMAS, oid, read};
use crate::session::Session;

/// The roles Supabase and PostgREST run requests as (`anon` holds the public key, `authenticated`
/// any signed-in user), the schemas PostgREST serves, and whether Supabase Storage is there.
///
/// PostgREST reads `pgrst.db_schemas` in its own session, as `authenticator`: that role's setting
/// (for this database first) wins over the database's, which is what our session sees.
const SETUP_SQL: &str = "select array_remove(array[case when to_regrole('anon') is not null then 'anon' end, \
     case when to_regrole('authenticated') is not null then 'authenticated' end], null)::text[], \
     coalesce((select substr(s, length('pgrst.db_schemas=') + 1) \
               from pg_db_role_setting d cross join unnest(d.setconfig) s \
               where d.setrole = to_regrole('authenticator') and s like 'pgrst.db\\_schemas=%' \
               and d.setdatabase in (0, (select oid from pg_database where datname = current_database())) \
               order by d.setdatabase desc limit 1), \
              current_setting('pgrst.db_schemas', true)), \
     to_regclass('storage.buckets') is not null";

/// `array['anon', ...]` of the API roles for which `privilege` (an SQL condition with `{role}`)
/// holds; an empty array when no API role exists.
fn roles_where(roles: &[String], privilege: &str) -> String {
    let cases: String = roles
        .iter()
        .map(|role| format!(", case when {} then '{role}' end", privilege.replace("{role}", role)))
        .collect();
    format!("array_remove(array[null::text{cases}], null)")
}

/// A role reaches a relation with `USAGE` on its schema and a grant on it (of the table, or of
/// some column). The columns an API role may select are listed only for a relation it reaches
/// through column grants alone.
fn grants_sql(roles: &[String]) -> String {
    let table_level = roles_where(
        roles,
        "has_schema_privilege('{role}', n.oid, 'USAGE') and has_table_privilege('{role}', c.oid, 'SELECT')",
    );
    let column = roles
        .iter()
        .map(|role| {
            format!(
                "(has_schema_privilege('{role}', n.oid, 'USAGE') \
                 and has_column_privilege('{role}', c.oid, a.attnum, 'SELECT'))"
            )
        })
        .collect::<Vec<_>>()
        .join(" or ");
    format!(
        "select c.oid::int8, {}, case when cardinality({table_level}) = 0 then array(select a.attnum \
         from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and ({column}) \
         order by 1) end \
         from pg_class c join pg_namespace n on n.oid = c.relnamespace \
         where c.relkind in ('r', 'p', 'v', 'm', 'f') and {SYSTEM_SCHEMAS}",
        roles_where(
            roles,
            "has_schema_privilege('{role}', n.oid, 'USAGE') and has_any_column_privilege('{role}', c.oid, 'SELECT')"
        )
    )
}

/// Expressions are printed with the session's empty search path, so every name is qualified
/// (`auth.uid()`), whatever the app's search path.
fn policies_sql() -> String {
    format!(
        "select p.polrelid::int8, p.polname::text, p.polpermissive, p.polcmd::text, \
         array(select case when r = 0 then 'public' else r::regrole::text end from unnest(p.polroles) r order by 1), \
         pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) \
         from pg_policy p join pg_class c on c.oid = p.polrelid join pg_namespace n on n.oid = c.relnamespace \
         where {SYSTEM_SCHEMAS} order by 1, 2"
    )
}

fn views_sql() -> String {
    format!(
        "select c.oid::int8, coalesce(lower(c.reloptions::text)::text[] && array['security_invoker=1', \
         'security_invoker=true', 'security_invoker=yes', 'security_invoker=on'], false), \
         exists (select 1 from pg_rewrite w join pg_depend d on d.classid = 'pg_rewrite'::regclass and d.objid = w.oid \
                 where w.ev_class = c.oid and d.refobjid = to_regclass('auth.users') and d.deptype = 'n') \
         from pg_class c join pg_namespace n on n.oid = c.relnamespace \
         where c.relkind in ('v', 'm') and {SYSTEM_SCHEMAS}"
    )
}

/// Functions and procedures; aggregates and window functions take no `SET` clause.
fn functions_sql(roles: &[String]) -> String {
    format!(
        "select p.oid::int8, n.nspname::text, p.proname::text, pg_get_function_identity_arguments(p.oid), \
         p.prosecdef, exists (select 1 from unnest(coalesce(p.proconfig, '{{}}')) s where s like 'search_path=%'), \
         {}, exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid \
                     and d.deptype = 'e'), \
         p.prorettype in ('pg_catalog.trigger'::regtype, 'pg_catalog.event_trigger'::regtype) \
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace \
         where p.prokind in ('f', 'p') and {SYSTEM_SCHEMAS} order by 2, 3, 4",
        roles_where(
            roles,
            "has_schema_privilege('{role}', n.oid, 'USAGE') and has_function_privilege('{role}', p.oid, 'EXECUTE')"
        )
    )
}

const BYPASS_RLS_SQL: &str = "select rolname::text from pg_roles where rolbypassrls or rolsuper order by 1";

const EXTENSIONS_SQL: &str = "select e.extname::text, n.nspname::text, e.extversion::text, a.default_version::text \
     from pg_extension e join pg_namespace n on n.oid = e.extnamespace \
     left join pg_available_extensions a on a.name = e.extname order by 1";

/// Read only when the table exists: a database without Supabase Storage has no such table.
const BUCKETS_SQL: &str = "select id::text, name::text from storage.buckets where public order by 1";

pub fn load(session: &mut Session, catalog: &mut Catalog) {
    let setup = read(session, catalog, "API roles", SETUP_SQL, |row| {
        (row.get::<_, Vec<String>>(0), row.get::<_, Option<String>>(1), row.get::<_, bool>(2))
    });
    let Some((roles, schemas, has_buckets)) = setup.into_iter().next() else { return };
    let mut exposed: Vec<String> = schemas
        .iter()
        .flat_map(|list| list.split(','))
        .map(|schema| schema.trim().trim_matches('"').to_owned())
        .filter(|schema| !schema.is_empty())
        .collect();
    // PostgREST's default, and Supabase's: only `public` is served unless configured otherwise.
    if exposed.is_empty() && !roles.is_empty() {
        exposed.push("public".to_owned());
    }
    catalog.security.exposed_schemas = exposed;
    if !roles.is_empty() {
        catalog.security.grants = read(session, catalog, "API roles' privileges", &grants_sql(&roles), |row| Grant {
            oid: oid(row, 0),
            roles: row.get(1),
            columns: row.get(2),
        })
        .into_iter()
        .filter(|grant| !grant.roles.is_empty())
        .collect();
    }
    catalog.security.api_roles = roles.clone();
    catalog.security.bypass_rls_roles =
        read(session, catalog, "roles that bypass row-level security", BYPASS_RLS_SQL, |row| row.get(0));
    load_policies(session, catalog);
    catalog.security.views = read(session, catalog, "views", &views_sql(), |row| View {
        oid: oid(row, 0),
        security_invoker: row.get(1),
        reads_auth_users: row.get(2),
    });
    catalog.security.functions = read(session, catalog, "functions", &functions_sql(&roles), |row| {
        let schema: String = row.get(1);
        Function {
            oid: oid(row, 0),
            managed: row.get::<_, bool>(7) || PLATFORM_SCHEMAS.contains(&schema.as_str()),
            schema,
            name: row.get(2),
            arguments: row.get(3),
            security_definer: row.get(4),
            pins_search_path: row.get(5),
            executable_by: row.get(6),
            is_trigger: row.get(8),
        }
    });
    catalog.security.extensions = read(session, catalog, "extensions", EXTENSIONS_SQL, |row| Extension {
        name: row.get(0),
        schema: row.get(1),
        installed_version: row.get(2),
        default_version: row.get(3),
    });
    if has_buckets {
        catalog.security.public_buckets =
            read(session, catalog, "storage buckets", BUCKETS_SQL, |row| Bucket { id: row.get(0), name: row.get(1) });
    }
}

/// Policies, with their expressions parsed: a policy that does not parse is said to be unchecked,
/// never taken for a harmless one.
fn load_policies(session: &mut Session, catalog: &mut Catalog) {
    let rows = read(session, catalog, "row-level security policies", &policies_sql(), |row| {
        let command = match row.get::<_, &str>(3) {
            "r" => PolicyCommand::Select,
            "a" => PolicyCommand::Insert,
            "w" => PolicyCommand::Update,
            "d" => PolicyCommand::Delete,
            _ => PolicyCommand::All,
        };
        Policy {
            table_oid: oid(row, 0),
            name: row.get(1),
            permissive: row.get(2),
            command,
            roles: row.get(4),
            using: row.get(5),
            with_check: row.get(6),
            ..Policy::default()
        }
    });
    for mut policy in rows {
        match policy::analyse(policy.using.as_deref(), policy.with_check.as_deref()) {
            Ok(analysis) => {
                policy.per_row_calls = analysis.per_row_calls;
                policy.using_always_true = analysis.using_always_true;
                policy.check_always_true = analysis.check_always_true;
                policy.reads_user_metadata = analysis.reads_user_metadata;
                policy.using_only_bucket = analysis.using_only_bucket;
            }
            Err(reason) => catalog.unchecked.push(Unchecked {
                what: format!("policy \"{}\" on {}", policy.name, catalog.table_name(policy.table_oid)),
                reason: format!("its expression could not be parsed ({reason}); its checks did not run"),
            }),
        }
        catalog.security.policies.push(policy);
    }
}
