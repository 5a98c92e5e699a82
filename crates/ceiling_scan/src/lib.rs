//! `ceiling scan` as a library: walk a tree, extract facts from every source file in parallel,
//! link them into a project and run the rules.
//!
//! Each file is parsed once, on a worker thread with a large stack; only its small facts cross
//! threads. The walk respects `.gitignore` and skips dependencies, build output, minified,
//! generated and oversized files, and says which and why.

mod cache;
mod config_files;
mod fix_indexes;
mod roles;
mod settings;
mod walk;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ceiling_facts::{FileFacts, FileRole, Project, Schema};
use ceiling_rules::Finding;
use rayon::prelude::*;
use serde::Serialize;

pub use cache::FactsCache;
pub use fix_indexes::{Migration, index_migration, write_migration};
pub use roles::role_of;
pub use settings::{Level, Settings};

/// Files larger than this are skipped: hand-written source is smaller; bundles and dumps are not.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Schema files larger than this are database dumps, not migrations someone maintains.
pub const MAX_SCHEMA_BYTES: u64 = 4 * 1024 * 1024;

/// Worker stack: parsing and walking are recursive, and a deep file must not overflow them.
const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Scan test files too (skipped by default).
    pub include_tests: bool,
    /// Report `ceiling-ignore` comments that silence nothing (`unused-suppression`).
    pub report_unused_suppressions: bool,
    /// The project's config.
    pub settings: Settings,
}

/// Why a file was not analysed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case", tag = "reason", content = "detail")]
pub enum SkipReason {
    TooLarge,
    Minified,
    Generated,
    NotUtf8,
    Unreadable(String),
    ParseError(String),
    TooDeep,
    Test,
}

impl SkipReason {
    /// A short label for summaries: `too large`, `parse error`.
    pub fn label(&self) -> &'static str {
        match self {
            SkipReason::TooLarge => "over 1 MiB",
            SkipReason::Minified => "minified",
            SkipReason::Generated => "generated",
            SkipReason::NotUtf8 => "not UTF-8",
            SkipReason::Unreadable(_) => "unreadable",
            SkipReason::ParseError(_) => "parse error",
            SkipReason::TooDeep => "nested too deeply",
            SkipReason::Test => "test file",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub path: String,
    #[serde(flatten)]
    pub reason: SkipReason,
}

pub struct ScanResult {
    /// The schema files read (`*.prisma`, `*.sql`), relative to the root.
    pub schema_files: Vec<String>,
    pub root: PathBuf,
    pub project: Project,
    pub findings: Vec<Finding>,
    /// Findings silenced by `ceiling-ignore` comments.
    pub suppressed: usize,
    pub files_scanned: usize,
    pub lines_scanned: u64,
    /// Files parsed by this scan: all of them, or with a [`FactsCache`] those that changed.
    pub files_parsed: usize,
    pub skipped: Vec<Skipped>,
    pub elapsed: Duration,
}

#[derive(Debug)]
pub enum ScanError {
    /// The path to scan does not exist or cannot be read.
    Root(PathBuf, std::io::Error),
    ThreadPool(String),
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanError::Root(path, error) => write!(f, "cannot scan {}: {error}", path.display()),
            ScanError::ThreadPool(error) => write!(f, "cannot start worker threads: {error}"),
        }
    }
}

impl std::error::Error for ScanError {}

#[derive(Clone)]
enum Outcome {
    Facts(FileFacts),
    Skipped(Skipped),
    /// A small generated file: skipped for findings, read for its bindings.
    Generated(FileFacts, Skipped),
}

/// Generated files up to this size are read for their bindings (a generated client, a schema
/// module); larger ones are generated clients and types that only cost time.
const MAX_GENERATED_BYTES: u64 = 64 * 1024;

pub fn scan(root: &Path, options: &ScanOptions) -> Result<ScanResult, ScanError> {
    scan_with(root, options, None)
}

/// A scan that takes the facts of unchanged files from `cache` and leaves the new ones in it.
pub fn scan_cached(root: &Path, options: &ScanOptions, cache: &FactsCache) -> Result<ScanResult, ScanError> {
    scan_with(root, options, Some(cache))
}

