//! Next.js: app-router route handlers, pages-router API routes, server actions and `middleware.ts`.

use ceiling_facts::{Framework, Mount, Value};
use oxc_ast::AstKind;
use oxc_ast::ast::*;

use super::{Cx, Entry, Imports, Item, exports, property, script_stem, split_path, string, tree_root, url_of};
use crate::lines::OxcSpans;

/// The HTTP methods an app-router `route.ts` (or a SvelteKit `+server.ts`) may export.
pub(super) const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// `/api/auth/[...nextauth]` for `src/app/api/auth/[...nextauth]/route.ts`; `None` for any
/// other file, and for route files in private folders (`_lib`), which are not routed.
pub(super) fn app_route_path(path: &str) -> Option<String> {
    let (directories, file) = split_path(path)?;
    if script_stem(file)? != "route" {
        return None;
    }
    let root = tree_root(&directories, "app")?;
    let route = &directories[root + 1..];
    if route.iter().any(|directory| directory.starts_with('_')) {
        return None;
    }
    Some(url_of(route))
}

/// `/api/users` for `pages/api/users/index.ts`, `/api/users/[id]` for `src/pages/api/users/[id].ts`.
pub(super) fn pages_api_path(path: &str) -> Option<String> {
    let (directories, file) = split_path(path)?;
    let stem = script_stem(file)?;
    if stem.ends_with(".d") || stem.ends_with(".test") || stem.ends_with(".spec") {
        return None;
    }
    let root = tree_root(&directories, "pages")?;
    if directories.get(root + 1) != Some(&"api") {
        return None;
    }
    let mut route: Vec<&str> = directories[root + 1..].to_vec();
    if stem != "index" {
        route.push(stem);
    }
    Some(url_of(&route))
}

/// The export that is the middleware of a Next.js `middleware.ts` (`proxy.ts` since Next 16): at
/// the root or in `src/`, or anywhere in a file that imports Next.js (an app of a monorepo).
pub(super) fn middleware_export(path: &str, imports: &Imports) -> Option<&'static str> {
    let (directories, file) = split_path(path)?;
    let name = match script_stem(file)? {
        "middleware" => "middleware",
        "proxy" => "proxy",
        _ => return None,
    };
    let at_root = directories.is_empty() || directories == ["src"];
    (at_root || imports.next).then_some(name)
}

/// `export async function POST(req)`, `export const GET = withAuth(...)`,
/// `export { handler as GET, handler as POST }`.
pub(super) fn app_route<'a>(cx: &mut Cx<'_, '_, 'a>, program: &Program<'a>, path: &str) {
    // `export * from '../v1/links/route'`: another route file's handlers, served at this path.
    for statement in &program.body {
        if let Statement::ExportAllDeclaration(all) = statement
            && all.exported.is_none()
        {
            let module = all.source.value.to_string();
            let span = cx.lines.span(all.span);
            cx.mounts.push(Mount {
                span,
                framework: Framework::NextAppRouter,
                on: Value::Unknown,
                prefix: path.to_owned(),
                handlers: vec![Value::Import { module, name: ceiling_facts::ImportedName::Namespace }],
            });
        }
    }
    for export in exports(program) {
        if !METHODS.contains(&export.name.as_str()) {
            continue;
        }
        let handler = cx.export_value(&export.item);
        cx.route(Entry {
            span: export.span,
            framework: Framework::NextAppRouter,
            method: export.name,
            path: path.to_owned(),
            on: Value::Unknown,
            middleware: Vec::new(),
            handler,
        });
    }
}

/// The default export of a `pages/api` module handles every method.
pub(super) fn pages_api<'a>(cx: &mut Cx<'_, '_, 'a>, program: &Program<'a>, path: &str) {
    for export in exports(program) {
        if export.name != "default" {
            continue;
        }
        let handler = cx.export_value(&export.item);
        cx.route(Entry {
            span: export.span,
            framework: Framework::NextPagesApi,
            method: "ALL".to_owned(),
            path: path.to_owned(),
            on: Value::Unknown,
            middleware: Vec::new(),
            handler,
        });
    }
}

