//! HTTP entry points: Django urlconfs and views (DRF views, viewsets and routers included),
//! FastAPI apps and routers, Flask apps and blueprints, and the limiters in front of them, as
//! the same `Route` and `Mount` facts the JS frontend emits.
//!
//! An app, router or blueprint bound to a name (`app = FastAPI()`) is referred to as that name of
//! this module (`Import { module: "./main", name: "app" }`), and a urlconf as this module's
//! namespace, so that a mount in another file (`include('shop.urls')`,
//! `app.include_router(auth.router)`) names the same thing.

mod apps;
mod django;

use ceiling_facts::{Framework, ImportedName, Mount, Route, Value};
use ruff_python_ast::{Expr, ModModule, Stmt, StmtFunctionDef};
use rustc_hash::FxHashMap;

use crate::extractor::Extractor;

/// What a name bound to an app or router serves.
#[derive(Debug, Clone)]
struct App {
    framework: Framework,
    /// The prefix the router adds to its routes (`APIRouter(prefix='/auth')`, a blueprint's
    /// `url_prefix`).
    prefix: String,
}

pub(crate) struct Cx<'e, 's> {
    ex: &'e Extractor<'s>,
    /// This module as a relative import (`./urls`).
    module: String,
    apps: FxHashMap<String, App>,
    /// Flask-Limiter and slowapi limiters with default limits, by name: `init_app(app)` puts
    /// them in front of every route of the app.
    default_limiters: FxHashMap<String, Value>,
    routes: Vec<Route>,
    mounts: Vec<Mount>,
}

/// The routes and mounts of one module.
pub(crate) fn extract(ex: &Extractor<'_>, module: &ModModule, path: &str) -> (Vec<Route>, Vec<Mount>) {
    let stem = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".py");
    let mut cx = Cx {
        ex,
        module: format!("./{stem}"),
        apps: FxHashMap::default(),
        default_limiters: FxHashMap::default(),
        routes: Vec::new(),
        mounts: Vec::new(),
    };
    // Apps first: a route may be declared above the `include_router` that mounts its router.
    for statement in walk(&module.body) {
        apps::bind(&mut cx, statement);
    }
    for statement in walk(&module.body) {
        apps::statement(&mut cx, statement);
    }
    for statement in &module.body {
        django::module_statement(&mut cx, statement);
    }
    (cx.routes, cx.mounts)
}

/// The statements of a module and of the function bodies below it (app factories register
/// blueprints inside `create_app()`), not those of classes.
fn walk(body: &[Stmt]) -> Vec<&Stmt> {
    let mut found = Vec::new();
    for statement in body {
        found.push(statement);
        match statement {
            Stmt::FunctionDef(def) => found.extend(walk(&def.body)),
            Stmt::If(branch) => {
                found.extend(walk(&branch.body));
                for clause in &branch.elif_else_clauses {
                    found.extend(walk(&clause.body));
                }
            }
            Stmt::Try(block) => found.extend(walk(&block.body)),
            Stmt::With(block) => found.extend(walk(&block.body)),
            _ => {}
        }
    }
    found
}

impl Cx<'_, '_> {
    /// A name of this module, as other modules import it.
    fn own(&self, name: &str) -> Value {
        Value::Import { module: self.module.clone(), name: ImportedName::Named(name.to_owned()) }
    }

    /// This module's namespace: what `include('shop.urls')` mounts.
    fn urlconf(&self) -> Value {
        Value::Import { module: self.module.clone(), name: ImportedName::Namespace }
    }

    /// The value of an expression; a name bound to an app or router is that name of this module.
    fn value(&self, expr: &Expr) -> Value {
        match expr {
            Expr::Name(name) if self.apps.contains_key(name.id.as_str()) => self.own(name.id.as_str()),
            _ => self.ex.value(expr),
        }
    }

    /// The app or router `expr` names, with its name.
    fn app<'a>(&self, expr: &'a Expr) -> Option<(&'a str, &App)> {
        let Expr::Name(name) = expr else { return None };
        self.apps.get(name.id.as_str()).map(|app| (name.id.as_str(), app))
    }

    fn function(&self, def: &StmtFunctionDef) -> Option<u32> {
        self.ex.function_at(def)
    }

    fn mount(
        &mut self,
        span: &impl ruff_text_size::Ranged,
        framework: Framework,
        on: Value,
        prefix: String,
        handlers: Vec<Value>,
    ) {
        let span = self.ex.span(span);
        self.mounts.push(Mount { span, framework, on, prefix, handlers });
    }
}

/// The module and name an imported value comes from: `FastAPI` of `from fastapi import FastAPI`
/// and `fastapi.FastAPI` of `import fastapi` are both `("fastapi", "FastAPI")`.
fn imported(value: &Value) -> Option<(&str, &str)> {
    match value {
        Value::Import { module, name: ImportedName::Named(name) } => Some((module, name)),
        Value::Member(object, name) => match &**object {
            Value::Import { module, .. } => Some((module, name)),
            Value::Member(inner, _) => imported(inner).map(|(module, _)| (module, name.as_str())),
            _ => None,
        },
        _ => None,
    }
}

/// `/api` + `/users`, as a router adds its prefix to its routes.
fn join(prefix: &str, path: &str) -> String {
    match (prefix.trim_end_matches('/'), path) {
        ("", path) => path.to_owned(),
        (prefix, "") => prefix.to_owned(),
        (prefix, path) if path.starts_with('/') => format!("{prefix}{path}"),
        (prefix, path) => format!("{prefix}/{path}"),
    }
}

/// The HTTP methods named by a list literal (`methods=['POST']`), upper case.
fn methods(expr: &Expr) -> Vec<String> {
    crate::syntax::list(expr).into_iter().filter_map(crate::syntax::string).map(str::to_ascii_uppercase).collect()
}
