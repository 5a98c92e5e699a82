//! `ceiling db`: reads a live PostgreSQL database, read-only, into [`Catalog`] facts, and runs
//! the rules of the live database over them.
//!
//! Nothing here judges: [`load`] turns catalog and statistics views into facts (one set-based
//! query per kind of object, so a database of a thousand tables costs the same few round trips),
//! and `ceiling_rules` decides what is a finding. The [`session`] keeps every statement inside a
//! read-only transaction that is rolled back, and proves that no write happened.

mod load;
mod session;
mod target;

use std::fmt;
use std::time::Duration;

use ceiling_facts::catalog::Catalog;
use ceiling_rules::Finding;

pub use load::plan_nodes;
pub use session::{connect, describe};
pub use target::{BadTarget, Target, Tls};

/// What `ceiling db` was asked to do.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// A libpq URL or key/value string; it may hold a password, so it is never printed.
    pub url: String,
    /// Each statement's limit (`SET LOCAL statement_timeout`).
    pub statement_timeout: Duration,
    /// Usage statistics younger than this are too young to call an index unused.
    pub min_stats_age: Duration,
    /// Run the statements whose plans scan a table under `EXPLAIN ANALYZE` (plain SELECTs only,
    /// inside the read-only transaction that is rolled back), to measure the scan.
    pub analyze: bool,
    /// Queries of the app's code to plan (`--code`): the shapes of the scan's index findings.
    pub code_queries: Vec<CodeQuery>,
}

/// A query of the app's code, as an index finding of the scan describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeQuery {
    /// The table and columns as the schema files name them.
    pub table: String,
    pub columns: Vec<String>,
    /// A "latest N" sort by the columns rather than a filter on them.
    pub sort: bool,
}

impl DbOptions {
    pub fn new(url: String) -> DbOptions {
        DbOptions {
            url,
            statement_timeout: Duration::from_secs(5),
            min_stats_age: Duration::from_secs(7 * 24 * 3600),
            analyze: false,
            code_queries: Vec::new(),
        }
    }
}

/// The outcome of a run.
pub struct Audit {
    pub catalog: Catalog,
    pub findings: Vec<Finding>,
    /// Things the user should know that are not findings: URL keys that were ignored.
    pub notes: Vec<String>,
    /// `db.example.com:5432/app`, for the report's header.
    pub target: String,
}

/// Why a run could not happen at all. Messages name host, port, database and user, never the
/// password.
#[derive(Debug)]
pub enum DbError {
    BadTarget(String),
    Connect {
        at: String,
        database: String,
        user: String,
        reason: String,
    },
    Runtime(String),
    Query(String),
    /// The self-check found a transaction id: something was written. Never expected; reported
    /// loudly if it happens.
    WroteSomething(String),
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::BadTarget(reason) => write!(f, "bad database URL: {reason}"),
            DbError::Connect { at, database, user, reason } => {
                write!(f, "cannot connect to {at} (database {database}, user {user}): {reason}")
            }
            DbError::Runtime(reason) => write!(f, "cannot start the database client: {reason}"),
            DbError::Query(reason) => write!(f, "the database stopped answering: {reason}"),
            DbError::WroteSomething(xid) => {
                write!(f, "internal error: the read-only session was assigned transaction id {xid}; it was rolled back")
            }
        }
    }
}

impl std::error::Error for DbError {}

/// Connects, reads the catalog, checks it.
pub fn audit(options: &DbOptions) -> Result<Audit, DbError> {
    let target = Target::parse(&options.url).map_err(|err| DbError::BadTarget(err.0))?;
    let mut session = session::Session::connect(&target, options.statement_timeout)?;
    let catalog = load::load(&mut session, options)?;
    session.finish()?;
    let findings = ceiling_rules::check_catalog(&catalog);
    let notes = target
        .ignored_keys
        .iter()
        .map(|key| format!("ignored the URL parameter `{key}`: it is for the app's driver, not the database"))
        .collect();
    Ok(Audit { findings, notes, target: format!("{}/{}", target.host_port(), target.database()), catalog })
}
