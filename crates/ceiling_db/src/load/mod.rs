//! Reading the catalog: one query per kind of object, each turned into plain facts.
//!
//! A query that fails (a privilege the role lacks, a timeout) does not end the run: what it would
//! have read is recorded in [`Catalog::unchecked`], and the `could-not-check` rule says so.

mod code;
mod schema;
mod security;
mod server;
mod statement;
mod workload;

pub use workload::nodes as plan_nodes;

use ceiling_facts::catalog::{Catalog, Unchecked};
use tokio_postgres::Row;

use crate::session::Session;
use crate::{DbError, DbOptions};

/// Schemas that belong to PostgreSQL itself: never the app's.
pub(crate) const SYSTEM_SCHEMAS: &str =
    "n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_(toast|temp_)'";

pub fn load(session: &mut Session, options: &DbOptions) -> Result<Catalog, DbError> {
    let mut catalog = Catalog::default();
    server::load(session, options, &mut catalog)?;
    schema::load(session, &mut catalog);
    security::load(session, &mut catalog);
    workload::load(session, &mut catalog, options.analyze);
    code::load(session, &mut catalog, &options.code_queries);
    Ok(catalog)
}

/// Runs `sql` and maps each row; on failure records `what` as unchecked and returns nothing.
pub(crate) fn read<T>(
    session: &mut Session,
    catalog: &mut Catalog,
    what: &str,
    sql: &str,
    map: impl FnMut(&Row) -> T,
) -> Vec<T> {
    match session.read(sql) {
        Ok(rows) => rows.iter().map(map).collect(),
        Err(reason) => {
            catalog.unchecked.push(Unchecked { what: what.to_owned(), reason });
            Vec::new()
        }
    }
}

/// An `oid` read as `int8` (oids are unsigned 32-bit; `int8` carries them without a custom type).
pub(crate) fn oid(row: &Row, at: usize) -> u32 {
    row.get::<_, i64>(at) as u32
}
