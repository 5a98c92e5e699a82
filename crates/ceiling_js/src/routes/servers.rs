//! Express, Fastify, Hono and Koa: routes registered by calling methods of an app or router.
//!
//! A call counts when the value of its receiver is an app or router of a framework the file
//! imports: made by `express()`, `express.Router()`, `Fastify()`, `new Hono()`, `new Koa()`,
//! `new Router()` from `@koa/router`, declared with one of their types (`app: FastifyInstance`),
//! or, for untyped parameters and `this.app`, named like one (`fastify`, `app`, `router`) in a
//! file that imports a single one of these frameworks. `axios.get('/x')` and `new Map().get(k, v)`
//! are not routes: their receivers are none of these.
//!
//! A chain (`router.route('/x').get(h).post(mw, h)`, `new Hono().basePath('/api').get(...)`) is
//! read once, from its outermost call, bottom to top.

use ceiling_facts::{Framework, ImportedName, Value};
use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use rustc_hash::FxHashSet;

use super::{Cx, Entry, Imports, function_start, join, property, string};

/// The methods that register one route, across the four frameworks (each takes its own subset).
const ROUTE_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "del", "all", "options", "head"];

/// Methods that register something: a chain is looked at only when one of its calls is one.
const REGISTERING: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "all", "options", "head", "use", "route", "on", "mount",
    "register", "addHook", "openapi",
];

/// Methods that return the app or router they are called on (or, for Express's `route(path)`, a
/// scope of it), so that a chain goes on registering on the same app.
const CHAINED: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "del",
    "all",
    "options",
    "head",
    "use",
    "route",
    "on",
    "mount",
    "register",
    "addHook",
    "openapi",
    "basePath",
    "withTypeProvider",
];

/// Fastify hooks that run before the handler, in the order they run: the route's middleware.
const FASTIFY_HOOKS: &[&str] = &["onRequest", "preParsing", "preValidation", "preHandler"];

pub(super) fn read<'a>(cx: &mut Cx<'_, '_, 'a>, program: &Program<'a>) {
    let mut walk = Walk { cx, classes: Vec::new(), done: FxHashSet::default() };
    walk.visit_program(program);
}

struct Walk<'w, 'c, 's, 'a> {
    cx: &'w mut Cx<'c, 's, 'a>,
    /// Classes being walked, innermost last: what `this` is.
    classes: Vec<u32>,
    /// Calls already read as a link of a chain, by span.
    done: FxHashSet<(u32, u32)>,
}

/// One method call of a chain.
struct Link<'r, 'a> {
    call: &'r CallExpression<'a>,
    receiver: &'r Expression<'a>,
    name: &'a str,
    /// Where the method name starts.
    start: u32,
}

impl<'a> Visit<'a> for Walk<'_, '_, '_, 'a> {
    fn visit_class(&mut self, class: &Class<'a>) {
        let id = self.cx.values.classes.get(&class.span.start).copied();
        self.classes.extend(id);
        walk::walk_class(self, class);
        if id.is_some() {
            self.classes.pop();
        }
    }

    fn visit_call_expression(&mut self, call: &CallExpression<'a>) {
        if !self.done.contains(&(call.span.start, call.span.end)) && registers(call) {
            self.chain(call);
        }
        walk::walk_call_expression(self, call);
    }
}

/// Whether a call chain has a registering method somewhere, without allocating.
fn registers(mut call: &CallExpression<'_>) -> bool {
    loop {
        let Some(member) = call.callee.get_inner_expression().as_member_expression() else { return false };
        if member.static_property_name().is_some_and(|name| REGISTERING.contains(&name)) {
            return true;
        }
        match member.object().get_inner_expression() {
            Expression::CallExpression(inner) => call = inner,
            _ => return false,
        }
    }
}

/// What the walk knows while reading the links of one chain.
struct Chain {
    framework: Framework,
    on: Value,
    /// `basePath('/api')`, `new Router({ prefix: '/api' })`.
    prefix: String,
    /// The paths of Express's `route('/x')`, which the methods after it register at.
    scope: Option<Vec<String>>,
    this_class: Option<u32>,
}

