//! `pg_stat_statements`.

use ceiling_facts::catalog::Catalog;

use crate::session::Session;

pub fn load(_session: &mut Session, _catalog: &mut Catalog) {}
