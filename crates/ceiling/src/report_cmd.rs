//! `ceiling report`: one self-contained HTML page of everything ceiling found in the app. The scan runs here;
//! the results of `ceiling db`, `ceiling grow` and `ceiling load` are read from their `--format json` files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ceiling_overview::{Inputs, ScanInput, overview};
use ceiling_page::html::render_overview;

use crate::{print, report_skipped};

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The app's directory, which is scanned.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Where to write the page: one HTML file with its styles and charts inside, which needs no network.
    #[arg(long, value_name = "FILE", default_value = "ceiling-report.html")]
    html: PathBuf,
    /// The output of `ceiling db --format json`, saved to a file: the live database's findings.
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// The output of `ceiling grow --format json`, saved to a file: the growth curves of the app's queries.
    #[arg(long, value_name = "FILE")]
    grow: Option<PathBuf>,
    /// The output of `ceiling load --format json`, saved to a file: each endpoint's capacity and knee.
    #[arg(long, value_name = "FILE")]
    load: Option<PathBuf>,
    #[command(flatten)]
    config: crate::ConfigArg,
}

/// Reads and parses one of the JSON files; the error names the file.
fn read<T>(path: &Option<PathBuf>, parse: fn(&str) -> Result<T, String>) -> Result<Option<T>, String> {
    let Some(path) = path else { return Ok(None) };
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    parse(&text).map(Some).map_err(|error| format!("{}: {error}", path.display()))
}

pub fn run_report(args: &ReportArgs) -> ExitCode {
    // The files first: a wrong one is said before the scan runs.
    let inputs = read(&args.db, ceiling_report::parse_db_json).and_then(|db| {
        let grow = read(&args.grow, ceiling_grow::report::parse_json)?;
        let load = read(&args.load, ceiling_load::report::parse_json)?;
        Ok((db, grow, load))
    });
    let (db, grow, load) = match inputs {
        Ok(inputs) => inputs,
        Err(error) => {
            eprintln!("ceiling: {error}");
            return ExitCode::from(2);
        }
    };
    let result = match args.config.scan(&args.path) {
        Ok(result) => result,
        Err(code) => return code,
    };
    report_skipped(&result, false);
    let inputs = Inputs {
        app: app_name(&result.root),
        scan: ScanInput {
            findings: &result.findings,
            files_scanned: result.files_scanned,
            lines_scanned: result.lines_scanned,
            routes: result.project.route_table(),
        },
        db: db.as_ref(),
        grow: grow.as_ref(),
        load: load.as_ref(),
    };
    let overview = overview(&inputs);
    if let Err(error) = std::fs::write(&args.html, render_overview(&overview)) {
        eprintln!("ceiling: cannot write {}: {error}", args.html.display());
        return ExitCode::from(2);
    }
    eprintln!("ceiling: wrote {}", args.html.display());
    if !print(&format!("{}\n", overview.headline)) {
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// The app's directory name, for the page's title.
fn app_name(root: &Path) -> String {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    root.file_name().map_or_else(|| root.display().to_string(), |name| name.to_string_lossy().into_owned())
}
