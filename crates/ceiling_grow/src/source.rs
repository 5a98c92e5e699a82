//! Where the scratch database's schema comes from, and putting it there.
//!
//! The app's own SQL migrations, applied in order, are the exact schema: types, enums, defaults,
//! partial and expression indexes. Without them (Django, or models only), the schema is DDL
//! generated from ceiling's schema model.

use std::path::Path;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::db::Db;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    /// SQL migrations, in the order they are applied (paths relative to the app).
    Migrations { files: Vec<String> },
    /// DDL generated from the app's models.
    Models,
}

impl Source {
    pub fn describe(&self) -> String {
        match self {
            Source::Migrations { files } => {
                let folder = files.first().and_then(|file| migrations_root(file)).unwrap_or_default();
                format!("{} SQL migration(s) in {folder}/", files.len())
            }
            Source::Models => "DDL generated from the app's models".to_owned(),
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

/// `sql` with `public.` qualifiers pointing at `schema`, and without `CONCURRENTLY`.
pub fn rewrite(sql: &str, schema: &str) -> Result<String, String> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize().map_err(|err| err.to_string())?;
    let mut out = String::with_capacity(sql.len());
    for (at, token) in tokens.iter().enumerate() {
        if let Token::Word(word) = token {
            if word.value.eq_ignore_ascii_case("concurrently") && word.quote_style.is_none() {
                continue;
            }
            let qualifies = matches!(tokens.get(at + 1), Some(Token::Period));
            if qualifies && schema != "public" && word.value.eq_ignore_ascii_case("public") {
                out.push('"');
                out.push_str(&schema.replace('"', "\"\""));
                out.push('"');
                continue;
            }
        }
        out.push_str(&token.to_string());
    }
    Ok(out)
}
