//! `ceiling scan --watch`: scan, then scan again whenever a file under the root changes. Unchanged
//! files are not parsed again (a [`FactsCache`] keyed by their bytes); the linking and the rules,
//! which read only facts, run on every scan. The config is read again each time.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use ceiling_scan::FactsCache;
use notify::{RecursiveMode, Watcher};

use crate::{ScanArgs, scan_and_report};

/// Changes closer together than this are one edit: an editor's save, a `git checkout`.
const SETTLE: Duration = Duration::from_millis(150);

/// The longest wait for changes to settle: a tool that never stops writing must not hold the scan off.
const MAX_SETTLE: Duration = Duration::from_secs(1);

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
        match next_change(&events, &root, output.as_deref()) {
            Some(changed) => eprintln!("\nceiling: {changed} changed"),
            None => return fail("the file watcher stopped"),
        }
    }
}

/// Waits for a change that matters and for the changes that matter after it to settle (at most
/// [`MAX_SETTLE`]); returns the first path changed, or `None` when the watcher is gone.
fn next_change(events: &Receiver<notify::Result<notify::Event>>, root: &Path, output: Option<&Path>) -> Option<String> {
    let matters = |path: &PathBuf| Some(path.as_path()) != output && !ignored(root, path);
    let relevant = |event: &notify::Event| !event.kind.is_access() && event.paths.iter().any(matters);
    let first = loop {
        match events.recv().ok()? {
            Ok(event) if relevant(&event) => break event,
            _ => continue,
        }
    };
    let deadline = Instant::now() + MAX_SETTLE;
    let mut quiet_until = Instant::now() + SETTLE;
    while let Some(left) = quiet_until.min(deadline).checked_duration_since(Instant::now()) {
        match events.recv_timeout(left) {
            Ok(Ok(event)) if relevant(&event) => quiet_until = Instant::now() + SETTLE,
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => return None,
        }
    }
    let path = first.paths.iter().find(|path| matters(path)).or(first.paths.first());
    Some(path.map_or_else(|| "a file".to_owned(), |path| path.display().to_string()))
}

/// Whether a change is in a directory that never changes a scan. Only the part below the root
/// counts: an app may live in `~/build/app`.
fn ignored(root: &Path, path: &Path) -> bool {
    let below = path.strip_prefix(root).unwrap_or(path);
    below.components().any(|part| IGNORED_DIRS.iter().any(|dir| part.as_os_str() == *dir))
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::ignored;

    #[test]
    fn only_the_part_below_the_root_is_judged() {
        let root = Path::new("/home/me/build/app");
        assert!(!ignored(root, Path::new("/home/me/build/app/src/feed.ts")));
        assert!(ignored(root, Path::new("/home/me/build/app/node_modules/pg/index.js")));
        assert!(ignored(root, Path::new("/home/me/build/app/.next/server/page.js")));
    }
}
