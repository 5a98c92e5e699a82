//! HTTP entry points: routes, mounted routers and middleware, per framework.
//!
//! Two kinds of frameworks. Code-registered ones (Express, Fastify, Hono, Koa, NestJS) are
//! recognised by what the app or router is made from: `app.post(...)` counts only when `app`'s
//! value comes from `express()`, `new Hono()`... (`servers`, `nest`). File-based ones (Next.js,
//! SvelteKit, Remix, Supabase edge functions) are recognised by the file's path and read from its
//! exports (`next`, `sveltekit`, `remix`, `supabase`).
//!
//! Every file of a project passes through here, so the gate comes first: a file that imports none
//! of the frameworks, sits at none of their paths and never says `'use server'` costs a glance at
//! its top-level imports, a few string tests on its path and one `memmem` over its text.

mod nest;
mod next;
mod remix;
mod servers;
mod supabase;
mod sveltekit;

use ceiling_facts::{Framework, Mount, Route, Value};
use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::SymbolId;

use crate::lines::{LineIndex, OxcSpans};
use crate::literal::string;
use crate::values::Values;

/// The routes and mounts `program` (the text of `path`) declares.
pub(crate) fn routes<'a>(program: &Program<'a>, values: &mut Values<'_, 'a>, path: &str) -> (Vec<Route>, Vec<Mount>) {
    let imports = Imports::of(program);
    let use_server = memchr::memmem::find(program.source_text.as_bytes(), b"use server").is_some();
    let app_route = next::app_route_path(path);
    let pages_api = next::pages_api_path(path);
    let middleware = next::middleware_export(path, &imports);
    let svelte = sveltekit::file(path);
    let remix = remix::route_path(path, &imports);
    let supabase = supabase::function_path(path);
    let servers = imports.express || imports.fastify || imports.hono || imports.koa;
    let work = servers
        || imports.nest
        || use_server
        || app_route.is_some()
        || pages_api.is_some()
        || middleware.is_some()
        || svelte.is_some()
        || remix.is_some()
        || supabase.is_some();
    if !work {
        return (Vec::new(), Vec::new());
    }
    let mut cx =
        Cx { values, lines: LineIndex::new(program.source_text), imports, routes: Vec::new(), mounts: Vec::new() };
    if servers {
        servers::read(&mut cx, program);
    }
    if cx.imports.nest {
        nest::read(&mut cx, program);
    }
    if let Some(path) = app_route {
        next::app_route(&mut cx, program, &path);
    }
    if let Some(path) = pages_api {
        next::pages_api(&mut cx, program, &path);
    }
    if let Some(name) = middleware {
        next::middleware(&mut cx, program, name);
    }
    if use_server {
        next::server_actions(&mut cx, program);
    }
    if let Some((kind, path)) = svelte {
        sveltekit::read(&mut cx, program, kind, &path);
    }
    if let Some(path) = remix {
        remix::read(&mut cx, program, &path);
    }
    if let Some(name) = supabase {
        supabase::read(&mut cx, program, &name);
    }
    (cx.routes, cx.mounts)
}

/// The frameworks a file imports (or `require`s) at top level.
#[derive(Debug, Default, Clone, Copy)]
struct Imports {
    express: bool,
    fastify: bool,
    hono: bool,
    koa: bool,
    nest: bool,
    /// `next`, `next/server`, `next-auth`, `@clerk/nextjs`...: the file belongs to a Next.js app.
    next: bool,
    /// `@remix-run/*`, `react-router` (framework mode; `react-router-dom` is the browser's).
    remix: bool,
}

impl Imports {
    fn of(program: &Program<'_>) -> Imports {
        let mut imports = Imports::default();
        for statement in &program.body {
            match statement {
                Statement::ImportDeclaration(import) => imports.add(import.source.value.as_str()),
                Statement::VariableDeclaration(declaration) => {
                    for declarator in &declaration.declarations {
                        if let Some(module) = declarator.init.as_ref().and_then(required) {
                            imports.add(module);
                        }
                    }
                }
                _ => {}
            }
        }
        imports
    }

