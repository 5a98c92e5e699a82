//! `ceiling scan --watch`: scan, then scan again whenever a file under the root changes. Unchanged
//! files are not parsed again (a [`FactsCache`] keyed by their bytes); the linking and the rules,
//! which read only facts, run on every scan. The config is read again each time.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use ceiling_scan::FactsCache;
use notify::{RecursiveMode, Watcher};

use crate::{ScanArgs, scan_and_report};

/// Changes closer together than this are one edit: an editor's save, a `git checkout`.
const SETTLE: Duration = Duration::from_millis(150);

/// Directories whose changes never change a scan: what the walk skips, and build output.
const IGNORED_DIRS: &[&str] = &["node_modules", ".git", "target", "dist", "build", ".next", ".turbo", "__pycache__"];

pub fn run(args: &ScanArgs) -> ExitCode {
    let root = ceiling_scan::scan_root(&args.path);
    // Events name paths under the root as watched: canonical, like the output's path below.
    let root = root.canonicalize().unwrap_or(root);
    let (sender, events) = std::sync::mpsc::channel();
    let watcher = notify::recommended_watcher(move |event| {
        let _ = sender.send(event);
    });
    let mut watcher = match watcher {
        Ok(watcher) => watcher,
        Err(error) => return fail(&format!("cannot watch files: {error}")),
    };
    if let Err(error) = watcher.watch(&root, RecursiveMode::Recursive) {
        return fail(&format!("cannot watch {}: {error}", root.display()));
    }
    // The report written by --output is a change too; it must not start another scan.
    let output = args.output.as_ref().map(|path| absolute(path));
    let cache = FactsCache::new();
    loop {
        scan_and_report(args, Some(&cache));
        eprintln!("ceiling: watching {} for changes (Ctrl-C to stop)", root.display());
        match next_change(&events, output.as_deref()) {
            Some(changed) => eprintln!("\nceiling: {changed} changed"),
            None => return fail("the file watcher stopped"),
        }
    }
}

/// Waits for a change that matters and for the changes after it to settle; returns the first path
/// changed, or `None` when the watcher is gone.
fn next_change(events: &Receiver<notify::Result<notify::Event>>, output: Option<&Path>) -> Option<String> {
    let relevant = |event: &notify::Event| {
        !event.kind.is_access() && event.paths.iter().any(|path| Some(path.as_path()) != output && !ignored(path))
    };
    let first = loop {
        match events.recv().ok()? {
            Ok(event) if relevant(&event) => break event,
            _ => continue,
        }
    };
    loop {
        match events.recv_timeout(SETTLE) {
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
    let path = first.paths.iter().find(|path| !ignored(path)).or(first.paths.first());
    Some(path.map_or_else(|| "a file".to_owned(), |path| path.display().to_string()))
}

fn ignored(path: &Path) -> bool {
    path.components().any(|part| IGNORED_DIRS.iter().any(|dir| part.as_os_str() == *dir))
}

/// `path` with its directory canonical; the file itself may not exist yet.
fn absolute(path: &Path) -> PathBuf {
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match (dir.canonicalize(), path.file_name()) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => path.to_owned(),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("ceiling: {message}");
    ExitCode::from(2)
}
