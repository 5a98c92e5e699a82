use std::path::Path;

use super::*;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// The error for `text` as `name`, as users read it, with the temporary directory left out.
fn error_of(name: &str, text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), name, text);
    let error = load(&file).expect_err("the config is refused");
    error.to_string().replace(&format!("{}/", dir.path().display()), "")
}

#[test]
fn every_key_is_read() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "ceiling.toml",
        r#"
include = ["src/**", "app/**"]
exclude = ["src/legacy/**"]
small-tables = ["countries", "plans"]

[paths]
request = ["scripts/server.ts"]
offline = ["tools/**"]

[rules]
n-plus-one = "error"
offset-pagination = "off"

[grow]
fan-out = { comments = 20, posts = 2.5 }
skew = 1

[load]
slo = "p95=300ms,p99=1s"
max-error-rate = "0.5%"
"#,
    );
    let found = discover(dir.path()).unwrap().expect("ceiling.toml is found");
    let settings = found.scan_settings(dir.path());
    assert_eq!(settings.prefix, "");
    assert!(settings.include.as_ref().unwrap().is_match("src/app/page.tsx"));
    assert!(!settings.include.as_ref().unwrap().is_match("scripts/seed.ts"));
    assert!(settings.exclude.as_ref().unwrap().is_match("src/legacy/old.ts"));
    assert!(settings.request_paths.as_ref().unwrap().is_match("scripts/server.ts"));
    assert!(settings.offline_paths.as_ref().unwrap().is_match("tools/a/b.py"));
    assert_eq!(settings.small_tables, ["countries", "plans"]);
    assert_eq!(settings.rules["n-plus-one"], Level::At(Severity::Error));
    assert_eq!(settings.rules["offset-pagination"], Level::Off);
    let grow = &found.config.grow;
    assert_eq!(grow.fan_out["comments"].0, 20.0);
    assert_eq!(grow.fan_out["posts"].0, 2.5);
    assert_eq!(grow.skew.unwrap().0, 1.0);
    assert_eq!(found.config.load.slo.as_ref().unwrap().0, "p95=300ms,p99=1s");
    assert_eq!(found.config.load.max_error_rate.as_ref().unwrap().0, "0.5%");
}

#[test]
fn a_star_stays_within_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ceiling.toml", "exclude = [\"src/*.ts\"]\n");
    let settings = discover(dir.path()).unwrap().unwrap().scan_settings(dir.path());
    let exclude = settings.exclude.unwrap();
    assert!(exclude.is_match("src/a.ts"));
    assert!(!exclude.is_match("src/lib/a.ts"));
}

#[test]
fn unknown_keys_name_the_file_the_line_and_the_key() {
    assert_eq!(
        error_of("ceiling.toml", "include = []\nexclud = [\"a/**\"]\n"),
        "ceiling.toml:2: exclud: unknown key, expected one of `include`, `exclude`, `small-tables`, `paths`, `rules`, `grow`, `load`"
    );
    assert_eq!(
        error_of("ceiling.toml", "[grow]\nskew = 1\nfanout = { a = 2 }\n"),
        "ceiling.toml:3: grow.fanout: unknown key, expected `fan-out` or `skew`"
    );
}

#[test]
fn bad_values_name_the_file_the_line_and_the_key() {
    assert_eq!(
        error_of("ceiling.toml", "[rules]\nn-plus-one = \"warning\"\nunbounded-read = \"loud\"\n"),
        "ceiling.toml:3: rules.unbounded-read: unknown variant `loud`, expected one of `off`, `info`, `warning`, `error`"
    );
    assert_eq!(
        error_of("ceiling.toml", "[rules]\nn_plus_one = \"off\"\n"),
        "ceiling.toml:2: rules.n_plus_one: no rule is named `n_plus_one` (`ceiling rules` lists them)"
    );
    assert_eq!(error_of("ceiling.toml", "[grow]\nskew = 7\n"), "ceiling.toml:2: grow.skew: 7 is outside 0 to 3");
    assert_eq!(
        error_of("ceiling.toml", "[grow.fan-out]\ncomments = -2\n"),
        "ceiling.toml:2: grow.fan-out.comments: -2 is not a positive number"
    );
    assert_eq!(
        error_of("ceiling.toml", "\n[load]\nslo = \"p95 under 300ms\"\n"),
        "ceiling.toml:3: load.slo: invalid SLO `p95 under 300ms`: write it as p95=500ms"
    );
    assert_eq!(
        error_of("ceiling.toml", "small-tables = \"countries\"\n").lines().next().unwrap(),
        "ceiling.toml:1: small-tables: invalid type: string \"countries\", expected a sequence"
    );
}

#[test]
fn bad_globs_name_the_file_the_line_and_the_key() {
    assert_eq!(
        error_of("ceiling.toml", "include = [\"src/**\"]\n[paths]\noffline = [\n  \"tools/**\",\n  \"ops/[a\",\n]\n"),
        "ceiling.toml:3: paths.offline[1]: `ops/[a` is not a glob: unclosed character class; missing ']'"
    );
}

#[test]
fn broken_toml_names_the_line() {
    assert_eq!(error_of("ceiling.toml", "include = [\"src/**\"\n\n"), "ceiling.toml:1: unclosed array, expected `]`");
}

#[test]
fn pyproject_and_package_json_hold_it_under_their_own_keys() {
    assert_eq!(
        error_of(
            "pyproject.toml",
            "[project]\nname = \"app\"\n\n[tool.ceiling]\nexclude = [\"migrations/**\"]\nsmall_tables = []\n"
        ),
        "pyproject.toml:6: tool.ceiling.small_tables: unknown key, expected one of `include`, `exclude`, `small-tables`, `paths`, `rules`, `grow`, `load`"
    );
    assert_eq!(
        error_of(
            "package.json",
            "{\n  \"name\": \"app\",\n  \"ceiling\": {\n    \"rules\": { \"n-plus-one\": \"loud\" }\n  }\n}\n"
        ),
        "package.json:4: ceiling.rules.n-plus-one: unknown variant `loud`, expected one of `off`, `info`, `warning`, `error`"
    );
}

#[test]
fn discovery_passes_over_files_without_settings_and_stops_at_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    write(dir.path(), "ceiling.toml", "include = [\"never/**\"]\n");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let app = repo.join("apps/web");
    write(&app, "package.json", "{ \"name\": \"web\" }\n");
    write(&app, "pyproject.toml", "[project]\nname = \"web\"\n");
    assert!(discover(&app).unwrap().is_none(), "the ceiling.toml above the repository is not the app's");

    write(&repo, "package.json", "{ \"name\": \"repo\", \"ceiling\": { \"exclude\": [\"apps/web/legacy/**\"] } }\n");
    let found = discover(&app).unwrap().expect("the repository's package.json holds settings");
    assert!(found.file.ends_with("repo/package.json"));
    let settings = found.scan_settings(&app);
    assert_eq!(settings.prefix, "apps/web/");
    assert!(settings.exclude.as_ref().unwrap().is_match(format!("{}legacy/a.ts", settings.prefix)));

    let empty = write(&app, "other.json", "{ \"name\": \"x\" }\n");
    assert!(load(&empty).unwrap_err().message.contains("holds no ceiling settings"));
}

#[test]
fn a_config_named_without_a_directory_is_in_the_current_one() {
    // Tests run in the crate's directory: `--config Cargo.toml` and a scan of `src` give `src/`.
    let found = Found { config: Config::default(), file: PathBuf::from("Cargo.toml") };
    assert_eq!(found.scan_settings(Path::new("src")).prefix, "src/");
}
