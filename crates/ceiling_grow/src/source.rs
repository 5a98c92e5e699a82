//! Where the scratch database's schema comes from, and putting it there.
//!
//! The app's own SQL migrations, applied in order, are the exact schema: types, enums, defaults,
//! partial and expression indexes. Without them (Django, or models only), the schema is DDL
//! generated from ceiling's schema model.

use std::path::Path;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::db::Db;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    /// SQL migrations, in the order they are applied (paths relative to the app).
    Migrations { files: Vec<String> },
    /// DDL generated from the app's models.
    Models,
    /// `--from-db`: the schema of a live database (`host:port/database`), dumped by `pg_dump`.
    Database { target: String },
}

impl Source {
    pub fn describe(&self) -> String {
        match self {
            Source::Migrations { files } => {
                let folder = files.first().and_then(|file| migrations_root(file)).unwrap_or_default();
                format!("{} SQL migration(s) in {folder}/", files.len())
            }
            Source::Models => "DDL generated from the app's models".to_owned(),
            Source::Database { target } => format!("the schema of {target} (pg_dump --schema-only)"),
        }
    }
}

/// The app's SQL migrations, when it has them: `.sql` files under a folder whose name says
/// migrations (`prisma/migrations/*/migration.sql`, `drizzle/*.sql`, `supabase/migrations/*.sql`,
/// `migrations/*.sql`), in path order, which is the order each of those tools applies them in.
/// When several such folders exist, the one with the most files wins. Seeds and down migrations
/// are left out.
pub fn find_migrations(schema_files: &[String]) -> Option<Source> {
    let mut roots: Vec<(&str, Vec<String>)> = Vec::new();
    for file in schema_files.iter().filter(|file| file.ends_with(".sql")) {
        let name = file.rsplit('/').next().unwrap_or(file).to_ascii_lowercase();
        if name.contains("seed") || name.contains("down") || name.contains("rollback") {
            continue;
        }
        let Some(root) = migrations_root(file) else { continue };
        match roots.iter_mut().find(|(r, _)| *r == root) {
            Some((_, files)) => files.push(file.clone()),
            None => roots.push((root, vec![file.clone()])),
        }
    }
    let (_, mut files) = roots.into_iter().max_by_key(|(root, files)| (files.len(), std::cmp::Reverse(*root)))?;
    files.sort();
    Some(Source::Migrations { files })
}

/// The migrations folder a file sits in (`prisma/migrations`, `drizzle`), if any.
fn migrations_root(file: &str) -> Option<&str> {
    let mut end = file.rfind('/')?;
    loop {
        let dir = &file[..end];
        let name = dir.rsplit('/').next().unwrap_or(dir);
        if matches!(name, "migrations" | "drizzle" | "migrate" | "migration") {
            return Some(dir);
        }
        end = dir.rfind('/')?;
    }
}

/// What a Supabase project provides before its migrations run: the API roles, Auth's `auth.users`
/// and helper functions, the `extensions` and `storage` schemas. Migrations reference them
/// (`references auth.users`, `auth.uid()` in policies, `create extension ... schema extensions`).
const SUPABASE_PLATFORM: &str = "
do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then create role anon nologin; end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then create role authenticated nologin; end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then create role service_role nologin bypassrls; end if;
end $$;
create schema if not exists extensions;
create schema if not exists auth;
create schema if not exists storage;
create table if not exists auth.users (
  id uuid primary key, email text, raw_user_meta_data jsonb, raw_app_meta_data jsonb,
  created_at timestamptz, updated_at timestamptz);
create or replace function auth.uid() returns uuid language sql stable as $$ select null::uuid $$;
create or replace function auth.jwt() returns jsonb language sql stable as $$ select '{}'::jsonb $$;
create or replace function auth.role() returns text language sql stable as $$ select null::text $$;
create or replace function auth.email() returns text language sql stable as $$ select null::text $$;
create table if not exists storage.buckets (id text primary key, name text, public boolean, created_at timestamptz);
create table if not exists storage.objects (
  id uuid primary key, bucket_id text references storage.buckets (id), name text, owner uuid,
  metadata jsonb, created_at timestamptz);
grant usage on schema public, auth, extensions, storage to anon, authenticated, service_role;
";

/// Whether the migrations are a Supabase project's, which run on top of its platform schemas.
pub fn needs_supabase_platform(files: &[String]) -> bool {
    files.iter().any(|file| file.starts_with("supabase/") || file.contains("/supabase/"))
}

/// Creates the Supabase platform objects the migrations expect (our own server only: in a shared
/// scratch database they would be objects outside our schema).
pub fn apply_supabase_platform(db: &Db) -> Result<(), String> {
    db.execute(SUPABASE_PLATFORM).map_err(|err| format!("cannot set up the Supabase platform schemas: {err}"))
}

/// Applies the migrations in order, each in its own transaction unless the caller holds one, in
/// `schema` when it is not `public`: every `public.` qualifier is rewritten to it, token by
/// token. `CONCURRENTLY` is dropped, since no one else uses the scratch database and it cannot
/// run in a transaction.
pub fn apply_migrations(
    db: &Db,
    root: &Path,
    files: &[String],
    schema: &str,
    own_transactions: bool,
) -> Result<(), String> {
    for file in files {
        let text = std::fs::read_to_string(root.join(file)).map_err(|err| format!("cannot read {file}: {err}"))?;
        let sql = rewrite(&text, schema).map_err(|err| format!("cannot read the SQL of {file}: {err}"))?;
        let wrapped = if own_transactions { format!("begin;\n{sql}\n;commit") } else { sql };
        db.execute(&wrapped).map_err(|err| {
            if own_transactions {
                let _ = db.execute("rollback");
            }
            format!("migration {file} failed on a fresh database: {err}")
        })?;
    }
    Ok(())
}

