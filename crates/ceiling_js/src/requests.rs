//! HTTP requests the code sends: `fetch(url, init)`, `axios.post(url, data, config)`,
//! `got(url, options)`, `ky.get(url)`: where each goes and whether it can hang.
//!
//! A request counts as having a timeout when its options set `signal` or `timeout` (axios's
//! `cancelToken` too), when the options are built elsewhere (a variable, a spread: they may set
//! one), or when the client has one by default (`ky`: 10 s). `fetch`, axios and got wait forever,
//! or for minutes, without one.

use ceiling_facts::outbound::target_of_text;
use ceiling_facts::{ImportedName, Target, Value};
use oxc_ast::AstKind;
use oxc_ast::ast::*;

use crate::values::Values;

/// What one call sends, when it is an HTTP request.
pub(crate) struct Request {
    pub client: &'static str,
    pub target: Target,
    pub timeout: bool,
    pub retries_itself: bool,
}

/// Where a client's request takes its URL and options.
#[derive(Clone, Copy)]
enum Form {
    /// `fetch(url, init)`, `got(url, options)`, `axios.get(url, config)`.
    UrlThenOptions,
    /// `axios.post(url, data, config)`.
    UrlDataOptions,
    /// `axios(config)` or `axios(url, config)`.
    Axios,
}

/// The request `call` sends, if it calls `fetch` or an HTTP client package.
/// `callee` is the callee's value, which the caller has already worked out.
pub(crate) fn request<'a>(call: &CallExpression<'a>, callee: &Value, values: &Values<'_, 'a>) -> Option<Request> {
    let (client, form) = client_of(&call.callee, callee, values)?;
    let argument = |index: usize| call.arguments.get(index);
    let (url, options) = match form {
        Form::UrlThenOptions => (argument(0), argument(1)),
        Form::UrlDataOptions => (argument(0), argument(2)),
        Form::Axios => match argument(0).and_then(Argument::as_expression).map(Expression::get_inner_expression) {
            Some(Expression::ObjectExpression(config)) => {
                let target = config
                    .properties
                    .iter()
                    .find_map(|property| match property {
                        ObjectPropertyKind::ObjectProperty(p) if p.key.static_name().as_deref() == Some("url") => {
                            Some(target(&p.value, values, 0))
                        }
                        _ => None,
                    })
                    .unwrap_or(Target::Unknown);
                return Some(Request { client, target, timeout: sets_timeout(argument(0)), retries_itself: false });
            }
            _ => (argument(0), argument(1)),
        },
    };
    let url = url.and_then(Argument::as_expression)?;
    Some(Request {
        client,
        target: target(url, values, 0),
        timeout: client == "ky" || options.is_some_and(|options| sets_timeout(Some(options))),
        retries_itself: matches!(client, "ky" | "got"),
    })
}

/// The HTTP client a callee is, and how its arguments are laid out.
fn client_of<'a>(callee: &Expression<'a>, value: &Value, values: &Values<'_, 'a>) -> Option<(&'static str, Form)> {
    let callee = callee.get_inner_expression();
    // The global `fetch`, not a binding of the file that shadows it.
    if let Expression::Identifier(ident) = callee
        && ident.name == "fetch"
        && values.symbol(ident).is_none()
    {
        return Some(("fetch", Form::UrlThenOptions));
    }
    if ["globalThis", "window", "self"].iter().any(|global| callee.is_specific_member_access(global, "fetch")) {
        return Some(("fetch", Form::UrlThenOptions));
    }
    let (module, name, method) = match value {
        Value::Import { module, name } => (module, name, None),
        Value::Member(object, method) => match &**object {
            Value::Import { module, name } => (module, name, Some(method.as_str())),
            _ => return None,
        },
        _ => return None,
    };
    let default = *name == ImportedName::Default || *name == ImportedName::Namespace;
    let named = |wanted: &str| matches!(name, ImportedName::Named(n) if n == wanted);
    match (module.as_str(), method) {
        ("node-fetch" | "cross-fetch" | "isomorphic-fetch", None) if default || named("fetch") => {
            Some(("fetch", Form::UrlThenOptions))
        }
        ("undici", None) if named("fetch") => Some(("fetch", Form::UrlThenOptions)),
        ("undici", None) if named("request") => Some(("undici", Form::UrlThenOptions)),
        ("axios", None) if default => Some(("axios", Form::Axios)),
        ("axios", Some("get" | "delete" | "head" | "options")) if default => Some(("axios", Form::UrlThenOptions)),
        ("axios", Some("post" | "put" | "patch")) if default => Some(("axios", Form::UrlDataOptions)),
        ("axios", Some("request")) if default => Some(("axios", Form::Axios)),
        ("got", None | Some("get" | "post" | "put" | "patch" | "delete" | "head")) if default => {
            Some(("got", Form::UrlThenOptions))
        }
        ("ky", None | Some("get" | "post" | "put" | "patch" | "delete" | "head")) if default => {
            Some(("ky", Form::UrlThenOptions))
        }
        _ => None,
    }
}

