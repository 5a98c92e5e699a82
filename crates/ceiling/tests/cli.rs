//! The real binary, run on the shipped examples and on hostile trees in temp dirs.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::examples::copy_of_example;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn ceiling(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ceiling")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// The human summary carries the elapsed time, which differs from run to run.
fn without_elapsed(text: &str) -> String {
    text.lines()
        .map(|line| match (line.find(") in "), line.find("s;").or_else(|| line.rfind("s."))) {
            (Some(at), Some(end)) if line.starts_with("Scanned ") && end > at => {
                format!("{}) in <elapsed>{}", &line[..at], &line[end + 1..])
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn next_prisma_example_human() {
    let output = ceiling(&["scan", "examples/next-prisma-app"], &workspace());
    assert_eq!(output.status.code(), Some(1), "findings exit with 1");
    insta::assert_snapshot!(without_elapsed(&stdout(&output)));
}

#[test]
fn next_prisma_example_json() {
    let output = ceiling(&["scan", "examples/next-prisma-app", "--format", "json"], &workspace());
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["version"], 1);
    insta::assert_json_snapshot!(json);
}

#[test]
fn express_drizzle_example_human() {
    let output = ceiling(&["scan", "examples/express-drizzle-app"], &workspace());
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(without_elapsed(&stdout(&output)));
}

#[test]
fn django_drf_example_human() {
    let output = ceiling(&["scan", "examples/django-drf-app"], &workspace());
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(without_elapsed(&stdout(&output)));
}

#[test]
fn fail_on_controls_the_exit_code() {
    let root = workspace();
    let never = ceiling(&["scan", "examples/next-prisma-app", "--fail-on", "never"], &root);
    assert_eq!(never.status.code(), Some(0));
    let errors_only = ceiling(&["scan", "examples/next-prisma-app", "--fail-on", "error"], &root);
    assert_eq!(errors_only.status.code(), Some(0), "the example has warnings and infos, no errors");
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = ceiling(&["scan", "no/such/dir"], dir.path());
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot scan no/such/dir"), "{stderr}");
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    let output = ceiling(&["scan", "--no-such-flag"], &workspace());
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn hostile_files_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("broken.ts"), "export const x = (;\n").unwrap();
    std::fs::write(root.join("latin1.ts"), b"const s = '\xe9';\n").unwrap();
    std::fs::write(root.join("deep.ts"), format!("const x = {}1{};\n", "[\n".repeat(5000), "]\n".repeat(5000)))
        .unwrap();
    std::fs::write(root.join("big.ts"), "// filler\n".repeat(120_000)).unwrap();
    std::fs::write(root.join("ok.ts"), "export const answer = 42;\n").unwrap();
    std::fs::create_dir(root.join("loop")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", root.join("loop/up")).unwrap();
    let output = ceiling(&["scan", "."], root);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "no findings: {stderr}");
    assert!(stderr.contains("skipped broken.ts: parse error"), "{stderr}");
    assert!(stderr.contains("skipped latin1.ts: not UTF-8"), "{stderr}");
    assert!(stderr.contains("skipped deep.ts: nested too deeply"), "{stderr}");
    let out = stdout(&output);
    assert!(out.contains("Scanned 1 files (2 lines)"), "{out}");
    assert!(out.contains("skipped 4 (1 nested too deeply, 1 not UTF-8, 1 over 1 MiB, 1 parse error)"), "{out}");
}

#[test]
fn hostile_python_files_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("broken.py"), "def f(:\n    pass\n").unwrap();
    std::fs::write(root.join("deep.py"), format!("x = {}1{}\n", "[\n".repeat(5000), "]\n".repeat(5000))).unwrap();
    std::fs::write(root.join("ok.py"), "ANSWER = 42\n").unwrap();
    let output = ceiling(&["scan", "."], root);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "no findings: {stderr}");
    assert!(stderr.contains("skipped broken.py: parse error"), "{stderr}");
    assert!(stderr.contains("skipped deep.py: nested too deeply"), "{stderr}");
    let out = stdout(&output);
    assert!(out.contains("Scanned 1 files (2 lines)"), "{out}");
}

