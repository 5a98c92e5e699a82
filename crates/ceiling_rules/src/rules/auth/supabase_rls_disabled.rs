//! `supabase-rls-disabled`: a table of the `public` schema, created by Supabase migrations,
//! without row-level security, or with a permissive policy that lets anyone write every row; in a
//! live database, a table the API serves without row-level security.

use ceiling_facts::catalog::{Catalog, RelationKind};
use ceiling_facts::{Policy, PolicyCommand, Project, SchemaSource, Table};

use crate::tables::span_of;
use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "supabase-rls-disabled",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Preview,
    summary: "A Supabase table has no row-level security, or a policy that lets anyone write every row: anyone with the public anon key can change it.",
    docs: Docs {
        what: "A table created by a migration under `supabase/migrations/` in the `public` schema, \
for which no migration runs `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` (or a later one \
disables it); or whose row-level security is enabled but a permissive policy for `anon`, \
`authenticated` or `public` (no `TO` clause) lets them write every row: `FOR INSERT ... WITH \
CHECK (true)`, or `FOR UPDATE`, `DELETE` or `ALL ... USING (true)`. One finding per such \
policy, at its `CREATE POLICY`. In a live database (`ceiling db`): a table that the REST API \
serves (in a schema of `pgrst.db_schemas`, selectable by `anon` or `authenticated`) with \
row-level security off.",
        why: "Supabase serves every table of the `public` schema over its REST API. The anon key \
that the browser uses is public by design, so without row-level security anyone can read every \
row, change or delete them, with a `curl`: the data of every user of the app, not only the \
attacker's. A policy whose condition is `true` opens the table the same way for what it \
allows: with `to anon` (or no `TO`, every role) any visitor holding the anon key, with `to \
authenticated` anyone who signs up, can insert rows as any user, or overwrite and delete every \
row of the table.",
        fix: "Enable row-level security and add policies for what each role may do: `alter table \
public.t enable row level security;` then, for example, `create policy \"own rows\" on \
public.t for all to authenticated using (auth.uid() = user_id) with check (auth.uid() = \
user_id);`. A table only the server uses needs RLS enabled and no policy (the service role \
bypasses it), or a schema that the API does not expose. For a policy that writes with `using \
(true)` or `with check (true)`, replace the constant with an ownership check: `using \
(auth.uid() = user_id) with check (auth.uid() = user_id)` (drop the old policy in a new \
migration, `drop policy \"name\" on public.t;`, then create the checked one); a table only the \
server writes needs no write policy at all.",
        fires: "```sql\ncreate table public.profiles (\n  id uuid primary key references auth.users,\n  full_name text\n);\n\n-- or, with row-level security on:\ncreate table public.comments (id bigint primary key, user_id uuid, body text);\nalter table public.comments enable row level security;\ncreate policy \"anyone can post\" on public.comments for insert to anon with check (true);\n```",
        passes: "```sql\ncreate table public.profiles (\n  id uuid primary key references auth.users,\n  full_name text\n);\nalter table public.profiles enable row level security;\ncreate policy \"profiles are public\" on public.profiles for select using (true);\ncreate policy \"own profile\" on public.profiles for update to authenticated\n  using (auth.uid() = id) with check (auth.uid() = id);\n```",
        guards: &[
            "Row-level security enabled by any later migration counts, whatever file it is in.",
            "Relations the migrations only index or alter (a materialized view, a table another service's database creates): row-level security is about tables they create.",
            "Tables created in another schema (`private.`, `auth.`, `storage.`), which the REST API does not expose by default.",
            "Tables whose schema of record is not a Supabase migration (a Prisma or Drizzle schema, another SQL folder): their database is not known to be Supabase's.",
            "`FOR SELECT ... USING (true)`: public reads are often the point (profiles, posts); only policies that write are reported.",
            "Policies with a real condition (`auth.uid() = user_id`), policies only for `service_role` or other roles the API key does not carry, and `AS RESTRICTIVE` policies, which never grant anything.",
            "A policy a later migration drops (`DROP POLICY`) or narrows (`ALTER POLICY ... USING (...)`); a policy sqlparser cannot read is not guessed at.",
            "In a live database (`ceiling db`), only tables the API serves count: a table or partition in a schema of `pgrst.db_schemas` (`public` when unset) that `anon` or `authenticated` can select, by a table or column grant. Tables no API role can select (no such role, no `USAGE` on the schema, or no grant), schemas PostgREST does not serve, and Supabase's own schemas (`auth`, `storage`...) are quiet; policies that open a table live there under `rls-policy-always-true`.",
        ],
    },
    splinter: Some("0013_rls_disabled_in_public"),
    check: Check::Both { code: check, database: check_database },
};

