//! Django REST Framework: the relations a serializer renders with nested serializers, and the
//! querysets handed to a serializer that renders each row.
//!
//! Serializers are recognised by their class names (`...Serializer`), DRF's convention; the
//! project confirms that a name resolves to a class with a `Meta.model`. Fields that are
//! DRF's own (`serializers.CharField`, `SerializerMethodField`) are not nested serializers.

use ruff_python_ast::{Expr, ExprCall};

use crate::syntax::{is_true, keyword};

/// A serializer's name: `UserSerializer`, `serializers.UserSerializer`, not
/// `SerializerMethodField` or `ModelSerializer` (a base).
pub fn serializer_name(callee: &Expr) -> Option<&str> {
    let name = match callee {
        Expr::Name(name) => name.id.as_str(),
        Expr::Attribute(attribute) => attribute.attr.as_str(),
        _ => return None,
    };
    (name.ends_with("Serializer") && !matches!(name, "ModelSerializer" | "Serializer" | "HyperlinkedModelSerializer"))
        .then_some(name)
}

/// `many=True`.
pub fn many(call: &ExprCall) -> bool {
    is_true(keyword(call, "many"))
}

/// The relation a nested field reads: `source="workspace"` (its first step), else the field.
/// `source="*"` renders the row itself.
pub fn relation<'a>(call: &'a ExprCall, field: &'a str) -> Option<&'a str> {
    match keyword(call, "source") {
        Some(Expr::StringLiteral(source)) => {
            let source = source.value.to_str();
            (source != "*").then(|| source.split('.').next().unwrap_or(source))
        }
        Some(_) => None,
        None => Some(field),
    }
}

/// The rows a render call hands over: its first argument, or `instance=`.
pub fn rows(call: &ExprCall) -> Option<&Expr> {
    call.arguments.args.first().or_else(|| keyword(call, "instance"))
}

/// Whether `target = value` gives REST framework a default pagination class: `REST_FRAMEWORK =
/// {"DEFAULT_PAGINATION_CLASS": ...}` or `REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] = ...` in
/// the settings.
pub fn sets_default_pagination(target: &Expr, value: &Expr) -> bool {
    const KEY: &str = "DEFAULT_PAGINATION_CLASS";
    let is_settings = |expr: &Expr| matches!(expr, Expr::Name(name) if name.id.as_str() == "REST_FRAMEWORK");
    let names_key = |expr: &Expr| matches!(expr, Expr::StringLiteral(key) if key.value.to_str() == KEY);
    let not_none = !matches!(value, Expr::NoneLiteral(_));
    match target {
        Expr::Name(_) if is_settings(target) => match value {
            Expr::Dict(dict) => dict
                .items
                .iter()
                .any(|item| item.key.as_ref().is_some_and(names_key) && !matches!(item.value, Expr::NoneLiteral(_))),
            _ => false,
        },
        Expr::Subscript(subscript) => is_settings(&subscript.value) && names_key(&subscript.slice) && not_none,
        _ => false,
    }
}