#[test]
fn a_clean_project_has_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("route.ts"),
        "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nexport async function GET() {\n  return prisma.post.findMany({ include: { author: true }, take: 20 });\n}\n",
    )
    .unwrap();
    let output = ceiling(&["scan"], dir.path());
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("No findings."));
}

#[test]
fn a_single_file_is_judged_with_its_project_around_it() {
    // The file's client and helpers live elsewhere in the app: they are read, only this file is reported.
    let output = ceiling(&["scan", "examples/next-prisma-app/src/app/api/posts/popular/route.ts"], &workspace());
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(out.contains("`getAuthor()` runs a Prisma read"), "{out}");
    assert!(out.contains("Found 1 finding: 1 warning."), "{out}");
}

#[test]
fn schema_lists_what_ceiling_read_with_its_origins() {
    let output = ceiling(&["schema", "examples/next-prisma-app"], &workspace());
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(stdout(&output));
    let json = ceiling(&["schema", "examples/express-drizzle-app", "--format", "json"], &workspace());
    let schema: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let orders = schema["tables"].as_array().unwrap().iter().find(|table| table["name"] == "orders").unwrap();
    // Declared in the Drizzle schema and in the drizzle-kit migration: the schema the app edits wins.
    assert_eq!(orders["origin"]["source"], "drizzle");
    assert!(orders["indexes"].as_array().unwrap().iter().any(|index| index["name"] == "orders_user_id_idx"));
}

#[test]
fn routes_of_the_examples() {
    for example in ["next-prisma-app", "express-drizzle-app"] {
        let output = ceiling(&["routes", &format!("examples/{example}")], &workspace());
        assert_eq!(output.status.code(), Some(0));
        insta::assert_snapshot!(format!("routes_{example}"), stdout(&output));
    }
}

#[test]
fn routes_know_the_limiter_in_front_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("package.json", "{}");
    // An app-wide limiter on an Express app, mounted before its routes.
    write(
        "server.ts",
        "import express from 'express';\nimport rateLimit from 'express-rate-limit';\nconst app = express();\napp.use(rateLimit({ limit: 100 }));\napp.post('/signup', (req, res) => res.end());\n",
    );
    // A Next.js middleware that limits every /api route with Upstash.
    write(
        "middleware.ts",
        "import { NextResponse } from 'next/server';\nimport { Ratelimit } from '@upstash/ratelimit';\nconst ratelimit = new Ratelimit({ limiter: Ratelimit.slidingWindow(5, '10 s') });\nexport async function middleware(req) {\n  const { success } = await ratelimit.limit(req.ip);\n  return success ? NextResponse.next() : new NextResponse('slow down', { status: 429 });\n}\nexport const config = { matcher: '/api/:path*' };\n",
    );
    write("app/api/login/route.ts", "export async function POST(req: Request) {\n  return Response.json({});\n}\n");
    // Outside the matcher, a handler that calls the limiter itself through a helper.
    write(
        "lib/limit.ts",
        "import { Ratelimit } from '@upstash/ratelimit';\nconst limiter = new Ratelimit({ limiter: Ratelimit.fixedWindow(3, '1 m') });\nexport async function checkLimit(key: string) {\n  return limiter.limit(key);\n}\n",
    );
    write(
        "app/auth/otp/route.ts",
        "import { checkLimit } from '../../../lib/limit';\nexport async function POST(req: Request) {\n  await checkLimit('otp');\n  return Response.json({});\n}\n",
    );
    write("app/auth/reset/route.ts", "export async function POST(req: Request) {\n  return Response.json({});\n}\n");
    let output = ceiling(&["routes", ".", "--format", "json"], dir.path());
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let limiter = |path: &str| {
        let route = report["routes"].as_array().unwrap().iter().find(|route| route["path"] == path).unwrap();
        route["limiter"].as_str().map(str::to_owned)
    };
    assert_eq!(limiter("/signup").as_deref(), Some("express-rate-limit"));
    assert_eq!(limiter("/api/login").as_deref(), Some("@upstash/ratelimit"));
    assert_eq!(limiter("/auth/otp").as_deref(), Some("@upstash/ratelimit"));
    assert_eq!(limiter("/auth/reset"), None);
}

