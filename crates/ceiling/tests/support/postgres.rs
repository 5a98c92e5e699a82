//! The throwaway PostgreSQL of `ceiling_postgres`, under the names the tests use.

pub use ceiling_postgres::*;
