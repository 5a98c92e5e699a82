//! `ceiling db` end to end: the real binary against a real PostgreSQL started for the test.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::postgres::{TempPostgres, start_or_skip, start_with_or_skip};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn ceiling_db(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ceiling"))
        .arg("db")
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// A database loaded with the shipped example.
fn shop(server: &TempPostgres) -> String {
    server.psql("create database shop").unwrap();
    let script = workspace().join("examples/shop-database/setup.sql");
    server.psql_file_in("shop", &script).unwrap_or_else(|err| panic!("setup failed: {err}"));
    server.url_of("shop")
}

/// The header names the server's port and version and the run's time, which differ per machine.
fn stable(text: &str, server: &TempPostgres) -> String {
    text.lines()
        .map(|line| match line.strip_prefix("Read ") {
            Some(_) => {
                let tables = line.find("): ").map_or("", |at| &line[at + 3..]);
                let tables = tables.find(" in ").map_or(tables, |at| &tables[..at]);
                format!("Read 127.0.0.1:<port>/shop (PostgreSQL <version>): {tables} in <elapsed>.")
            }
            None => line.replace(&server.port().to_string(), "<port>"),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn shop_example_human() {
    let Some(server) = start_or_skip("shop_example_human") else { return };
    let url = shop(&server);
    let output = ceiling_db(&["--url", &url]);
    assert_eq!(output.status.code(), Some(1), "a warning fails the run: {}", stderr(&output));
    insta::assert_snapshot!(stable(&stdout(&output), &server));
}

/// The CI formats carry the database's findings too: GitHub annotations with no file, JUnit failed from
/// --fail-on, the Markdown summary by family; SARIF, which code scanning reads, only what has a file.
#[test]
fn shop_example_in_ci_formats() {
    let Some(server) = start_or_skip("shop_example_in_ci_formats") else { return };
    let url = shop(&server);
    let run = |format: &str| {
        let output = ceiling_db(&["--url", &url, "--format", format]);
        assert_eq!(output.status.code(), Some(1), "{format}: a warning fails the run: {}", stderr(&output));
        stable(&stdout(&output), &server)
    };
    let markdown = run("markdown");
    assert!(markdown.contains("| db |") && markdown.contains("unindexed-foreign-key"), "{markdown}");
    insta::assert_snapshot!("shop_example_markdown", markdown);
    let github = run("github");
    assert!(github.lines().all(|line| line.starts_with("::") && !line.contains("file=")), "{github}");
    insta::assert_snapshot!("shop_example_github", github);
    let junit = run("junit");
    assert!(junit.contains("<failure type=\"warning\""), "{junit}");

    // Code scanning needs a file for every result: the live database's findings have none, so they are
    // left out of the SARIF log, and the run says so.
    let output = ceiling_db(&["--url", &url, "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("4 findings with no place in the code left out of SARIF"), "{}", stderr(&output));
    let sarif = stdout(&output);
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    if support::node::available() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("db.sarif");
        std::fs::write(&file, &sarif).unwrap();
        support::node::assert_valid_sarif(&[file]);
    }
}

#[test]
fn shop_example_json_reads_database_url() {
    let Some(server) = start_or_skip("shop_example_json_reads_database_url") else { return };
    let url = shop(&server);
    let output = Command::new(env!("CARGO_BIN_EXE_ceiling"))
        .args(["db", "--format", "json", "--fail-on", "never"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["database"]["tables"], 5);
    let findings: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_owned(), f["object"]["name"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        findings,
        [
            ("statements-unavailable".to_owned(), "shop".to_owned()),
            ("no-primary-key".to_owned(), "public.page_views".to_owned()),
            ("duplicate-index".to_owned(), "public.customers_email_idx".to_owned()),
            ("unindexed-foreign-key".to_owned(), "public.orders: orders_customer_id_fkey".to_owned()),
        ]
    );
    let fk = &json["findings"][3];
    assert_eq!(fk["severity"], "warning", "20,000 orders");
    assert!(fk.get("file").is_none(), "database findings have an object, not a file");
    assert_eq!(
        fk["index"]["sql"],
        r#"CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_customer_id_idx" ON "public"."orders" ("customer_id");"#
    );
}

/// The tables' contents, the write counters and the next transaction id, before and after a run.
fn fingerprint(server: &TempPostgres, database: &str) -> String {
    let tables = server
        .psql_in(database, "select format('%I.%I', schemaname, relname) from pg_stat_user_tables order by 1")
        .unwrap();
    let mut sums = Vec::new();
    for table in tables.lines() {
        let sum = server
            .psql_in(
                database,
                &format!("select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) from {table} t"),
            )
            .unwrap();
        sums.push(format!("{table} {}", sum.trim()));
    }
    let counters = server
        .psql_in(
            database,
            "select tup_inserted, tup_updated, tup_deleted, temp_files from pg_stat_database \
             where datname = current_database()",
        )
        .unwrap();
    let catalog = server
        .psql_in(
            database,
            "select string_agg(format('%s:%s', oid, relfilenode), ',' order by oid) from pg_class \
             where relnamespace = 'public'::regnamespace",
        )
        .unwrap();
    let next_xid = server.psql_in(database, "select pg_snapshot_xmax(pg_current_snapshot())").unwrap();
    format!("{}\ncounters {counters}catalog {catalog}next xid {next_xid}", sums.join("\n"))
}

fn quiesce(server: &TempPostgres, database: &str) {
    server.wait_for_sessions_to_end(database).unwrap();
}

#[test]
fn a_full_run_writes_nothing() {
    let settings = [("autovacuum", "off"), ("shared_preload_libraries", "pg_stat_statements")];
    let Some(server) = start_with_or_skip("a_full_run_writes_nothing", &settings) else { return };
    let url = shop(&server);
    // Every path of a run: the workload read from pg_stat_statements, generic plans, HypoPG's
    // hypothetical indexes where it is installed, and EXPLAIN ANALYZE.
    server.psql_in("shop", "create extension pg_stat_statements").unwrap();
    let hypopg = server.psql_in("shop", "create extension hypopg").is_ok();
    let workload = "select format('select id, status from orders where customer_id = %s', g) from generate_series(1, 40) g \\gexec";
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(script.path(), workload).unwrap();
    server.psql_file_in("shop", script.path()).unwrap();
    quiesce(&server, "shop");
    let before = fingerprint(&server, "shop");
    quiesce(&server, "shop");
    let output = ceiling_db(&["--url", &url, "--fail-on", "never", "--analyze", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = stdout(&output);
    assert!(report.contains("\"seq-scan-statement\""), "the plans were read and a scan found: {report}");
    if hypopg {
        assert!(report.contains("HypoPG"), "the suggestion was verified: {report}");
    }
    quiesce(&server, "shop");
    let after = fingerprint(&server, "shop");
    // Reading the fingerprint itself takes no transaction id (psql's reads are read-only), so the
    // next xid moving would mean the audit wrote.
    assert_eq!(before, after, "the audit changed the database");
    assert!(before.contains("public.orders "), "{before}");
}

#[test]
fn bad_input_is_one_line_without_the_password() {
    let Some(server) = start_or_skip("bad_input_is_one_line_without_the_password") else { return };
    // Nothing listens on a port we just released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // A server that is not PostgreSQL: it answers with HTTP and hangs up.
    let http = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let http_port = http.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in http.incoming().flatten().take(4) {
            let mut stream = stream;
            let mut buffer = [0u8; 64];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
        }
    });
    let port = server.port();
    let cases = [
        (format!("postgres://app:hunter2@127.0.0.1:{closed}/shop"), format!("cannot connect to 127.0.0.1:{closed}")),
        (format!("postgres://app:hunter2@127.0.0.1:{http_port}/shop"), "is this a PostgreSQL server?".to_owned()),
        (
            format!("postgres://ceiling:hunter2@127.0.0.1:{port}/no_such_db"),
            "database \"no_such_db\" does not exist".to_owned(),
        ),
        ("postgres://app:hunter2@127.0.0.1:notaport/shop".to_owned(), "bad database URL".to_owned()),
        // `.invalid` never resolves (RFC 2606).
        (
            "postgres://app:hunter2@no-such-host.invalid:5432/shop".to_owned(),
            "cannot connect to no-such-host.invalid:5432 (database shop, user app)".to_owned(),
        ),
        ("hunter2".to_owned(), "bad database URL".to_owned()),
    ];
    for (url, expected) in cases {
        let output = ceiling_db(&["--url", &url]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{url}: {err}");
        assert!(err.contains(&expected), "{url}: expected {expected:?} in {err:?}");
        assert!(!err.contains("hunter2"), "{url}: the password leaked: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{url}: one line: {err}");
        assert!(stdout(&output).is_empty());
    }
    let output = ceiling_db(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("pass --url or set DATABASE_URL"), "{}", stderr(&output));
}

#[test]
fn wrong_password_says_so() {
    // Password authentication for every role but the test's superuser.
    let dir = tempfile::tempdir().unwrap();
    let hba = dir.path().join("pg_hba.conf");
    std::fs::write(
        &hba,
        "local all all trust\nhost all ceiling 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n",
    )
    .unwrap();
    readable_by_all(dir.path(), &hba);
    let hba_setting = format!("'{}'", hba.display());
    let Some(server) = start_with_or_skip("wrong_password_says_so", &[("hba_file", &hba_setting)]) else { return };
    server.psql("create role app login password 'right-horse-battery'").unwrap();
    let url = format!("postgres://app:hunter2@127.0.0.1:{}/postgres", server.port());
    let output = ceiling_db(&["--url", &url]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("password authentication failed for user \"app\" (wrong password?)"), "{err}");
    assert!(!err.contains("hunter2") && !err.contains("right-horse"), "{err}");
    let good = format!("postgres://app:right-horse-battery@127.0.0.1:{}/postgres", server.port());
    let output = ceiling_db(&["--url", &good, "--fail-on", "never"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn tls_require_encrypts_and_verify_full_checks_the_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = (dir.path().join("server.crt"), dir.path().join("server.key"));
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"])
        // A leaf certificate for `localhost` (webpki wants the name in subjectAltName and no CA flag).
        .args(["-addext", "subjectAltName=DNS:localhost", "-addext", "basicConstraints=critical,CA:FALSE", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl is installed");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    readable_by_all(dir.path(), &cert);
    server_owned_key(dir.path(), &key);
    // TCP connections must be encrypted: a run that connects proves TLS was used.
    let hba = dir.path().join("pg_hba.conf");
    std::fs::write(&hba, "local all all trust\nhostssl all all 127.0.0.1/32 trust\n").unwrap();
    readable_by_all(dir.path(), &hba);
    let (cert_setting, key_setting, hba_setting) =
        (format!("'{}'", cert.display()), format!("'{}'", key.display()), format!("'{}'", hba.display()));
    let settings = [
        ("ssl", "on"),
        ("ssl_cert_file", cert_setting.as_str()),
        ("ssl_key_file", key_setting.as_str()),
        ("hba_file", hba_setting.as_str()),
    ];
    let Some(server) = start_with_or_skip("tls", &settings) else { return };
    let base = server.url();

    let output = ceiling_db(&["--url", &format!("{base}?sslmode=require"), "--fail-on", "never"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = ceiling_db(&["--url", &format!("{base}?sslmode=disable")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no encryption (add ?sslmode=require to the URL)"), "{}", stderr(&output));

    // The self-signed certificate is no public CA's.
    let output = ceiling_db(&["--url", &format!("{base}?sslmode=verify-full")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("certificate"), "{}", stderr(&output));

    // Trusted as its own root, it passes, under the name it was made for.
    let rooted = format!(
        "postgres://ceiling@localhost:{}/postgres?sslmode=verify-full&sslrootcert={}",
        server.port(),
        cert.display()
    );
    let output = ceiling_db(&["--url", &rooted, "--fail-on", "never"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // verify-ca does not check the name: 127.0.0.1 is not `localhost`, and still passes.
    let by_address = format!("{base}?sslmode=verify-ca&sslrootcert={}", cert.display());
    let output = ceiling_db(&["--url", &by_address, "--fail-on", "never"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let by_address = format!("{base}?sslmode=verify-full&sslrootcert={}", cert.display());
    let output = ceiling_db(&["--url", &by_address]);
    assert_eq!(output.status.code(), Some(2), "verify-full checks the name");
}

/// The server runs as another user when the tests run as root: let it read `file`.
fn readable_by_all(dir: &Path, file: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
}

/// PostgreSQL refuses a key file that others can read, or that another user owns.
fn server_owned_key(dir: &Path, key: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(key, std::fs::Permissions::from_mode(0o600)).unwrap();
    if let Some(user) = support::postgres::server_user() {
        let chowned = Command::new("chown").arg(&user).arg(key).output().unwrap();
        assert!(chowned.status.success());
    }
}

#[test]
fn code_findings_are_checked_against_the_live_database() {
    let Some(server) = start_or_skip("code_findings_are_checked_against_the_live_database") else { return };
    server.psql("create database app").unwrap();
    let migration = workspace().join("examples/next-prisma-app/prisma/migrations/20240101000000_init/migration.sql");
    server.psql_file_in("app", &migration).unwrap();
    // Production got the notifications index by hand; the schema files never did.
    server.psql_in("app", r#"create index "Notification_userId_by_hand" on "Notification" ("userId")"#).unwrap();
    let app = workspace().join("examples/next-prisma-app");
    let output = ceiling_db(&["--url", &server.url_of("app"), "--code", app.to_str().unwrap(), "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let indexed: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["index"]["table"] == "Notification" && f.get("file").is_some()).collect();
    assert_eq!(indexed.len(), 2, "the scan's foreign-key and filter findings on Notification");
    for finding in indexed {
        assert_eq!(finding["severity"], "info", "{finding}");
        let evidence = finding["evidence"].to_string();
        assert!(evidence.contains("`Notification_userId_by_hand` already serves these columns"), "{evidence}");
    }
    let sort = findings.iter().find(|f| f["rule"] == "unindexed-sort").expect("the Post sort finding");
    assert_eq!(sort["severity"], "warning");
    assert!(sort["evidence"][0].as_str().unwrap().starts_with("live database: `public.Post` holds 0 rows"), "{sort}");
    assert!(json["database"]["code_files"].as_u64().unwrap() > 10);
}

#[test]
fn code_findings_name_the_statements_whose_plans_scan_their_table() {
    let settings = [("shared_preload_libraries", "pg_stat_statements")];
    let Some(server) = start_with_or_skip("code_findings_name_the_statements", &settings) else { return };
    server.psql("create database app").unwrap();
    let migration = workspace().join("examples/next-prisma-app/prisma/migrations/20240101000000_init/migration.sql");
    server.psql_file_in("app", &migration).unwrap();
    let workload = r#"create extension pg_stat_statements;
insert into "User" (id, email) values ('u1', 'a@example.com');
insert into "Notification" (id, "userId", message) select 'n' || g, 'u1', 'hi' from generate_series(1, 2000) g;
analyze;
select format('select id from "Notification" where "userId" = %L', 'u' || g) from generate_series(1, 20) g \gexec
"#;
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(script.path(), workload).unwrap();
    server.psql_file_in("app", script.path()).unwrap_or_else(|err| panic!("{err}"));
    let hypopg = server.psql_in("app", "create extension hypopg").is_ok();
    quiesce(&server, "app");
    let app = workspace().join("examples/next-prisma-app");
    let output = ceiling_db(&["--url", &server.url_of("app"), "--code", app.to_str().unwrap(), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let filter = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "unindexed-filter" && f["index"]["table"] == "Notification")
        .expect("the scan's filter finding");
    assert_eq!(filter["severity"], "warning");
    let evidence = filter["evidence"].to_string();
    assert!(
        evidence.contains(
            r#"`select id from \"Notification\" where \"userId\" = $1` ran 20 times; its plan scans the whole table"#
        ),
        "{evidence}"
    );
    assert!(evidence.contains("it plans this query as a Seq Scan on `public.Notification`, cost "), "{evidence}");
    // Where HypoPG is installed, the suggested index is tried on the code's own query.
    assert_eq!(evidence.contains("; with the index, "), hypopg, "{evidence}");
    let sort = json["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "unindexed-sort").unwrap();
    assert!(sort["evidence"].to_string().contains("it plans this query as a Seq Scan on `public.Post`"), "{sort}");
}

#[test]
fn fixes_run_as_written_on_names_that_need_quotes() {
    let Some(server) = start_or_skip("fixes_run_as_written_on_names_that_need_quotes") else { return };
    server.psql("create database prisma_app").unwrap();
    // Prisma's names: CamelCase tables and indexes, which unquoted SQL folds to lower case.
    let setup = r#"create table "Post" ("id" text primary key, "title" text);
create index "Post_title_idx" on "Post" ("title");
create index "Post_title_again" on "Post" ("title");
create table "AuditLog" ("at" timestamptz, "Event Kind" text);"#;
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(script.path(), setup).unwrap();
    server.psql_file_in("prisma_app", script.path()).unwrap();
    let output = ceiling_db(&["--url", &server.url_of("prisma_app"), "--format", "json", "--fail-on", "never"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let fix_of = |rule: &str| -> String {
        let finding = json["findings"].as_array().unwrap().iter().find(|f| f["rule"] == rule).unwrap();
        let fix = finding["fix"].as_str().unwrap();
        // The statement: the `...` span of the fix that is SQL (an ALTER, or one ending in `;`).
        let sql = |part: &&str| part.starts_with("ALTER") || (part.contains(' ') && part.ends_with(';'));
        fix.split('`').rfind(sql).unwrap().to_owned()
    };
    for (rule, statement) in
        [("duplicate-index", fix_of("duplicate-index")), ("no-primary-key", fix_of("no-primary-key"))]
    {
        server.psql_in("prisma_app", &statement).unwrap_or_else(|err| panic!("{rule}: `{statement}` fails: {err}"));
    }
    let output = ceiling_db(&["--url", &server.url_of("prisma_app"), "--format", "json", "--fail-on", "never"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let rules: Vec<&str> = json["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(!rules.contains(&"duplicate-index") && !rules.contains(&"no-primary-key"), "fixed: {rules:?}");
}
