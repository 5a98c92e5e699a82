//! Django: `urlpatterns` (mounts of views and of other urlconfs), the routes of function views,
//! class-based views, DRF generic views and viewsets, and the throttles and decorators in front
//! of them; `REST_FRAMEWORK`'s default throttles and django-axes in the settings.
//!
//! A view's routes are declared on the view itself (the class or the function), with an empty
//! path: the urlconf that mounts it gives the path, and the project keeps only mounted views.

use ceiling_facts::{Framework, ImportedName, Route, Value};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, Stmt, StmtClassDef, StmtFunctionDef};

use super::{Cx, imported, join, methods};
use crate::syntax::called_name;
use crate::syntax::{keyword, list, string};

/// Methods of a class-based view that serve an HTTP method of the same name.
const VERBS: &[&str] = &["get", "post", "put", "patch", "delete"];

/// Viewset actions and the HTTP method a router maps each to.
const ACTIONS: &[(&str, &str)] = &[
    ("list", "GET"),
    ("create", "POST"),
    ("retrieve", "GET"),
    ("update", "PUT"),
    ("partial_update", "PATCH"),
    ("destroy", "DELETE"),
];

pub(super) fn module_statement(cx: &mut Cx<'_, '_>, statement: &Stmt) {
    match statement {
        Stmt::ClassDef(class) => view_class(cx, class),
        Stmt::FunctionDef(def) => function_view(cx, def),
        Stmt::Assign(assign) => {
            if let [Expr::Name(target)] = assign.targets.as_slice() {
                assigned(cx, target.id.as_str(), &assign.value);
            }
        }
        Stmt::AugAssign(assign) => {
            if let Expr::Name(target) = assign.target.as_ref() {
                assigned(cx, target.id.as_str(), &assign.value);
            }
        }
        Stmt::AnnAssign(assign) => {
            if let (Expr::Name(target), Some(value)) = (assign.target.as_ref(), &assign.value) {
                assigned(cx, target.id.as_str(), value);
            }
        }
        // `urlpatterns.extend(router.urls)`, `urlpatterns.append(path(...))`.
        Stmt::Expr(expr) => {
            if let Expr::Call(call) = expr.value.as_ref()
                && let Expr::Attribute(method) = call.func.as_ref()
                && matches!(method.value.as_ref(), Expr::Name(name) if name.id.as_str() == "urlpatterns")
                && let Some(argument) = call.arguments.args.first()
            {
                match method.attr.as_str() {
                    "extend" => patterns(cx, argument, ""),
                    "append" => pattern(cx, argument, ""),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// `urlpatterns = [...]`, `REST_FRAMEWORK = {...}`, `INSTALLED_APPS = [...]`.
fn assigned(cx: &mut Cx<'_, '_>, name: &str, value: &Expr) {
    match name {
        "urlpatterns" => patterns(cx, value, ""),
        "REST_FRAMEWORK" => {
            let Expr::Dict(settings) = value else { return };
            let defaults = settings
                .items
                .iter()
                .find(|item| item.key.as_ref().and_then(string) == Some("DEFAULT_THROTTLE_CLASSES"));
            if let Some(defaults) = defaults {
                // A global mount: DRF views that do not set their own `throttle_classes`.
                let handlers = list(&defaults.value).into_iter().filter_map(string).filter_map(dotted).collect();
                cx.mount(value, Framework::Django, Value::Unknown, String::new(), handlers);
            }
        }
        "INSTALLED_APPS" => {
            let apps = match value {
                Expr::BinOp(sum) => [list(&sum.left), list(&sum.right)].concat(),
                other => list(other),
            };
            let axes = apps.into_iter().filter_map(string).find(|app| *app == "axes" || app.starts_with("axes."));
            if axes.is_some() {
                // django-axes locks out repeated failed logins through the authentication
                // backend: the project applies it to the routes that check a password.
                let handler = Value::Import { module: "axes".to_owned(), name: ImportedName::Namespace };
                cx.mount(value, Framework::Django, Value::Unknown, String::new(), vec![handler]);
            }
        }
        _ => {}
    }
}

/// `'rest_framework.throttling.AnonRateThrottle'`: the class the dotted path names.
fn dotted(path: &str) -> Option<Value> {
    let (module, name) = path.rsplit_once('.')?;
    Some(Value::Import { module: module.to_owned(), name: ImportedName::Named(name.to_owned()) })
}

/// The patterns of a list (`[path(...), ...] + router.urls`) mounted under `prefix`.
fn patterns(cx: &mut Cx<'_, '_>, expr: &Expr, prefix: &str) {
    match expr {
        Expr::List(_) | Expr::Tuple(_) => {
            for element in list(expr) {
                match element {
                    Expr::Starred(_) => patterns(cx, element, prefix),
                    _ => pattern(cx, element, prefix),
                }
            }
        }
        Expr::BinOp(sum) => {
            patterns(cx, &sum.left, prefix);
            patterns(cx, &sum.right, prefix);
        }
        // `*project_patterns`, `+ api_patterns`: the `urlpatterns` of another module, here.
        Expr::Starred(starred) => patterns(cx, &starred.value, prefix),
        Expr::Name(_) => {
            let Value::Import { module, name: ImportedName::Named(name) } = cx.value(expr) else { return };
            if name == "urlpatterns" {
                let (on, included) = (cx.urlconf(), Value::Import { module, name: ImportedName::Namespace });
                cx.mount(expr, Framework::Django, on, prefix.to_owned(), vec![included]);
            }
        }
        // `router.urls`: the router's routes, here.
        Expr::Attribute(attribute) if attribute.attr.as_str() == "urls" => {
            let on = cx.urlconf();
            let router = cx.value(&attribute.value);
            cx.mount(expr, Framework::Django, on, prefix.to_owned(), vec![router]);
        }
        _ => {}
    }
}

/// `path('login/', views.login)`, `re_path(r'^api/', include('api.urls'))`,
/// `path('notes/', NoteView.as_view())`.
fn pattern(cx: &mut Cx<'_, '_>, expr: &Expr, prefix: &str) {
    let Expr::Call(call) = expr else { return };
    let regex = match called_name(&call.func) {
        Some("path") => false,
        Some("re_path" | "url") => true,
        _ => return,
    };
    let route = call.arguments.args.first().or_else(|| keyword(call, "route")).and_then(string);
    let Some(view) = call.arguments.args.get(1).or_else(|| keyword(call, "view")) else { return };
    let route = route.map(|route| if regex { strip_regex(route) } else { route });
    let full = join(prefix, &url_path(route.unwrap_or_default()));
    let on = cx.urlconf();
    let handler = match view {
        Expr::Call(inner) if called_name(&inner.func) == Some("include") => {
            let Some(included) = inner.arguments.args.first() else { return };
            match included {
                // `include('shop.urls')`: that module's urlconf.
                Expr::StringLiteral(module) => {
                    Value::Import { module: module.value.to_str().to_owned(), name: ImportedName::Namespace }
                }
                // `include([path(...), ...])`: patterns written in place.
                Expr::List(_) => return patterns(cx, included, &full),
                // `include((patterns, 'app_name'))`.
                Expr::Tuple(tuple) => match tuple.elts.first() {
                    Some(Expr::StringLiteral(module)) => {
                        Value::Import { module: module.value.to_str().to_owned(), name: ImportedName::Namespace }
                    }
                    Some(first) => return patterns(cx, first, &full),
                    None => return,
                },
                // `include(router.urls)`: the router.
                Expr::Attribute(attribute) if attribute.attr.as_str() == "urls" => cx.value(&attribute.value),
                other => cx.value(other),
            }
        }
        // `NoteView.as_view()`: the class.
        Expr::Call(inner) => match inner.func.as_ref() {
            Expr::Attribute(method) if method.attr.as_str() == "as_view" => cx.value(&method.value),
            _ => return,
        },
        other => cx.value(other),
    };
    cx.mount(call, Framework::Django, on, full, vec![handler]);
}

/// `^api/v1/$` -> `api/v1/`: the literal part of a regex pattern.
fn strip_regex(route: &str) -> &str {
    route.trim_start_matches('^').trim_end_matches('$')
}

/// A Django pattern (`login/`, empty for the root) as a path (`/login/`).
pub(super) fn url_path(route: &str) -> String {
    let route = route.trim_start_matches('/');
    if route.is_empty() { String::new() } else { format!("/{route}") }
}

/// A function view: a module-level function whose first parameter is `request`, with the methods
/// its decorators allow (`@require_POST`, `@api_view(['POST'])`) and the limiters in front.
fn function_view(cx: &mut Cx<'_, '_>, def: &StmtFunctionDef) {
    let first = def.parameters.iter_non_variadic_params().next();
    if first.is_none_or(|parameter| parameter.parameter.name.as_str() != "request") {
        return;
    }
    let Some(function) = cx.function(def) else { return };
    let mut verbs = vec!["ALL".to_owned()];
    let mut middleware = Vec::new();
    for decorator in &def.decorator_list {
        let expr = &decorator.expression;
        let arguments = match expr {
            Expr::Call(call) => call.arguments.args.first(),
            _ => None,
        };
        match called_name(expr) {
            Some("require_POST") => verbs = vec!["POST".to_owned()],
            Some("require_GET" | "require_safe") => verbs = vec!["GET".to_owned()],
            Some("require_http_methods") => verbs = arguments.map(methods).unwrap_or(verbs),
            // DRF's function views: `@api_view(['POST'])` (GET without methods).
            Some("api_view") => {
                verbs = arguments.map(methods).unwrap_or_else(|| vec!["GET".to_owned()]);
                middleware.push(cx.ex.value(expr));
            }
            _ => middleware.extend(decorator_middleware(cx, expr)),
        }
    }
    let on = Value::Function(function);
    for verb in verbs {
        cx.routes.push(Route {
            span: cx.ex.span(def),
            framework: Framework::Django,
            method: verb,
            path: String::new(),
            on: on.clone(),
            middleware: middleware.clone(),
            handler: on.clone(),
        });
    }
}

/// What a decorator puts in front of a view: `@ratelimit(key='ip', rate='5/m')` itself,
/// the classes of `@throttle_classes([LoginThrottle])`, the decorator of
/// `@method_decorator(ratelimit(...))`.
fn decorator_middleware(cx: &Cx<'_, '_>, expr: &Expr) -> Vec<Value> {
    let first = match expr {
        Expr::Call(call) => call.arguments.args.first(),
        _ => None,
    };
    let mut found = match called_name(expr) {
        Some("throttle_classes") => {
            first.map(list).unwrap_or_default().into_iter().map(|class| cx.ex.value(class)).collect()
        }
        Some("method_decorator") => first.map(|decorator| decorator_middleware(cx, decorator)).unwrap_or_default(),
        _ => vec![cx.ex.value(expr)],
    };
    // Names not bound here say nothing.
    found.retain(|value| !value.is_unknown());
    found
}

/// A class-based view: a route per HTTP method it serves, whether it defines the method
/// (`def post`), a viewset action (`def create`, `@action(detail=True, methods=['post'])`) or
/// inherits one from a DRF generic view (`CreateAPIView` serves POST); its `throttle_classes` as
/// a mount on the class, which replaces its bases' and the default ones.
fn view_class(cx: &mut Cx<'_, '_>, class: &StmtClassDef) {
    let Some(arguments) = class.arguments.as_deref() else { return };
    if arguments.args.is_empty() {
        return;
    }
    let Value::Class(id) = cx.ex.name(class.name.as_str()) else { return };
    let on = Value::Class(id);
    let bases: Vec<&Expr> = arguments.args.iter().map(crate::syntax::unsubscripted).collect();
    let viewset = class.name.as_str().ends_with("ViewSet")
        || bases
            .iter()
            .filter_map(|base| called_name(base))
            .any(|base| base.contains("ViewSet") || base.contains("Mixin"));
    let bases: Vec<(String, String)> = bases
        .into_iter()
        .filter_map(|base| imported(&cx.ex.value(base)).map(|(module, name)| (module.to_owned(), name.to_owned())))
        .collect();
    // `@method_decorator(ratelimit(...), name='post')` on the class.
    let mut named: Vec<(String, Vec<Value>)> = Vec::new();
    for decorator in &class.decorator_list {
        if let Expr::Call(call) = &decorator.expression
            && called_name(&call.func) == Some("method_decorator")
            && let Some(method) = keyword(call, "name").and_then(string)
        {
            named.push((method.to_owned(), decorator_middleware(cx, &decorator.expression)));
        }
    }
    let in_front = |method: &str| -> Vec<Value> {
        named
            .iter()
            .filter(|(name, _)| name == method || name == "dispatch")
            .flat_map(|(_, middleware)| middleware.iter().cloned())
            .collect()
    };
    let mut served: Vec<(String, String)> = Vec::new();
    for statement in &class.body {
        match statement {
            Stmt::FunctionDef(def) => {
                let name = def.name.as_str();
                let mut routes: Vec<(String, String)> = Vec::new();
                if VERBS.contains(&name) {
                    routes.push((name.to_ascii_uppercase(), String::new()));
                } else if let Some((_, verb)) = ACTIONS.iter().find(|(action, _)| viewset && *action == name) {
                    routes.push(((*verb).to_owned(), String::new()));
                }
                let mut middleware = in_front(name);
                for decorator in &def.decorator_list {
                    let expr = &decorator.expression;
                    match (called_name(expr), expr) {
                        (Some("action"), Expr::Call(call)) => {
                            let path = keyword(call, "url_path").and_then(string).unwrap_or(name);
                            let detail = crate::syntax::is_true(keyword(call, "detail"));
                            let path = if detail { format!("/{{pk}}/{path}") } else { format!("/{path}") };
                            let verbs = keyword(call, "methods").map(methods).unwrap_or_else(|| vec!["GET".to_owned()]);
                            routes.extend(verbs.into_iter().map(|verb| (verb, path.clone())));
                        }
                        _ => middleware.extend(decorator_middleware(cx, expr)),
                    }
                }
                // `def get_throttles(self)`: the throttles it returns replace the class's.
                if name == "get_throttles" {
                    let throttles = called(cx, &def.body);
                    cx.mount(def, Framework::Django, on.clone(), String::new(), throttles);
                }
                let Some(function) = cx.function(def) else { continue };
                for (verb, path) in routes {
                    served.push((verb.clone(), path.clone()));
                    cx.routes.push(Route {
                        span: cx.ex.span(def),
                        framework: Framework::Django,
                        method: verb,
                        path,
                        on: on.clone(),
                        middleware: middleware.clone(),
                        handler: Value::Function(function),
                    });
                }
            }
            Stmt::Assign(assign) => {
                let [Expr::Name(target)] = assign.targets.as_slice() else { continue };
                if target.id.as_str() == "throttle_classes" {
                    let throttles = list(&assign.value).into_iter().map(|class| cx.ex.value(class)).collect();
                    cx.mount(statement, Framework::Django, on.clone(), String::new(), throttles);
                }
            }
            _ => {}
        }
    }
    // The methods a DRF generic view or viewset inherits: `ListCreateAPIView` serves GET and POST.
    for (module, base) in &bases {
        if module.split('.').next() != Some("rest_framework") {
            continue;
        }
        for (action, verb) in generic_actions(base) {
            if served.iter().any(|(served, path)| served == verb && path.is_empty()) {
                continue;
            }
            served.push((verb.to_owned(), String::new()));
            cx.routes.push(Route {
                span: cx.ex.span(class),
                framework: Framework::Django,
                method: verb.to_owned(),
                path: String::new(),
                on: on.clone(),
                middleware: [in_front(action), in_front(&verb.to_ascii_lowercase())].concat(),
                handler: Value::Unknown,
            });
        }
    }
}

/// The actions a DRF generic view or mixin provides, by its name: `ListCreateAPIView` lists and
/// creates, `ModelViewSet` does all, `ReadOnlyModelViewSet` lists and retrieves.
fn generic_actions(base: &str) -> Vec<(&'static str, &'static str)> {
    let all = || ACTIONS.to_vec();
    match base {
        "ModelViewSet" => all(),
        "ReadOnlyModelViewSet" => vec![ACTIONS[0], ACTIONS[2]],
        // `rest_framework.authtoken`'s login: credentials in, a token out.
        "ObtainAuthToken" => vec![ACTIONS[1]],
        name if name.ends_with("APIView") || name.ends_with("ModelMixin") => {
            let words = [
                ("List", "list"),
                ("Create", "create"),
                ("Retrieve", "retrieve"),
                ("Update", "update"),
                ("Update", "partial_update"),
                ("Destroy", "destroy"),
            ];
            words
                .iter()
                .filter(|(word, _)| name.contains(word))
                .filter_map(|(_, action)| ACTIONS.iter().find(|(name, _)| name == action).copied())
                .collect()
        }
        _ => Vec::new(),
    }
}

/// What the statements call: the classes `get_throttles` instantiates.
fn called(cx: &Cx<'_, '_>, body: &[Stmt]) -> Vec<Value> {
    struct Calls<'c, 'e, 's> {
        cx: &'c Cx<'e, 's>,
        found: Vec<Value>,
    }
    impl<'a> Visitor<'a> for Calls<'_, '_, '_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Call(call) = expr {
                let callee = self.cx.ex.value(&call.func);
                if !callee.is_unknown() {
                    self.found.push(callee.call());
                }
            }
            visitor::walk_expr(self, expr);
        }
    }
    let mut calls = Calls { cx, found: Vec::new() };
    for statement in body {
        calls.visit_stmt(statement);
    }
    calls.found
}