#[test]
fn a_hard_coded_secret_never_appears_in_the_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), "{}").unwrap();
    std::fs::write(
        dir.path().join("auth.ts"),
        "export const secret = process.env.JWT_SECRET || 'hunter2-signing-key';\n",
    )
    .unwrap();
    for format in ["human", "json"] {
        let output = ceiling(&["scan", ".", "--format", format], dir.path());
        assert_eq!(output.status.code(), Some(1), "the fallback is reported");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("JWT_SECRET"), "{text}");
        assert!(!text.contains("hunter2"), "the secret leaked into the {format} output: {text}");
    }
}

/// `ceiling rules` lists exactly the rules that have a page in docs/rules, and `ceiling explain` prints
/// that page (without its generated-file comment).
#[test]
fn rules_and_explain_print_the_rules_own_docs() {
    let root = workspace();
    let listed = ceiling(&["rules", "--format", "json"], &root);
    assert!(listed.status.success());
    let report: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let ids: Vec<&str> = report["rules"].as_array().unwrap().iter().map(|rule| rule["id"].as_str().unwrap()).collect();
    let mut pages: Vec<String> = std::fs::read_dir(root.join("docs/rules"))
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.strip_suffix(".md").map(str::to_owned))
        .filter(|name| name != "README")
        .collect();
    pages.sort();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(sorted, pages);
    let human = stdout(&ceiling(&["rules"], &root));
    assert!(human.contains(&format!("{} rules.", ids.len())) && human.contains("n-plus-one"), "{human}");

    let explained = ceiling(&["explain", "n-plus-one"], &root);
    assert!(explained.status.success());
    let page = std::fs::read_to_string(root.join("docs/rules/n-plus-one.md")).unwrap();
    assert_eq!(stdout(&explained), page.split_once('\n').unwrap().1);

    let unknown = ceiling(&["explain", "plus-one"], &root);
    assert_eq!(unknown.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(stderr.contains("did you mean n-plus-one?"), "{stderr}");
}

