//! The server, its settings and its sessions.

use ceiling_facts::catalog::Catalog;

use super::read;
use crate::session::Session;
use crate::{DbError, DbOptions};

const SERVER: &str = "select current_setting('server_version_num')::int4, current_setting('server_version'), \
    current_database()::text, current_user::text, \
    extract(epoch from now() - coalesce((select stats_reset from pg_stat_database where datname = current_database()), \
        pg_postmaster_start_time()))::float8, \
    current_setting('max_connections')::int8, current_setting('superuser_reserved_connections')::int8, \
    (select reset_val::int8 from pg_settings where name = 'idle_in_transaction_session_timeout'), \
    current_setting('shared_buffers'), pg_database_size(current_database())::int8, \
    current_setting('autovacuum')::bool";

/// Client sessions, ours included. Without `pg_read_all_stats`, other roles' `state` reads null:
/// their idle transactions are then not counted.
const CONNECTIONS: &str = "select count(*) filter (where backend_type = 'client backend')::int8, \
    count(*) filter (where state like 'idle in transaction%')::int8, \
    max(extract(epoch from now() - state_change)) filter (where state like 'idle in transaction%')::float8 \
    from pg_stat_activity";

pub fn load(session: &mut Session, options: &DbOptions, catalog: &mut Catalog) -> Result<(), DbError> {
    // Without the server's identity nothing else makes sense: this one failing ends the run.
    let rows = session.read(SERVER).map_err(DbError::Query)?;
    let row = rows.first().ok_or_else(|| DbError::Query("the server returned no row".to_owned()))?;
    let server = &mut catalog.server;
    server.version_num = row.get::<_, i32>(0) as u32;
    // The catalog columns read (`relispartition`, `txid_current_if_assigned()`) exist from 10 on.
    if server.version_num < 100_000 {
        return Err(DbError::Query(format!(
            "PostgreSQL {} is older than 10, the oldest version ceiling db reads",
            row.get::<_, String>(1)
        )));
    }
    server.version = row.get(1);
    server.database = row.get(2);
    server.user = row.get(3);
    server.stats_age_secs = row.get(4);
    server.min_stats_age_secs = options.min_stats_age.as_secs_f64();
    server.settings.max_connections = row.get(5);
    server.settings.superuser_reserved_connections = row.get(6);
    server.settings.idle_in_transaction_timeout_ms = row.get::<_, Option<i64>>(7).unwrap_or(0);
    server.settings.shared_buffers = row.get(8);
    server.settings.database_size_bytes = row.get(9);
    server.settings.autovacuum = row.get(10);
    let connections = read(session, catalog, "pg_stat_activity", CONNECTIONS, |row| {
        (row.get::<_, i64>(0), row.get::<_, i64>(1), row.get::<_, Option<f64>>(2))
    });
    if let Some(&(clients, idle, oldest)) = connections.first() {
        let connections = &mut catalog.server.connections;
        connections.clients = clients;
        connections.idle_in_transaction = idle;
        connections.oldest_idle_in_transaction_secs = oldest;
    }
    Ok(())
}
