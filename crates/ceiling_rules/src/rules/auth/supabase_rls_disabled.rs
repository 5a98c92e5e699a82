//! `supabase-rls-disabled`: a table of the `public` schema, created by Supabase migrations,
//! without row-level security.

use ceiling_facts::{Project, SchemaSource};

use crate::tables::span_of;
use crate::{Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "supabase-rls-disabled",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Preview,
    summary: "A Supabase table has no row-level security: anyone with the public anon key can read and write it.",
    docs: Docs {
        what: "A table created by a migration under `supabase/migrations/` in the `public` schema, \
for which no migration runs `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` (or a later one \
disables it).",
        why: "Supabase serves every table of the `public` schema over its REST API. The anon key \
that the browser uses is public by design, so without row-level security anyone can read every \
row, change or delete them, with a `curl`: the data of every user of the app, not only the \
attacker's.",
        fix: "Enable row-level security and add policies for what each role may do: `alter table \
public.t enable row level security;` then, for example, `create policy \"own rows\" on \
public.t for all to authenticated using (auth.uid() = user_id) with check (auth.uid() = \
user_id);`. A table only the server uses needs RLS enabled and no policy (the service role \
bypasses it), or a schema that the API does not expose.",
        fires: "```sql\ncreate table public.profiles (\n  id uuid primary key references auth.users,\n  full_name text\n);\n```",
        passes: "```sql\ncreate table public.profiles (\n  id uuid primary key references auth.users,\n  full_name text\n);\nalter table public.profiles enable row level security;\n```",
        guards: &[
            "Row-level security enabled by any later migration counts, whatever file it is in.",
            "Relations the migrations only index or alter (a materialized view, a table another service's database creates): row-level security is about tables they create.",
            "Tables created in another schema (`private.`, `auth.`, `storage.`), which the REST API does not expose by default.",
            "Tables whose schema of record is not a Supabase migration (a Prisma or Drizzle schema, another SQL folder): their database is not known to be Supabase's.",
        ],
    },
    check,
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for table in &project.schema.tables {
        let origin = &table.origin;
        let supabase = origin.source == SchemaSource::SqlMigration && origin.file.contains("supabase/migrations/");
        // No columns: only indexed or altered here (a materialized view, a table of another
        // database), never created by these migrations.
        if !supabase || table.namespace.is_some() || table.rls == Some(true) || table.columns.is_empty() {
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
