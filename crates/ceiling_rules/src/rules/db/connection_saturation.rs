//! `connection-saturation`: the server is close to refusing connections, or sessions sit idle
//! inside transactions.

use ceiling_facts::catalog::Catalog;

use crate::sizes::duration;
use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

/// Share of the usable connections in use above which the next burst is refused.
const MAX_SHARE: f64 = 0.8;
/// An idle transaction older than this holds locks and vacuum back.
const IDLE_TRANSACTION_SECS: f64 = 60.0;

pub static RULE: Rule = Rule {
    id: "connection-saturation",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "Connections near max_connections, or sessions idle inside a transaction: the next traffic burst is refused.",
    docs: Docs {
        what: "Client connections at 80% or more of `max_connections` less the superuser \
reserve, or sessions `idle in transaction` for over a minute (with \
`idle_in_transaction_session_timeout` off or longer).",
        why: "Each request of a serverless or autoscaled app may open its own connection: at 10 \
users that is a handful, at 1,000 it is the limit, and PostgreSQL then refuses new ones \
(`too many clients already`). A session idle inside a transaction holds its locks and keeps \
vacuum from cleaning up after every later write.",
        fix: "Put a pooler in front (PgBouncer, Supavisor, RDS Proxy) in transaction mode and use \
its URL from serverless functions; cap each app instance's pool. Set \
`idle_in_transaction_session_timeout` (for example `1min`), and find the code that opens a \
transaction and then waits on something else.",
        fires: "Seven of ten connections taken on a server with three reserved.",
        passes: "A few connections on a server with a hundred.",
        guards: &[
            "Behind a pooler the counts are the pooler's server connections, which is what the limit applies to.",
            "Idle transactions younger than a minute: a request between two statements.",
            "Without `pg_read_all_stats`, other roles' sessions show no state: their idle transactions are not counted (and not reported).",
        ],
    },
    splinter: None,
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    let settings = &catalog.server.settings;
    let connections = &catalog.server.connections;
    let object = || DbObject { kind: ObjectKind::Database, name: catalog.server.database.clone() };
    let usable = settings.max_connections - settings.superuser_reserved_connections;
    if usable > 0 && connections.clients as f64 >= MAX_SHARE * usable as f64 {
        findings.push(
            RULE.db_finding(
                object(),
                format!(
                    "{} of {usable} usable connections are open (max_connections {}, {} reserved for superusers)",
                    connections.clients, settings.max_connections, settings.superuser_reserved_connections
                ),
                "At the limit PostgreSQL refuses new connections: the next burst of requests fails instead of waiting."
                    .to_owned(),
                "Connect through a pooler in transaction mode (PgBouncer, Supavisor, RDS Proxy) and cap each app \
instance's pool size."
                    .to_owned(),
            ),
        );
    }
    let timeout_secs = settings.idle_in_transaction_timeout_ms as f64 / 1000.0;
    if let Some(oldest) = connections.oldest_idle_in_transaction_secs
        && oldest > IDLE_TRANSACTION_SECS
        && (settings.idle_in_transaction_timeout_ms == 0 || timeout_secs > IDLE_TRANSACTION_SECS)
    {
        findings.push(RULE.db_finding(
            object(),
            format!(
                "{} session(s) are idle inside a transaction, the oldest for {}; idle_in_transaction_session_timeout \
is {}",
                connections.idle_in_transaction,
                duration(oldest),
                if settings.idle_in_transaction_timeout_ms == 0 { "off".to_owned() } else { duration(timeout_secs) }
            ),
            "An idle transaction holds its locks and keeps vacuum from reclaiming rows written after it began."
                .to_owned(),
            "`ALTER DATABASE ... SET idle_in_transaction_session_timeout = '1min'`, and find the code that keeps a \
transaction open while it waits on something else."
                .to_owned(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use ceiling_facts::catalog::{Connections, Settings};

    use super::*;

    fn catalog(clients: i64, idle: Option<f64>, timeout_ms: i64) -> Catalog {
        let mut catalog = Catalog::default();
        catalog.server.database = "app".to_owned();
        catalog.server.settings = Settings {
            max_connections: 100,
            superuser_reserved_connections: 3,
            idle_in_transaction_timeout_ms: timeout_ms,
            ..Settings::default()
        };
        catalog.server.connections = Connections {
            clients,
            idle_in_transaction: usize::from(idle.is_some()) as i64,
            oldest_idle_in_transaction_secs: idle,
        };
        catalog
    }

    fn messages(catalog: &Catalog) -> Vec<String> {
        let mut findings = Vec::new();
        check(catalog, &mut findings);
        findings.into_iter().map(|finding| finding.message).collect()
    }

    #[test]
    fn idle_transactions_fire_only_when_old_and_not_cut_off() {
        assert_eq!(messages(&catalog(5, Some(600.0), 0)).len(), 1);
        assert!(messages(&catalog(5, Some(600.0), 0))[0].contains("oldest for 10 minutes"));
        assert!(messages(&catalog(5, Some(30.0), 0)).is_empty(), "younger than a minute");
        assert!(messages(&catalog(5, Some(600.0), 30_000)).is_empty(), "the server cuts them off at 30 s");
        assert_eq!(messages(&catalog(5, Some(600.0), 3_600_000)).len(), 1, "an hour's timeout is too long");
    }

    #[test]
    fn saturation_counts_the_superuser_reserve() {
        assert!(messages(&catalog(77, None, 0)).is_empty());
        assert_eq!(messages(&catalog(78, None, 0)).len(), 1);
    }
}
