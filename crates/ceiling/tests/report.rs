//! `ceiling report`: the real binary on examples/next-prisma-app with the JSON of real `ceiling db`, `grow` and
//! `load` runs (tests/fixtures/report), and the page it writes opened in a headless Chromium: it renders, logs
//! nothing to the console, loads no resource, and shows its summary and its charts. The screenshot is kept in
//! `target/test-artifacts/report.png`.
//!
//! Chromium is Debian's `chromium` package (`.ci/run` installs it); without it the test fails, unless
//! CEILING_SKIP_CHROMIUM=1.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn fixture(name: &str) -> String {
    workspace().join("crates/ceiling/tests/fixtures/report").join(name).display().to_string()
}

fn ceiling(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ceiling")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const HEADLINE: &str = "Your first ceiling: GET /api/posts at ~48 req/s; Notification.userId unindexed.";

/// Writes the page of the example with every fixture into `dir`.
fn report_with_every_source(dir: &Path) -> PathBuf {
    let html = dir.join("report.html");
    let (db, grow, load) = (fixture("db.json"), fixture("grow.json"), fixture("load.json"));
    let example = workspace().join("examples/next-prisma-app");
    let output = ceiling(
        &[
            "report",
            example.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
            "--db",
            &db,
            "--grow",
            &grow,
            "--load",
            &load,
        ],
        dir,
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), format!("{HEADLINE}\n"));
    assert!(text(&output.stderr).contains("wrote"), "{}", text(&output.stderr));
    html
}

#[test]
fn the_page_holds_every_source_and_no_url() {
    let dir = tempfile::tempdir().unwrap();
    let page = std::fs::read_to_string(report_with_every_source(dir.path())).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains(&format!("<p class=\"headline\">{HEADLINE}</p>")));
    for id in ["summary", "scan", "routes", "db", "grow", "load"] {
        assert!(page.contains(&format!("<section id=\"{id}\"")), "section {id}");
    }
    for family in [
        "Database queries (12)",
        "Rate limiting &amp; abuse (2)",
        "Background work (0)",
        "Auth (0)",
        "Outbound calls (0)",
    ] {
        assert!(page.contains(&format!("<summary>{family}</summary>")), "{family}");
    }
    // Six grow queries that grow or have an index to compare, three load endpoints, and in the summary the
    // first ceiling's and the worst growth's again.
    assert_eq!(page.matches("<svg").count(), 11);
    let lower = page.to_ascii_lowercase();
    for reference in ["http", "<script", "src=", "url(", "@import", "<link", "<img"] {
        assert!(!lower.contains(reference), "{reference}");
    }
}

#[test]
fn only_the_scan_by_default_into_ceiling_report_html() {
    let dir = tempfile::tempdir().unwrap();
    let example = workspace().join("examples/next-prisma-app");
    let output = ceiling(&["report", example.to_str().unwrap()], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout), "Your first ceiling: Notification.userId unindexed.\n");
    let page = std::fs::read_to_string(dir.path().join("ceiling-report.html")).unwrap();
    assert!(page.contains("<section id=\"scan\">") && page.contains("<section id=\"routes\">"));
    for absent in ["id=\"db\"", "id=\"grow\"", "id=\"load\"", "<svg"] {
        assert!(!page.contains(absent), "{absent}");
    }
}

#[test]
fn a_file_that_is_not_such_output_is_named_and_refused() {
    let dir = tempfile::tempdir().unwrap();
    let example = workspace().join("examples/next-prisma-app");
    let html = dir.path().join("never.html");
    let not_json = dir.path().join("notes.txt");
    std::fs::write(&not_json, "hello").unwrap();
    let cases: [(&str, String, &str); 5] = [
        // The grow JSON given as --load, the load JSON as --db, the db JSON as --grow.
        ("--load", fixture("grow.json"), "not the output of `ceiling load --format json`"),
        ("--db", fixture("load.json"), "not the output of `ceiling db --format json`"),
        ("--grow", fixture("db.json"), "not the output of `ceiling grow --format json`"),
        ("--grow", not_json.display().to_string(), "not JSON"),
        ("--db", dir.path().join("missing.json").display().to_string(), "cannot read"),
    ];
    for (flag, file, expected) in cases {
        let output =
            ceiling(&["report", example.to_str().unwrap(), "--html", html.to_str().unwrap(), flag, &file], dir.path());
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flag} {file}: {stderr}");
        assert!(stderr.contains(&file) && stderr.contains(expected), "{flag} {file}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!html.exists(), "no page is written when an input is wrong");
    }
}

/// Chromium, or `None` when CEILING_SKIP_CHROMIUM=1 says to skip.
fn chromium() -> Option<&'static str> {
    if std::env::var_os("CEILING_SKIP_CHROMIUM").is_some_and(|value| value == "1") {
        eprintln!("skipped: CEILING_SKIP_CHROMIUM=1");
        return None;
    }
    let found = Command::new("chromium").arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status();
    assert!(
        found.is_ok_and(|status| status.success()),
        "this test opens the report in a headless Chromium: install it (`apt-get install chromium`, as .ci/run does), \
         or set CEILING_SKIP_CHROMIUM=1 to skip it"
    );
    Some("chromium")
}