    fn add(&mut self, module: &str) {
        match module {
            "express" | "express-promise-router" => self.express = true,
            "fastify" | "fastify-plugin" => self.fastify = true,
            "koa" | "koa-router" | "koa-mount" => self.koa = true,
            "hono/client" => {}
            "hono" => self.hono = true,
            "@nestjs/common" => self.nest = true,
            "next" => self.next = true,
            "react-router" => self.remix = true,
            _ if module.starts_with("@fastify/") => self.fastify = true,
            _ if module.starts_with("@koa/") => self.koa = true,
            _ if module.starts_with("hono/") || module.starts_with("@hono/") => self.hono = true,
            _ if module.starts_with("@remix-run/") => self.remix = true,
            _ if module.starts_with("next/") || module.starts_with("next-") || module.contains("/nextjs") => {
                self.next = true
            }
            _ => {}
        }
    }

    /// How many of the code-registered frameworks the file imports.
    fn servers(&self) -> usize {
        [self.express, self.fastify, self.hono, self.koa].iter().filter(|imported| **imported).count()
    }
}

/// The module a declaration's initializer `require`s, through the calls and members made on it:
/// `require('express')`, `require('express').Router()`, `require('fastify')({ logger })`.
fn required<'a>(init: &Expression<'a>) -> Option<&'a str> {
    let mut expr = init.get_inner_expression();
    for _ in 0..8 {
        match expr {
            Expression::CallExpression(call) => {
                if call.callee.is_specific_id("require") {
                    return match call.arguments.first()?.as_expression()?.get_inner_expression() {
                        Expression::StringLiteral(module) => Some(module.value.as_str()),
                        _ => None,
                    };
                }
                expr = call.callee.get_inner_expression();
            }
            Expression::StaticMemberExpression(member) => expr = member.object.get_inner_expression(),
            Expression::AwaitExpression(awaited) => expr = awaited.argument.get_inner_expression(),
            _ => return None,
        }
    }
    None
}

/// What the readers share: the values of names, the line index, and what they found.
struct Cx<'c, 's, 'a> {
    values: &'c mut Values<'s, 'a>,
    lines: LineIndex<'a>,
    imports: Imports,
    routes: Vec<Route>,
    mounts: Vec<Mount>,
}

/// A route before it is placed: the parts every framework fills the same way.
struct Entry {
    span: oxc_span::Span,
    framework: Framework,
    method: String,
    path: String,
    on: Value,
    middleware: Vec<Value>,
    handler: Value,
}

impl<'a> Cx<'_, '_, 'a> {
    fn route(&mut self, entry: Entry) {
        let Entry { span, framework, method, path, on, middleware, handler } = entry;
        let span = self.lines.span(span);
        self.routes.push(Route { span, framework, method, path, on, middleware, handler });
    }

    fn mount(&mut self, span: oxc_span::Span, framework: Framework, on: Value, prefix: String, handlers: Vec<Value>) {
        let span = self.lines.span(span);
        self.mounts.push(Mount { span, framework, on, prefix, handlers });
    }

    /// The value of a handler or middleware. A call the values cannot name
    /// (`catchErrors(async (req, res) => ...)` with an unresolvable wrapper) stands for the callback
    /// it wraps: that is the code that runs.
    fn handler(&mut self, expr: &Expression<'a>, this_class: Option<u32>) -> Value {
        let value = self.values.of(expr, this_class);
        if !value.is_unknown() {
            return value;
        }
        let mut expr = expr.get_inner_expression();
        for _ in 0..4 {
            let Expression::CallExpression(call) = expr else { break };
            if let Some(start) = call.arguments.iter().find_map(|argument| function_start(argument.as_expression()?)) {
                return self.values.function_value(start);
            }
            // `withAuth(withRateLimit(async (req) => ...))`: the innermost callback.
            match call.arguments.first().and_then(Argument::as_expression) {
                Some(inner) => expr = inner.get_inner_expression(),
                None => break,
            }
        }
        Value::Unknown
    }

