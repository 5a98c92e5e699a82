//! The `ceiling` binary: arguments in, engines wired, exit code out. Engines live in library
//! crates (`ceiling_scan`, `ceiling_db`, `ceiling_rules`, `ceiling_report`) and do not depend on this one.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::SystemTime;

use ceiling_db::{CodeQuery, DbOptions, audit};
use ceiling_grow::report::{render_human as render_grow_human, render_json as render_grow_json};
use ceiling_grow::run::GrowOptions;
use ceiling_grow::scratch::Scratch;
use ceiling_report::{
    Baseline, DbSummary, SkippedFile, Summary, fingerprints, render_db_human, render_db_json, render_github,
    render_human, render_json, render_junit, render_markdown, render_routes_human, render_routes_json, render_sarif,
    render_schema_human, render_schema_json, write_baseline,
};
use ceiling_rules::Severity;
use ceiling_scan::{ScanOptions, ScanResult, SkipReason, index_migration, scan, scan_root, write_migration};
use clap::{Parser, Subcommand, ValueEnum};

mod grow_progress;
mod load;
mod report_cmd;
mod rules_cmd;
mod watch;

// Parsing allocates many small, short-lived objects on every thread; mimalloc serves those
// faster than the system allocator (as oxlint does).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Find a web app's scale ceiling before its users do.
#[derive(Parser)]
#[command(name = "ceiling", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `--config FILE`, for the commands that read the project's config.
#[derive(clap::Args, Clone, Default)]
struct ConfigArg {
    /// The config file. By default the first of ceiling.toml, [tool.ceiling] in pyproject.toml and
    /// the "ceiling" key of package.json, from the app's directory up to the repository's root.
    #[arg(long = "config", value_name = "FILE")]
    file: Option<PathBuf>,
}

impl ConfigArg {
    /// The project's config for a run on `path`. A broken one stops the run: its error names the
    /// file, the line and the key.
    fn find(&self, path: &Path) -> Result<Option<ceiling_config::Found>, ExitCode> {
        let found = match &self.file {
            Some(file) => ceiling_config::load(file).map(Some),
            None => ceiling_config::discover(path),
        };
        found.map_err(|error| {
            eprintln!("ceiling: {error}");
            ExitCode::from(2)
        })
    }

    /// The scan's options for `path`, with the config's settings.
    fn scan_options(&self, path: &Path) -> Result<ScanOptions, ExitCode> {
        Ok(ScanOptions { settings: scan_settings(self.find(path)?.as_ref(), path), ..ScanOptions::default() })
    }

    /// A scan of `path` under the config; a broken config or an unreadable path stops the run.
    fn scan(&self, path: &Path) -> Result<ScanResult, ExitCode> {
        scan(path, &self.scan_options(path)?).map_err(|error| {
            eprintln!("ceiling: {error}");
            ExitCode::from(2)
        })
    }
}

/// The settings of a scan of `path` under the config `found`, if any.
fn scan_settings(found: Option<&ceiling_config::Found>, path: &Path) -> ceiling_scan::Settings {
    found.map(|found| found.scan_settings(&scan_root(path))).unwrap_or_default()
}

#[derive(Subcommand)]
enum Command {
    /// Statically scan a repository for code that stops scaling (N+1 queries and more).
    Scan(ScanArgs),
    /// Print the database schema ceiling reads from the app (Prisma, SQL migrations, ORM
    /// models): tables, indexes and foreign keys, each with the file and line it came from.
    Schema(SchemaArgs),
    /// Print the app's routes (Express, Fastify, Hono, Koa, NestJS, Next.js, SvelteKit, Remix,
    /// Supabase functions, Django and DRF, FastAPI, Flask): method, full path, handler, and the rate limiter that
    /// covers each.
    Routes(SchemaArgs),
    /// Audit a live PostgreSQL database, read-only: unindexed foreign keys, unused and duplicate
    /// indexes, tables without primary keys, row-level security, and more.
    Db(DbArgs),
    /// Build a throwaway PostgreSQL with the app's schema, fill it with synthetic data at growing
    /// sizes, and time the app's own queries at each size: which grow, how fast, and what the
    /// suggested indexes change.
    Grow(GrowArgs),
    /// Find each endpoint's capacity and latency knee: steps of constant arrival rate (an open model,
    /// latency measured from each request's intended send time) searched up to the SLO. Loopback only
    /// unless --allow-remote names the host.
    Load(load::LoadArgs),
    /// Check a running app's defences with small bounded bursts: do login, sign-up, reset and OTP routes
    /// refuse repeated wrong attempts, do webhooks refuse a replayed event, are page sizes capped?
    Probe(load::ProbeArgs),
    /// Write one self-contained HTML page of what ceiling finds in the app: a summary of its first
    /// ceilings, the scan's findings by family, the route table, and the results of `ceiling db`,
    /// `grow` and `load` saved with --format json, where given.
    Report(report_cmd::ReportArgs),
    /// List every rule: id, family, default severity, status and what it finds.
    Rules(rules_cmd::RulesArgs),
    /// Print a rule's documentation: what it finds, why it breaks at scale, how to fix it, and its
    /// false-positive guards.
    Explain(rules_cmd::ExplainArgs),
}

