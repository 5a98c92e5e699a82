//! SvelteKit: `+server.ts` request handlers, `+page.server.ts` form actions, and the `load`
//! functions of server page and layout modules.

use ceiling_facts::{Framework, Value};
use oxc_ast::ast::*;

use super::{Cx, Entry, exports, script_stem, split_path, tree_root, url_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `+server.ts`: `GET`, `POST`... and `fallback`.
    Server,
    /// `+page.server.ts`: `actions` and `load`.
    Page,
    /// `+layout.server.ts`: `load`.
    Layout,
}

/// The kind of a SvelteKit server module under `routes/`, and its route (`/login`).
pub(super) fn file(path: &str) -> Option<(Kind, String)> {
    let (directories, file) = split_path(path)?;
    let kind = match script_stem(file)? {
        "+server" => Kind::Server,
        "+page.server" => Kind::Page,
        "+layout.server" => Kind::Layout,
        _ => return None,
    };
    let root = tree_root(&directories, "routes")?;
    Some((kind, url_of(&directories[root + 1..])))
}

pub(super) fn read<'a>(cx: &mut Cx<'_, '_, 'a>, program: &Program<'a>, kind: Kind, path: &str) {
    for export in exports(program) {
        let method = match (kind, export.name.as_str()) {
            (Kind::Server, "fallback") => "ALL",
            (Kind::Server, name) if super::next::METHODS.contains(&name) => name,
            (Kind::Page | Kind::Layout, "load") => "GET",
            (Kind::Page, "actions") => {
                if let Some(actions) = cx.export_expression(&export.item).and_then(|expr| cx.object(expr)) {
                    form_actions(cx, actions, path);
                }
                continue;
            }
            _ => continue,
        };
        let handler = cx.export_value(&export.item);
        cx.route(entry(export.span, method, path.to_owned(), handler));
    }
}

/// `export const actions = { default: ..., login: async (event) => ... }`: one `ACTION` route per
/// action, named ones at `?/name`.
fn form_actions<'a>(cx: &mut Cx<'_, '_, 'a>, actions: &ObjectExpression<'a>, path: &str) {
    for property in &actions.properties {
        let ObjectPropertyKind::ObjectProperty(property) = property else { continue };
        let Some(name) = property.key.static_name() else { continue };
        let path = if name == "default" { path.to_owned() } else { format!("{path}?/{name}") };
        let handler = cx.handler(&property.value, None);
        cx.route(entry(property.span, "ACTION", path, handler));
    }
}

fn entry(span: oxc_span::Span, method: &str, path: String, handler: Value) -> Entry {
    Entry {
        span,
        framework: Framework::SvelteKit,
        method: method.to_owned(),
        path,
        on: Value::Unknown,
        middleware: Vec::new(),
        handler,
    }
}