    /// The initializer of the variable `ident` names, when it is a plain `const x = ...`.
    fn init_of(&self, ident: &IdentifierReference<'a>) -> Option<&'a Expression<'a>> {
        let symbol = self.values.symbol(ident)?;
        self.init_of_symbol(symbol)
    }

    fn init_of_symbol(&self, symbol: SymbolId) -> Option<&'a Expression<'a>> {
        match self.values.semantic.symbol_declaration(symbol).kind() {
            AstKind::VariableDeclarator(declarator)
                if matches!(declarator.id, BindingPattern::BindingIdentifier(_)) =>
            {
                declarator.init.as_ref().map(Expression::get_inner_expression)
            }
            _ => None,
        }
    }

    /// `expr` itself, or what the name `expr` is bound to (one step).
    fn resolve<'r>(&self, expr: &'r Expression<'a>) -> &'r Expression<'a>
    where
        'a: 'r,
    {
        let expr = expr.get_inner_expression();
        match expr {
            Expression::Identifier(ident) => self.init_of(ident).unwrap_or(expr),
            _ => expr,
        }
    }

    /// An object literal, written in place or bound to a constant.
    fn object<'r>(&self, expr: &'r Expression<'a>) -> Option<&'r ObjectExpression<'a>>
    where
        'a: 'r,
    {
        match self.resolve(expr) {
            Expression::ObjectExpression(object) => Some(object),
            _ => None,
        }
    }

    /// The value an export holds.
    fn export_value(&mut self, item: &Item<'_, 'a>) -> Value {
        match item {
            Item::Function(function) => self.values.function_value(function.span.start),
            Item::Expression(expr) => self.handler(expr, None),
            Item::Symbol(symbol) => self.values.of_symbol(*symbol, 0),
            Item::Local(local) => match self.init_of(local) {
                Some(init) => self.handler(init, None),
                None => self.values.of_identifier(local),
            },
            Item::Reexport(value) => value.clone(),
        }
    }

    /// The expression an export is bound to, when it is written in this file.
    fn export_expression<'r>(&self, item: &Item<'r, 'a>) -> Option<&'r Expression<'a>>
    where
        'a: 'r,
    {
        match item {
            Item::Expression(expr) => Some(expr.get_inner_expression()),
            Item::Local(local) => self.init_of(local),
            Item::Function(_) | Item::Symbol(_) | Item::Reexport(_) => None,
        }
    }

    /// The paths a path argument can take: a string, a template (its substitutions as `*`), a
    /// regular expression (as written), an array of those, or a constant bound to one.
    fn paths(&self, expr: &Expression<'a>) -> Option<Vec<String>> {
        let mut paths = Vec::new();
        self.collect_paths(expr, &mut paths, 0).then_some(paths)
    }

    fn collect_paths(&self, expr: &Expression<'a>, paths: &mut Vec<String>, depth: u32) -> bool {
        if depth > 4 {
            return false;
        }
        match expr.get_inner_expression() {
            Expression::ArrayExpression(array) => array.elements.iter().all(|element| {
                element.as_expression().is_some_and(|element| self.collect_paths(element, paths, depth + 1))
            }),
            Expression::Identifier(ident) => {
                self.init_of(ident).is_some_and(|init| self.collect_paths(init, paths, depth + 1))
            }
            expr => match text(expr) {
                Some(path) => {
                    paths.push(path);
                    true
                }
                None => false,
            },
        }
    }

