//! What the database has been asked to do: `pg_stat_statements`, where it is installed, and the
//! plans of the statements it lists.

/// The workload side of the catalog.
#[derive(Debug, Clone, Default)]
pub struct Workload {
    /// The schema `pg_stat_statements` is installed in, in this database; `None` when it is not.
    pub extension_schema: Option<String>,
    /// Whether its statements could be read (installed, preloaded, and visible to the role).
    pub statements_available: bool,
    /// The schema HypoPG is installed in, in this database: suggested indexes were tried as
    /// hypothetical ones.
    pub hypopg: Option<String>,
    /// Statements of this database, heaviest total time first; ours and transaction noise
    /// (`BEGIN`, `SET`...) left out.
    pub statements: Vec<Statement>,
    /// Plans of the queries of the app's code that `--code` asked about.
    pub code_plans: Vec<CodePlan>,
}

/// How the live database plans a query the app's code makes (`ceiling db --code`): the shape of an
/// index finding of the scan, written as SQL and explained with a generic plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodePlan {
    /// The table and columns of the finding, as the scan named them.
    pub table: String,
    pub columns: Vec<String>,
    /// A sort (`ORDER BY columns DESC LIMIT 20`) rather than a filter (`WHERE column = $n`).
    pub sort: bool,
    /// The node that reads the table: `Seq Scan`, `Index Scan`, `Bitmap Heap Scan`...
    pub access: String,
    /// The plan's total cost, and with the finding's index made by HypoPG (where installed).
    pub cost: f64,
    pub cost_with_index: Option<f64>,
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
    /// This statement's part of the total execution time of all statements of the database, 0 to 1.
    pub share: f64,
    pub shape: Shape,
    /// Sequential scans with a filter in its generic plan, for the plain SELECTs that were explained.
    pub seq_scans: Vec<SeqScan>,
}

/// What the statement's text says, as far as the rules need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shape {
    /// A SELECT that only reads: no data-modifying CTE, no `FOR UPDATE`/`FOR SHARE`, no call of a
    /// volatile function. Only these are explained.
    pub plain_select: bool,
    /// Tables its `FROM` and joins name, as the catalog knows them (by oid).
    pub tables: Vec<u32>,
    /// `SELECT ... FROM t WHERE a = $1 AND b = $2`: one table, a `WHERE` that is only equalities
    /// of its columns to parameters.
    pub lookup: Option<Lookup>,
}

/// A lookup of rows of one table by columns equal to parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lookup {
    pub table_oid: u32,
    /// The compared columns by `attnum`, in the order the text names them.
    pub columns: Vec<i16>,
}

/// A `Seq Scan` node with a `Filter` in a statement's generic plan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeqScan {
    pub table_oid: u32,
    /// The filter as the plan prints it: `(orders.customer_id = $1)`.
    pub filter: String,
    /// Columns an index could serve the filter with, by `attnum`: equalities first, then one range.
    pub index_columns: Vec<i16>,
    /// The plan's total cost as it is.
    pub cost: f64,
    /// The plan's total cost with the suggested index made hypothetically by HypoPG; `None` when
    /// HypoPG is not installed or the suggestion could not be tried.
    pub cost_with_index: Option<f64>,
    /// What the scan did when run under `EXPLAIN ANALYZE` (`ceiling db --analyze`).
    pub measured: Option<Measured>,
}

/// A sequential scan as `EXPLAIN (ANALYZE, BUFFERS)` saw it, over all its loops.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measured {
    /// Rows the scan read: those it returned and those its filter removed.
    pub rows_read: i64,
    /// Shared buffers it hit or read, 8 kB pages by default.
    pub blocks: i64,
    pub ms: f64,
}

impl Statement {
    /// The text on one line, cut at 120 characters: how findings name the statement.
    pub fn short(&self) -> String {
        let text = self.query.split_whitespace().collect::<Vec<_>>().join(" ");
        match text.char_indices().nth(120) {
            Some((cut, _)) => format!("{}…", &text[..cut]),
            None => text,
        }
    }
}