/// One mount per `config.matcher` entry (one with an empty prefix when there is no matcher, or
/// one that is not written as literals), each handing requests to the middleware.
pub(super) fn middleware<'a>(cx: &mut Cx<'_, '_, 'a>, program: &Program<'a>, name: &str) {
    let exports = exports(program);
    let Some(export) = exports
        .iter()
        .find(|export| export.name == name)
        .or_else(|| exports.iter().find(|export| export.name == "default"))
    else {
        return;
    };
    let handler = cx.export_value(&export.item);
    let mut matchers = Vec::new();
    if let Some(config) = exports.iter().find(|export| export.name == "config")
        && let Some(config) = cx.export_expression(&config.item).and_then(|expr| cx.object(expr))
        && let Some(matcher) = property(config, "matcher")
    {
        collect_matchers(cx, matcher, &mut matchers);
    }
    if matchers.is_empty() {
        matchers.push(String::new());
    }
    for prefix in matchers {
        cx.mount(export.span, Framework::NextMiddleware, Value::Unknown, prefix, vec![handler.clone()]);
    }
}

/// `'/api/:path*'`, `['/a', '/b']`, `[{ source: '/api/:path*', has: [...] }]`.
fn collect_matchers<'a>(cx: &Cx<'_, '_, 'a>, matcher: &Expression<'a>, matchers: &mut Vec<String>) {
    match cx.resolve(matcher) {
        Expression::ArrayExpression(array) => {
            for element in &array.elements {
                if let Some(element) = element.as_expression() {
                    collect_matchers(cx, element, matchers);
                }
            }
        }
        Expression::ObjectExpression(object) => {
            if let Some(source) = property(object, "source").and_then(string) {
                matchers.push(source.to_owned());
            }
        }
        expr => {
            if let Some(text) = string(expr) {
                matchers.push(text.to_owned());
            }
        }
    }
}

/// Server actions: every exported function of a `'use server'` module, and every function whose
/// body starts with `'use server'`.
pub(super) fn server_actions<'a>(cx: &mut Cx<'_, '_, 'a>, program: &Program<'a>) {
    let mut seen = Vec::new();
    if program.directives.iter().any(|directive| directive.expression.value == "use server") {
        for export in exports(program) {
            if !is_function_like(cx, &export.item) {
                continue;
            }
            let handler = cx.export_value(&export.item);
            if let Value::Function(id) = handler {
                seen.push(id);
            }
            cx.route(action(export.span, handler));
        }
    }
    let semantic = cx.values.semantic;
    let nodes = semantic.nodes();
    let mut inline = Vec::new();
    for node in nodes.iter() {
        let AstKind::FunctionBody(body) = node.kind() else { continue };
        if !body.directives.iter().any(|directive| directive.expression.value == "use server") {
            continue;
        }
        let span = match nodes.parent_kind(node.id()) {
            AstKind::Function(function) => function.span,
            AstKind::ArrowFunctionExpression(arrow) => arrow.span,
            _ => continue,
        };
        inline.push(span);
    }
    for span in inline {
        let handler = cx.values.function_value(span.start);
        if let Value::Function(id) = handler
            && !seen.contains(&id)
        {
            cx.route(action(span, handler));
        }
    }
}

fn action(span: oxc_span::Span, handler: Value) -> Entry {
    Entry {
        span,
        framework: Framework::NextServerAction,
        method: "ACTION".to_owned(),
        path: String::new(),
        on: Value::Unknown,
        middleware: Vec::new(),
        handler,
    }
}

/// An export that is a function: declared, written as a literal, or made by a call (a wrapper
/// such as `actionClient.action(async () => ...)`), directly or through a local name.
fn is_function_like<'a>(cx: &Cx<'_, '_, 'a>, item: &Item<'_, 'a>) -> bool {
    match item {
        Item::Function(_) => true,
        Item::Expression(_) | Item::Local(_) => match cx.export_expression(item) {
            Some(expr) => matches!(
                expr.get_inner_expression(),
                Expression::ArrowFunctionExpression(_)
                    | Expression::FunctionExpression(_)
                    | Expression::CallExpression(_)
            ),
            // `export { create }` for `async function create()`.
            None => match item {
                Item::Local(local) => cx.values.symbol(local).is_some_and(|symbol| {
                    matches!(cx.values.semantic.symbol_declaration(symbol).kind(), AstKind::Function(_))
                }),
                _ => false,
            },
        },
        Item::Symbol(_) | Item::Reexport(_) => false,
    }
}
