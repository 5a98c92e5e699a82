//! The project's ceiling settings, from the first of these found in the scanned directory or a
//! directory above it (up to the repository's root): `ceiling.toml`, `[tool.ceiling]` in
//! `pyproject.toml`, the `"ceiling"` key of `package.json`.
//!
//! Every key is checked as the file is read, so that a mistake is never silently ignored: an
//! unknown key, a bad value, a glob that does not compile or a rule that does not exist is an
//! error that names the file, the line and the key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use ceiling_load::slo::Slo;
use ceiling_rules::Severity;
use ceiling_scan::{Level, Settings};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

/// The file names looked for in each directory, in order.
pub const CONFIG_FILES: [&str; 3] = ["ceiling.toml", "pyproject.toml", "package.json"];

/// The settings, as read and checked.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Only code files matching these are scanned (schema files always are).
    #[serde(default)]
    include: Vec<Pattern>,
    /// Files never scanned.
    #[serde(default)]
    exclude: Vec<Pattern>,
    /// Tables that stay small however the app grows.
    #[serde(default)]
    small_tables: Vec<String>,
    #[serde(default)]
    paths: Paths,
    /// Rule ids to `error`, `warning`, `info` or `off`.
    #[serde(default)]
    rules: BTreeMap<RuleId, RuleLevel>,
    #[serde(default)]
    pub grow: Grow,
    #[serde(default)]
    pub load: Load,
}

/// Which files run per request, against what their paths suggest.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Paths {
    /// On the request path whatever their names say (`scripts/server.ts`).
    #[serde(default)]
    request: Vec<Pattern>,
    /// Never per request (`tools/**`): findings there are `info`, as in seeds.
    #[serde(default)]
    offline: Vec<Pattern>,
}

/// Defaults for `ceiling grow`; its flags win.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Grow {
    /// Rows of a table per row of its parent, by table.
    #[serde(default)]
    pub fan_out: BTreeMap<String, FanOut>,
    pub skew: Option<Skew>,
}

/// Defaults for `ceiling load`; its flags win.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Load {
    /// `p95=500ms,p99=2s`.
    pub slo: Option<SloText>,
    /// `1%`.
    pub max_error_rate: Option<ErrorRate>,
}

#[derive(Debug, Deserialize)]
#[serde(try_from = "String")]
struct Pattern(Glob);

impl TryFrom<String> for Pattern {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        // `*` stays within a directory, as in .gitignore; `**` crosses them.
        let glob = GlobBuilder::new(&text).literal_separator(true).build();
        glob.map(Pattern).map_err(|error| format!("`{text}` is not a glob: {}", error.kind()))
    }
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
struct RuleId(String);

impl TryFrom<String> for RuleId {
    type Error = String;

