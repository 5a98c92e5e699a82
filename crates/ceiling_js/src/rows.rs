//! What code does with a query's rows: filtered, counted or sliced in JS where the query could
//! have done it.

use ceiling_facts::{RowsUse, RowsUseKind};
use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_span::GetSpan;
use oxc_syntax::operator::{BinaryOperator, LogicalOperator, UnaryOperator};

use crate::lines::{LineIndex, OxcSpans};
use crate::values::Values;

/// What the code around a query does with it.
pub struct Binding {
    /// The uses of the rows when they are bound to a constant (`const rows = await q`,
    /// `const { data } = await q`), else `None`.
    pub uses: Option<Vec<RowsUse>>,
    /// The query is stored unawaited and built further (`let q = ...; q = q.eq(...)`,
    /// `if (x) q.eq(...)`): its filters and limits are not all in this chain.
    pub built_further: bool,
}

pub fn binding<'a>(call: &CallExpression<'a>, values: &Values<'_, 'a>, lines: &LineIndex<'_>) -> Binding {
    let mut awaited = false;
    let nodes = values.semantic.nodes();
    let declarator = nodes.ancestor_kinds(call.node_id.get()).find_map(|kind| match kind {
        AstKind::AwaitExpression(_) => {
            awaited = true;
            None
        }
        AstKind::ParenthesizedExpression(_)
        | AstKind::TSAsExpression(_)
        | AstKind::TSNonNullExpression(_)
        | AstKind::TSSatisfiesExpression(_) => None,
        AstKind::VariableDeclarator(declarator) => Some(Some(declarator)),
        _ => Some(None),
    });
    let Some(Some(declarator)) = declarator else { return Binding { uses: None, built_further: false } };
    if !awaited {
        return Binding { uses: None, built_further: built_further(declarator, values) };
    }
    Binding { uses: rows_uses(declarator, values, lines), built_further: false }
}

/// A stored query builder that is reassigned or called on again, other than to await it.
fn built_further(declarator: &VariableDeclarator<'_>, values: &Values<'_, '_>) -> bool {
    let Some(symbol) = declarator.id.get_binding_identifier().and_then(|ident| ident.symbol_id.get()) else {
        return false;
    };
    let scoping = values.semantic.scoping();
    let nodes = values.semantic.nodes();
    scoping.symbol_is_mutated(symbol)
        || scoping.get_resolved_references(symbol).any(|reference| {
            matches!(nodes.ancestor_kinds(reference.node_id()).next(),
                Some(AstKind::StaticMemberExpression(member))
                    if !matches!(member.property.name.as_str(), "then" | "catch" | "finally"))
        })
}

/// The rows' binding: the constant itself, or supabase-js's `data` (`const { data: posts } = ...`).
fn rows_uses<'a>(
    declarator: &VariableDeclarator<'a>,
    values: &Values<'_, 'a>,
    lines: &LineIndex<'_>,
) -> Option<Vec<RowsUse>> {
    let nodes = values.semantic.nodes();
    let ident = match &declarator.id {
        BindingPattern::ObjectPattern(object) => object.properties.iter().find_map(|property| {
            (property.key.static_name()? == "data").then(|| property.value.get_binding_identifier()).flatten()
        })?,
        pattern => pattern.get_binding_identifier()?,
    };
    let symbol = ident.symbol_id.get()?;
    let scoping = values.semantic.scoping();
    if scoping.symbol_is_mutated(symbol) {
        return None;
    }
    let uses = scoping
        .get_resolved_references(symbol)
        .map(|reference| {
            let mut ancestors = nodes.ancestor_kinds(reference.node_id());
            let (kind, span) = match ancestors.next() {
                Some(AstKind::StaticMemberExpression(member)) => match member.property.name.as_str() {
                    "length" => (RowsUseKind::Count, member.span),
                    "slice" => (RowsUseKind::Slice, member.span),
                    "filter" | "find" | "some" | "every" | "findIndex" => match ancestors.next() {
                        Some(AstKind::CallExpression(call)) if simple_predicate(call) => {
                            (RowsUseKind::Filter, call.span)
                        }
                        _ => (RowsUseKind::Other, member.span),
                    },
                    _ => (RowsUseKind::Other, member.span),
                },
                _ => (RowsUseKind::Other, nodes.get_node(reference.node_id()).span()),
            };
            RowsUse { span: lines.span(span), kind }
        })
        .collect();
    Some(uses)
}

/// `(row) => row.status === 'open'`, `(r) => r.teamId === id && !r.archived`,
/// `(r) => ids.includes(r.id)`: a comparison of the row's fields that a `where` can say.
fn simple_predicate(call: &CallExpression<'_>) -> bool {
    let Some(Argument::ArrowFunctionExpression(arrow)) = call.arguments.first() else { return false };
    let Some(param) = arrow.params.items.first().and_then(|param| param.pattern.get_binding_identifier()) else {
        return false;
    };
    arrow.get_expression().is_some_and(|body| comparison(body, param.name.as_str(), 0))
}

fn comparison(expr: &Expression<'_>, row: &str, depth: u32) -> bool {
    if depth > 8 {
        return false;
    }
    let field = |e: &Expression<'_>| {
        matches!(e.get_inner_expression(), Expression::StaticMemberExpression(member)
            if member.object.get_identifier_reference().is_some_and(|ident| ident.name == row))
    };
    // The other side must not depend on the row in ways SQL cannot follow (calls on the row).
    let operand = |e: &Expression<'_>| !mentions_call_on(e, row);
    match expr.get_inner_expression() {
        Expression::BinaryExpression(binary) => {
            use BinaryOperator::*;
            matches!(
                binary.operator,
                Equality
                    | StrictEquality
                    | Inequality
                    | StrictInequality
                    | LessThan
                    | LessEqualThan
                    | GreaterThan
                    | GreaterEqualThan
            ) && ((field(&binary.left) && operand(&binary.right)) || (field(&binary.right) && operand(&binary.left)))
        }
        Expression::LogicalExpression(logical) if logical.operator != LogicalOperator::Coalesce => {
            comparison(&logical.left, row, depth + 1) && comparison(&logical.right, row, depth + 1)
        }
        Expression::UnaryExpression(unary) if unary.operator == UnaryOperator::LogicalNot => {
            field(&unary.argument) || comparison(&unary.argument, row, depth + 1)
        }
        // `ids.includes(row.id)`
        Expression::CallExpression(call) => {
            call.callee.get_inner_expression().as_member_expression().is_some_and(|member| {
                member.static_property_name() == Some("includes") && !mentions_call_on(member.object(), row)
            }) && call.arguments.len() == 1
                && call.arguments[0].as_expression().is_some_and(field)
        }
        other => field(other),
    }
}

/// Whether `expr` calls anything on the row (`row.name.toLowerCase()`): a computation the
/// database would need an expression for.
fn mentions_call_on(expr: &Expression<'_>, row: &str) -> bool {
    match expr.get_inner_expression() {
        Expression::CallExpression(call) => {
            call.callee.get_inner_expression().as_member_expression().is_some_and(|member| {
                matches!(member.object().get_inner_expression(), Expression::StaticMemberExpression(inner)
                    if inner.object.get_identifier_reference().is_some_and(|ident| ident.name == row))
                    || member.object().get_identifier_reference().is_some_and(|ident| ident.name == row)
            })
        }
        _ => false,
    }
}
