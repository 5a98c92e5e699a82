//! Proves the throwaway PostgreSQL helper: a real server starts, runs a migration file that psql
//! must run outside a transaction, and answers a catalog query.

mod support;

use support::postgres::start_or_skip;

#[test]
fn temp_postgres_runs_a_concurrent_index_migration() {
    let Some(pg) = start_or_skip("temp_postgres_runs_a_concurrent_index_migration") else {
        return;
    };
    assert!(pg.url().starts_with("postgres://ceiling@127.0.0.1:"), "{}", pg.url());

    let dir = tempfile::tempdir().unwrap();
    let migration = dir.path().join("migration.sql");
    std::fs::write(
        &migration,
        r#"CREATE TABLE "Post" ("id" text primary key, "authorId" text);
CREATE INDEX CONCURRENTLY IF NOT EXISTS "Post_authorId_idx" ON "Post" ("authorId");
"#,
    )
    .unwrap();
    pg.psql_file(&migration).unwrap_or_else(|err| panic!("migration failed: {err}\n{}", pg.log_tail()));

    let indexes = pg.psql("SELECT indexname FROM pg_indexes WHERE tablename = 'Post' ORDER BY 1").unwrap();
    assert_eq!(indexes.lines().collect::<Vec<_>>(), ["Post_authorId_idx", "Post_pkey"]);

    // Errors come back as Err(stderr), not as a silent success.
    let err = pg.psql("SELECT * FROM no_such_table").unwrap_err();
    assert!(err.contains("no_such_table"), "{err}");
}
