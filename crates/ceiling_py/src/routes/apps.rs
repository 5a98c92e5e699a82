//! FastAPI and Flask: apps, routers and blueprints created from the framework, the routes their
//! decorators declare, the routers they include and the limiters and dependencies in front.

use ceiling_facts::{Framework, Route, Value};
use ruff_python_ast::{Expr, ExprCall, Stmt, StmtFunctionDef};

use super::{App, Cx, imported, join, methods};
use crate::syntax::called_name;
use crate::syntax::{keyword, list, string};

/// Decorator methods that declare a route of one HTTP method.
const VERBS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];

/// Records a name bound to an app, router or blueprint (`app = FastAPI()`,
/// `bp = Blueprint('auth', __name__, url_prefix='/auth')`, a DRF `DefaultRouter()`), or to a
/// limiter with default limits.
pub(super) fn bind(cx: &mut Cx<'_, '_>, statement: &Stmt) {
    let Stmt::Assign(assign) = statement else { return };
    let ([Expr::Name(target)], Expr::Call(call)) = (assign.targets.as_slice(), assign.value.as_ref()) else { return };
    let name = target.id.as_str();
    let callee = cx.ex.value(&call.func);
    let Some((module, class)) = imported(&callee) else { return };
    let package = module.split('.').next().unwrap_or(module);
    let (framework, prefix) = match (package, class) {
        ("fastapi", "FastAPI") => (Framework::FastApi, ""),
        ("fastapi", "APIRouter") => (Framework::FastApi, keyword(call, "prefix").and_then(string).unwrap_or_default()),
        ("flask", "Flask") => (Framework::Flask, ""),
        ("flask", "Blueprint") => (Framework::Flask, keyword(call, "url_prefix").and_then(string).unwrap_or_default()),
        ("rest_framework", router) if router.ends_with("Router") => (Framework::Django, ""),
        ("flask_limiter" | "slowapi", "Limiter") => {
            if keyword(call, "default_limits").is_some() {
                cx.default_limiters.insert(name.to_owned(), cx.ex.value(&assign.value));
            }
            return;
        }
        _ => return,
    };
    cx.apps.insert(name.to_owned(), App { framework, prefix: prefix.to_owned() });
    // `FastAPI(dependencies=[Depends(verify)])`: in front of every route of the app or router.
    let dependencies = dependencies(cx, call);
    if !dependencies.is_empty() {
        let on = cx.own(name);
        cx.mount(call, framework, on, String::new(), dependencies);
    }
}

/// Routes declared by decorators, and the calls that mount routers, blueprints, middleware and
/// limiters on an app.
pub(super) fn statement(cx: &mut Cx<'_, '_>, statement: &Stmt) {
    match statement {
        Stmt::FunctionDef(def) => decorated(cx, def),
        Stmt::Expr(expr) => {
            if let Expr::Call(call) = expr.value.as_ref() {
                mounting_call(cx, call);
            }
        }
        Stmt::Assign(assign) => {
            // `limiter = Limiter(get_remote_address, app=app, default_limits=[...])`.
            limiter_on_app(cx, &assign.value);
        }
        _ => {}
    }
}

/// `@app.post('/login')`, `@bp.route('/login', methods=['POST'])`, `@router.api_route(...)`.
fn decorated(cx: &mut Cx<'_, '_>, def: &StmtFunctionDef) {
    let mut declared = Vec::new();
    let mut middleware = Vec::new();
    for decorator in &def.decorator_list {
        let expr = &decorator.expression;
        if let Some(route) = route_decorator(cx, expr) {
            declared.push(route);
            continue;
        }
        // `@limiter.exempt` takes the route out of the default limits: it is no limiter.
        if called_name(expr) == Some("exempt") {
            continue;
        }
        middleware.push(cx.ex.value(expr));
    }
    if declared.is_empty() {
        return;
    }
    let Some(function) = cx.function(def) else { return };
    // `user=Depends(current_user)`, `_: None = Depends(RateLimiter(times=5, seconds=60))`.
    for parameter in def.parameters.iter_non_variadic_params() {
        let defaults = parameter.default.as_deref().into_iter();
        let annotated = parameter.parameter.annotation.as_deref().into_iter().flat_map(annotated_dependencies);
        for dependency in defaults.chain(annotated).filter_map(depends) {
            middleware.push(cx.ex.value(dependency));
        }
    }
    // Names not bound here (`Depends(get_db)` of a parameter's default) say nothing.
    middleware.retain(|value| !value.is_unknown());
    for (framework, name, verbs, path, own_middleware) in declared {
        for verb in verbs {
            let mut all = own_middleware.clone();
            all.extend(middleware.iter().cloned());
            cx.routes.push(Route {
                span: cx.ex.span(def),
                framework,
                method: verb,
                path: path.clone(),
                on: cx.own(&name),
                middleware: all,
                handler: Value::Function(function),
            });
        }
    }
}

/// A route decorator of a known app: its framework, app name, methods, full path and the
/// dependencies it declares.
type Declared = (Framework, String, Vec<String>, String, Vec<Value>);