/// The `public` schema of the database at `url`, as DDL: `pg_dump --schema-only`, which only
/// reads the catalog. The password goes to pg_dump in its environment, not on its command line.
pub fn dump_schema(url: &str) -> Result<(String, String), String> {
    let target = ceiling_db::Target::parse(url).map_err(|err| format!("bad --from-db URL: {}", err.0))?;
    let pg_dump = ceiling_postgres::bin_dir()
        .map(|dir| dir.join("pg_dump"))
        .filter(|path| path.is_file())
        .unwrap_or_else(|| "pg_dump".into());
    let mut command = std::process::Command::new(&pg_dump);
    command.args(["--schema-only", "--no-owner", "--no-privileges", "--no-comments", "--schema", "public"]);
    for (name, _) in std::env::vars() {
        if name.starts_with("PG") {
            command.env_remove(name);
        }
    }
    command.envs(target.libpq_env()).env("PGCONNECT_TIMEOUT", "10");
    let output = command.output().map_err(|err| {
        format!(
            "cannot run {}: {err} (install the PostgreSQL client: the `postgresql-client` package)",
            pg_dump.display()
        )
    })?;
    let described = format!("{}/{}", target.host_port(), target.database());
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("pg_dump could not read the schema of {described}: {}", stderr.trim()));
    }
    // psql meta-commands (`\restrict`, which newer pg_dump writes) are not SQL, and the scratch
    // database has its `public` schema already.
    let sql = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| !line.starts_with('\\') && *line != "CREATE SCHEMA public;")
        .collect::<Vec<_>>()
        .join("\n");
    Ok((sql, described))
}

/// `sql` with `public.` qualifiers pointing at `schema`, and without `CONCURRENTLY`. Only those
/// words change: the rest of the text is kept byte for byte (string literals, comments). In a
/// schema other than `public` (a shared scratch database), a migration that ends or opens
/// transactions itself is refused: its `COMMIT` would end the transaction that keeps the
/// changes undoable.
pub fn rewrite(sql: &str, schema: &str) -> Result<String, String> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize_with_location().map_err(|err| err.to_string())?;
    let line_starts: Vec<usize> = std::iter::once(0).chain(sql.match_indices('\n').map(|(at, _)| at + 1)).collect();
    // sqlparser's locations are 1-based lines and character columns.
    let offset = |line: u64, column: u64| -> Option<usize> {
        let start = *line_starts.get(line.checked_sub(1)? as usize)?;
        let text = &sql[start..];
        let skip = column.checked_sub(1)? as usize;
        Some(start + text.char_indices().nth(skip).map_or(text.len(), |(at, _)| at))
    };
    let shared = schema != "public";
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut statement_start = true;
    let significant: Vec<&TokenWithSpan> = tokens.iter().filter(|t| !matches!(t.token, Token::Whitespace(_))).collect();
    for (at, token) in significant.iter().enumerate() {
        if let Token::Word(word) = &token.token {
            let bare = word.quote_style.is_none();
            let transaction_control = ["begin", "commit", "rollback", "end", "start", "savepoint", "release"]
                .iter()
                .any(|keyword| word.value.eq_ignore_ascii_case(keyword));
            if shared && statement_start && bare && transaction_control {
                return Err(format!(
                    "line {}: the migration controls its own transaction ({}), which --scratch-url cannot undo",
                    token.span.start.line, word.value
                ));
            }
            let qualifies = matches!(significant.get(at + 1).map(|t| &t.token), Some(Token::Period));
            let replacement = if bare && word.value.eq_ignore_ascii_case("concurrently") {
                Some(String::new())
            } else if shared && qualifies && word.value.eq_ignore_ascii_case("public") {
                Some(format!("\"{}\"", schema.replace('"', "\"\"")))
            } else {
                None
            };
            if let Some(replacement) = replacement {
                let span = (
                    offset(token.span.start.line, token.span.start.column),
                    offset(token.span.end.line, token.span.end.column),
                );
                let (Some(start), Some(end)) = span else { return Err("cannot locate a token".to_owned()) };
                edits.push((start, end, replacement));
            }
        }
        statement_start = matches!(token.token, Token::SemiColon);
    }
    let mut out = String::with_capacity(sql.len());
    let mut copied = 0;
    for (start, end, replacement) in edits {
        out.push_str(&sql[copied..start]);
        out.push_str(&replacement);
        copied = end;
    }
    out.push_str(&sql[copied..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::rewrite;

    #[test]
    fn only_the_qualifiers_and_concurrently_change() {
        let sql = "-- keep public.x in comments\ninsert into public.names values ('O''Brien', 'public.y');\n\
                   create index concurrently i on \"public\".names (n);";
        let out = rewrite(sql, "ceiling_grow").unwrap();
        assert_eq!(
            out,
            "-- keep public.x in comments\ninsert into \"ceiling_grow\".names values ('O''Brien', 'public.y');\n\
             create index  i on \"ceiling_grow\".names (n);"
        );
        assert_eq!(rewrite("select 'O''Brien' from public.t", "public").unwrap(), "select 'O''Brien' from public.t");
    }

    #[test]
    fn a_migration_that_commits_is_refused_in_a_shared_database_only() {
        let sql = "create table t (id int);\ncommit;\nbegin;\ncreate table u (id int);";
        assert!(rewrite(sql, "ceiling_grow").unwrap_err().contains("line 2"));
        assert!(rewrite(sql, "public").is_ok());
        // A function body's BEGIN is inside its string.
        let function = "create function f() returns int language plpgsql as $$ begin return 1; end $$;";
        assert!(rewrite(function, "ceiling_grow").is_ok());
    }
}