#[derive(clap::Args)]
struct GrowArgs {
    /// The app's directory.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Rows of the largest table at each step (`1k`, `250k`, `1M`); other tables follow by fan-out.
    #[arg(long, value_delimiter = ',', value_parser = parse_count, default_value = "1k,10k,100k,1M")]
    scales: Vec<u64>,
    /// The table size each query's time is projected to.
    #[arg(long, value_parser = parse_count, default_value = "1M")]
    target_rows: u64,
    /// One query's share of a request's time, in ms: the report says at what size a query spends it.
    #[arg(long, default_value_t = 100.0)]
    budget_ms: f64,
    /// Rows of a table per row of its parent, `table=N` (default 10, 20 for comments and messages,
    /// or `[grow] fan-out` in the config).
    #[arg(long = "fan-out", value_parser = parse_fan_out)]
    fan_outs: Vec<(String, f64)>,
    /// Foreign-key skew: 0 spreads children evenly, 1 is Zipf (a few parents own most) [default:
    /// 0.8, or `[grow] skew` in the config].
    #[arg(long)]
    skew: Option<f64>,
    #[command(flatten)]
    config: ConfigArg,
    /// Seed of the synthetic data: the same seed gives the same rows.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Also time this SQL, as written (repeatable).
    #[arg(long = "query")]
    queries: Vec<String>,
    /// Timed runs of each query per step (after one warm-up); the median is reported.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// A network round trip in ms, added per query when pricing N+1 pages.
    #[arg(long, default_value_t = 1.0)]
    round_trip_ms: f64,
    /// Each statement's time limit, in seconds.
    #[arg(long, default_value_t = 30.0)]
    statement_timeout: f64,
    /// Let PostgreSQL plan parallel workers (off by default: they make timings noisy on small machines).
    #[arg(long)]
    parallel: bool,
    /// Use this database instead of starting one: ceiling creates the schema `ceiling_grow` in it,
    /// refuses if a schema of that name exists and is not its own, and drops it at the end.
    #[arg(long, value_name = "URL")]
    scratch_url: Option<String>,
    /// Take the schema from this live database instead of the app's files: `pg_dump --schema-only`
    /// of its `public` schema, which reads the catalog and nothing else.
    #[arg(long, value_name = "URL")]
    from_db: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MeasureFormat::Human)]
    format: MeasureFormat,
    /// Also write a self-contained HTML report with one chart per query.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

/// `1000`, `1k`, `2.5M`.
fn parse_count(text: &str) -> Result<u64, String> {
    let text = text.trim().replace('_', "");
    let (number, unit) = match text.char_indices().last() {
        Some((at, 'k' | 'K')) => (&text[..at], 1e3),
        Some((at, 'm' | 'M')) => (&text[..at], 1e6),
        _ => (text.as_str(), 1.0),
    };
    let value: f64 = number.parse().map_err(|_| format!("not a row count: {text} (try 1000, 10k or 1M)"))?;
    let rows = (value * unit).round();
    if !(1.0..=1e10).contains(&rows) {
        return Err(format!("{text} is out of range (1 to 10 billion rows)"));
    }
    Ok(rows as u64)
}

/// `comments=20`.
fn parse_fan_out(text: &str) -> Result<(String, f64), String> {
    let (table, ratio) = text.split_once('=').ok_or_else(|| format!("expected table=N, got {text}"))?;
    let ratio: f64 = ratio.trim().parse().map_err(|_| format!("not a number: {ratio}"))?;
    if !(ratio > 0.0 && ratio.is_finite()) {
        return Err(format!("the fan-out of {table} must be positive"));
    }
    Ok((table.trim().to_owned(), ratio))
}