/// splinter 0013: a table the API serves with row-level security off.
fn check_database(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for table in &catalog.tables {
        if !matches!(table.kind, RelationKind::Table | RelationKind::PartitionedTable)
            || table.rls_enabled
            || !catalog.exposed(table)
        {
            continue;
        }
        let roles = catalog.security.selectable_by(table.oid).join("`, `");
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Table, name: table.qualified() },
            format!(
                "table `{}` has no row-level security and the API serves it: `{roles}` can read it, and write it as \
far as their grants go",
                table.qualified()
            ),
            format!(
                "`{}` is in a schema the REST API serves and `{roles}` can select it. The anon key ships in the \
browser: without row-level security, nothing but the grants stands between any visitor and every row.",
                table.schema
            ),
            format!(
                "`alter table {} enable row level security;` then add a policy per role that needs access (e.g. \
`using ((select auth.uid()) = user_id)`); a table only the server uses needs no policy, or `revoke all on {} from \
anon, authenticated;`.",
                table.sql_name(),
                table.sql_name()
            ),
        ));
    }
}

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for table in &project.schema.tables {
        let origin = &table.origin;
        let supabase = origin.source == SchemaSource::SqlMigration && origin.file.contains("supabase/migrations/");
        // No columns: only indexed or altered here (a materialized view, a table of another
        // database), never created by these migrations.
        if !supabase || table.namespace.is_some() || table.columns.is_empty() {
            continue;
        }
        if table.rls == Some(true) {
            table.policies.iter().filter(|policy| writes_every_row(policy)).for_each(|policy| {
                findings.push(open_policy(table, policy));
            });
            continue;
        }
        findings.push(RULE.finding(
            origin.file.clone(),
            span_of(origin),
            format!(
                "table `{}` has no row-level security: anyone with the public anon key can read and change every row",
                table.name
            ),
            "Supabase serves every table of the public schema over its REST API with the anon key, which \
ships in the browser: without row-level security nothing stops a caller from reading or changing all rows."
                .to_owned(),
            format!(
                "`alter table public.{} enable row level security;` and add a policy for each role that needs \
access (e.g. `using (auth.uid() = user_id)`).",
                table.name
            ),
        ));
    }
}

/// The roles of the REST API's callers: `anon` (the public key), `authenticated` (any signed-up
/// user), and `public`, which every role is a member of.
const API_ROLES: &[&str] = &["anon", "authenticated", "public"];

/// A permissive policy for an API role whose condition lets it write every row: `INSERT` with
/// `WITH CHECK (true)`, `UPDATE`, `DELETE` or `ALL` with `USING (true)`. Reads alone are not
/// writes, and public reads are often the point.
fn writes_every_row(policy: &Policy) -> bool {
    let opens = match policy.command {
        PolicyCommand::Select => false,
        PolicyCommand::Insert => policy.check_true,
        PolicyCommand::Update | PolicyCommand::Delete | PolicyCommand::All => policy.using_true,
    };
    opens && policy.permissive && policy.roles.iter().any(|role| API_ROLES.contains(&role.as_str()))
}

fn open_policy(table: &Table, policy: &Policy) -> Finding {
    let roles: Vec<&str> = policy.roles.iter().map(String::as_str).filter(|role| API_ROLES.contains(role)).collect();
    let who = if roles.iter().any(|role| *role != "authenticated") {
        "any visitor with the public anon key"
    } else {
        "any signed-up user"
    };
    let (does, condition) = match policy.command {
        PolicyCommand::Insert => ("insert any row, in any user's name, into", "with check (true)"),
        PolicyCommand::Update => ("change every row of", "using (true)"),
        PolicyCommand::Delete => ("delete every row of", "using (true)"),
        PolicyCommand::All | PolicyCommand::Select => ("insert, change and delete every row of", "using (true)"),
    };
    let fix_clause = match policy.command {
        PolicyCommand::Insert => "with check (auth.uid() = user_id)",
        PolicyCommand::Delete => "using (auth.uid() = user_id)",
        _ => "using (auth.uid() = user_id) with check (auth.uid() = user_id)",
    };
    RULE.finding(
        policy.origin.file.clone(),
        span_of(&policy.origin),
        format!(
            "policy \"{}\" on `{}` allows {} to {} with `{condition}`: {who} can {does} the table",
            policy.name,
            table.name,
            policy.command.as_sql(),
            roles.join(", "),
        ),
        format!(
            "Row-level security is on, but a permissive policy grants {} to `{}` on every row. Supabase's REST \
API runs as `anon` for anyone holding the anon key shipped in the browser, and as `authenticated` for \
anyone who signs up: {who} can {does} `{}` with one `curl`{}.",
            policy.command.as_sql(),
            roles.join("`, `"),
            table.name,
            if policy.command == PolicyCommand::Insert { ", or flood it" } else { ", other users' rows included" },
        ),
        format!(
            "Replace `{condition}` with an ownership check: in a new migration, `drop policy \"{name}\" on public.{table};` \
then `create policy \"{name}\" on public.{table} for {command} to authenticated {fix_clause};` (with the \
table's owner column for `user_id`); a table only the server writes needs no write policy, the service \
role bypasses row-level security.",
            name = policy.name,
            table = table.name,
            command = policy.command.as_sql().to_ascii_lowercase(),
        ),
    )
}
