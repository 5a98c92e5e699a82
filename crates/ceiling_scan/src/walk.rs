//! The file walk: parallel, `.gitignore`-aware, and blind to what no one hand-writes.

use std::path::Path;
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

use crate::{SkipReason, Skipped};

/// Directories that hold dependencies or build output, skipped wherever they appear.
const SKIPPED_DIRS: &[&str] = &[
    "node_modules",
    "dist",
    "build",
    "out",
    "coverage",
    ".next",
    ".nuxt",
    ".output",
    ".svelte-kit",
    ".turbo",
    ".vercel",
    ".netlify",
    ".cache",
    ".git",
    "bower_components",
    "jspm_packages",
    "storybook-static",
    ".expo",
    ".docusaurus",
];

pub struct Source {
    /// Relative to the root, `/`-separated.
    pub relative: String,
    pub len: u64,
}

#[derive(Default)]
pub struct Walked {
    pub sources: Vec<Source>,
    /// `tsconfig*.json`, `jsconfig*.json` and `package.json` files, relative.
    pub config_files: Vec<String>,
    /// Schema files: `*.prisma` and `*.sql`, relative.
    pub schema_files: Vec<Source>,
    pub skipped: Vec<Skipped>,
}

pub fn walk(root: &Path) -> Walked {
    let walked = Mutex::new(Walked::default());
    WalkBuilder::new(root)
        .hidden(false)
        .follow_links(false)
        .require_git(false)
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && entry.depth() > 0
                && SKIPPED_DIRS.contains(&entry.file_name().to_string_lossy().as_ref()))
        })
        .build_parallel()
        .run(|| {
            let walked = &walked;
            let mut local = Walked::default();
            // Each thread gathers on its own and hands its share over once, when it is dropped.
            struct Flush<'w> {
                local: Walked,
                shared: &'w Mutex<Walked>,
            }
            impl Drop for Flush<'_> {
                fn drop(&mut self) {
                    let mut shared = self.shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    shared.sources.append(&mut self.local.sources);
                    shared.config_files.append(&mut self.local.config_files);
                    shared.schema_files.append(&mut self.local.schema_files);
                    shared.skipped.append(&mut self.local.skipped);
                }
            }
            local.sources.reserve(64);
            let mut flush = Flush { local, shared: walked };
            Box::new(move |entry| {
                let Ok(entry) = entry else { return WalkState::Continue };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return WalkState::Continue;
                }
                let Ok(relative) = entry.path().strip_prefix(root) else { return WalkState::Continue };
                let relative = relative.to_string_lossy().replace('\\', "/");
                let name = entry.file_name().to_string_lossy();
                // `tsconfig.app.json` too: Vite projects keep their path aliases there.
                let config = name == "package.json"
                    || ((name.starts_with("tsconfig") || name.starts_with("jsconfig")) && name.ends_with(".json"));
                if config {
                    flush.local.config_files.push(relative);
                } else if name.ends_with(".prisma") || name.ends_with(".sql") {
                    let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
                    flush.local.schema_files.push(Source { relative, len });
                } else if is_source(&relative) {
                    if name.ends_with(".min.js") || name.contains(".bundle.") {
                        flush.local.skipped.push(Skipped { path: relative, reason: SkipReason::Minified });
                    } else {
                        let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
                        flush.local.sources.push(Source { relative, len });
                    }
                }
                WalkState::Continue
            })
        });
    walked.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// JS/TS sources, without type declarations (`.d.ts` hold no code that runs), and Python modules.
fn is_source(path: &str) -> bool {
    let Some((stem, extension)) = path.rsplit_once('.') else { return false };
    (ceiling_js::EXTENSIONS.contains(&extension) && !stem.ends_with(".d"))
        || ceiling_py::EXTENSIONS.contains(&extension)
}
