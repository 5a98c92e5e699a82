//! Remix and React Router (framework mode) route modules: `loader` (GET) and `action` (POST).

use ceiling_facts::{Framework, Value};
use oxc_ast::ast::*;

use super::{Cx, Entry, Imports, exports, script_stem, split_path};

/// The route of a route module: from its name under `app/routes/` (`auth.login.tsx` ->
/// `/auth/login`), `/` for `app/root.tsx`, empty for another module that imports Remix or React
/// Router (its route is configured elsewhere). `None` when the file is none of these.
pub(super) fn route_path(path: &str, imports: &Imports) -> Option<String> {
    let (directories, file) = split_path(path)?;
    let stem = script_stem(file)?;
    let root = (1..directories.len()).find(|&at| directories[at] == "routes" && directories[at - 1] == "app");
    match root {
        Some(root) => {
            let mut parts: Vec<&str> = directories[root + 1..].to_vec();
            // `app/routes/auth.login/route.tsx`: the folder is the route.
            if stem != "route" || parts.is_empty() {
                parts.push(stem);
            }
            Some(url_of(&parts))
        }
        None if !imports.remix => None,
        None if stem == "root" && directories.last() == Some(&"app") => Some("/".to_owned()),
        None => Some(String::new()),
    }
}

/// `/auth/login` from `["auth.login"]` (flat routes) or `["auth", "login"]` (nested folders):
/// `$id` -> `:id`, `$` -> `*`, `($lang)` -> `:lang?`, `_index` and pathless `_layout` segments
/// dropped, a trailing `_` (`users_.edit`) removed, `[.]` escapes kept as text.
fn url_of(parts: &[&str]) -> String {
    let mut url = String::new();
    for part in parts {
        for segment in dot_segments(part) {
            let segment = segment.as_str();
            if segment == "index" || segment.starts_with('_') {
                continue;
            }
            let segment = segment.strip_suffix('_').unwrap_or(segment);
            let (segment, optional) = match segment.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
                Some(inner) => (inner, true),
                None => (segment, false),
            };
            url.push('/');
            match segment.strip_prefix('$') {
                Some("") => url.push('*'),
                Some(param) => {
                    url.push(':');
                    url.push_str(param);
                }
                None => url.push_str(segment),
            }
            if optional {
                url.push('?');
            }
        }
    }
    if url.is_empty() { "/".to_owned() } else { url }
}

/// The `.`-separated segments of a flat route name, with `[...]` escapes unwrapped.
fn dot_segments(name: &str) -> Vec<String> {
    let mut segments = vec![String::new()];
    let mut escaped = false;
    for c in name.chars() {
        match c {
            '[' => escaped = true,
            ']' => escaped = false,
            '.' if !escaped => segments.push(String::new()),
            c => segments.last_mut().expect("one segment at least").push(c),
        }
    }
    segments.retain(|segment| !segment.is_empty());
    segments
}

pub(super) fn read<'a>(cx: &mut Cx<'_, '_, 'a>, program: &Program<'a>, path: &str) {
    for export in exports(program) {
        let method = match export.name.as_str() {
            "loader" => "GET",
            "action" => "POST",
            _ => continue,
        };
        let handler = cx.export_value(&export.item);
        cx.route(Entry {
            span: export.span,
            framework: Framework::Remix,
            method: method.to_owned(),
            path: path.to_owned(),
            on: Value::Unknown,
            middleware: Vec::new(),
            handler,
        });
    }
}