/// `--format github`: one workflow command per finding, at a path from where CI runs (the repository
/// root), with its level, rule and fix.
#[test]
fn github_annotations_of_the_drizzle_example() {
    let root = workspace();
    let output = ceiling(&["scan", "examples/express-drizzle-app", "--format", "github"], &root);
    assert_eq!(output.status.code(), Some(1), "findings still fail the run");
    let text = stdout(&output);
    assert!(
        text.lines().all(|line| line.starts_with("::warning file=examples/express-drizzle-app/")
            || line.starts_with("::error file=examples/express-drizzle-app/")
            || line.starts_with("::notice file=examples/express-drizzle-app/")),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

/// `--output FILE` writes what standard output would have shown, and nothing to standard output.
#[test]
fn output_writes_the_report_to_a_file() {
    let root = workspace();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    let written =
        ceiling(&["scan", "examples/next-prisma-app", "--format", "json", "-o", file.to_str().unwrap()], &root);
    assert_eq!(written.status.code(), Some(1));
    assert!(written.stdout.is_empty());
    let printed = ceiling(&["scan", "examples/next-prisma-app", "--format", "json"], &root);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout(&printed));
    let unwritable = ceiling(&["scan", "examples/next-prisma-app", "-o", "/nonexistent-dir/report.txt"], &root);
    assert_eq!(unwritable.status.code(), Some(2));
}

/// `--format markdown`: the pull-request comment, counts by family then the top findings with rule links.
#[test]
fn markdown_summary_of_the_drizzle_example() {
    let output = ceiling(&["scan", "examples/express-drizzle-app", "--format", "markdown"], &workspace());
    insta::assert_snapshot!(stdout(&output));
}

/// `--format sarif`, as GitHub code scanning reads it: rules with help, results with their place and
/// fingerprint. (Its validity against the official schema is checked below, on every example.)
#[test]
fn sarif_log_of_the_django_example() {
    let output = ceiling(&["scan", "examples/django-drf-app", "--format", "sarif"], &workspace());
    let mut log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    log["runs"][0]["tool"]["driver"]["version"] = "[version]".into();
    insta::assert_json_snapshot!(log);
}

/// `--format junit`: a test case per finding, failed from the --fail-on level and passing below it.
#[test]
fn junit_report_of_the_drizzle_example_follows_fail_on() {
    let root = workspace();
    let text = stdout(&ceiling(&["scan", "examples/express-drizzle-app", "--format", "junit"], &root));
    assert!(text.starts_with("<?xml") && text.trim_end().ends_with("</testsuites>"), "{text}");
    let cases = text.matches("<testcase ").count();
    assert!(text.contains(&format!("tests=\"{cases}\" failures=\"{cases}\"")), "{text}");
    insta::assert_snapshot!(text);
    let lenient =
        stdout(&ceiling(&["scan", "examples/express-drizzle-app", "--format", "junit", "--fail-on", "error"], &root));
    assert!(lenient.contains(&format!("tests=\"{cases}\" failures=\"0\"")) && !lenient.contains("<failure"));
    assert_eq!(lenient.matches("<system-out>").count(), cases);
}

/// `--format sarif` on every example is valid against the official SARIF 2.1.0 schema, checked by ajv
/// with the schema Microsoft ships in @microsoft/sarif-matcher-utils.
#[test]
fn sarif_of_every_example_is_valid_sarif_2_1_0() {
    if !support::node::available() {
        return;
    }
    let root = workspace();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for example in ["next-prisma-app", "express-drizzle-app", "django-drf-app", "express-load-app"] {
        let output = ceiling(&["scan", &format!("examples/{example}"), "--format", "sarif"], &root);
        let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert!(!results.is_empty(), "{example}");
        for result in results {
            let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap();
            assert!(root.join(uri).is_file(), "{uri} is a path from the repository root");
        }
        let file = dir.path().join(format!("{example}.sarif"));
        std::fs::write(&file, &output.stdout).unwrap();
        files.push(file);
    }
    support::node::assert_valid_sarif(&files);
}

/// A finding's SARIF fingerprint survives edits elsewhere in its file: lines added above it move it, and
/// code scanning still sees the same alert.
#[test]
fn sarif_fingerprints_survive_unrelated_edits() {
    let (_dir, app) = copy_of_example("express-drizzle-app");
    let fingerprints = |app: &Path| -> Vec<(String, String, u64)> {
        let output = ceiling(&["scan", ".", "--format", "sarif"], app);
        let log: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let mut prints: Vec<(String, String, u64)> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|result| {
                (
                    result["ruleId"].as_str().unwrap().to_owned(),
                    result["partialFingerprints"]["ceilingFingerprint/v1"].as_str().unwrap().to_owned(),
                    result["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap(),
                )
            })
            .collect();
        prints.sort();
        prints
    };
    let before = fingerprints(&app);
    let orders = app.join("src/routes/orders.ts");
    let text = std::fs::read_to_string(&orders).unwrap();
    std::fs::write(&orders, format!("// an unrelated comment\n\n\n{text}")).unwrap();
    let after = fingerprints(&app);
    let keys = |prints: &[(String, String, u64)]| {
        prints.iter().map(|(rule, print, _)| (rule.clone(), print.clone())).collect::<Vec<_>>()
    };
    assert_eq!(keys(&before), keys(&after));
    assert_ne!(before, after, "the findings in orders.ts moved down three lines");
}

/// A baseline holds today's findings: after lines move, the scan with it reports nothing and exits 0; a
/// new N+1 fails the run, and it alone is reported.
#[test]
fn a_baseline_hides_known_findings_even_when_they_move_and_a_new_one_fails() {
    let (dir, app) = copy_of_example("express-drizzle-app");
    let baseline = dir.path().join("baseline.json");
    let written = ceiling(&["scan", ".", "--write-baseline", baseline.to_str().unwrap()], &app);
    assert_eq!(written.status.code(), Some(0));
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert_eq!(text.matches("\"fingerprint\"").count(), 15, "{text}");

    let orders = app.join("src/routes/orders.ts");
    let source = std::fs::read_to_string(&orders).unwrap();
    std::fs::write(&orders, format!("// moved\n\n{source}")).unwrap();
    let known = ceiling(&["scan", ".", "--baseline", baseline.to_str().unwrap()], &app);
    assert_eq!(known.status.code(), Some(0), "{}", stdout(&known));
    assert!(stdout(&known).contains("No findings.") && stdout(&known).contains("15 known from the baseline"));

    let new_loop = "\nexport async function itemsOfEach(orderIds: number[]) {\n  const all = []\n  for (const id of orderIds) {\n    all.push(await getOrderItems(id))\n  }\n  return all\n}\n";
    let services = app.join("src/services/orders.ts");
    let mut source = std::fs::read_to_string(&services).unwrap();
    source.push_str(new_loop);
    std::fs::write(&services, source).unwrap();
    let fresh = ceiling(&["scan", ".", "--baseline", baseline.to_str().unwrap(), "--format", "json"], &app);
    assert_eq!(fresh.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&fresh.stdout).unwrap();
    let rules: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"n-plus-one"), "{report}");
    assert_eq!(report["summary"]["baselined"], 15);

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\n  \"version\": 1,\n  \"findings\": 3\n}\n").unwrap();
    let refused = ceiling(&["scan", ".", "--baseline", broken.to_str().unwrap()], &app);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("broken.json:3: not a ceiling baseline"));
}