#[derive(clap::Args)]
struct DbArgs {
    /// The connection URL (`postgres://user:password@host:5432/db?sslmode=require`); defaults to
    /// the DATABASE_URL environment variable. Never printed.
    #[arg(long)]
    url: Option<String>,
    /// Output format. SARIF, for code scanning, holds only the findings with a place in the code
    /// (with --code); the database's own are in the others.
    #[arg(long, value_enum, default_value_t = FindingsFormat::Human)]
    format: FindingsFormat,
    /// Exit with 1 when a finding has at least this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// Colour the human output: auto, always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Each statement's time limit, in seconds.
    #[arg(long, default_value_t = 5.0)]
    statement_timeout: f64,
    /// Usage statistics younger than this many days are too young to call an index unused.
    #[arg(long, default_value_t = 7.0)]
    min_stats_age: f64,
    /// Also scan the app at this path and check its index findings against the live database:
    /// the table's real size, and whether the database already has the index.
    #[arg(long, value_name = "PATH")]
    code: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigArg,
    /// Measure the statements whose plans scan a large table with EXPLAIN ANALYZE: plain SELECTs
    /// only, run with NULL parameters inside the read-only transaction that is rolled back.
    #[arg(long)]
    analyze: bool,
}

#[derive(clap::Args)]
struct SchemaArgs {
    /// The app's directory.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[command(flatten)]
    config: ConfigArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args)]
