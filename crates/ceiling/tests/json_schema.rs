//! The `--format json` outputs of `scan`, `db`, `grow` and `load`, produced by the real binary on real inputs (the
//! examples, a throwaway PostgreSQL, HTTP servers on 127.0.0.1), are valid against the JSON Schemas the project
//! publishes in docs/schemas/, checked by ajv in strict mode (`tests/sarif/validate-json.mjs`). The schemas close
//! every object of a fixed shape (`additionalProperties: false`), so a field added, renamed or dropped in the
//! output without the schema and docs/json-output.md fails here.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::examples::copy_of_example;
use support::http::OkServer;
use support::postgres::start_or_skip;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn ceiling(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ceiling"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The command's JSON on stdout, after checking its exit code is one of `codes`.
fn json_of(output: &Output, codes: &[i32]) -> Value {
    assert!(
        output.status.code().is_some_and(|code| codes.contains(&code)),
        "exit {:?}: {}",
        output.status.code(),
        text(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| panic!("{error}: {}", text(&output.stdout)))
}

/// Writes each `(file name, JSON)` to `dir` and runs `validate-json.mjs` on them with the schema `name`.
fn check(name: &str, dir: &Path, reports: &[(String, Value)]) -> Output {
    assert!(!reports.is_empty());
    let files: Vec<PathBuf> = reports
        .iter()
        .map(|(file, json)| {
            let path = dir.join(file);
            std::fs::write(&path, serde_json::to_string_pretty(json).unwrap()).unwrap();
            path
        })
        .collect();
    support::node::validate_json(name, &files)
}

fn assert_valid(name: &str, reports: &[(String, Value)]) {
    let dir = tempfile::tempdir().unwrap();
    let checked = check(name, dir.path(), reports);
    assert!(
        checked.status.success(),
        "not valid against docs/schemas/{name}.schema.json:\n{}{}",
        text(&checked.stdout),
        text(&checked.stderr)
    );
}

/// `scan --format json` of every example, as is and with `--report-unused-suppressions`.
#[test]
fn scan_json_of_every_example_matches_the_schema() {
    if !support::node::available() {
        return;
    }
    let root = workspace();
    let mut examples: Vec<String> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .flatten()
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    examples.sort();
    assert!(examples.len() >= 4, "{examples:?}");
    let mut reports = Vec::new();
    for example in &examples {
        let path = format!("examples/{example}");
        for (suffix, extra) in [("", None), ("-unused", Some("--report-unused-suppressions"))] {
            let args: Vec<&str> = ["scan", &path, "--format", "json"].into_iter().chain(extra).collect();
            reports.push((format!("{example}{suffix}.json"), json_of(&ceiling(&args, &root), &[0, 1])));
        }
    }
    let findings: usize = reports.iter().map(|(_, json)| json["findings"].as_array().unwrap().len()).sum();
    assert!(findings > 20, "the examples have findings to check: {findings}");
    assert_valid("scan", &reports);
}

/// The optional parts of the scan's JSON: `baselined` (--baseline), suppressed findings, the `meta` family
/// (invalid and unused suppressions), and skipped files with and without `detail`. Then the negative check: the
/// same report with a misspelled field is refused, which proves the schema's objects are closed.
#[test]
fn scan_json_with_a_baseline_suppressions_and_skipped_files_matches_the_schema() {
    if !support::node::available() {
        return;
    }
    let (dir, app) = copy_of_example("express-drizzle-app");
    let baseline = dir.path().join("baseline.json");
    let written = ceiling(&["scan", ".", "--write-baseline", baseline.to_str().unwrap()], &app);
    assert!(written.status.success(), "{}", text(&written.stderr));

    // Silence the first finding of a TypeScript file where it is, with a reason.
    let before = json_of(&ceiling(&["scan", ".", "--format", "json"], &app), &[1]);
    let first = before["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["file"].as_str().unwrap().ends_with(".ts"))
        .expect("a finding in TypeScript");
    let file = app.join(first["file"].as_str().unwrap());
    let line = first["line"].as_u64().unwrap() as usize;
    let source = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<&str> = source.lines().collect();
    let comment = format!("// ceiling-ignore {}: the schema test silences it", first["rule"].as_str().unwrap());
    lines.insert(line - 1, &comment);
    lines.insert(0, "// ceiling-ignore unbounded-read: silences nothing");
    lines.insert(0, "/* ceiling-ignore no-rate-limit */");
    std::fs::write(&file, lines.join("\n")).unwrap();
    std::fs::write(app.join("src/broken.ts"), "export const = ;\n").unwrap();
    std::fs::write(app.join("src/orders.test.ts"), "test('orders', () => {})\n").unwrap();

    let args = ["scan", ".", "--format", "json", "--report-unused-suppressions", "--baseline"];
    let report = json_of(&ceiling(&[&args[..], &[baseline.to_str().unwrap()]].concat(), &app), &[1]);
    let summary = &report["summary"];
    assert!(summary["baselined"].as_u64().unwrap() > 0, "{summary}");
    assert!(summary["suppressed"].as_u64().unwrap() > 0, "{summary}");
    let rules: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"invalid-suppression") && rules.contains(&"unused-suppression"), "{rules:?}");
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["family"] == "meta"), "{rules:?}");
    let skipped = report["skipped"].as_array().unwrap();
    assert!(skipped.iter().any(|s| s["reason"] == "parse error" && s["detail"].is_string()), "{skipped:?}");
    assert!(skipped.iter().any(|s| s["reason"] == "test file" && s.get("detail").is_none()), "{skipped:?}");
    let unbaselined = json_of(&ceiling(&["scan", ".", "--format", "json"], &app), &[1]);
    assert_valid("scan", &[("edited.json".to_owned(), report.clone()), ("all.json".to_owned(), unbaselined)]);

    // A misspelled field, in the summary and in a finding, is refused by name.
    let mut summary_typo = report.clone();
    let scanned = summary_typo["summary"].as_object_mut().unwrap().remove("files_scanned").unwrap();
    summary_typo["summary"]["file_scanned"] = scanned;
    let mut finding_typo = report.clone();
    let finding = finding_typo["findings"][0].as_object_mut().unwrap();
    let severity = finding.remove("severity").unwrap();
    finding.insert("severty".to_owned(), severity);
    let negative = tempfile::tempdir().unwrap();
    let reports = [("summary-typo.json".to_owned(), summary_typo), ("finding-typo.json".to_owned(), finding_typo)];
    let refused = check("scan", negative.path(), &reports);
    let errors = text(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{}{errors}", text(&refused.stdout));
    for (file, field) in [("summary-typo.json", "file_scanned"), ("finding-typo.json", "severty")] {
        let said = errors_of(&errors, file);
        assert!(said.contains(&format!(r#"{{"additionalProperty":"{field}"}}"#)), "{file}: {errors}");
    }
}

/// The errors `validate-json.mjs` printed for `file`: the indented lines under its name.
fn errors_of(stderr: &str, file: &str) -> String {
    let mut lines = stderr.lines().skip_while(|line| !line.contains(&format!("{file}: invalid against")));
    let header = lines.next().unwrap_or_else(|| panic!("no errors for {file}: {stderr}"));
    let errors: Vec<&str> = lines.take_while(|line| line.starts_with("  ")).collect();
    format!("{header}\n{}", errors.join("\n"))
}

/// `db --format json` on the shop example (findings about database objects), and with `--code` on the Prisma
/// example's schema (the scan's findings too, with the database's `evidence`).
#[test]
fn db_json_matches_the_schema() {
    if !support::node::available() {
        return;
    }
    let Some(server) = start_or_skip("db_json_matches_the_schema") else { return };
    let root = workspace();
    server.psql("create database shop").unwrap();
    server.psql_file_in("shop", &root.join("examples/shop-database/setup.sql")).unwrap();
    let shop = json_of(&ceiling(&["db", "--url", &server.url_of("shop"), "--format", "json"], &root), &[0, 1]);
    assert!(shop["findings"].as_array().unwrap().iter().any(|f| f["object"].is_object()), "{shop}");

    server.psql("create database app").unwrap();
    let migration = root.join("examples/next-prisma-app/prisma/migrations/20240101000000_init/migration.sql");
    server.psql_file_in("app", &migration).unwrap();
    let args = ["db", "--url", &server.url_of("app"), "--code", "examples/next-prisma-app", "--format", "json"];
    let code = json_of(&ceiling(&args, &root), &[0, 1]);
    let findings = code["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["file"].is_string() && f["evidence"].is_array()), "{code}");
    assert!(code["database"]["code_files"].is_u64(), "{code}");
    assert_valid("db", &[("shop.json".to_owned(), shop), ("code.json".to_owned(), code)]);
}

/// `grow --format json` at three small sizes: the Drizzle example (SQL migrations, fits, an index measured, N+1
/// pages, and SQL given with --query) and the Django one (DDL from the models).
#[test]
fn grow_json_matches_the_schema() {
    if !support::node::available() {
        return;
    }
    // grow starts its own scratch PostgreSQL; this only says whether one can start.
    if start_or_skip("grow_json_matches_the_schema").is_none() {
        return;
    }
    let root = workspace();
    let small = ["--scales", "300,1k,2k", "--runs", "1", "--format", "json"];
    let drizzle_args =
        [&["grow", "examples/express-drizzle-app", "--query", "select count(*) from orders"], &small[..]];
    let drizzle = json_of(&ceiling(&drizzle_args.concat(), &root), &[0]);
    let grow = &drizzle["grow"];
    assert_eq!(grow["source"]["kind"], "migrations");
    assert!(grow["queries"].as_array().unwrap().iter().any(|q| q["with_index"].is_object()), "{grow}");
    assert!(grow["queries"].as_array().unwrap().iter().any(|q| q["location"] == "--query"), "{grow}");
    assert!(!grow["n_plus_one"].as_array().unwrap().is_empty(), "{grow}");
    let django = json_of(&ceiling(&[&["grow", "examples/django-drf-app"], &small[..]].concat(), &root), &[0]);
    assert_eq!(django["grow"]["source"]["kind"], "models");
    assert_valid("grow", &[("drizzle.json".to_owned(), drizzle), ("django.json".to_owned(), django)]);
}

/// `load --format json`, bounded to a few seconds on loopback servers of the test's own: the open model on a
/// routes file (an endpoint that meets the SLO, one that answers 503, a POST left out for want of a body), and
/// the closed model (--concurrency).
#[test]
fn load_json_matches_the_schema() {
    if !support::node::available() {
        return;
    }
    let root = workspace();
    let dir = tempfile::tempdir().unwrap();
    let routes = dir.path().join("routes.json");
    let table = r#"{"version": 1, "routes": [
        {"method": "GET", "path": "/health"}, {"method": "GET", "path": "/busy"}, {"method": "POST", "path": "/orders"}]}"#;
    std::fs::write(&routes, table).unwrap();
    let server = OkServer::start();
    let busy = format!("http://{}", server.addr);
    let bounded = ["--step-duration", "1s", "--max-duration", "3s", "--max-requests", "500", "--format", "json"];
    let open_args = ["load", &busy, "--routes", routes.to_str().unwrap(), "--start-rate", "20", "--max-rate", "40"];
    let open = json_of(&ceiling(&[&open_args[..], &bounded].concat(), &root), &[0, 1]);
    let load = &open["load"];
    assert_eq!(load["model"], "open");
    assert_eq!(load["endpoints"].as_array().unwrap().len(), 2, "{load}");
    assert_eq!(load["skipped"].as_array().unwrap().len(), 1, "{load}");
    let failing = load["endpoints"].as_array().unwrap().iter().find(|e| e["endpoint"] == "GET /busy").unwrap();
    assert_eq!(failing["first_error"]["kind"], "http_503", "{failing}");

    let closed_args = ["load", &server.url("/health"), "--concurrency", "1,2"];
    let closed = json_of(&ceiling(&[&closed_args[..], &bounded].concat(), &root), &[0, 1]);
    assert_eq!(closed["load"]["model"], "closed");
    assert!(closed["load"]["bounds"]["max_rate"].is_null(), "{closed}");
    assert_valid("load", &[("open.json".to_owned(), open), ("closed.json".to_owned(), closed)]);
}

/// `routes --format json` of every example.
#[test]
fn routes_json_matches_the_schema() {
    if !support::node::available() {
        return;
    }
    let root = workspace();
    let mut reports = Vec::new();
    for example in std::fs::read_dir(root.join("examples")).unwrap().map(|entry| entry.unwrap().path()) {
        let name = example.file_name().unwrap().to_string_lossy().into_owned();
        let routes = json_of(&ceiling(&["routes", example.to_str().unwrap(), "--format", "json"], &root), &[0]);
        reports.push((format!("{name}.json"), routes));
    }
    let count: usize = reports.iter().map(|(_, json)| json["routes"].as_array().unwrap().len()).sum();
    assert!(count > 20, "the examples have routes to check: {count}");
    assert_valid("routes", &reports);
}

/// `probe --format json` on a loopback server of the test's own: routes named on the command line, and
/// routes from a scan, which carry where the app declares them. Bursts of 3.
#[test]
fn probe_json_matches_the_schema() {
    if !support::node::available() {
        return;
    }
    let root = workspace();
    let server = OkServer::start();
    let origin = format!("http://{}", server.addr);
    let bounded = ["--burst", "3", "--within", "5s", "--format", "json"];
    let named = ["probe", &origin, "--login", "/login", "--webhook", "/hooks/stripe", "--list", "/busy/items"];
    let named = json_of(&ceiling(&[&named[..], &bounded].concat(), &root), &[0, 1]);
    assert_eq!(named["probe"]["results"].as_array().unwrap().len(), 3, "{named}");
    let scanned = ["probe", &origin, "--from-scan", "examples/express-drizzle-app"];
    let scanned = json_of(&ceiling(&[&scanned[..], &bounded].concat(), &root), &[0, 1]);
    let results = scanned["probe"]["results"].as_array().unwrap();
    assert!(results.iter().all(|result| result["target"]["declared"]["line"].is_u64()), "{scanned}");
    assert_valid("probe", &[("named.json".to_owned(), named), ("scanned.json".to_owned(), scanned)]);
}