/// A suppression with its rule and reason silences its finding and is counted; one without a reason
/// silences too but is reported; a stale one is reported only when asked.
#[test]
fn suppressions_silence_their_rule_and_report_their_own_mistakes() {
    let (_dir, app) = copy_of_example("express-drizzle-app");
    let rules_at = |args: &[&str]| -> (Vec<(String, u64)>, serde_json::Value) {
        let output = ceiling(&[&["scan", ".", "--format", "json", "--fail-on", "never"], args].concat(), &app);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let found = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"] == "src/routes/orders.ts")
            .map(|f| (f["rule"].as_str().unwrap().to_owned(), f["line"].as_u64().unwrap()))
            .collect();
        (found, report["summary"].clone())
    };
    let (before, _) = rules_at(&[]);
    assert!(before.contains(&("n-plus-one".to_owned(), 24)), "{before:?}");

    let orders = app.join("src/routes/orders.ts");
    let source = std::fs::read_to_string(&orders).unwrap();
    let mut lines: Vec<&str> = source.lines().collect();
    lines.insert(23, "    // ceiling-ignore n-plus-one: a user has a handful of orders on this page");
    lines.insert(0, "// ceiling-ignore unbounded-read: left from an older version of this file");
    lines.insert(0, "/* ceiling-ignore no-rate-limit */");
    std::fs::write(&orders, lines.join("\n")).unwrap();

    let (after, summary) = rules_at(&[]);
    assert!(!after.iter().any(|(rule, _)| rule == "n-plus-one"), "{after:?}");
    assert!(summary["suppressed"].as_u64().unwrap() >= 1, "{summary}");
    assert!(after.contains(&("invalid-suppression".to_owned(), 1)), "{after:?}");
    assert!(!after.iter().any(|(rule, _)| rule == "unused-suppression"), "{after:?}");

    let (asked, _) = rules_at(&["--report-unused-suppressions"]);
    assert!(asked.contains(&("unused-suppression".to_owned(), 2)), "{asked:?}");
    assert!(!asked.contains(&("unused-suppression".to_owned(), 26)), "the n-plus-one one is used: {asked:?}");
}