struct ScanArgs {
    /// The directory (or file) to scan.
    #[arg(default_value = ".")]
    path: PathBuf,
    #[command(flatten)]
    config: ConfigArg,
    /// Output format: `github` prints GitHub Actions workflow commands, one annotation per finding.
    #[arg(long, value_enum, default_value_t = FindingsFormat::Human)]
    format: FindingsFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Report only findings this baseline file does not hold, so that CI fails on new ones only.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// Write every finding to this baseline file and exit 0; commit it and pass it with --baseline.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Scan again whenever a file changes, parsing only the files that changed; stop with Ctrl-C.
    #[arg(long, conflicts_with_all = ["write_baseline", "fix_indexes"])]
    watch: bool,
    /// Exit with 1 when a finding has at least this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// Scan test files too (`*.test.ts`, `__tests__/`...), which are skipped by default.
    #[arg(long)]
    include_tests: bool,
    /// Report `ceiling-ignore` comments that silence nothing (rule `unused-suppression`).
    #[arg(long)]
    report_unused_suppressions: bool,
    /// List every skipped file with the reason.
    #[arg(long, short)]
    verbose: bool,
    /// Colour the human output: auto (when stdout is a terminal and NO_COLOR is unset), always, never.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Write one new migration that creates the indexes the findings propose, in the app's
    /// migrations folder (Prisma, Supabase, Drizzle or plain SQL convention).
    #[arg(long)]
    fix_indexes: bool,
    /// With --fix-indexes: print the migration instead of writing it.
    #[arg(long, requires = "fix_indexes")]
    dry_run: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// The formats of the commands that measure (`grow`, `load`): no findings to annotate, but a table for
/// a pull request.
#[derive(Clone, Copy, ValueEnum)]
enum MeasureFormat {
    Human,
    Json,
    /// A pull-request comment: the table of what was measured.
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum FindingsFormat {
    Human,
    Json,
    Github,
    /// SARIF 2.1.0, for GitHub code scanning (`upload-sarif`) and other SARIF viewers.
    Sarif,
    /// A pull-request comment: counts by family, then the top findings.
    Markdown,
    /// JUnit XML: a test case per finding, failed from the --fail-on level.
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    /// Always exit 0 when the scan itself succeeded.
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Schema(args) => run_schema(&args),
        Command::Routes(args) => run_routes(&args),
        Command::Db(args) => run_db(args),
        Command::Grow(args) => run_grow(args),
        Command::Load(args) => load::run_load(args),
        Command::Probe(args) => load::run_probe(args),
        Command::Report(args) => report_cmd::run_report(&args),
        Command::Rules(args) => rules_cmd::run_rules(&args),
        Command::Explain(args) => rules_cmd::run_explain(&args),
    }
}

fn run_grow(mut args: GrowArgs) -> ExitCode {
    let found = match args.config.find(&args.path) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let settings = scan_settings(found.as_ref(), &args.path);
    // The flags win; the config fills in the tables and the skew they leave out.
    if let Some(grow) = found.as_ref().map(|found| &found.config.grow) {
        for (table, ratio) in &grow.fan_out {
            if !args.fan_outs.iter().any(|(given, _)| given == table) {
                args.fan_outs.push((table.clone(), ratio.0));
            }
        }
        args.skew = args.skew.or(grow.skew.map(|skew| skew.0));
    }
    let skew = args.skew.unwrap_or(0.8);
    let numbers = [
        ("--skew", skew, (0.0..=3.0).contains(&skew)),
        ("--statement-timeout", args.statement_timeout, args.statement_timeout > 0.0),
        ("--budget-ms", args.budget_ms, args.budget_ms > 0.0),
        ("--round-trip-ms", args.round_trip_ms, args.round_trip_ms >= 0.0),
    ];
    for (flag, value, valid) in numbers {
        if !valid || !value.is_finite() {
            eprintln!("ceiling: {flag} {value} is out of range");
            return ExitCode::from(2);
        }
    }
    let mut scales = args.scales.clone();
    scales.sort_unstable();
    scales.dedup();
    let result = match scan(&args.path, &ScanOptions { settings, ..ScanOptions::default() }) {
        Ok(result) => result,
        Err(error) => {
            eprintln!("ceiling: {error}");
            return ExitCode::from(2);
        }
    };
    report_skipped(&result, false);
    let options = GrowOptions {
        scales,
        target_rows: args.target_rows,
        budget_ms: args.budget_ms,
        fan_outs: args.fan_outs,
        skew,
        seed: args.seed,
        queries: args.queries,
        round_trip_ms: args.round_trip_ms,
        runs: args.runs.max(1),
        parallel: args.parallel,
        statement_timeout: args.statement_timeout,
        from_db: args.from_db,
    };
    let scratch = match &args.scratch_url {
        Some(url) => Scratch::claim(url).map(|(scratch, _)| scratch),
        None => Scratch::start(),
    };
    let scratch = match scratch {
        Ok(scratch) => scratch,
        Err(error) => {
            eprintln!("ceiling: {error}");
            return ExitCode::from(2);
        }
    };
    if let Scratch::Own(server) = &scratch {
        // A Ctrl-C while a query runs must still stop the server and remove its files.
        if let Err(error) = server.cleanup_handle().run_on_signal() {
            eprintln!("ceiling: {error}");
            return ExitCode::from(2);
        }
        eprintln!("ceiling: scratch PostgreSQL at {} (removed at the end)", server.dir().display());
    }
    let mut progress = grow_progress::Bar::new();
    let outcome = ceiling_grow::run::run(&result, &scratch, &options, &mut progress);
    progress.finish();
    let cleanup = scratch.finish();
    let report = match outcome {
        Ok(report) => report,
        Err(error) => {
            eprintln!("ceiling: {error}");
            return ExitCode::from(2);
        }
    };
    if let Err(error) = cleanup {
        eprintln!("ceiling: could not drop the scratch schema: {error}");
    }
    if let Some(path) = &args.html {
        let page = ceiling_grow::chart::page(&report);
        if let Err(error) = std::fs::write(path, page) {
            eprintln!("ceiling: cannot write {}: {error}", path.display());
            return ExitCode::from(2);
        }
        eprintln!("ceiling: wrote {}", path.display());
    }
    let output = match args.format {
        MeasureFormat::Json => render_grow_json(&report),
        MeasureFormat::Markdown => ceiling_grow::report::render_markdown(&report),
        MeasureFormat::Human => render_grow_human(&report),
    };
    if !print(&output) {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

fn run_db(args: DbArgs) -> ExitCode {
    let Some(url) = args.url.or_else(|| std::env::var("DATABASE_URL").ok()).filter(|url| !url.trim().is_empty()) else {
        eprintln!("ceiling: no database to read: pass --url or set DATABASE_URL");
        return ExitCode::from(2);
    };
    let started = std::time::Instant::now();
    let code = match &args.code {
        Some(path) => match args.config.scan(path) {
            Ok(result) => {
                report_skipped(&result, false);
                Some(result)
            }
            Err(code) => return code,
        },
        None => None,
    };
    let seconds = |value: f64| std::time::Duration::from_secs_f64(value.max(0.0));
    let options = DbOptions {
        statement_timeout: seconds(args.statement_timeout),
        min_stats_age: seconds(args.min_stats_age * 86_400.0),
        analyze: args.analyze,
        code_queries: code.as_ref().map(|code| code_queries(&code.findings)).unwrap_or_default(),
        ..DbOptions::new(url)
    };
    let mut audit = match audit(&options) {
        Ok(audit) => audit,
        Err(error) => {
            eprintln!("ceiling: {error}");
            return ExitCode::from(2);
        }
    };
    if let Some(code) = &code {
        let mut findings = code.findings.clone();
        ceiling_rules::corroborate(&audit.catalog, &mut findings);
        audit.findings.extend(findings);
    }
    let summary = DbSummary {
        target: audit.target.clone(),
        server_version: audit.catalog.server.version.clone(),
        tables: audit.catalog.tables.len(),
        indexes: audit.catalog.indexes.len(),
        foreign_keys: audit.catalog.foreign_keys.len(),
        notes: audit.notes.clone(),
        code_files: code.as_ref().map(|code| code.files_scanned),
        elapsed: Some(started.elapsed()),
    };
    let output = match args.format {
        FindingsFormat::Json => render_db_json(&audit.findings, &summary),
        FindingsFormat::Github | FindingsFormat::Sarif | FindingsFormat::Markdown | FindingsFormat::Junit => {
            render_for_ci(args.format, &audit.findings, code.as_ref().map(|code| code.root.as_path()), args.fail_on)
        }
        FindingsFormat::Human => {
            let root = code.as_ref().map(|code| code.root.clone());
            let sources =
                move |file: &str| root.as_ref().and_then(|root| std::fs::read_to_string(root.join(file)).ok());
            render_db_human(&audit.findings, &summary, &sources, use_color(args.color))
        }
    };
    if !print(&output) {
        return ExitCode::from(2);
    }
    exit_code(&audit.findings, args.fail_on)
}

/// The queries behind the scan's index findings, once each, for the database to plan.
fn code_queries(findings: &[ceiling_rules::Finding]) -> Vec<CodeQuery> {
    let mut queries: Vec<CodeQuery> = Vec::new();
    for finding in findings {
        let Some(index) = &finding.index else { continue };
        let query = CodeQuery {
            table: index.table.clone(),
            columns: index.columns.clone(),
            sort: finding.rule == "unindexed-sort",
        };
        if !queries.contains(&query) {
            queries.push(query);
        }
    }
    queries
}

fn use_color(color: Color) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// Writes the report; false when stdout is gone (`ceiling scan | head`), which is not an error of
/// the run but still ends it.
fn print(output: &str) -> bool {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(output.as_bytes()).and_then(|()| stdout.flush()).is_ok()
}

/// Findings in a format for CI and code review, the same for `scan`, `db` and `probe`. `root` is the scanned
/// app, which paths are given from (relative to the current directory) and sources read in.
fn render_for_ci(
    format: FindingsFormat,
    findings: &[ceiling_rules::Finding],
    root: Option<&Path>,
    fail_on: FailOn,
) -> String {
    let prefix = root.map(relative_prefix).unwrap_or_default();
    let root = root.map(Path::to_owned);
    let sources = move |file: &str| root.as_ref().and_then(|root| std::fs::read_to_string(root.join(file)).ok());
    match format {
        FindingsFormat::Github => render_github(findings, &prefix),
        FindingsFormat::Sarif => {
            // GitHub code scanning refuses a whole log over one result with no file (a table of the
            // live database, a route probed by URL only): those are left out, and said so.
            let placed: Vec<ceiling_rules::Finding> =
                findings.iter().filter(|finding| !finding.file.is_empty()).cloned().collect();
            if placed.len() < findings.len() {
                eprintln!(
                    "ceiling: {} findings with no place in the code left out of SARIF (code scanning needs a file); \
                     --format json or markdown lists them",
                    findings.len() - placed.len()
                );
            }
            render_sarif(&placed, &prefix, &sources)
        }
        FindingsFormat::Markdown => render_markdown(findings, &prefix),
        FindingsFormat::Junit => render_junit(findings, &prefix, threshold(fail_on)),
        FindingsFormat::Human | FindingsFormat::Json => unreachable!("rendered by each command with its summary"),
    }
}

/// The severity from which a finding fails the run.
fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// 1 when a finding reaches `--fail-on`, else 0.
fn exit_code(findings: &[ceiling_rules::Finding], fail_on: FailOn) -> ExitCode {
    let threshold = threshold(fail_on);
    let failed = threshold.is_some_and(|threshold| findings.iter().any(|f| f.severity >= threshold));
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn run_schema(args: &SchemaArgs) -> ExitCode {
    print_project_view(args, |result, format| match format {
        Format::Human => render_schema_human(&result.project.schema),
        Format::Json => render_schema_json(&result.project.schema),
    })
}

fn run_routes(args: &SchemaArgs) -> ExitCode {
    print_project_view(args, |result, format| {
        let rows = result.project.route_table();
        match format {
            Format::Human => render_routes_human(rows),
            Format::Json => render_routes_json(rows),
        }
    })
}

/// The project root as a path from the current directory, with a trailing slash (`examples/app/`),
/// or empty when they are the same: CI annotations name files from the repository root, where CI runs.
fn relative_prefix(root: &std::path::Path) -> String {
    let Ok(cwd) = std::env::current_dir() else { return String::new() };
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    match root.strip_prefix(&cwd) {
        Ok(relative) if relative.as_os_str().is_empty() => String::new(),
        Ok(relative) => format!("{}/", relative.display()),
        Err(_) => format!("{}/", root.display()),
    }
}

/// Reads the project at `args.path` and prints one view of it.
fn print_project_view(args: &SchemaArgs, render: impl Fn(&ScanResult, Format) -> String) -> ExitCode {
    let result = match args.config.scan(&args.path) {
        Ok(result) => result,
        Err(code) => return code,
    };
    if !print(&render(&result, args.format)) {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

fn run_scan(args: &ScanArgs) -> ExitCode {
    if args.watch {
        return watch::run(args);
    }
    scan_and_report(args, None)
}

/// One scan, reported as the flags ask; with a cache, unchanged files are not parsed again.
fn scan_and_report(args: &ScanArgs, cache: Option<&ceiling_scan::FactsCache>) -> ExitCode {
    let options = match args.config.scan_options(&args.path) {
        Ok(options) => ScanOptions {
            include_tests: args.include_tests,
            report_unused_suppressions: args.report_unused_suppressions,
            ..options
        },
        Err(code) => return code,
    };
    let scanned = match cache {
        Some(cache) => ceiling_scan::scan_cached(&args.path, &options, cache),
        None => scan(&args.path, &options),
    };
    let mut result = match scanned {
        Ok(result) => result,
        Err(error) => {
            eprintln!("ceiling: {error}");
            return ExitCode::from(2);
        }
    };
    report_skipped(&result, args.verbose);
    let mut baselined = 0;
    if args.baseline.is_some() || args.write_baseline.is_some() {
        let root = result.root.clone();
        let sources = move |file: &str| std::fs::read_to_string(root.join(file)).ok();
        let prints = fingerprints(&result.findings, &sources);
        if let Some(path) = &args.write_baseline {
            if let Err(error) = std::fs::write(path, write_baseline(&result.findings, &prints)) {
                eprintln!("ceiling: cannot write {}: {error}", path.display());
                return ExitCode::from(2);
            }
            eprintln!("ceiling: wrote {} findings to {}", result.findings.len(), path.display());
            return ExitCode::SUCCESS;
        }
        if let Some(path) = &args.baseline {
            let baseline = match std::fs::read_to_string(path)
                .map_err(|error| format!("cannot read {}: {error}", path.display()))
                .and_then(|text| Baseline::parse(&text, &path.display().to_string()))
            {
                Ok(baseline) => baseline,
                Err(error) => {
                    eprintln!("ceiling: {error}");
                    return ExitCode::from(2);
                }
            };
            let findings = std::mem::take(&mut result.findings);
            let before = findings.len();
            result.findings = findings
                .into_iter()
                .zip(&prints)
                .filter(|(f, print)| !baseline.knows(f, print))
                .map(|(f, _)| f)
                .collect();
            baselined = before - result.findings.len();
        }
    }
    let mut summary = summary(&result);
    summary.baselined = baselined;
    let output = match args.format {
        FindingsFormat::Json => render_json(&result.findings, &summary),
        FindingsFormat::Github | FindingsFormat::Sarif | FindingsFormat::Markdown | FindingsFormat::Junit => {
            render_for_ci(args.format, &result.findings, Some(&result.root), args.fail_on)
        }
        FindingsFormat::Human => {
            let root = result.root.clone();
            let sources = move |file: &str| std::fs::read_to_string(root.join(file)).ok();
            // Colour is for a terminal, never for a file.
            let color = args.output.is_none() && use_color(args.color);
            render_human(&result.findings, &summary, &sources, color)
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(error) = std::fs::write(path, &output) {
                eprintln!("ceiling: cannot write {}: {error}", path.display());
                return ExitCode::from(2);
            }
        }
        None if !print(&output) => return ExitCode::from(2),
        None => {}
    }
    if args.fix_indexes && !fix_indexes(&result, args.dry_run) {
        return ExitCode::from(2);
    }
    let code = exit_code(&result.findings, args.fail_on);
    if cache.is_some() {
        eprintln!(
            "ceiling: scanned {} files in {} ms, {} parsed again",
            result.files_scanned,
            result.elapsed.as_millis(),
            result.files_parsed
        );
    } else {
        // The process ends here: freeing every fact one by one would cost a twentieth of the scan.
        std::mem::forget(result);
    }
    code
}

/// Writes (or with `dry_run` prints) the migration of the proposed indexes; false when writing failed.
fn fix_indexes(result: &ScanResult, dry_run: bool) -> bool {
    // Django writes its own migrations from the models: a SQL file beside them would be applied
    // by nothing, and the next `makemigrations` would not know of it.
    let from_django = |finding: &&ceiling_rules::Finding| {
        finding.index.as_ref().and_then(|index| index.declaration.as_ref()).is_some_and(|d| d.file.ends_with(".py"))
    };
    let django = result.findings.iter().filter(from_django).count();
    if django > 0 {
        eprintln!(
            "ceiling: {django} index finding(s) are on Django models: add the `models.Index` each one shows to the \
model's `Meta.indexes`, then run `python manage.py makemigrations`"
        );
    }
    let findings: Vec<ceiling_rules::Finding> =
        result.findings.iter().filter(|finding| !from_django(finding)).cloned().collect();
    let Some(migration) = index_migration(&findings, &result.schema_files, SystemTime::now()) else {
        if django == 0 {
            eprintln!("ceiling: no index findings, so no migration to write");
        }
        return true;
    };
    if dry_run {
        println!("-- {} (not written: --dry-run)\n{}", migration.path, migration.text);
        return true;
    }
    match write_migration(&result.root, &migration) {
        Ok(path) => {
            eprintln!("ceiling: wrote {}", path.display());
            true
        }
        Err(error) => {
            eprintln!("ceiling: cannot write {}: {error}", result.root.join(&migration.path).display());
            false
        }
    }
}

/// Files that could not be read or parsed are said on stderr, always: they are places the scan
/// could not look. Deliberate skips (tests, minified, generated) are only counted unless asked.
fn report_skipped(result: &ScanResult, verbose: bool) {
    for skipped in &result.skipped {
        let problem = matches!(
            skipped.reason,
            SkipReason::ParseError(_) | SkipReason::Unreadable(_) | SkipReason::NotUtf8 | SkipReason::TooDeep
        );
        if problem || verbose {
            let detail = detail(&skipped.reason).map(|d| format!(": {d}")).unwrap_or_default();
            eprintln!("ceiling: skipped {}: {}{detail}", skipped.path, skipped.reason.label());
        }
    }
    for problem in &result.project.schema.problems {
        eprintln!("ceiling: skipped a schema statement at {}:{}: {}", problem.file, problem.line, problem.message);
    }
}

fn detail(reason: &SkipReason) -> Option<String> {
    match reason {
        SkipReason::ParseError(message) | SkipReason::Unreadable(message) => Some(message.clone()),
        _ => None,
    }
}

fn summary(result: &ScanResult) -> Summary {
    Summary {
        files_scanned: result.files_scanned,
        lines_scanned: result.lines_scanned,
        skipped: result
            .skipped
            .iter()
            .map(|skipped| SkippedFile {
                path: skipped.path.clone(),
                reason: skipped.reason.label().to_owned(),
                detail: detail(&skipped.reason),
            })
            .collect(),
        suppressed: result.suppressed,
        baselined: 0,
        elapsed: Some(result.elapsed),
    }
}