/// Runs headless Chromium on `page` with `action` (`--dump-dom`, `--screenshot=...`), with its own profile and
/// every background request turned off; `timeout` ends it after a minute.
fn headless(chromium: &str, profile: &Path, page: &Path, action: &[&str]) -> Output {
    let output = Command::new("timeout")
        .args(["60", chromium])
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(action)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium starts");
    assert_ne!(output.status.code(), Some(124), "chromium took over a minute on {}", page.display());
    output
}

/// What the page logged to the console: Chromium writes each message as an `INFO:CONSOLE` line. The page has no
/// script, so any message at all is an error (a script error of the probe, a refused resource...).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|line| line.contains(":CONSOLE")).collect()
}

/// Appended to a copy of the page: measures what Chromium laid out and writes it into the DOM, which
/// `--dump-dom` prints.
const PROBE: &str = r##"<script>
(() => {
  const svgs = [...document.querySelectorAll("svg")];
  const drawn = svgs.filter((svg) => {
    const box = svg.getBoundingClientRect();
    return box.width >= 400 && box.height >= 250 && svg.querySelectorAll("polyline").length > 0;
  });
  const summary = document.getElementById("summary").getBoundingClientRect();
  const lines = document.querySelector("#summary dl").getBoundingClientRect();
  const headline = document.querySelector(".headline");
  const probe = document.createElement("pre");
  probe.id = "ceiling-probe";
  probe.textContent = JSON.stringify({
    charts: svgs.length,
    drawn: drawn.length,
    headline: headline.getBoundingClientRect().height > 0 ? headline.textContent : "",
    summary_bottom: Math.round(summary.bottom),
    lines_bottom: Math.round(lines.bottom),
    resources: performance.getEntriesByType("resource").map((entry) => entry.name),
  });
  document.body.appendChild(probe);
})();
</script>
</body>"##;

#[test]
fn chromium_renders_the_page_with_its_charts_and_no_console_error() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = report_with_every_source(dir.path());

    // The screenshot, kept for people to look at.
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let png = artifacts.join("report.png");
    let _ = std::fs::remove_file(&png);
    let shot =
        headless(chromium, &dir.path().join("profile-shot"), &page, &[&format!("--screenshot={}", png.display())]);
    let stderr = text(&shot.stderr);
    assert!(shot.status.success(), "{stderr}");
    assert_eq!(console_lines(&stderr), Vec::<&str>::new(), "the page logged to the console");
    let bytes =
        std::fs::read(&png).unwrap_or_else(|error| panic!("no screenshot at {}: {error}\n{stderr}", png.display()));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let size = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (1280, 2000), "the IHDR's width and height");
    // A blank page of that size compresses to a few kilobytes; text, tables and charts do not.
    assert!(bytes.len() > 60_000, "the screenshot is only {} bytes", bytes.len());

    // The DOM as Chromium built it, from the page as written.
    let dom = headless(chromium, &dir.path().join("profile-dom"), &page, &["--dump-dom"]);
    let (stdout, stderr) = (text(&dom.stdout), text(&dom.stderr));
    assert!(dom.status.success(), "{stderr}");
    assert_eq!(console_lines(&stderr), Vec::<&str>::new(), "the page logged to the console");
    assert!(stdout.contains(HEADLINE), "{stdout}");
    assert_eq!(stdout.matches("<svg").count(), 11);
    assert!(stdout.contains("<polyline"));

    // The same page with the probe: what the layout made of it.
    let probed = dir.path().join("probed.html");
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&probed, html.replacen("</body>", PROBE, 1)).unwrap();
    let dom = headless(chromium, &dir.path().join("profile-probe"), &probed, &["--dump-dom"]);
    let (stdout, stderr) = (text(&dom.stdout), text(&dom.stderr));
    assert_eq!(console_lines(&stderr), Vec::<&str>::new(), "the probe or the page logged to the console");
    let start = stdout.find("<pre id=\"ceiling-probe\">").expect("the probe ran") + "<pre id=\"ceiling-probe\">".len();
    let end = start + stdout[start..].find("</pre>").unwrap();
    let json = stdout[start..end].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    let probe: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(probe["charts"], 11, "{probe}");
    assert_eq!(probe["drawn"], 11, "every chart laid out at its size, with its lines: {probe}");
    assert_eq!(probe["headline"], HEADLINE, "{probe}");
    assert_eq!(probe["resources"], serde_json::json!([]), "the page loaded no resource: {probe}");
    // The summary fits the first screen: its lines on a small one, its charts too on most.
    let (lines, bottom) = (probe["lines_bottom"].as_u64().unwrap(), probe["summary_bottom"].as_u64().unwrap());
    assert!(lines < 700, "the summary's lines end {lines} px down the page");
    assert!(bottom < 1000, "the summary ends {bottom} px down the page");
}
