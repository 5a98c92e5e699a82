//! Facts of a live PostgreSQL database: what `ceiling db` reads from its catalog and statistics.
//!
//! This is the database's counterpart of [`crate::FileFacts`]: `ceiling_db` loads it (read-only,
//! with one set-based query per kind of object) and the rules judge it, so that every check is a
//! pure function that a test can feed a hand-built catalog. Names are as the database spells them;
//! objects are identified by their `oid` and shown qualified (`public.posts`).

mod security;
mod workload;

pub use security::*;
pub use workload::*;

/// Schemas that hosted platforms and extensions manage themselves (the list of Supabase's advisor,
/// splinter): their tables are read, for the rules that need them (`auth.users`), but never judged
/// as the app's.
pub const PLATFORM_SCHEMAS: &[&str] = &[
    "_analytics",
    "_realtime",
    "_timescaledb_cache",
    "_timescaledb_catalog",
    "_timescaledb_config",
    "_timescaledb_internal",
    "auth",
    "cron",
    "extensions",
    "graphql",
    "graphql_public",
    "net",
    "pgbouncer",
    "pgmq",
    "pgroonga",
    "pgsodium",
    "pgsodium_masks",
    "pgtle",
    "realtime",
    "repack",
    "storage",
    "supabase_functions",
    "supabase_migrations",
    "tiger",
    "topology",
    "vault",
];

/// Everything `ceiling db` read, in one consistent snapshot.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub server: Server,
    pub tables: Vec<Table>,
    pub columns: Vec<Column>,
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
    pub security: Security,
    pub workload: Workload,
    /// Checks that could not run (no privilege, a timeout): said, never silently passed.
    pub unchecked: Vec<Unchecked>,
}

/// The server and database, as the session sees them.
#[derive(Debug, Clone, Default)]
pub struct Server {
    /// `server_version_num`: 150018 for 15.18.
    pub version_num: u32,
    /// `server_version`: `15.18 (Debian 15.18-0+deb12u1)`.
    pub version: String,
    pub database: String,
    pub user: String,
    /// Seconds since the statistics were last reset (or the server started, if never reset).
    pub stats_age_secs: Option<f64>,
    /// Statistics younger than this are too young to call an index unused (`--min-stats-age`).
    pub min_stats_age_secs: f64,
    pub settings: Settings,
    pub connections: Connections,
}

/// The server settings the checks read, as numbers where they are numbers.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub max_connections: i64,
    pub superuser_reserved_connections: i64,
    /// `idle_in_transaction_session_timeout` in milliseconds; 0 is off.
    pub idle_in_transaction_timeout_ms: i64,
    /// `shared_buffers` as the server shows it (`128MB`).
    pub shared_buffers: String,
    /// Whether the autovacuum launcher runs at all (`autovacuum`).
    pub autovacuum: bool,
    pub database_size_bytes: i64,
}

/// The client sessions open when the snapshot was taken.
#[derive(Debug, Clone, Default)]
pub struct Connections {
    /// Client backends of the whole server, ours included.
    pub clients: i64,
    pub idle_in_transaction: i64,
    /// Seconds the oldest idle-in-transaction session has been idle.
    pub oldest_idle_in_transaction_secs: Option<f64>,
}

/// A relation that holds rows: a table, partitioned table, view, materialized view or foreign table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    pub kind: RelationKind,
    /// `reltuples`: the planner's row estimate; -1 when never vacuumed or analyzed.
    pub estimated_rows: f64,
    /// On-disk size of the heap in bytes.
    pub size_bytes: i64,
    pub is_partition: bool,
    /// Row-level security is enabled (`relrowsecurity`).
    pub rls_enabled: bool,
    /// Not the app's to change: the object belongs to an extension (`pg_depend` deptype `e`) or
    /// sits in a schema the platform manages ([`PLATFORM_SCHEMAS`]: Supabase's `auth`, `storage`...).
    pub managed: bool,
    pub stats: TableStats,
    /// Average bytes of a row's data, from `pg_stats` (`avg_width` and `null_frac` of each
    /// column); `None` when the table was never analyzed.
    pub row_width: Option<f64>,
    /// Columns of the row, for the size of its null bitmap.
    pub column_count: i64,
    /// `fillfactor` of the table's storage options, 100 by default.
    pub fillfactor: i64,
    /// `autovacuum_enabled = false` in the table's storage options.
    pub autovacuum_disabled: bool,
}

impl Table {
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    /// `"public"."Post"`: the name as SQL must spell it to mean this table, whatever its case or
    /// characters. Fix texts use it; messages show [`Table::qualified`].
    pub fn sql_name(&self) -> String {
        sql_name(&self.schema, &self.name)
    }

