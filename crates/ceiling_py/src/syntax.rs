//! Small readers of Python syntax that the passes share: keyword arguments and literals.

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

/// A generic class without its type arguments: `ModelViewSet` of `ModelViewSet[Tag]`.
pub fn unsubscripted(expr: &Expr) -> &Expr {
    match expr {
        Expr::Subscript(subscript) => &subscript.value,
        other => other,
    }
}
