//! NestJS: `@Controller('users')` classes whose methods carry `@Post('login')`.

use ceiling_facts::{Framework, ImportedName, Mount, Value};
use oxc_ast::ast::*;

use super::{Cx, Entry, property};
use crate::lines::OxcSpans;

const COMMON: &str = "@nestjs/common";
const THROTTLER: &str = "@nestjs/throttler";

/// Method decorators of `@nestjs/common` and the method each routes.
const METHODS: &[(&str, &str)] = &[
    ("Get", "GET"),
    ("Post", "POST"),
    ("Put", "PUT"),
    ("Patch", "PATCH"),
    ("Delete", "DELETE"),
    ("Head", "HEAD"),
    ("Options", "OPTIONS"),
    ("All", "ALL"),
    ("Search", "SEARCH"),
];

/// Controllers are declared at module level.
pub(super) fn read<'a>(cx: &mut Cx<'_, '_, 'a>, program: &Program<'a>) {
    for statement in &program.body {
        let class = match statement {
            Statement::ClassDeclaration(class) => class,
            Statement::ExportDeclaration(export) => match &export.declaration {
                Declaration::ClassDeclaration(class) => class,
                _ => continue,
            },
            Statement::ExportDefaultDeclaration(export) => match &export.declaration {
                ExportDefaultDeclarationKind::ClassDeclaration(class) => class,
                _ => continue,
            },
            _ => continue,
        };
        controller(cx, class);
        global_guards(cx, class);
    }
}

/// `@Module({ providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }] })`: a guard in front
/// of every route of the app, recorded as a mount on no particular router.
fn global_guards<'a>(cx: &mut Cx<'_, '_, 'a>, class: &Class<'a>) {
    for decorator in &class.decorators {
        let (callee, arguments) = parts(decorator);
        if !is_import(cx, callee, COMMON, "Module") {
            continue;
        }
        let Some(Expression::ObjectExpression(options)) = arguments.first().and_then(Argument::as_expression) else {
            continue;
        };
        let Some(Expression::ArrayExpression(providers)) = property(options, "providers") else { continue };
        for provider in &providers.elements {
            let Some(Expression::ObjectExpression(provider)) = provider.as_expression() else { continue };
            let Some(provide) = property(provider, "provide") else { continue };
            if !is_import(cx, provide, "@nestjs/core", "APP_GUARD") {
                continue;
            }
            let Some(guard) = property(provider, "useClass").or_else(|| property(provider, "useExisting")) else {
                continue;
            };
            let guard = cx.values.of(guard, None);
            let span = cx.lines.span(provider.span);
            cx.mounts.push(Mount {
                span,
                framework: Framework::NestJs,
                on: Value::Unknown,
                prefix: String::new(),
                handlers: vec![guard],
            });
        }
    }
}

/// Whether `expr` is `name` imported from `module`.
fn is_import<'a>(cx: &mut Cx<'_, '_, 'a>, expr: &Expression<'a>, module: &str, name: &str) -> bool {
    matches!(cx.values.of(expr, None), Value::Import { module: m, name: ImportedName::Named(n) } if m == module && n == name)
}

fn controller<'a>(cx: &mut Cx<'_, '_, 'a>, class: &Class<'a>) {
    let mut prefixes = None;
    let mut class_middleware = Vec::new();
    for decorator in &class.decorators {
        let (callee, arguments) = parts(decorator);
        match common_name(cx, callee) {
            Some("Controller") => prefixes = Some(controller_paths(cx, arguments)),
            _ => middleware(cx, callee, arguments, &mut class_middleware),
        }
    }
    let Some(prefixes) = prefixes else { return };
    let on = cx.values.class_value(class.span.start);
    for element in &class.body.body {
        let ClassElement::MethodDefinition(method) = element else { continue };
        let mut routes = Vec::new();
        let mut method_middleware = class_middleware.clone();
        for decorator in &method.decorators {
            let (callee, arguments) = parts(decorator);
            let verb = common_name(cx, callee).and_then(|name| METHODS.iter().find(|(n, _)| *n == name));
            match verb {
                Some((_, verb)) => {
                    let paths = match arguments.first().and_then(Argument::as_expression) {
                        Some(path) => cx.paths(path).unwrap_or_else(|| vec![String::new()]),
                        None => vec![String::new()],
                    };
                    routes.push((decorator.span, *verb, paths));
                }
                None => middleware(cx, callee, arguments, &mut method_middleware),
            }
        }
        if routes.is_empty() {
            continue;
        }
        let handler = cx.values.function_value(method.value.span.start);
        for (span, verb, paths) in routes {
            for prefix in &prefixes {
                for path in &paths {
                    cx.route(Entry {
                        span,
                        framework: Framework::NestJs,
                        method: verb.to_owned(),
                        path: nest_path(prefix, path),
                        on: on.clone(),
                        middleware: method_middleware.clone(),
                        handler: handler.clone(),
                    });
                }
            }
        }
    }
}

/// `@X(args)` -> `(X, args)`; `@X` -> `(X, [])`.
fn parts<'r, 'a>(decorator: &'r Decorator<'a>) -> (&'r Expression<'a>, &'r [Argument<'a>]) {
    match decorator.expression.get_inner_expression() {
        Expression::CallExpression(call) => (&call.callee, &call.arguments),
        expr => (expr, &[]),
    }
}

/// The name `callee` has in `@nestjs/common`, when it is imported from there.
fn common_name<'a>(cx: &mut Cx<'_, '_, 'a>, callee: &Expression<'a>) -> Option<&'static str> {
    let Value::Import { module, name: ImportedName::Named(name) } = cx.values.of(callee, None) else { return None };
    if module != COMMON {
        return None;
    }
    ["Controller", "UseGuards"].into_iter().chain(METHODS.iter().map(|(name, _)| *name)).find(|known| *known == name)
}

/// `@UseGuards(AuthGuard('jwt'), RolesGuard)`: the guards; `@Throttle(...)`, `@SkipThrottle()`:
/// the decorator itself.
fn middleware<'a>(cx: &mut Cx<'_, '_, 'a>, callee: &Expression<'a>, arguments: &[Argument<'a>], into: &mut Vec<Value>) {
    let value = cx.values.of(callee, None);
    let Value::Import { module, name } = &value else { return };
    if module == COMMON && *name == ImportedName::Named("UseGuards".to_owned()) {
        into.extend(cx.handlers(arguments, None));
    } else if module == THROTTLER && *name != ImportedName::Named("SkipThrottle".to_owned()) {
        // `@Throttle(...)` sets the route's limit; `@SkipThrottle()` takes it off.
        into.push(value);
    }
}

/// `@Controller('users')`, `@Controller(['a', 'b'])`, `@Controller({ path: 'users' })`, `@Controller()`.
fn controller_paths<'a>(cx: &Cx<'_, '_, 'a>, arguments: &[Argument<'a>]) -> Vec<String> {
    let Some(first) = arguments.first().and_then(Argument::as_expression) else { return vec![String::new()] };
    let path = match cx.object(first) {
        Some(options) => property(options, "path"),
        None => Some(first),
    };
    match path {
        Some(path) => cx.paths(path).unwrap_or_else(|| vec![String::new()]),
        None => vec![String::new()],
    }
}

/// `/users/login` from `users` and `login`, however their slashes are written.
fn nest_path(prefix: &str, path: &str) -> String {
    let mut url = String::new();
    for segment in prefix.split('/').chain(path.split('/')).filter(|segment| !segment.is_empty()) {
        url.push('/');
        url.push_str(segment);
    }
    if url.is_empty() { "/".to_owned() } else { url }
}