    /// The app's own storage: a table or materialized view (what has heap pages, statistics and
    /// vacuum) that no extension or platform manages.
    pub fn is_app_storage(&self) -> bool {
        !self.managed && matches!(self.kind, RelationKind::Table | RelationKind::MaterializedView)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RelationKind {
    #[default]
    Table,
    PartitionedTable,
    View,
    MaterializedView,
    ForeignTable,
}

/// `pg_stat_user_tables`, since the last statistics reset.
#[derive(Debug, Clone, Default)]
pub struct TableStats {
    pub seq_scan: i64,
    pub seq_tup_read: i64,
    pub idx_scan: i64,
    pub idx_tup_fetch: i64,
    pub live_tuples: i64,
    pub dead_tuples: i64,
    pub last_autovacuum: Option<String>,
    pub autovacuum_count: i64,
    /// `heap_blks_hit`/`heap_blks_read` and `idx_blks_*` of `pg_statio_user_tables`.
    pub heap_blocks_hit: i64,
    pub heap_blocks_read: i64,
    pub index_blocks_hit: i64,
    pub index_blocks_read: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Column {
    pub table_oid: u32,
    /// `attnum`, 1-based; what index and foreign-key keys refer to.
    pub number: i16,
    pub name: String,
    /// `format_type(atttypid, atttypmod)`: `text`, `character varying(20)`.
    pub type_name: String,
}

#[derive(Debug, Clone, Default)]
pub struct Index {
    pub oid: u32,
    pub table_oid: u32,
    pub schema: String,
    pub name: String,
    /// Key columns by `attnum`, in index order; 0 marks an expression.
    pub keys: Vec<i16>,
    /// Access method: `btree`, `gin`, `gist`, `hash`, `brin`...
    pub method: String,
    pub unique: bool,
    pub primary: bool,
    /// False for an index whose `CREATE INDEX CONCURRENTLY` failed or is still running.
    pub valid: bool,
    /// The predicate of a partial index, as `pg_get_expr` prints it.
    pub predicate: Option<String>,
    /// `pg_get_indexdef`: the whole `CREATE INDEX` statement.
    pub definition: String,
    /// What makes two indexes the same besides their name: keys, operator classes, collations,
    /// expressions, predicate and method.
    pub signature: String,
    /// Backs a constraint (primary key, unique, exclusion): dropping it drops the constraint.
    pub backs_constraint: bool,
    pub size_bytes: i64,
    /// `idx_scan` since the statistics reset.
    pub scans: i64,
}

impl Index {
    /// `"public"."Post_title_idx"`, as SQL must spell it.
    pub fn sql_name(&self) -> String {
        sql_name(&self.schema, &self.name)
    }
}

/// `"schema"."name"`, each part a quoted identifier.
pub fn sql_name(schema: &str, name: &str) -> String {
    format!("{}.{}", quote_ident(schema), quote_ident(name))
}

/// A double-quoted SQL identifier: `Post` stays `Post`, where unquoted it would fold to `post`.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[derive(Debug, Clone, Default)]
pub struct ForeignKey {
    pub name: String,
    pub table_oid: u32,
    /// Referencing columns by `attnum`, in constraint order.
    pub columns: Vec<i16>,
    pub referenced_oid: u32,
    /// The index of the referenced table that the key uses (`conindid`).
    pub referenced_index_oid: u32,
}

/// A check that could not run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unchecked {
    /// What was being read: `pg_stat_statements`, `row-level security policies`.
    pub what: String,
    pub reason: String,
}

impl Catalog {
    pub fn table(&self, oid: u32) -> Option<&Table> {
        self.tables.iter().find(|table| table.oid == oid)
    }

    pub fn column_name(&self, table_oid: u32, number: i16) -> Option<&str> {
        self.columns.iter().find(|c| c.table_oid == table_oid && c.number == number).map(|c| c.name.as_str())
    }

    /// `public.posts`, or the oid when the table was not read.
    pub fn table_name(&self, oid: u32) -> String {
        self.table(oid).map_or_else(|| format!("oid {oid}"), Table::qualified)
    }

    /// Column names of `table_oid` for `numbers`, `expression` for 0.
    pub fn column_names(&self, table_oid: u32, numbers: &[i16]) -> Vec<String> {
        numbers
            .iter()
            .map(|&n| {
                if n == 0 { "expression".to_owned() } else { self.column_name(table_oid, n).unwrap_or("?").to_owned() }
            })
            .collect()
    }

    /// Whether `index` serves lookups by the foreign key `key` (columns by `attnum`): a valid,
    /// whole-table btree index whose leading columns are the key's, in any order, so that a
    /// composite primary key `(post_id, tag_id)` serves `post_id`. A partial index serves it only
    /// when its predicate just leaves out null keys, which no join or cascade looks for.
    pub fn serves_key(&self, index: &Index, key: &[i16]) -> bool {
        if !index.valid || index.method != "btree" || index.keys.len() < key.len() {
            return false;
        }
        if !key.iter().all(|column| index.keys[..key.len()].contains(column)) {
            return false;
        }
        match &index.predicate {
            None => true,
            Some(predicate) => match key {
                [column] => self.column_name(index.table_oid, *column).is_some_and(|name| is_not_null(predicate, name)),
                _ => false,
            },
        }
    }

    /// The app's table that code names `name`: in `public` first, else in the only other schema
    /// that has one (tables of platform schemas and extensions are not the app's).
    pub fn app_table(&self, name: &str) -> Option<&Table> {
        let candidates: Vec<&Table> = self
            .tables
            .iter()
            .filter(|table| !table.managed && table.name == name)
            .filter(|table| matches!(table.kind, RelationKind::Table | RelationKind::PartitionedTable))
            .collect();
        candidates.iter().find(|table| table.schema == "public").copied().or(match candidates.as_slice() {
            [only] => Some(*only),
            _ => None,
        })
    }

    /// The `attnum`s of `names` in the table, or `None` when one is missing.
    pub fn column_numbers(&self, table_oid: u32, names: &[String]) -> Option<Vec<i16>> {
        names
            .iter()
            .map(|name| self.columns.iter().find(|c| c.table_oid == table_oid && &c.name == name).map(|c| c.number))
            .collect()
    }

    pub fn indexes_of(&self, table_oid: u32) -> impl Iterator<Item = &Index> {
        self.indexes.iter().filter(move |index| index.table_oid == table_oid)
    }
}

/// `(author_id IS NOT NULL)`, as `pg_get_expr` prints it.
fn is_not_null(predicate: &str, column: &str) -> bool {
    let text = predicate.trim().trim_start_matches('(').trim_end_matches(')').trim();
    text.strip_suffix("IS NOT NULL").is_some_and(|name| name.trim().trim_matches('"') == column)
}
