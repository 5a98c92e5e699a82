//! Module resolution settings from the project's own files: `tsconfig.json`/`jsconfig.json` path
//! aliases (following relative `extends`) and workspace package names from `package.json`.

use std::path::Path;

use ceiling_facts::{ModuleResolver, join_path};
use serde_json::Value as Json;

pub fn resolver(root: &Path, config_files: &[String]) -> ModuleResolver {
    let mut resolver = ModuleResolver::default();
    let mut sorted = config_files.to_vec();
    sorted.sort();
    for relative in &sorted {
        let dir = relative.rsplit_once('/').map_or("", |(dir, _)| dir).to_owned();
        if relative.ends_with("package.json") {
            if let Some(name) =
                read_json(root, relative).as_ref().and_then(|json| json.get("name")).and_then(Json::as_str)
            {
                resolver.packages.push((name.to_owned(), dir));
            }
            continue;
        }
        let Some(settings) = compiler_paths(root, relative, 0) else { continue };
        for (pattern, targets) in settings.paths {
            let targets = targets.iter().map(|target| join_path(&settings.paths_base, target)).collect();
            resolver.aliases.push((dir.clone(), pattern, targets));
        }
        // A `baseUrl` makes bare specifiers resolve from it too (`import db from 'lib/db'`).
        if let Some(base_url) = settings.base_url {
            resolver.aliases.push((dir.clone(), "*".to_owned(), vec![join_path(&base_url, "*")]));
        }
    }
    // Longer package names first, so that `@acme/ui-kit` wins over `@acme/ui`.
    resolver.packages.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    resolver
}

struct PathSettings {
    /// The directory `paths` targets are relative to: `baseUrl`, else the tsconfig's own.
    paths_base: String,
    paths: Vec<(String, Vec<String>)>,
    base_url: Option<String>,
}

/// The path settings of a tsconfig, following `extends` to relative files.
fn compiler_paths(root: &Path, relative: &str, depth: u32) -> Option<PathSettings> {
    if depth > 8 {
        return None;
    }
    let json = read_json(root, relative)?;
    let dir = relative.rsplit_once('/').map_or("", |(dir, _)| dir);
    let options = json.get("compilerOptions");
    let base_url = options.and_then(|o| o.get("baseUrl")).and_then(Json::as_str);
    let paths = options.and_then(|o| o.get("paths")).and_then(Json::as_object);
    let base_url = base_url.map(|url| join_path(dir, url));
    if let Some(paths) = paths {
        let paths_base = base_url.clone().unwrap_or_else(|| dir.to_owned());
        let paths = paths
            .iter()
            .map(|(pattern, targets)| {
                let targets = targets
                    .as_array()
                    .map(|t| t.iter().filter_map(Json::as_str).map(str::to_owned).collect())
                    .unwrap_or_default();
                (pattern.clone(), targets)
            })
            .collect();
        return Some(PathSettings { paths_base, paths, base_url });
    }
    let extended = json.get("extends").and_then(Json::as_str).filter(|e| e.starts_with('.'));
    if let Some(extended) = extended {
        let mut target = join_path(dir, extended);
        if !target.ends_with(".json") {
            target.push_str(".json");
        }
        if let Some(inherited) = compiler_paths(root, &target, depth + 1) {
            return Some(PathSettings { base_url: base_url.or(inherited.base_url), ..inherited });
        }
    }
    base_url.map(|base_url| PathSettings { paths_base: base_url.clone(), paths: Vec::new(), base_url: Some(base_url) })
}

fn read_json(root: &Path, relative: &str) -> Option<Json> {
    let text = std::fs::read_to_string(root.join(relative)).ok()?;
    let options = jsonc_parser::ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: true,
        allow_trailing_commas: true,
    };
    jsonc_parser::parse_to_serde_value(&text, &options).ok().flatten()
}