fn route_decorator(cx: &Cx<'_, '_>, expr: &Expr) -> Option<Declared> {
    let Expr::Call(call) = expr else { return None };
    let Expr::Attribute(method) = call.func.as_ref() else { return None };
    let (name, app) = cx.app(&method.value)?;
    if app.framework == Framework::Django {
        return None;
    }
    let attr = method.attr.as_str();
    let verbs = match attr {
        verb if VERBS.contains(&verb) => vec![verb.to_ascii_uppercase()],
        // Flask's `route` and FastAPI's `api_route` serve GET unless told otherwise.
        "route" | "api_route" => keyword(call, "methods").map(methods).unwrap_or_else(|| vec!["GET".to_owned()]),
        _ => return None,
    };
    let path = call.arguments.args.first().or_else(|| keyword(call, "path")).or_else(|| keyword(call, "rule"));
    let path = join(&app.prefix, path.and_then(string).unwrap_or_default());
    Some((app.framework, name.to_owned(), verbs, path, dependencies(cx, call)))
}

/// `app.include_router(router, prefix='/api')`, `app.register_blueprint(bp, url_prefix='/auth')`,
/// `app.add_url_rule('/login', view_func=login, methods=['POST'])`, `app.add_middleware(M)`,
/// `router.register(r'notes', NoteViewSet)`, `limiter.init_app(app)`.
fn mounting_call(cx: &mut Cx<'_, '_>, call: &ExprCall) {
    let Expr::Attribute(method) = call.func.as_ref() else { return };
    let first = call.arguments.args.first();
    if method.attr.as_str() == "init_app"
        && let (Expr::Name(limiter), Some(app)) = (method.value.as_ref(), first)
        && let Some(limiter) = cx.default_limiters.get(limiter.id.as_str()).cloned()
        && let Some((name, app)) = cx.app(app)
    {
        let (framework, on) = (app.framework, cx.own(name));
        cx.mount(call, framework, on, String::new(), vec![limiter]);
        return;
    }
    let Some((name, app)) = cx.app(&method.value) else { return };
    let (framework, on) = (app.framework, cx.own(name));
    match method.attr.as_str() {
        "include_router" | "register_blueprint" => {
            let Some(router) = first.or_else(|| keyword(call, "router")).or_else(|| keyword(call, "blueprint")) else {
                return;
            };
            let prefix = keyword(call, "prefix").or_else(|| keyword(call, "url_prefix")).and_then(string);
            let mut handlers = vec![cx.value(router)];
            handlers.extend(dependencies(cx, call));
            cx.mount(call, framework, on, prefix.unwrap_or_default().to_owned(), handlers);
        }
        "add_middleware" => {
            if let Some(middleware) = first {
                let handler = cx.ex.value(middleware);
                cx.mount(call, framework, on, String::new(), vec![handler]);
            }
        }
        "add_url_rule" => {
            let view = keyword(call, "view_func").or_else(|| call.arguments.args.get(2));
            let (Some(rule), Some(view)) = (first.and_then(string), view) else { return };
            let verbs = keyword(call, "methods").map(methods).unwrap_or_else(|| vec!["GET".to_owned()]);
            let path = join(&cx.apps[name].prefix, rule);
            let handler = cx.ex.value(view);
            for verb in verbs {
                cx.routes.push(Route {
                    span: cx.ex.span(call),
                    framework,
                    method: verb,
                    path: path.clone(),
                    on: on.clone(),
                    middleware: Vec::new(),
                    handler: handler.clone(),
                });
            }
        }
        // A DRF router: `router.register(r'notes', NoteViewSet)` mounts the viewset's routes.
        "register" if framework == Framework::Django => {
            let (Some(prefix), Some(viewset)) = (first.and_then(string), call.arguments.args.get(1)) else { return };
            let handler = cx.ex.value(viewset);
            cx.mount(call, framework, on, super::django::url_path(prefix), vec![handler]);
        }
        _ => {}
    }
}

/// `Limiter(get_remote_address, app=app, default_limits=['200 per day'])` (Flask-Limiter):
/// default limits on every route of the app.
fn limiter_on_app(cx: &mut Cx<'_, '_>, expr: &Expr) {
    let Expr::Call(call) = expr else { return };
    let limiter = cx.ex.value(&call.func);
    let from_flask_limiter = imported(&limiter)
        .is_some_and(|(module, name)| module.split('.').next() == Some("flask_limiter") && name == "Limiter");
    if !from_flask_limiter || keyword(call, "default_limits").is_none() {
        return;
    }
    let app = keyword(call, "app").into_iter().chain(call.arguments.args.iter()).find_map(|arg| cx.app(arg));
    if let Some((name, app)) = app {
        let (framework, on) = (app.framework, cx.own(name));
        let handler = cx.ex.value(expr);
        cx.mount(call, framework, on, String::new(), vec![handler]);
    }
}

/// `dependencies=[Depends(verify_key), Depends(RateLimiter(times=5, seconds=60))]`: what each
/// dependency runs.
fn dependencies(cx: &Cx<'_, '_>, call: &ExprCall) -> Vec<Value> {
    keyword(call, "dependencies")
        .map(list)
        .unwrap_or_default()
        .into_iter()
        .filter_map(depends)
        .map(|d| cx.ex.value(d))
        .collect()
}

/// `Depends(x)` (or `Security(x)`): `x`.
fn depends(expr: &Expr) -> Option<&Expr> {
    let Expr::Call(call) = expr else { return None };
    matches!(called_name(&call.func), Some("Depends" | "Security")).then(|| call.arguments.args.first()).flatten()
}

/// The `Depends(...)` inside an `Annotated[User, Depends(current_user)]` annotation.
fn annotated_dependencies(annotation: &Expr) -> Vec<&Expr> {
    let Expr::Subscript(subscript) = annotation else { return Vec::new() };
    match subscript.slice.as_ref() {
        Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        _ => Vec::new(),
    }
}
