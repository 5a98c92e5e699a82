//! Small readers of Python syntax that the passes share: keyword arguments, literals, names.

use ceiling_facts::{ImportedName, Value};
use ruff_python_ast::{Expr, ExprCall};

/// The value of keyword argument `name` (`many=True`).
pub fn keyword<'a>(call: &'a ExprCall, name: &str) -> Option<&'a Expr> {
    call.arguments
        .keywords
        .iter()
        .find(|keyword| keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == name))
        .map(|keyword| &keyword.value)
}

/// The text of a string literal.
pub fn string(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::StringLiteral(literal) => Some(literal.value.to_str()),
        _ => None,
    }
}

/// The elements of a list or tuple literal.
pub fn list(expr: &Expr) -> Vec<&Expr> {
    match expr {
        Expr::List(list) => list.elts.iter().collect(),
        Expr::Tuple(tuple) => tuple.elts.iter().collect(),
        _ => Vec::new(),
    }
}

/// `True`, as written.
pub fn is_true(expr: Option<&Expr>) -> bool {
    matches!(expr, Some(Expr::BooleanLiteral(literal)) if literal.value)
}

/// `False`, as written.
pub fn is_false(expr: Option<&Expr>) -> bool {
    matches!(expr, Some(Expr::BooleanLiteral(literal)) if !literal.value)
}

/// Whether `body` reads `self.<attribute>` anywhere (`self.action` of a DRF view).
pub fn reads_self(body: &[ruff_python_ast::Stmt], attribute: &str) -> bool {
    use ruff_python_ast::visitor::{self, Visitor};

    struct Finder<'n> {
        attribute: &'n str,
        found: bool,
    }
    impl<'a> Visitor<'a> for Finder<'_> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            if let Expr::Attribute(read) = expr
                && read.attr.as_str() == self.attribute
                && matches!(read.value.as_ref(), Expr::Name(name) if name.id.as_str() == "self")
            {
                self.found = true;
            }
            if !self.found {
                visitor::walk_expr(self, expr);
            }
        }
    }
    let mut finder = Finder { attribute, found: false };
    finder.visit_body(body);
    finder.found
}

/// The name a callee ends with: `sleep` of `time.sleep`, `retry` of `retry`.
pub fn last_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

/// The name an expression ends with, through the calls made of it: `limit` of
/// `limiter.limit(...)`, `String` of `String(50)`.
pub fn called_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Call(call) => called_name(&call.func),
        other => last_name(other),
    }
}

/// The dotted path of a value imported from a module: `requests.get` for `requests.get` after
/// `import requests` or for `get` after `from requests import get`; `None` for anything else.
pub fn dotted(value: &Value) -> Option<String> {
    match value {
        Value::Import { module, name: ImportedName::Namespace | ImportedName::Default } => Some(module.clone()),
        Value::Import { module, name: ImportedName::Named(name) } => Some(format!("{module}.{name}")),
        Value::Member(object, member) => Some(format!("{}.{member}", dotted(object)?)),
        _ => None,
    }
}

/// A test that an instance's cache lacks something (`key not in self.loaded`, `self._client is
/// None`, `not self._rows`, `not hasattr(self, "_rows")`): its body fills the cache, once.
pub fn cache_check(test: &Expr) -> bool {
    let on_self = |expr: &Expr| {
        matches!(expr, Expr::Attribute(attribute)
            if matches!(attribute.value.as_ref(), Expr::Name(name) if name.id.as_str() == "self"))
    };
    match test {
        // `if slug is not None and slug not in self.loaded:`
        Expr::BoolOp(both) if both.op == ruff_python_ast::BoolOp::And => both.values.iter().any(cache_check),
        Expr::Compare(compare) => match (compare.ops.as_ref(), compare.comparators.as_ref()) {
            ([ruff_python_ast::CmpOp::NotIn], [container]) => on_self(container),
            ([ruff_python_ast::CmpOp::Is], [Expr::NoneLiteral(_)]) => on_self(&compare.left),
            _ => false,
        },
        Expr::UnaryOp(unary) if unary.op == ruff_python_ast::UnaryOp::Not => match unary.operand.as_ref() {
            Expr::Call(call) => {
                last_name(&call.func) == Some("hasattr")
                    && call
                        .arguments
                        .args
                        .first()
                        .is_some_and(|object| matches!(object, Expr::Name(name) if name.id.as_str() == "self"))
            }
            // `not self._rows`: a private attribute, filled on first use.
            Expr::Attribute(attribute) => on_self(unary.operand.as_ref()) && attribute.attr.starts_with('_'),
            _ => false,
        },
        _ => false,
    }
}

/// A generic class without its type arguments: `ModelViewSet` of `ModelViewSet[Tag]`.
pub fn unsubscripted(expr: &Expr) -> &Expr {
    match expr {
        Expr::Subscript(subscript) => &subscript.value,
        other => other,
    }
}