    /// The handler values of arguments, arrays flattened: `(auth, [limit, log], handler)`.
    fn handlers(&mut self, arguments: &[Argument<'a>], this_class: Option<u32>) -> Vec<Value> {
        let mut handlers = Vec::new();
        for argument in arguments {
            match argument {
                Argument::SpreadElement(spread) => handlers.push(self.handler(&spread.argument, this_class)),
                argument => {
                    let Some(expr) = argument.as_expression() else { continue };
                    self.push_handlers(expr, this_class, &mut handlers);
                }
            }
        }
        handlers
    }

    fn push_handlers(&mut self, expr: &Expression<'a>, this_class: Option<u32>, handlers: &mut Vec<Value>) {
        match expr.get_inner_expression() {
            Expression::ArrayExpression(array) => {
                for element in &array.elements {
                    match element {
                        ArrayExpressionElement::SpreadElement(spread) => {
                            handlers.push(self.handler(&spread.argument, this_class))
                        }
                        element => {
                            if let Some(expr) = element.as_expression() {
                                handlers.push(self.handler(expr, this_class));
                            }
                        }
                    }
                }
            }
            expr => handlers.push(self.handler(expr, this_class)),
        }
    }
}

/// The start of a function literal, which keys its id.
fn function_start(expr: &Expression<'_>) -> Option<u32> {
    match expr.get_inner_expression() {
        Expression::ArrowFunctionExpression(arrow) => Some(arrow.span.start),
        Expression::FunctionExpression(function) => Some(function.span.start),
        _ => None,
    }
}

/// The text of a string, a template (substitutions as `*`) or a regular expression literal.
fn text(expr: &Expression<'_>) -> Option<String> {
    match expr.get_inner_expression() {
        Expression::StringLiteral(literal) => Some(literal.value.to_string()),
        Expression::TemplateLiteral(template) => {
            let mut text = String::new();
            for (at, quasi) in template.quasis.iter().enumerate() {
                if at > 0 {
                    text.push('*');
                }
                text.push_str(quasi.value.cooked.as_ref().map_or(quasi.value.raw.as_str(), |cooked| cooked.as_str()));
            }
            Some(text)
        }
        Expression::RegExpLiteral(regex) => Some(format!("/{}/", regex.regex.pattern.text)),
        _ => None,
    }
}

/// The value of the property `key` of an object literal.
fn property<'r, 'a>(object: &'r ObjectExpression<'a>, key: &str) -> Option<&'r Expression<'a>> {
    object.properties.iter().find_map(|property| match property {
        ObjectPropertyKind::ObjectProperty(property)
            if !property.computed && property.key.static_name().is_some_and(|name| name == key) =>
        {
            Some(&property.value)
        }
        _ => None,
    })
}

/// `prefix` and `path` joined with one slash between them.
fn join(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        return path.to_owned();
    }
    let path = path.trim_start_matches('/');
    if path.is_empty() { prefix.to_owned() } else { format!("{prefix}/{path}") }
}

/// The directories and the file name of a path, `.` segments left out.
fn split_path(path: &str) -> Option<(Vec<&str>, &str)> {
    let mut segments: Vec<&str> = path.split(['/', '\\']).filter(|s| !s.is_empty() && *s != ".").collect();
    let file = segments.pop()?;
    Some((segments, file))
}

/// `route.ts` -> `("route", "ts")`, for the extensions this frontend reads.
fn script_stem(file: &str) -> Option<&str> {
    let (stem, extension) = file.rsplit_once('.')?;
    crate::EXTENSIONS.contains(&extension).then_some(stem)
}

/// Where a framework's route tree starts: the directory `name`, preferring `src/<name>`, so that
/// `packages/app/src/app/...` starts at the second `app`.
fn tree_root(directories: &[&str], name: &str) -> Option<usize> {
    let nested = (1..directories.len()).find(|&at| directories[at] == name && directories[at - 1] == "src");
    nested.or_else(|| directories.iter().position(|directory| *directory == name))
}

/// `/a/b` from directory names, route groups `(group)` and parallel-route slots `@slot` left out.
fn url_of(directories: &[&str]) -> String {
    let mut url = String::new();
    for directory in directories {
        if (directory.starts_with('(') && directory.ends_with(')')) || directory.starts_with('@') {
            continue;
        }
        url.push('/');
        url.push_str(directory);
    }
    if url.is_empty() { "/".to_owned() } else { url }
}

