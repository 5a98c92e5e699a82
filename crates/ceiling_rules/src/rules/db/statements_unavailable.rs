//! `statements-unavailable`: `pg_stat_statements` is not installed in the database, so the checks
//! of its workload cannot run.

use ceiling_facts::catalog::Catalog;

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "statements-unavailable",
    family: Family::Db,
    severity: Severity::Info,
    status: Status::Preview,
    summary: "`pg_stat_statements` is not installed in this database: the checks of what the app runs (N+1, slow and scanning statements) did not run.",
    docs: Docs {
        what: "The database has no `pg_stat_statements` extension, so `ceiling db` cannot see the \
statements the app runs. Said once, with how to enable it; the checks that read it (`n-plus-one`, \
`top-statement`, `seq-scan-statement`) are skipped.",
        why: "Most scale problems show in the workload, not in the schema: a lookup run once per \
row, a statement that takes most of the database's time, a filter that scans a large table. \
Without the statistics, none of them can be seen.",
        fix: "Load the module and create the extension: `shared_preload_libraries = \
'pg_stat_statements'` in `postgresql.conf` (a restart), then `CREATE EXTENSION pg_stat_statements;` \
in the app's database. On Supabase it is on by default; on Amazon RDS and Aurora, set \
`shared_preload_libraries` in the DB parameter group; on Neon and Google Cloud SQL, `CREATE \
EXTENSION` is enough. Let the app run for a while before auditing.",
        fires: "A database where `CREATE EXTENSION pg_stat_statements` was never run.",
        passes: "A database with the extension installed, whoever can read it.",
        guards: &[
            "An extension that is installed but cannot be read (not preloaded, no privilege) is `could-not-check`'s to report, with the server's reason.",
        ],
    },
    splinter: None,
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    if catalog.workload.extension_schema.is_some() {
        return;
    }
    findings.push(
        RULE.db_finding(
            DbObject { kind: ObjectKind::Database, name: catalog.server.database.clone() },
            "`pg_stat_statements` is not installed: the statements the app runs were not checked".to_owned(),
            "N+1 lookups, the statements that take the database's time and the filters that scan large \
tables show only in the workload statistics."
                .to_owned(),
            "Add `pg_stat_statements` to `shared_preload_libraries` (a restart; on RDS, the parameter group; \
on Supabase it is on), run `CREATE EXTENSION pg_stat_statements;`, let the app run, then audit again."
                .to_owned(),
        ),
    );
}