fn scan_with(root: &Path, options: &ScanOptions, cache: Option<&FactsCache>) -> Result<ScanResult, ScanError> {
    let started = Instant::now();
    let metadata = std::fs::metadata(root).map_err(|error| ScanError::Root(root.to_owned(), error))?;
    let (root, only) = if metadata.is_file() {
        let project_root = scan_root(root);
        let relative = root.canonicalize().ok().zip(project_root.canonicalize().ok()).and_then(|(file, project)| {
            file.strip_prefix(project).ok().map(|p| p.to_string_lossy().replace('\\', "/"))
        });
        (project_root, relative)
    } else {
        (root.to_owned(), None)
    };
    let mut walked = walk::walk(&root);
    walked.sources.retain(|source| options.settings.reads_code(&source.relative));
    walked.schema_files.retain(|source| options.settings.reads_schema(&source.relative));
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .map_err(|error| ScanError::ThreadPool(error.to_string()))?;
    if let Some(cache) = cache {
        let present: rustc_hash::FxHashSet<&str> =
            walked.sources.iter().map(|source| source.relative.as_str()).collect();
        cache.begin(|path| present.contains(path));
    }
    let outcomes: Vec<Outcome> =
        pool.install(|| walked.sources.par_iter().map(|source| analyse(&root, source, options, cache)).collect());
    let mut files = Vec::new();
    let mut skipped = walked.skipped;
    for outcome in outcomes {
        match outcome {
            Outcome::Facts(facts) => files.push(facts),
            Outcome::Skipped(skip) => skipped.push(skip),
            Outcome::Generated(facts, skip) => {
                files.push(facts);
                skipped.push(skip);
            }
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    let analysed = || files.iter().filter(|file| file.role != FileRole::Generated);
    let files_scanned = analysed().count();
    let lines_scanned = analysed().map(|file| u64::from(file.lines)).sum();
    let resolver = config_files::resolver(&root, &walked.config_files);
    let mut schema = read_schema(&root, &walked.schema_files, &files, options, &mut skipped);
    options.settings.mark_small_tables(&mut schema);
    let mut project = Project::new(files, resolver);
    project.schema = schema;
    let mut findings = ceiling_rules::check(&project);
    options.settings.apply_levels(&mut findings);
    let unused = if options.report_unused_suppressions || options.settings.turns_on("unused-suppression") {
        let mut unused = ceiling_rules::check_findings(&project, &findings);
        options.settings.apply_levels(&mut unused);
        unused
    } else {
        Vec::new()
    };
    let before = findings.len();
    findings.retain(|finding| !is_suppressed(&project, finding));
    let suppressed = before - findings.len();
    if !unused.is_empty() {
        findings.extend(unused);
        findings.sort_by(|a, b| (&a.file, a.span.start, a.rule).cmp(&(&b.file, b.span.start, b.rule)));
    }
    if let Some(only) = &only {
        findings.retain(|finding| &finding.file == only);
    }
    Ok(ScanResult {
        schema_files: walked.schema_files.iter().map(|source| source.relative.clone()).collect(),
        root,
        project,
        findings,
        suppressed,
        files_scanned,
        files_parsed: cache.map_or(files_scanned, FactsCache::parsed),
        lines_scanned,
        skipped,
        elapsed: started.elapsed(),
    })
}

/// The app's schema from its schema files and the tables its code declares. Schema files of
/// tests and fixtures are left out with the tests; dumps larger than [`MAX_SCHEMA_BYTES`] are
/// skipped.
fn read_schema(
    root: &Path,
    sources: &[walk::Source],
    files: &[FileFacts],
    options: &ScanOptions,
    skipped: &mut Vec<Skipped>,
) -> Schema {
    let mut schema_files = Vec::new();
    for source in sources {
        let relative = &source.relative;
        if options.settings.role(relative).unwrap_or_else(|| role_of(relative)) == FileRole::Test
            && !options.include_tests
        {
            continue;
        }
        if source.len > MAX_SCHEMA_BYTES {
            skipped.push(Skipped { path: relative.clone(), reason: SkipReason::TooLarge });
            continue;
        }
        match std::fs::read(root.join(relative)).map(String::from_utf8) {
            Ok(Ok(text)) => schema_files.push(ceiling_schema::SchemaFile::new(relative.clone(), text)),
            Ok(Err(_)) => skipped.push(Skipped { path: relative.clone(), reason: SkipReason::NotUtf8 }),
            Err(error) => skipped
                .push(Skipped { path: relative.clone(), reason: SkipReason::Unreadable(error.kind().to_string()) }),
        }
    }
    let app_files = files.iter().filter(|file| file.role != FileRole::Test);
    for file in app_files.clone() {
        schema_files.extend(file.sql.iter().map(|sql| ceiling_schema::SchemaFile {
            path: file.path.clone(),
            text: sql.text.clone(),
            first_line: sql.at.line,
            first_offset: sql.at.start,
        }));
    }
    // Models first, then what migrations written in code (Alembic) leave.
    let migrated = ceiling_facts::apply_migrations(
        app_files.clone().filter_map(|file| Some((file.path.as_str(), file.migration.as_ref()?))),
    );
    let code_tables = app_files.flat_map(|file| file.tables.iter().cloned()).chain(migrated);
    ceiling_schema::build(&schema_files, code_tables)
}

/// The directory a scan of `path` reads: `path` itself, or for a single file its project around
/// it, since its helpers and its client live in other files. The project is the nearest directory
/// above the file with a package.json, a tsconfig.json or a .git.
pub fn scan_root(path: &Path) -> PathBuf {
    if !path.is_file() {
        return path.to_owned();
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    project_root(parent).unwrap_or_else(|| parent.to_owned())
}

/// The nearest directory at or above `dir` that holds a package.json, tsconfig.json or .git.
fn project_root(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    dir.ancestors()
        .find(|candidate| {
            ["package.json", "tsconfig.json", ".git"].iter().any(|marker| candidate.join(marker).exists())
        })
        .map(Path::to_owned)
}

/// A `ceiling-ignore` comment naming the finding's rule, on its line or the line above it.
fn is_suppressed(project: &Project, finding: &Finding) -> bool {
    project.suppressions(&finding.file).iter().any(|suppression| suppression.covers(finding.rule, finding.span.line))
}

fn analyse(root: &Path, source: &walk::Source, options: &ScanOptions, cache: Option<&FactsCache>) -> Outcome {
    let relative = source.relative.clone();
    let skip = |reason| Outcome::Skipped(Skipped { path: relative.clone(), reason });
    let configured = options.settings.role(&relative);
    let role = configured.unwrap_or_else(|| role_of(&relative));
    if role == FileRole::Test && !options.include_tests {
        return skip(SkipReason::Test);
    }
    if source.len > MAX_FILE_BYTES {
        return skip(SkipReason::TooLarge);
    }
    let bytes = match std::fs::read(root.join(&source.relative)) {
        Ok(bytes) => bytes,
        Err(error) => return skip(SkipReason::Unreadable(error.kind().to_string())),
    };
    let Some(cache) = cache else { return parse(relative, bytes, role, options) };
    let key = cache::Key::new(&bytes, role, configured.is_some());
    if let Some(outcome) = cache.get(&relative, key) {
        return outcome;
    }
    let outcome = parse(relative.clone(), bytes, role, options);
    cache.put(relative, key, outcome.clone());
    outcome
}

/// The outcome of a file's bytes: its facts, or why it is skipped.
fn parse(relative: String, bytes: Vec<u8>, role: FileRole, options: &ScanOptions) -> Outcome {
    let len = bytes.len() as u64;
    let skip = |reason| Outcome::Skipped(Skipped { path: relative.clone(), reason });
    let Ok(text) = String::from_utf8(bytes) else { return skip(SkipReason::NotUtf8) };
    if is_generated(&text) {
        if len > MAX_GENERATED_BYTES {
            return skip(SkipReason::Generated);
        }
        return match extract(&relative, &text) {
            Ok(mut facts) => {
                facts.role = FileRole::Generated;
                Outcome::Generated(facts, Skipped { path: relative.clone(), reason: SkipReason::Generated })
            }
            Err(_) => skip(SkipReason::Generated),
        };
    }
    if is_minified(&text) {
        return skip(SkipReason::Minified);
    }
    match extract(&relative, &text) {
        Ok(mut facts) => {
            // A migration written in code (an Alembic revision) runs once, by a developer, and a
            // module that makes fake data fills development databases.
            facts.role = match role {
                FileRole::App
                    if options.settings.role(&relative).is_none()
                        && (facts.migration.is_some() || roles::makes_fake_data(&facts)) =>
                {
                    FileRole::Script
                }
                role => role,
            };
            Outcome::Facts(facts)
        }
        Err(reason) => skip(reason),
    }
}

/// The facts of one source file, from the frontend of its language.
fn extract(relative: &str, text: &str) -> Result<FileFacts, SkipReason> {
    if relative.ends_with(".py") {
        return ceiling_py::extract(relative, text).map_err(|skip| match skip {
            ceiling_py::Skip::Parse(message) => SkipReason::ParseError(message),
            ceiling_py::Skip::TooDeep => SkipReason::TooDeep,
        });
    }
    ceiling_js::extract(relative, text).map_err(|skip| match skip {
        ceiling_js::Skip::Parse(message) => SkipReason::ParseError(message),
        ceiling_js::Skip::TooDeep => SkipReason::TooDeep,
    })
}

/// Generated code says so in its first lines (`@generated`, "Do not edit").
fn is_generated(text: &str) -> bool {
    let head: String = text.chars().take(600).collect::<String>().to_ascii_lowercase();
    head.contains("@generated")
        || (head.contains("generated") && (head.contains("do not edit") || head.contains("do not modify")))
}

/// Minified code has very long lines: a bundle, not something a person maintains.
fn is_minified(text: &str) -> bool {
    let (mut lines, mut longest, mut start) = (1usize, 0usize, 0usize);
    for newline in memchr::memchr_iter(b'\n', text.as_bytes()) {
        longest = longest.max(newline - start);
        start = newline + 1;
        lines += 1;
    }
    longest = longest.max(text.len() - start);
    text.len() / lines > 400 || longest > 5_000
}
