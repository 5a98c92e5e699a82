//! `ceiling grow` end to end: the real binary, its own throwaway PostgreSQL (gone after success,
//! an error or Ctrl-C), and `--scratch-url`, which must never touch anything but its own schema.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::postgres::{TempPostgres, start_or_skip};

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name)
}

fn ceiling_grow(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ceiling")).arg("grow").args(args).env("NO_COLOR", "1").output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The scratch dir the run announced on stderr.
fn scratch_dir(stderr: &str) -> PathBuf {
    let line = stderr.lines().find(|line| line.contains("scratch PostgreSQL at")).expect("the run names its dir");
    let rest = line.split("scratch PostgreSQL at ").nth(1).unwrap();
    PathBuf::from(rest.split(" (").next().unwrap())
}

/// No process runs a server on `dir`, and `dir` is gone.
fn assert_gone(dir: &Path) {
    assert!(!dir.exists(), "{} still exists", dir.display());
    let needle = dir.to_string_lossy().into_owned();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        assert!(!cmdline.contains(&needle) || cmdline.contains("cargo"), "still running: {cmdline}");
    }
}

/// A throwaway app whose only schema is `sql`, as a plain migrations folder.
fn app_with_migration(sql: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    std::fs::write(dir.path().join("migrations/0001_init.sql"), sql).unwrap();
    dir
}

#[test]
fn json_and_html_reports_of_the_drizzle_example_and_the_cluster_is_gone_after() {
    if start_or_skip("grow-json").is_none() {
        return;
    }
    let html = tempfile::tempdir().unwrap();
    let html_path = html.path().join("grow.html");
    let output = ceiling_grow(&[
        example("express-drizzle-app").to_str().unwrap(),
        "--scales",
        "1k,10k,50k",
        "--runs",
        "2",
        "--format",
        "json",
        "--html",
        html_path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["version"], 1);
    let grow = &json["grow"];
    assert_eq!(grow["source"]["kind"], "migrations");
    assert_eq!(grow["steps"].as_array().unwrap().len(), 3);
    assert_eq!(grow["steps"][2]["largest"], 50_000);
    let queries = grow["queries"].as_array().unwrap();
    let planted =
        queries.iter().find(|q| q["location"] == "src/jobs/process-pending.ts:19").expect("the planted query");
    assert_eq!(planted["points"].as_array().unwrap().len(), 3);
    assert_eq!(planted["points"][2]["node"], "Seq Scan");
    assert_eq!(planted["fit"]["growth"], "linear");
    assert_eq!(planted["with_index"]["index"], "order_items_order_id_idx");
    assert!(planted["findings"].as_array().unwrap().iter().any(|rule| rule == "unindexed-filter"));

    let page = std::fs::read_to_string(&html_path).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("http"), "the page must not reach the network");
    assert!(!page.contains("<script"));
    let charts = page.matches("<svg").count();
    assert!(charts >= 1, "at least the planted query has a chart");
    assert!(page.contains("order_items_order_id_idx"));

    assert_gone(&scratch_dir(&stderr(&output)));
}