    fn try_from(id: String) -> Result<Self, String> {
        match ceiling_rules::rule(&id) {
            Some(_) => Ok(RuleId(id)),
            None => Err(format!("no rule is named `{id}` (`ceiling rules` lists them)")),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum RuleLevel {
    Off,
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "f64")]
pub struct FanOut(pub f64);

impl TryFrom<f64> for FanOut {
    type Error = String;

    fn try_from(ratio: f64) -> Result<Self, String> {
        if ratio > 0.0 && ratio.is_finite() {
            Ok(FanOut(ratio))
        } else {
            Err(format!("{ratio} is not a positive number"))
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "f64")]
pub struct Skew(pub f64);

impl TryFrom<f64> for Skew {
    type Error = String;

    fn try_from(skew: f64) -> Result<Self, String> {
        if (0.0..=3.0).contains(&skew) { Ok(Skew(skew)) } else { Err(format!("{skew} is outside 0 to 3")) }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct SloText(pub String);

impl TryFrom<String> for SloText {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Slo::parse_percentiles(&text).map(|_| SloText(text))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct ErrorRate(pub String);

impl TryFrom<String> for ErrorRate {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Slo::parse_error_rate(&text).map(|_| ErrorRate(text))
    }
}

/// A config file that could not be used: where, which key, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    /// The key's dotted path (`rules.n-plus-one`); empty when the error is not about one key.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A config and the file it came from.
#[derive(Debug)]
pub struct Found {
    pub config: Config,
    pub file: PathBuf,
}

/// The config that applies to `start` (a directory or a file): the first config file in it or a
/// directory above, stopping at the repository's root (a directory with `.git`). A
/// `pyproject.toml` without `[tool.ceiling]` or a `package.json` without a `"ceiling"` key is
/// passed over.
pub fn discover(start: &Path) -> Result<Option<Found>, ConfigError> {
    let start = start.canonicalize().unwrap_or_else(|_| start.to_owned());
    let start = if start.is_file() { start.parent().map(Path::to_owned).unwrap_or(start) } else { start };
    for dir in start.ancestors() {
        for name in CONFIG_FILES {
            let file = dir.join(name);
            if !file.is_file() {
                continue;
            }
            if let Some(found) = read(&file)? {
                return Ok(Some(found));
            }
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    Ok(None)
}

/// The config in `file`, named by the user (`--config`): it must hold one.
pub fn load(file: &Path) -> Result<Found, ConfigError> {
    read(file)?.ok_or_else(|| ConfigError {
        file: file.to_owned(),
        line: None,
        key: String::new(),
        message: "holds no ceiling settings (`[tool.ceiling]` in pyproject.toml, a `\"ceiling\"` key in package.json)"
            .to_owned(),
    })
}

fn read(file: &Path) -> Result<Option<Found>, ConfigError> {
    let text = std::fs::read_to_string(file).map_err(|error| ConfigError {
        file: file.to_owned(),
        line: None,
        key: String::new(),
        message: format!("cannot read it: {error}"),
    })?;
    let name = file.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let config = match name.as_str() {
        "pyproject.toml" => {
            if !text.contains("tool.ceiling") {
                return Ok(None);
            }
            #[derive(Deserialize)]
            struct PyProject {
                tool: Option<Tool>,
            }
            #[derive(Deserialize)]
            struct Tool {
                ceiling: Option<Config>,
            }
            from_toml::<PyProject>(file, &text)?.tool.and_then(|tool| tool.ceiling)
        }
        name if name.ends_with(".json") => {
            if !text.contains("\"ceiling\"") {
                return Ok(None);
            }
            #[derive(Deserialize)]
            struct Package {
                ceiling: Option<Config>,
            }
            from_json::<Package>(file, &text)?.ceiling
        }
        _ => Some(from_toml::<Config>(file, &text)?),
    };
    Ok(config.map(|config| Found { config, file: file.to_owned() }))
}

fn from_toml<T: for<'de> Deserialize<'de>>(file: &Path, text: &str) -> Result<T, ConfigError> {
    let line_of = |error: &toml::de::Error| error.span().map(|span| line_at(text, span.start));
    let document = toml::Deserializer::parse(text).map_err(|error| ConfigError {
        file: file.to_owned(),
        line: line_of(&error),
        key: String::new(),
        message: error.message().trim().to_owned(),
    })?;
    serde_path_to_error::deserialize(document).map_err(|error| ConfigError {
        file: file.to_owned(),
        line: line_of(error.inner()),
        key: key_of(error.path()),
        message: plain(error.inner().message()),
    })
}

fn from_json<T: for<'de> Deserialize<'de>>(file: &Path, text: &str) -> Result<T, ConfigError> {
    let mut document = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut document).map_err(|error| {
        let inner = error.inner();
        // serde_json appends " at line L column C" to the message; the line is given apart.
        let message = inner.to_string();
        let message = plain(message.split(" at line ").next().unwrap_or(&message));
        ConfigError { file: file.to_owned(), line: Some(inner.line()), key: key_of(error.path()), message }
    })
}

/// serde's message in the words of a config: the key is named apart, so `unknown field `x`,
/// expected ...` becomes `unknown key, expected ...`.
fn plain(message: &str) -> String {
    let message = message.trim();
    match message.strip_prefix("unknown field `").and_then(|rest| rest.split_once("`, ")) {
        Some((_, expected)) => format!("unknown key, {expected}"),
        None => message.to_owned(),
    }
}

/// The dotted path of a key; empty at the top of the document, where serde_path_to_error says `.`.
fn key_of(path: &serde_path_to_error::Path) -> String {
    let key = path.to_string();
    if key == "." { String::new() } else { key }
}

fn line_at(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|&byte| byte == b'\n').count() + 1
}

impl Found {
    /// The scan's settings for `root`, a directory at or below the config's.
    pub fn scan_settings(&self, root: &Path) -> Settings {
        let config = &self.config;
        // `--config ceiling.toml` has an empty parent: the current directory.
        let dir = self.file.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let prefix = root
            .canonicalize()
            .ok()
            .zip(dir.canonicalize().ok())
            .and_then(|(root, dir)| root.strip_prefix(dir).ok().map(Path::to_owned))
            .map(|relative| relative.to_string_lossy().replace('\\', "/"))
            .filter(|relative| !relative.is_empty())
            .map(|relative| format!("{relative}/"))
            .unwrap_or_default();
        Settings {
            prefix,
            include: glob_set(&config.include),
            exclude: glob_set(&config.exclude),
            request_paths: glob_set(&config.paths.request),
            offline_paths: glob_set(&config.paths.offline),
            small_tables: config.small_tables.clone(),
            rules: config
                .rules
                .iter()
                .map(|(id, level)| {
                    let level = match level {
                        RuleLevel::Off => Level::Off,
                        RuleLevel::Info => Level::At(Severity::Info),
                        RuleLevel::Warning => Level::At(Severity::Warning),
                        RuleLevel::Error => Level::At(Severity::Error),
                    };
                    (id.0.clone(), level)
                })
                .collect(),
        }
    }
}

fn glob_set(patterns: &[Pattern]) -> Option<GlobSet> {
    if patterns.is_empty() {
        return None;
    }
    let mut set = GlobSetBuilder::new();
    for Pattern(glob) in patterns {
        set.add(glob.clone());
    }
    // Each glob compiled on its own when read; together they compile too.
    set.build().ok()
}

#[cfg(test)]
mod tests;