/// Whether the options may set a timeout: they do, or they are not an object literal that
/// visibly does not.
fn sets_timeout(options: Option<&Argument<'_>>) -> bool {
    let Some(options) = options else { return false };
    let Some(Expression::ObjectExpression(object)) = options.as_expression().map(Expression::get_inner_expression)
    else {
        return true;
    };
    object.properties.iter().any(|property| match property {
        ObjectPropertyKind::SpreadProperty(_) => true,
        ObjectPropertyKind::ObjectProperty(property) => property
            .key
            .static_name()
            .is_none_or(|key| matches!(key.as_ref(), "signal" | "timeout" | "cancelToken" | "dispatcher")),
    })
}

/// How deep constants are followed to the start of a URL.
const MAX_DEPTH: u32 = 4;

/// Where a URL expression points.
fn target<'a>(url: &Expression<'a>, values: &Values<'_, 'a>, depth: u32) -> Target {
    match leading_text(url, values, depth) {
        Some(text) => target_of_text(&text),
        None => Target::Unknown,
    }
}

/// The text a string expression starts with, as far as the file says: a literal, the first part
/// of a template or a concatenation, a `const` of the file, `new URL(literal)`.
fn leading_text<'a>(expr: &Expression<'a>, values: &Values<'_, 'a>, depth: u32) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    match expr.get_inner_expression() {
        Expression::StringLiteral(literal) => Some(literal.value.to_string()),
        Expression::TemplateLiteral(template) => {
            let first = template.quasis.first()?.value.cooked.as_ref()?.to_string();
            match template.expressions.first() {
                Some(expression) if first.is_empty() => leading_text(expression, values, depth + 1),
                _ => Some(first),
            }
        }
        Expression::BinaryExpression(binary) if binary.operator == oxc_syntax::operator::BinaryOperator::Addition => {
            leading_text(&binary.left, values, depth + 1)
        }
        Expression::NewExpression(new) if new.callee.is_specific_id("URL") => {
            let first = new.arguments.first()?.as_expression()?;
            let text = leading_text(first, values, depth + 1)?;
            // `new URL('/path', base)`: the base says where it goes.
            match (text.starts_with('/'), new.arguments.get(1).and_then(Argument::as_expression)) {
                (true, Some(base)) => leading_text(base, values, depth + 1),
                _ => Some(text),
            }
        }
        Expression::Identifier(ident) => {
            let symbol = values.symbol(ident)?;
            let declaration = values.semantic.symbol_declaration(symbol);
            let AstKind::VariableDeclarator(declarator) = declaration.kind() else { return None };
            let nodes = values.semantic.nodes();
            let AstKind::VariableDeclaration(list) = nodes.parent_kind(declaration.id()) else { return None };
            if !list.kind.is_const() {
                return None;
            }
            leading_text(declarator.init.as_ref()?, values, depth + 1)
        }
        _ => None,
    }
}
