//! The database `ceiling grow` fills: a PostgreSQL it starts itself (the default), or a schema
//! of its own in a database the user names with `--scratch-url`. It never writes anywhere else.

use ceiling_facts::catalog::quote_ident;
use ceiling_postgres::TempPostgres;

use crate::db::Db;

/// The schema `--scratch-url` creates, and the comment that marks it as ours.
pub const SCRATCH_SCHEMA: &str = "ceiling_grow";
const MARKER: &str = "ceiling-grow v1: created by ceiling grow; dropped when it ends";

/// Server settings for a database that is loaded in bulk, then timed: durability off (the data
/// is thrown away), no autovacuum or JIT to add noise to timings.
pub const SERVER_SETTINGS: &[(&str, &str)] = &[
    ("synchronous_commit", "off"),
    ("full_page_writes", "off"),
    ("wal_level", "minimal"),
    ("max_wal_senders", "0"),
    ("max_wal_size", "4GB"),
    ("checkpoint_timeout", "30min"),
    ("maintenance_work_mem", "256MB"),
    ("autovacuum", "off"),
    ("jit", "off"),
];

pub enum Scratch {
    /// A throwaway server: stopped and removed when dropped.
    Own(TempPostgres),
    /// `--scratch-url`: our schema in the user's scratch database, dropped by [`Scratch::finish`].
    Shared { url: String },
}

impl Scratch {
    pub fn start() -> Result<Scratch, String> {
        TempPostgres::start_with(SERVER_SETTINGS).map(Scratch::Own).map_err(|err| {
            if err.starts_with(ceiling_postgres::NOT_INSTALLED) {
                format!(
                    "ceiling grow starts its own PostgreSQL, and found no server binaries (initdb, pg_ctl): install \
                     them (Debian and Ubuntu: `apt install postgresql`; macOS: `brew install postgresql`), set \
                     {} to their directory, or pass --scratch-url with a database ceiling may use",
                    ceiling_postgres::BINDIR_ENV
                )
            } else {
                err
            }
        })
    }

    /// Claims the schema `ceiling_grow` in the database at `url`: refused when a schema of that
    /// name exists and is not ours; a stale one of ours (from an interrupted run) is replaced.
    pub fn claim(url: &str) -> Result<(Scratch, Db), String> {
        let db = Db::connect(url)?;
        let comment = db.query(&format!(
            "select coalesce(obj_description(oid, 'pg_namespace'), '') from pg_namespace where nspname = '{SCRATCH_SCHEMA}'"
        ))?;
        if let Some(row) = comment.first() {
            let comment: String = row.get(0);
            if comment != MARKER {
                return Err(format!(
                    "the database already has a schema named {SCRATCH_SCHEMA} that ceiling did not create; \
                     refusing to touch it (drop or rename it, or point --scratch-url at another database)"
                ));
            }
            db.execute(&format!("drop schema {} cascade", quote_ident(SCRATCH_SCHEMA)))?;
        }
        db.execute(&format!("create schema {0}; comment on schema {0} is '{MARKER}'", quote_ident(SCRATCH_SCHEMA)))?;
        Ok((Scratch::Shared { url: url.to_owned() }, db))
    }

    pub fn url(&self) -> String {
        match self {
            Scratch::Own(server) => server.url(),
            Scratch::Shared { url } => url.clone(),
        }
    }

    pub fn schema(&self) -> &'static str {
        match self {
            Scratch::Own(_) => "public",
            Scratch::Shared { .. } => SCRATCH_SCHEMA,
        }
    }

    /// Removes what the run made: the schema in a shared database (the server of our own goes
    /// when dropped).
    pub fn finish(self) -> Result<(), String> {
        if let Scratch::Shared { url } = &self {
            let db = Db::connect(url)?;
            db.execute(&format!("drop schema if exists {} cascade", quote_ident(SCRATCH_SCHEMA)))?;
        }
        Ok(())
    }
}

/// A digest of every object outside `schema` (relations, columns, types, functions, constraints,
/// triggers, policies, extensions, schemas): compared before and after the migrations run in a
/// shared database, to prove they touched nothing else. Rows are checked apart, by
/// [`rows_written_outside`].
pub fn fingerprint(db: &Db, schema: &str) -> Result<String, String> {
    let schema = schema.replace('\'', "''");
    let rows = db.query(&format!(
        "select coalesce(md5(string_agg(x, ',' order by x)), '') from (
           select 'c' || c.oid || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname <> '{schema}' and n.nspname !~ '^pg_(temp|toast)'
           union all select 't' || t.oid from pg_type t join pg_namespace n on n.oid = t.typnamespace
            where n.nspname <> '{schema}' and n.nspname !~ '^pg_(temp|toast)'
           union all select 'p' || p.oid from pg_proc p join pg_namespace n on n.oid = p.pronamespace
            where n.nspname <> '{schema}'
           union all select 'a' || a.attrelid || a.attname || a.atttypid || a.attnotnull from pg_attribute a
            join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
            where a.attnum > 0 and n.nspname <> '{schema}' and n.nspname !~ '^pg_(temp|toast)'
           union all select 'k' || k.oid from pg_constraint k join pg_namespace n on n.oid = k.connamespace
            where n.nspname <> '{schema}'
           union all select 'g' || t.oid from pg_trigger t join pg_class c on c.oid = t.tgrelid
            join pg_namespace n on n.oid = c.relnamespace where n.nspname <> '{schema}'
           union all select 'y' || p.oid from pg_policy p join pg_class c on c.oid = p.polrelid
            join pg_namespace n on n.oid = c.relnamespace where n.nspname <> '{schema}'
           union all select 'e' || oid || extname from pg_extension
           union all select 'n' || oid || nspname from pg_namespace
            where nspname <> '{schema}' and nspname !~ '^pg_(temp|toast)') s(x)"
    ))?;
    Ok(rows.first().map(|row| row.get(0)).unwrap_or_default())
}

/// Tables outside `schema` that the current transaction wrote rows to (`pg_stat_xact_user_tables`
/// counts this transaction's inserts, updates and deletes).
pub fn rows_written_outside(db: &Db, schema: &str) -> Result<Vec<String>, String> {
    let rows = db.query(&format!(
        "select schemaname || '.' || relname from pg_stat_xact_user_tables
          where schemaname <> '{}' and n_tup_ins + n_tup_upd + n_tup_del > 0 order by 1",
        schema.replace('\'', "''")
    ))?;
    Ok(rows.iter().map(|row| row.get(0)).collect())
}
