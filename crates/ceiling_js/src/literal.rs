//! Literal values read off the syntax, shared by the passes that need them.

use oxc_ast::ast::Expression;

/// The text of a string literal or of a template without substitutions.
pub(crate) fn string<'a>(expr: &Expression<'a>) -> Option<&'a str> {
    match expr.get_inner_expression() {
        Expression::StringLiteral(literal) => Some(literal.value.as_str()),
        Expression::TemplateLiteral(template) if template.expressions.is_empty() => {
            template.quasis.first()?.value.cooked.map(|cooked| cooked.as_str())
        }
        _ => None,
    }
}