impl<'a> Walk<'_, '_, '_, 'a> {
    fn chain(&mut self, top: &CallExpression<'a>) {
        let mut links = Vec::new();
        let mut next = Some(top);
        while let Some(call) = next.take() {
            let Some(member) = call.callee.get_inner_expression().as_member_expression() else { break };
            let Some((span, name)) = member.static_property_info() else { break };
            let receiver = member.object().get_inner_expression();
            links.push(Link { call, receiver, name, start: span.start });
            if let Expression::CallExpression(inner) = receiver {
                next = Some(inner);
            }
        }
        links.reverse();
        let Some(first) = links.iter().position(|link| REGISTERING.contains(&link.name)) else { return };
        let this_class = self.classes.last().copied();
        let receiver = self.cx.values.of(links[first].receiver, this_class);
        let Some(framework) = framework(&receiver, &self.cx.imports) else { return };
        for link in &links {
            self.done.insert((link.call.span.start, link.call.span.end));
        }
        let last = first + links[first..].iter().take_while(|link| CHAINED.contains(&link.name)).count() - 1;
        // The app: the name the chain starts from, or else what the whole chain evaluates to,
        // which is what `const app = new Hono().get(...)` binds.
        let base = links[0].receiver;
        let named = matches!(base, Expression::Identifier(_) | Expression::StaticMemberExpression(_))
            && links[..first].iter().all(|link| CHAINED.contains(&link.name));
        let on =
            if named { self.cx.values.of(base, this_class) } else { self.chain_value(&links[..=last], this_class) };
        let mut prefix = self.declared_prefix(base);
        for link in &links[..first] {
            self.base_path(link, &mut prefix);
        }
        let mut chain = Chain { framework, on, prefix, scope: None, this_class };
        for (at, link) in links.iter().enumerate().take(last + 1).skip(first) {
            let span = if at == 0 { link.call.span } else { oxc_span::Span::new(link.start, link.call.span.end) };
            self.link(&mut chain, link, span);
        }
    }

    fn link(&mut self, chain: &mut Chain, link: &Link<'_, 'a>, span: oxc_span::Span) {
        let arguments = &link.call.arguments[..];
        match (chain.framework, link.name) {
            (_, "basePath") => self.base_path(link, &mut chain.prefix),
            (Framework::Express, "route") if arguments.len() == 1 => {
                let paths = argument(arguments, 0).and_then(|path| self.cx.paths(path));
                chain.scope = Some(paths.unwrap_or_else(|| vec![String::new()]));
            }
            (Framework::Hono, "route" | "mount") => {
                let Some(path) = argument(arguments, 0) else { return };
                let paths = self.cx.paths(path).unwrap_or_else(|| vec![String::new()]);
                let handlers = self.cx.handlers(&arguments[1..], chain.this_class);
                for path in paths {
                    let prefix = join(&chain.prefix, &path);
                    self.cx.mount(span, chain.framework, chain.on.clone(), prefix, handlers.clone());
                }
            }
            (Framework::Express | Framework::Koa | Framework::Hono, "use") => self.use_mount(chain, arguments, span),
            (Framework::Hono, "on") => {
                let methods = argument(arguments, 0).and_then(|methods| self.cx.paths(methods)).unwrap_or_default();
                let paths = argument(arguments, 1).and_then(|path| self.cx.paths(path));
                let paths = paths.unwrap_or_else(|| vec![String::new()]);
                for method in methods {
                    self.route(chain, span, &method.to_ascii_uppercase(), &paths, arguments.get(2..).unwrap_or(&[]));
                }
            }
            (Framework::Hono, "openapi") => self.openapi(chain, arguments, span),
            (Framework::Fastify, "route") => self.fastify_route(chain, arguments, span),
            (Framework::Fastify, "register") => {
                let Some(plugin) = argument(arguments, 0) else { return };
                let plugin = self.cx.handler(plugin, chain.this_class);
                let options = argument(arguments, 1).and_then(|options| self.cx.object(options));
                // `register(rateLimit, { global: false })` limits only the routes whose
                // `config.rateLimit` asks for it: the plugin itself covers no route.
                if options.and_then(|options| property(options, "global")).is_some_and(is_false) {
                    return;
                }
                let prefix = options.and_then(|options| property(options, "prefix")).and_then(string).unwrap_or("");
                let prefix = join(&chain.prefix, prefix);
                self.cx.mount(span, chain.framework, chain.on.clone(), prefix, vec![plugin]);
            }
            (Framework::Fastify, "addHook")
                if argument(arguments, 0).and_then(string).is_some_and(|hook| FASTIFY_HOOKS.contains(&hook)) =>
            {
                let handlers = self.cx.handlers(&arguments[1..], chain.this_class);
                self.cx.mount(span, chain.framework, chain.on.clone(), chain.prefix.clone(), handlers);
            }
            (framework, name) if is_route_method(framework, name) => {
                let method = match name {
                    "del" => "DELETE".to_owned(),
                    name => name.to_ascii_uppercase(),
                };
                self.method_route(chain, span, &method, arguments);
            }
            _ => {}
        }
    }

    /// `app.post(path, ...middleware, handler)`; after `route(path)`, `.post(...middleware, handler)`.
    fn method_route(&mut self, chain: &Chain, span: oxc_span::Span, method: &str, arguments: &[Argument<'a>]) {
        if let Some(scope) = &chain.scope {
            let scope = scope.clone();
            return self.route(chain, span, method, &scope, arguments);
        }
        let mut arguments = arguments;
        // koa-router's named routes: `router.get('user', '/users/:id', handler)`.
        if chain.framework == Framework::Koa
            && arguments.len() >= 3
            && argument(arguments, 0).and_then(string).is_some()
            && argument(arguments, 1).and_then(string).is_some()
        {
            arguments = &arguments[1..];
        }
        let Some(first) = argument(arguments, 0) else { return };
        // `app.get(handler)` on a Hono app with a base path: no path of its own.
        if function_start(first).is_some() {
            return self.route(chain, span, method, &[String::new()], arguments);
        }
        let paths = self.cx.paths(first).unwrap_or_else(|| vec![String::new()]);
        if chain.framework == Framework::Fastify {
            return self.fastify_method(chain, span, method, &paths, &arguments[1..]);
        }
        self.route(chain, span, method, &paths, &arguments[1..])
    }

    /// One route per path: the last handler is the handler, the ones before it middleware.
    fn route(
        &mut self,
        chain: &Chain,
        span: oxc_span::Span,
        method: &str,
        paths: &[String],
        handlers: &[Argument<'a>],
    ) {
        let mut middleware = self.cx.handlers(handlers, chain.this_class);
        let Some(handler) = middleware.pop() else { return };
        self.emit(chain, span, method, paths, middleware, handler);
    }

    fn emit(
        &mut self,
        chain: &Chain,
        span: oxc_span::Span,
        method: &str,
        paths: &[String],
        middleware: Vec<Value>,
        handler: Value,
    ) {
        for path in paths {
            self.cx.route(Entry {
                span,
                framework: chain.framework,
                method: method.to_owned(),
                path: join(&chain.prefix, path),
                on: chain.on.clone(),
                middleware: middleware.clone(),
                handler: handler.clone(),
            });
        }
    }

    /// `fastify.get(path, handler)`, `fastify.get(path, { preHandler }, handler)`,
    /// `fastify.get(path, { preHandler, handler })`.
    fn fastify_method(
        &mut self,
        chain: &Chain,
        span: oxc_span::Span,
        method: &str,
        paths: &[String],
        rest: &[Argument<'a>],
    ) {
        let expressions: Vec<&Expression<'a>> = rest.iter().filter_map(Argument::as_expression).collect();
        let (options, handler) = match expressions.as_slice() {
            [] => return,
            [only] => match self.cx.object(only) {
                Some(options) => (Some(options), property(options, "handler")),
                None => (None, Some(*only)),
            },
            [options, .., handler] => (self.cx.object(options), Some(*handler)),
        };
        let Some(handler) = handler else { return };
        let middleware = self.fastify_hooks(options, chain.this_class);
        let handler = self.cx.handler(handler, chain.this_class);
        self.emit(chain, span, method, paths, middleware, handler);
    }

    /// `fastify.route({ method: ['GET', 'POST'], url, preHandler, handler })`.
    fn fastify_route(&mut self, chain: &Chain, arguments: &[Argument<'a>], span: oxc_span::Span) {
        let Some(options) = argument(arguments, 0).and_then(|options| self.cx.object(options)) else { return };
        let Some(methods) = property(options, "method").and_then(|methods| self.cx.paths(methods)) else { return };
        let Some(handler) = property(options, "handler") else { return };
        let path = property(options, "url").or_else(|| property(options, "path"));
        let paths = path.and_then(|path| self.cx.paths(path)).unwrap_or_else(|| vec![String::new()]);
        let middleware = self.fastify_hooks(Some(options), chain.this_class);
        let handler = self.cx.handler(handler, chain.this_class);
        for method in methods {
            self.emit(chain, span, &method.to_ascii_uppercase(), &paths, middleware.clone(), handler.clone());
        }
    }

    /// The route's hooks, and `@fastify/rate-limit` when its `config.rateLimit` sets a limit.
    fn fastify_hooks(&mut self, options: Option<&ObjectExpression<'a>>, this_class: Option<u32>) -> Vec<Value> {
        let mut middleware = Vec::new();
        let Some(options) = options else { return middleware };
        for hook in FASTIFY_HOOKS {
            if let Some(value) = property(options, hook) {
                self.cx.push_handlers(value, this_class, &mut middleware);
            }
        }
        let limited = property(options, "config")
            .and_then(|config| self.cx.object(config))
            .and_then(|config| property(config, "rateLimit"))
            .is_some_and(|limit| !is_false(limit));
        if limited {
            let name = ImportedName::Default;
            middleware.push(Value::Import { module: "@fastify/rate-limit".to_owned(), name });
        }
        middleware
    }

    /// `app.use(mw)`, `app.use('/api', limiter, router)`, `app.use(['/a', '/b'], mw)`; Koa's
    /// `app.use(router.routes())` mounts the router, `app.use(mount('/api', sub))` (koa-mount) at `/api`.
    fn use_mount(&mut self, chain: &Chain, arguments: &[Argument<'a>], span: oxc_span::Span) {
        let mut arguments = arguments;
        let mut prefixes = vec![String::new()];
        if let Some(first) = argument(arguments, 0)
            && let Some(paths) = self.cx.paths(first)
        {
            prefixes = paths;
            arguments = &arguments[1..];
        } else if chain.framework == Framework::Koa
            && let [only] = arguments
            && let Some(Expression::CallExpression(call)) = only.as_expression().map(Expression::get_inner_expression)
            && matches!(self.cx.values.of(&call.callee, chain.this_class), Value::Import { ref module, .. } if module == "koa-mount")
            && let Some(paths) = argument(&call.arguments, 0).and_then(|path| self.cx.paths(path))
        {
            prefixes = paths;
            arguments = &call.arguments[1..];
        }
        let mut handlers = Vec::new();
        for argument in arguments {
            match argument.as_expression().map(Expression::get_inner_expression) {
                Some(Expression::ArrayExpression(array)) => {
                    for element in array.elements.iter().filter_map(ArrayExpressionElement::as_expression) {
                        handlers.push(self.mounted(chain, element));
                    }
                }
                Some(expr) => handlers.push(self.mounted(chain, expr)),
                None => {
                    if let Argument::SpreadElement(spread) = argument {
                        handlers.push(self.cx.handler(&spread.argument, chain.this_class));
                    }
                }
            }
        }
        if handlers.is_empty() {
            return;
        }
        for prefix in prefixes {
            let prefix = join(&chain.prefix, &prefix);
            self.cx.mount(span, chain.framework, chain.on.clone(), prefix, handlers.clone());
        }
    }

    /// What `use` mounts: Koa's `router.routes()` (and koa-router's `router.middleware()`) is the router.
    fn mounted(&mut self, chain: &Chain, expr: &Expression<'a>) -> Value {
        if chain.framework == Framework::Koa
            && let Expression::CallExpression(call) = expr.get_inner_expression()
            && call.arguments.is_empty()
            && let Some(member) = call.callee.get_inner_expression().as_member_expression()
            && matches!(member.static_property_name(), Some("routes" | "middleware"))
        {
            return self.cx.values.of(member.object(), chain.this_class);
        }
        self.cx.handler(expr, chain.this_class)
    }

    /// `app.openapi(route, handler)` (`@hono/zod-openapi`), with
    /// `const route = createRoute({ method: 'post', path: '/users/{id}', middleware: [...] })`.
    fn openapi(&mut self, chain: &Chain, arguments: &[Argument<'a>], span: oxc_span::Span) {
        let Some(route) = argument(arguments, 0).map(|route| self.cx.resolve(route)) else { return };
        let Expression::CallExpression(create) = route else { return };
        let Some(options) = argument(&create.arguments, 0).and_then(|options| self.cx.object(options)) else { return };
        let Some(method) = property(options, "method").and_then(string) else { return };
        let path = property(options, "path").and_then(string).unwrap_or("").to_owned();
        let mut middleware = Vec::new();
        if let Some(value) = property(options, "middleware") {
            self.cx.push_handlers(value, chain.this_class, &mut middleware);
        }
        let mut handlers = self.cx.handlers(&arguments[1..], chain.this_class);
        let Some(handler) = handlers.pop() else { return };
        middleware.extend(handlers);
        self.emit(chain, span, &method.to_ascii_uppercase(), &[path], middleware, handler);
    }

    /// Hono's `basePath('/api')`: later registrations of the chain are under it.
    fn base_path(&self, link: &Link<'_, 'a>, prefix: &mut String) {
        if link.name == "basePath"
            && let Some(path) = argument(&link.call.arguments, 0).and_then(string)
        {
            *prefix = join(prefix, path);
        }
    }

    /// The prefix an app or router named by `base` was made with: `new Router({ prefix: '/api' })`
    /// (Koa), `new Hono().basePath('/api')`.
    fn declared_prefix(&self, base: &Expression<'a>) -> String {
        let Expression::Identifier(ident) = base else { return String::new() };
        let Some(mut expr) = self.cx.init_of(ident) else { return String::new() };
        let mut prefixes = Vec::new();
        for _ in 0..32 {
            match expr.get_inner_expression() {
                Expression::CallExpression(call) => {
                    let Some(member) = call.callee.get_inner_expression().as_member_expression() else { break };
                    if member.static_property_name() == Some("basePath")
                        && let Some(path) = argument(&call.arguments, 0).and_then(string)
                    {
                        prefixes.push(path);
                    }
                    expr = member.object();
                }
                Expression::NewExpression(new) => {
                    let options = argument(&new.arguments, 0).and_then(|options| self.cx.object(options));
                    if let Some(prefix) = options.and_then(|options| property(options, "prefix")).and_then(string) {
                        prefixes.push(prefix);
                    }
                    break;
                }
                _ => break,
            }
        }
        prefixes.iter().rev().fold(String::new(), |prefix, path| join(&prefix, path))
    }

    /// The value of a chain of calls, as `Values::of` gives it for the outermost one: each link a
    /// call of a member, or a wrap of the callback it is handed.
    fn chain_value(&mut self, links: &[Link<'_, 'a>], this_class: Option<u32>) -> Value {
        let Some(bottom) = links.first() else { return Value::Unknown };
        let mut value = self.cx.values.of(bottom.receiver, this_class);
        for link in links {
            let called = value.member(link.name);
            let callback = link
                .call
                .arguments
                .iter()
                .find_map(|argument| function_start(argument.as_expression()?))
                .and_then(|start| self.cx.values.functions.get(&start).copied());
            value = match callback {
                Some(callback) if !called.is_unknown() => Value::Wrap(Box::new(called), callback),
                _ => called.call(),
            };
        }
        value
    }
}

fn argument<'r, 'a>(arguments: &'r [Argument<'a>], at: usize) -> Option<&'r Expression<'a>> {
    arguments.get(at)?.as_expression().map(Expression::get_inner_expression)
}

fn is_route_method(framework: Framework, name: &str) -> bool {
    match framework {
        Framework::Koa => ROUTE_METHODS.contains(&name),
        Framework::Hono => ROUTE_METHODS.contains(&name) && !matches!(name, "del" | "head"),
        _ => ROUTE_METHODS.contains(&name) && name != "del",
    }
}

/// The framework whose app or router `value` is.
fn framework(value: &Value, imports: &Imports) -> Option<Framework> {
    match value {
        Value::Call(callee) | Value::Wrap(callee, _) => made_by(callee, imports),
        Value::Instance(class) => instance_of(class),
        Value::Param { name, .. } => by_name(name, imports),
        Value::Member(object, name) if matches!(object.as_ref(), Value::This(_)) => by_name(name, imports),
        Value::Either(a, b) => framework(a, imports).or_else(|| framework(b, imports)),
        _ => None,
    }
}

/// What calling `callee` makes: `express()`, `Router()`, `express.Router()`, `Fastify()`,
/// `createFactory().createApp()`, or a chained method of an app (`app.use(...)` returns the app).
fn made_by(callee: &Value, imports: &Imports) -> Option<Framework> {
    match callee {
        Value::Import { module, name } => match (module.as_str(), name) {
            ("express" | "express-promise-router", ImportedName::Default | ImportedName::Namespace) => {
                Some(Framework::Express)
            }
            ("express", ImportedName::Named(name)) if name == "Router" => Some(Framework::Express),
            ("fastify", ImportedName::Default | ImportedName::Namespace) => Some(Framework::Fastify),
            ("fastify", ImportedName::Named(name)) if matches!(name.as_str(), "fastify" | "default") => {
                Some(Framework::Fastify)
            }
            _ => None,
        },
        Value::Member(object, method) => {
            if let Value::Import { module, name: ImportedName::Default | ImportedName::Namespace } = object.as_ref() {
                return match (module.as_str(), method.as_str()) {
                    ("express", "Router") => Some(Framework::Express),
                    ("fastify", "fastify" | "default") => Some(Framework::Fastify),
                    _ => None,
                };
            }
            if method == "createApp" && root_module(object).is_some_and(is_hono) {
                return Some(Framework::Hono);
            }
            if CHAINED.contains(&method.as_str()) { framework(object, imports) } else { None }
        }
        _ => None,
    }
}

/// The framework of an instance of `class`: `new Hono()`, `new Koa()`, `new Router()` from
/// `@koa/router`, or something declared with a type (`app: Express`, `fastify: FastifyInstance`).
fn instance_of(class: &Value) -> Option<Framework> {
    let (module, name) = match class {
        Value::Import { module, name: ImportedName::Named(name) } => (module.as_str(), Some(name.as_str())),
        Value::Import { module, .. } => (module.as_str(), None),
        // `app: express.Application`.
        Value::Member(object, name) => match object.as_ref() {
            Value::Import { module, name: ImportedName::Default | ImportedName::Namespace } if module == "express" => {
                ("express", Some(name.as_str()))
            }
            _ => return None,
        },
        _ => return None,
    };
    match (module, name) {
        ("koa", None | Some("Koa" | "default")) => Some(Framework::Koa),
        ("@koa/router" | "koa-router", None | Some("Router" | "default")) => Some(Framework::Koa),
        ("express", Some("Express" | "Application" | "Router" | "IRouter")) => Some(Framework::Express),
        ("fastify", Some("FastifyInstance")) => Some(Framework::Fastify),
        (module, Some("Hono" | "OpenAPIHono")) if is_hono(module) => Some(Framework::Hono),
        _ => None,
    }
}

/// An untyped parameter or `this.<name>`, by its name: `fastify`, and in a file that imports one
/// of the frameworks only, `app`, `router`, `userRouter` (and `server`, `instance` for Fastify).
fn by_name(name: &str, imports: &Imports) -> Option<Framework> {
    if imports.fastify && (name == "fastify" || (imports.servers() == 1 && matches!(name, "server" | "instance"))) {
        return Some(Framework::Fastify);
    }
    if imports.servers() != 1 || !(name == "app" || name.ends_with("router") || name.ends_with("Router")) {
        return None;
    }
    if imports.express {
        Some(Framework::Express)
    } else if imports.fastify {
        Some(Framework::Fastify)
    } else if imports.hono {
        Some(Framework::Hono)
    } else {
        Some(Framework::Koa)
    }
}

fn root_module(value: &Value) -> Option<&str> {
    match value {
        Value::Import { module, .. } => Some(module),
        Value::Member(object, _) | Value::Call(object) | Value::Instance(object) | Value::Wrap(object, _) => {
            root_module(object)
        }
        _ => None,
    }
}

fn is_hono(module: &str) -> bool {
    module == "hono" || module == "@hono/zod-openapi" || (module.starts_with("hono/") && module != "hono/client")
}

/// `false`, as written.
fn is_false(expr: &Expression<'_>) -> bool {
    matches!(expr.get_inner_expression(), Expression::BooleanLiteral(literal) if !literal.value)
}