#[test]
fn the_human_report_shows_the_planted_query_going_flat_with_its_index() {
    if start_or_skip("grow-human").is_none() {
        return;
    }
    let output =
        ceiling_grow(&[example("express-drizzle-app").to_str().unwrap(), "--scales", "1k,10k,50k", "--runs", "2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let block = text.split("\n\n").find(|block| block.contains("src/jobs/process-pending.ts:19")).expect("planted");
    assert!(block.contains("linear:"), "{block}");
    assert!(block.contains("with index order_items_order_id_idx"), "{block}");
    assert!(block.contains("Seq Scan → Seq Scan → Seq Scan"), "{block}");
}

#[test]
fn a_broken_migration_is_an_error_and_the_cluster_is_gone() {
    if start_or_skip("grow-error").is_none() {
        return;
    }
    // No table the models could describe either, so there is no fallback.
    let app = app_with_migration("create tabel oops (id int);\n");
    let output = ceiling_grow(&[app.path().to_str().unwrap(), "--scales", "1k"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("migrations/0001_init.sql failed"), "{err}");
    assert!(err.contains("syntax error"), "{err}");
    assert_gone(&scratch_dir(&err));
}

#[test]
fn ctrl_c_while_loading_stops_the_cluster_and_removes_it() {
    if start_or_skip("grow-sigint").is_none() {
        return;
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_ceiling"))
        .args(["grow", example("express-drizzle-app").to_str().unwrap(), "--scales", "1k,5M"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let announced = lines.by_ref().map_while(Result::ok).find(|line| line.contains("scratch PostgreSQL at")).unwrap();
    let dir = scratch_dir(&announced);
    // Into the load of the 5M step.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(dir.exists());
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "ceiling did not stop after SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(130), "{rest:?}");
    assert!(rest.iter().any(|line| line.contains("interrupted")), "{rest:?}");
    assert_gone(&dir);
}

/// Everything outside `ceiling_grow` that a run could touch: objects, and the rows of the user's table.
fn outside(server: &TempPostgres, database: &str) -> String {
    server
        .psql_in(
            database,
            "select string_agg(x, ',' order by x) from (
               select n.nspname || '.' || c.relname || ':' || c.relkind::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
               union all select 'type ' || t.typname from pg_type t join pg_namespace n on n.oid = t.typnamespace
                where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')
               union all select 'ext ' || extname from pg_extension
               union all select 'schema ' || nspname from pg_namespace
               union all select 'rows ' || count(*) || ' ' || md5(string_agg(email, ',' order by id)) from public.users) s(x)",
        )
        .unwrap()
}

#[test]
fn scratch_url_uses_its_own_schema_only_and_drops_it() {
    let Some(server) = start_or_skip("grow-scratch-url") else { return };
    server.psql("create database app").unwrap();
    // The user's own table of the same name as one the example creates.
    server
        .psql_in("app", "create table public.users (id serial primary key, email text); insert into public.users (email) select 'u' || g from generate_series(1, 50) g")
        .unwrap();
    let before = outside(&server, "app");
    let output = ceiling_grow(&[
        example("express-drizzle-app").to_str().unwrap(),
        "--scales",
        "1k,5k",
        "--scratch-url",
        &server.url_of("app"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("src/jobs/process-pending.ts:19"), "{}", stdout(&output));
    assert_eq!(outside(&server, "app"), before, "objects or rows outside ceiling_grow changed");
    let left = server.psql_in("app", "select count(*) from pg_namespace where nspname = 'ceiling_grow'").unwrap();
    assert_eq!(left.trim(), "0", "the scratch schema was not dropped");
}

#[test]
fn scratch_url_refuses_a_schema_it_did_not_create() {
    let Some(server) = start_or_skip("grow-foreign-schema") else { return };
    server.psql("create schema ceiling_grow; create table ceiling_grow.keep (id int); insert into ceiling_grow.keep values (1)").unwrap();
    let output = ceiling_grow(&[
        example("express-drizzle-app").to_str().unwrap(),
        "--scales",
        "1k",
        "--scratch-url",
        &server.url(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("ceiling did not create"), "{}", stderr(&output));
    assert_eq!(server.psql("select count(*) from ceiling_grow.keep").unwrap().trim(), "1");
}

#[test]
fn scratch_url_rolls_back_a_schema_that_reaches_outside_its_schema() {
    let Some(server) = start_or_skip("grow-outside") else { return };
    server.psql("create database app").unwrap();
    server.psql_in("app", "create table public.users (id serial primary key, email text)").unwrap();
    let before = outside(&server, "app");
    let app = app_with_migration(
        "create schema elsewhere;\ncreate table elsewhere.t (id int primary key);\ncreate table items (id int primary key);\n",
    );
    let output =
        ceiling_grow(&[app.path().to_str().unwrap(), "--scales", "1k", "--scratch-url", &server.url_of("app")]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("outside the schema ceiling_grow"), "{}", stderr(&output));
    assert_eq!(outside(&server, "app"), before);
}

#[test]
fn from_db_takes_the_schema_of_a_live_database_and_only_reads_it() {
    let Some(server) = start_or_skip("grow-from-db") else { return };
    server.psql("create database shop").unwrap();
    let setup = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/shop-database/setup.sql");
    server.psql_file_in("shop", &setup).unwrap();
    let before =
        server.psql_in("shop", "select sum(n_tup_ins + n_tup_upd + n_tup_del) from pg_stat_user_tables").unwrap();
    let empty = tempfile::tempdir().unwrap();
    let output = ceiling_grow(&[
        empty.path().to_str().unwrap(),
        "--from-db",
        &server.url_of("shop"),
        "--scales",
        "1k",
        "--query",
        "select * from orders where customer_id = 7",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["grow"]["source"]["kind"], "database");
    let tables: Vec<&str> =
        json["grow"]["steps"][0]["tables"].as_array().unwrap().iter().map(|t| t["table"].as_str().unwrap()).collect();
    assert!(tables.contains(&"orders") && tables.contains(&"customers"), "{tables:?}");
    assert_eq!(json["grow"]["queries"][0]["location"], "--query");
    assert!(json["grow"]["queries"][0]["points"][0]["node"].as_str().is_some());
    server.wait_for_sessions_to_end("shop").unwrap();
    let after =
        server.psql_in("shop", "select sum(n_tup_ins + n_tup_upd + n_tup_del) from pg_stat_user_tables").unwrap();
    assert_eq!(before, after, "the live database was written to");
}

#[test]
fn migrations_that_do_not_replay_fall_back_to_the_models_and_say_so() {
    if start_or_skip("grow-fallback").is_none() {
        return;
    }
    // A data fix that fails on an empty database, as dashboard-made tables and seeds do.
    let app = app_with_migration("create table items (id int primary key, name text);\nselect 1 / 0;\n");
    let output = ceiling_grow(&[app.path().to_str().unwrap(), "--scales", "1k", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["grow"]["source"]["kind"], "models");
    let notes = json["grow"]["notes"].to_string();
    assert!(notes.contains("migrations/0001_init.sql failed") && notes.contains("division by zero"), "{notes}");
    assert_eq!(json["grow"]["steps"][0]["tables"][0]["rows"], 1000);
}

#[test]
fn supabase_migrations_run_on_a_stub_of_its_platform_and_fill_auth_users() {
    if start_or_skip("grow-supabase").is_none() {
        return;
    }
    let app = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(app.path().join("supabase/migrations")).unwrap();
    std::fs::write(
        app.path().join("supabase/migrations/20240101000000_init.sql"),
        "create table public.profiles (id uuid primary key references auth.users (id) on delete cascade, name text);\n\
         create table public.notes (id bigint generated always as identity primary key, \
           owner uuid not null references auth.users (id), body text, created_at timestamptz default now());\n\
         alter table public.notes enable row level security;\n\
         create policy \"own notes\" on public.notes using ((select auth.uid()) = owner);\n",
    )
    .unwrap();
    let output = ceiling_grow(&[app.path().to_str().unwrap(), "--scales", "1k,5k", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["grow"]["source"]["kind"], "migrations");
    let rows = |name: &str| {
        json["grow"]["steps"][1]["tables"].as_array().unwrap().iter().find(|t| t["table"] == name).unwrap()["rows"]
            .as_u64()
            .unwrap()
    };
    // auth.users is filled as the parent; a profile per user at most; ten notes per user.
    assert_eq!(rows("notes"), 5_000);
    assert_eq!(rows("auth.users"), 500);
    assert_eq!(rows("profiles"), 500);
}

#[test]
fn without_postgresql_binaries_the_error_names_what_to_install() {
    let empty = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ceiling"))
        .args(["grow", example("express-drizzle-app").to_str().unwrap(), "--scales", "1k"])
        .env("CEILING_PG_BINDIR", empty.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("found no server binaries") && err.contains("apt install postgresql"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn scratch_url_neither_fires_the_apps_triggers_nor_runs_hand_given_writes() {
    let Some(server) = start_or_skip("grow-triggers") else { return };
    server.psql("create database app").unwrap();
    server.psql_in("app", "create table public.audit_log (id serial primary key, note text)").unwrap();
    // The trigger's body names public.audit_log inside a string: no rewrite reaches it.
    let app = app_with_migration(
        "create table items (id int primary key, name text);\n\
         create function log_item() returns trigger language plpgsql as $$\n\
         begin insert into public.audit_log (note) values (new.name); return new; end $$;\n\
         create trigger items_log after insert on items for each row execute function log_item();\n",
    );
    let output = ceiling_grow(&[
        app.path().to_str().unwrap(),
        "--scales",
        "1k,2k",
        "--scratch-url",
        &server.url_of("app"),
        "--query",
        "delete from ceiling_grow.items",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(server.psql_in("app", "select count(*) from public.audit_log").unwrap().trim(), "0");
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    // The DELETE was refused by the read-only transaction at every step, and the rows stayed.
    let points = json["grow"]["queries"][0]["points"].as_array().unwrap();
    assert!(points.iter().all(|p| p["error"].as_str().is_some_and(|e| e.contains("read-only"))), "{points:?}");
    assert_eq!(json["grow"]["steps"][1]["tables"][0]["rows"], 2000);
}

#[test]
fn not_null_addresses_and_durations_are_filled() {
    if start_or_skip("grow-types").is_none() {
        return;
    }
    let app = app_with_migration(
        "create table sessions (id bigserial primary key, ip inet not null, ttl interval not null, \
         price numeric(6, 2) not null, code varchar(4) not null unique, tags text[] not null, day date not null);\n",
    );
    let output = ceiling_grow(&[
        app.path().to_str().unwrap(),
        "--scales",
        "2k",
        "--query",
        "select * from sessions where ip = '10.1.2.3' and ttl > interval '1 hour'",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["grow"]["steps"][0]["tables"][0]["rows"], 2000);
    assert!(json["grow"]["queries"][0]["points"][0]["error"].is_null(), "{}", json["grow"]["queries"][0]);
}
