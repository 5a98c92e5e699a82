//! Runs every fixture project under `fixtures/<rule-id>/{fire,pass}/<case>/`.
//!
//! A fixture documents itself: a finding is expected exactly where a line ends in
//! `// expect: <rule-id>` (`-- expect:` in SQL, `# expect:` in Python; or `// expect: <rule-id>:<severity>`, several
//! separated by commas). Every finding of every rule must be expected and every expectation found,
//! in `fire` and `pass` cases alike. A `fire` case of a rule expects that rule somewhere; a `pass`
//! case never does, so it passes only when its rule stays quiet. Findings of other rules in a case
//! (an app-wide `no-rate-limit` in a small N+1 app) are true findings, marked like any other.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use ceiling_scan::{ScanOptions, scan};

type Expectation = (String, u32, String, String);

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut cases = Vec::new();
    for rule in sorted_dirs(&root) {
        let rule_id = rule.file_name().unwrap().to_string_lossy().into_owned();
        assert!(ceiling_rules::rule(&rule_id).is_some(), "fixtures/{rule_id}: no rule has this id");
        for kind in ["fire", "pass"] {
            cases.extend(sorted_dirs(&rule.join(kind)).into_iter().map(|case| (kind, case)));
        }
    }
    assert!(cases.len() > 20, "fixtures were not found under {}", root.display());
    let mut failures = Vec::new();
    for (kind, case) in &cases {
        let expected = expectations(case);
        let rule_id = case.parent().and_then(Path::parent).and_then(Path::file_name).unwrap().to_string_lossy();
        let expects_its_rule = expected.iter().any(|(_, _, rule, _)| *rule == rule_id);
        if *kind == "fire" && !expects_its_rule {
            failures.push(format!("{}: a fire case with no `// expect: {rule_id}` marker", case.display()));
        }
        if *kind == "pass" && expects_its_rule {
            failures.push(format!("{}: a pass case that expects its own rule", case.display()));
        }
        let name = case.strip_prefix(&root).unwrap().display().to_string();
        failures.extend(compare(case, &name, &expected));
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixture cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// What a scan of `case` reports that its markers do not expect, and what they expect that it
/// does not report.
fn compare(case: &Path, name: &str, expected: &BTreeSet<Expectation>) -> Vec<String> {
    let mut failures = Vec::new();
    // A case may hold the project config it is judged under (`small-tables`).
    let config = case.join("ceiling.toml");
    let settings = match config.exists() {
        true => ceiling_config::load(&config).expect("the case's config reads").scan_settings(case),
        false => ceiling_scan::Settings::default(),
    };
    let options = ScanOptions { report_unused_suppressions: true, settings, ..ScanOptions::default() };
    let result = scan(case, &options).expect("fixture scans");
    for skipped in result
        .skipped
        .iter()
        .filter(|s| !matches!(s.reason, ceiling_scan::SkipReason::Test | ceiling_scan::SkipReason::Generated))
    {
        failures.push(format!("{}: {} skipped: {:?}", case.display(), skipped.path, skipped.reason));
    }
    let actual: BTreeSet<Expectation> = result
        .findings
        .iter()
        .map(|f| (f.file.clone(), f.span.line, f.rule.to_owned(), f.severity.as_str().to_owned()))
        .collect();
    for missing in expected.difference(&actual) {
        failures.push(format!(
            "{name}: expected {} at {}:{} ({}), not reported",
            missing.2, missing.0, missing.1, missing.3
        ));
    }
    for extra in actual.difference(expected) {
        let finding =
            result.findings.iter().find(|f| f.file == extra.0 && f.span.line == extra.1 && f.rule == extra.2).unwrap();
        failures.push(format!(
            "{name}: unexpected {} at {}:{} ({}): {}",
            extra.2, extra.0, extra.1, extra.3, finding.message
        ));
    }
    failures
}

#[test]
fn examples_report_what_they_plant() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let examples = sorted_dirs(&root);
    assert!(examples.len() >= 2, "examples were not found under {}", root.display());
    let failures: Vec<String> = examples
        .iter()
        .flat_map(|example| {
            let name = example.strip_prefix(&root).unwrap().display().to_string();
            compare(example, &name, &expectations(example))
        })
        .collect();
    assert!(failures.is_empty(), "the examples' markers and findings differ:\n{}", failures.join("\n"));
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect())
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// `(file, line, rule, severity)` for every `// expect:` marker in the case's files.
fn expectations(case: &Path) -> BTreeSet<Expectation> {
    let mut found = BTreeSet::new();
    let mut stack = vec![case.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                // An example's installed packages (`npm ci` for the runnable ones) plant nothing.
                if !path.ends_with("node_modules") {
                    stack.push(path);
                }
                continue;
            }
            // A README quotes the markers; it plants nothing.
            if path.extension().is_some_and(|extension| extension == "md") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let relative = path.strip_prefix(case).unwrap().to_string_lossy().replace('\\', "/");
            for (index, line) in text.lines().enumerate() {
                // `// expect:` in JS, TS and Prisma schemas; `-- expect:` in SQL; `# expect:` in Python.
                let Some((_, markers)) = line
                    .rsplit_once("// expect: ")
                    .or_else(|| line.rsplit_once("-- expect: "))
                    .or_else(|| line.rsplit_once("# expect: "))
                else {
                    continue;
                };
                for marker in markers.split(',').map(str::trim) {
                    let (rule, severity) = match marker.split_once(':') {
                        Some((rule, severity)) => (rule, severity),
                        None => (marker, ceiling_rules::rule(marker).map_or("?", |r| r.severity.as_str())),
                    };
                    found.insert((relative.clone(), index as u32 + 1, rule.to_owned(), severity.to_owned()));
                }
            }
        }
    }
    found
}