/// The project's config turns rules off, sets their level and leaves files out; a broken one stops
/// every command that reads it, naming the file, the line and the key.
#[test]
fn the_config_shapes_the_scan_and_a_broken_one_is_named() {
    let (_dir, app) = copy_of_example("express-drizzle-app");
    let rules_of = |args: &[&str]| -> Vec<(String, String, String)> {
        let output = ceiling(&[&["scan", ".", "--format", "json", "--fail-on", "never"], args].concat(), &app);
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let text = |key: &str| f[key].as_str().unwrap().to_owned();
                (text("rule"), text("file"), text("severity"))
            })
            .collect()
    };
    let before = rules_of(&[]);
    assert!(before.iter().any(|(rule, _, severity)| rule == "n-plus-one" && severity == "warning"), "{before:?}");
    assert!(before.iter().any(|(rule, ..)| rule == "job-overlap"), "{before:?}");
    assert!(before.iter().any(|(_, file, _)| file == "src/routes/orders.ts"), "{before:?}");

    std::fs::write(
        app.join("ceiling.toml"),
        "exclude = [\"src/routes/orders.ts\"]\n\n[rules]\nn-plus-one = \"error\"\njob-overlap = \"off\"\n",
    )
    .unwrap();
    let after = rules_of(&[]);
    assert!(!after.iter().any(|(_, file, _)| file == "src/routes/orders.ts"), "{after:?}");
    assert!(!after.iter().any(|(rule, ..)| rule == "job-overlap"), "{after:?}");
    assert!(after.iter().any(|(rule, _, severity)| rule == "n-plus-one" && severity == "error"), "{after:?}");

    std::fs::write(app.join("ceiling.toml"), "[rules]\nn-plus-one = \"error\"\njob-overlaps = \"off\"\n").unwrap();
    for command in [&["scan", "."][..], &["routes", "."], &["schema", "."]] {
        let refused = ceiling(command, &app);
        assert_eq!(refused.status.code(), Some(2), "{command:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.contains("ceiling.toml:3: rules.job-overlaps: no rule is named `job-overlaps`"),
            "{command:?}: {stderr}"
        );
    }

    let elsewhere = app.join("settings.toml");
    std::fs::write(&elsewhere, "[paths]\noffline = [\"src/**\"]\n").unwrap();
    let offline = rules_of(&["--config", elsewhere.to_str().unwrap()]);
    assert!(
        offline.iter().filter(|(_, file, _)| file.starts_with("src/")).all(|(_, _, severity)| severity == "info"),
        "{offline:?}"
    );
}

/// `scan --watch` scans again after an edit, parsing only the file that changed, and the new
/// report holds the N+1 the edit added.
#[test]
fn watch_scans_again_after_an_edit() {
    use std::io::{BufRead, BufReader};
    let (_dir, app) = copy_of_example("express-drizzle-app");
    let report = app.join("report.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ceiling"))
        .args(["scan", ".", "--watch", "--format", "json", "--fail-on", "never", "--output", "report.json"])
        .current_dir(&app)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (sender, lines) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let wait_for = |needle: &str| -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!("no `{needle}` on stderr; saw {seen:?}");
    };
    let n_plus_ones = || {
        let text = std::fs::read_to_string(&report).unwrap();
        let report: serde_json::Value = serde_json::from_str(&text).unwrap();
        report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "n-plus-one").count()
    };

    let first = wait_for("parsed again");
    wait_for("watching");
    let files = first.split_whitespace().nth(2).unwrap();
    assert!(first.ends_with(&format!(", {files} parsed again")), "the first scan parses every file: {first}");
    let before = n_plus_ones();

    let services = app.join("src/services/orders.ts");
    let mut source = std::fs::read_to_string(&services).unwrap();
    source.push_str("\nexport async function itemsOfEach(orderIds: number[]) {\n  const all = []\n  for (const id of orderIds) {\n    all.push(await getOrderItems(id))\n  }\n  return all\n}\n");
    std::fs::write(&services, source).unwrap();
    wait_for("orders.ts changed");
    let second = wait_for("parsed again");
    wait_for("watching");
    child.kill().unwrap();
    let _ = child.wait();
    assert!(second.ends_with(", 1 parsed again"), "{second}");
    assert_eq!(n_plus_ones(), before + 1);
}
