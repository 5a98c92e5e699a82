//! What the database has been asked to do: `pg_stat_statements`, where it is installed.

/// The workload side of the catalog.
#[derive(Debug, Clone, Default)]
pub struct Workload {
    /// Whether `pg_stat_statements` could be read; `None` when it is not installed.
    pub statements_available: bool,
    /// Statements of this database, heaviest total time first.
    pub statements: Vec<Statement>,
}

/// One normalised statement of `pg_stat_statements` (`$1` for each constant).
#[derive(Debug, Clone, Default)]
pub struct Statement {
    pub query_id: i64,
    pub query: String,
    pub calls: i64,
    pub rows: i64,
    pub total_ms: f64,
    pub mean_ms: f64,
}