/// One export of a module.
struct Exported<'r, 'a> {
    name: String,
    /// The export statement (or its specifier).
    span: oxc_span::Span,
    item: Item<'r, 'a>,
}

enum Item<'r, 'a> {
    Function(&'r Function<'a>),
    Expression(&'r Expression<'a>),
    /// `export const { GET, POST } = handlers`.
    Symbol(SymbolId),
    /// `export { handler as GET }`.
    Local(&'r IdentifierReference<'a>),
    /// `export { GET } from './auth'`.
    Reexport(Value),
}

/// The exports of a module, by name, in order; `module.exports = x` is its default export.
fn exports<'r, 'a>(program: &'r Program<'a>) -> Vec<Exported<'r, 'a>> {
    let mut exports = Vec::new();
    for statement in &program.body {
        match statement {
            Statement::ExportDeclaration(export) => match &export.declaration {
                Declaration::FunctionDeclaration(function) => {
                    if let Some(id) = &function.id {
                        exports.push(Exported {
                            name: id.name.to_string(),
                            span: export.span,
                            item: Item::Function(function),
                        });
                    }
                }
                Declaration::VariableDeclaration(declaration) => {
                    for declarator in &declaration.declarations {
                        match (&declarator.id, &declarator.init) {
                            (BindingPattern::BindingIdentifier(id), Some(init)) => exports.push(Exported {
                                name: id.name.to_string(),
                                span: export.span,
                                item: Item::Expression(init),
                            }),
                            (pattern, _) => {
                                for id in pattern.get_binding_identifiers() {
                                    if let Some(symbol) = id.symbol_id.get() {
                                        exports.push(Exported {
                                            name: id.name.to_string(),
                                            span: export.span,
                                            item: Item::Symbol(symbol),
                                        });
                                    }
                                }
                            }
                        }
                    }
                }
                _ => {}
            },
            Statement::ExportNamedDeclaration(export) if export.export_kind.is_value() => {
                for specifier in &export.specifiers {
                    if let ModuleExportName::IdentifierReference(local) = &specifier.local
                        && specifier.export_kind.is_value()
                    {
                        exports.push(Exported {
                            name: specifier.exported.name().to_string(),
                            span: specifier.span,
                            item: Item::Local(local),
                        });
                    }
                }
            }
            Statement::ExportFromDeclaration(export) if export.export_kind.is_value() => {
                for specifier in &export.specifiers {
                    let local = specifier.local.name().to_string();
                    let name = if local == "default" {
                        ceiling_facts::ImportedName::Default
                    } else {
                        ceiling_facts::ImportedName::Named(local)
                    };
                    let value = Value::Import { module: export.source.value.to_string(), name };
                    exports.push(Exported {
                        name: specifier.exported.name().to_string(),
                        span: specifier.span,
                        item: Item::Reexport(value),
                    });
                }
            }
            Statement::ExportDefaultDeclaration(export) => {
                let item = match &export.declaration {
                    ExportDefaultDeclarationKind::FunctionDeclaration(function) => Item::Function(function),
                    declaration => match declaration.as_expression() {
                        Some(expr) => Item::Expression(expr),
                        None => continue,
                    },
                };
                exports.push(Exported { name: "default".to_owned(), span: export.span, item });
            }
            Statement::ExpressionStatement(statement) => {
                if let Expression::AssignmentExpression(assignment) = statement.expression.get_inner_expression()
                    && let Some(member) = assignment.left.as_member_expression()
                    && member.object().is_specific_id("module")
                    && member.static_property_name() == Some("exports")
                {
                    exports.push(Exported {
                        name: "default".to_owned(),
                        span: statement.span,
                        item: Item::Expression(&assignment.right),
                    });
                }
            }
            _ => {}
        }
    }
    exports
}

#[cfg(test)]
mod tests;
