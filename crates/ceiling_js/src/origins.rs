//! Where a collection comes from, when that says it can be large: the body of the request
//! (`const { emails } = await req.json()`), or every row a query without a limit returns.
//!
//! Followed through `const` bindings (destructuring included), `await`, the array methods that
//! keep or shrink a list (`filter`, `map`...), and members (`body.items`, `result.rows`). Stops,
//! saying nothing, at a check of the list's length against anything (`if (ids.length > 50)
//! throw`) and at a validation (`schema.parse(body)`), which may cap it.

use ceiling_facts::CollectionOrigin;
use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::SymbolId;

use crate::orm::{Chain, Hints, shapes};
use crate::values::Values;

/// How many steps a collection is followed back.
const MAX_DEPTH: u32 = 8;

/// Array methods whose result has at most as many elements as the array they are called on.
const KEEPING: &[&str] = &["filter", "map", "flatMap", "sort", "toSorted", "reverse", "toReversed", "concat"];

pub fn collection_origin<'a>(collection: &Expression<'a>, values: &Values<'_, 'a>) -> Option<CollectionOrigin> {
    origin(collection, values, 0)
}

fn origin<'a>(expr: &Expression<'a>, values: &Values<'_, 'a>, depth: u32) -> Option<CollectionOrigin> {
    if depth > MAX_DEPTH {
        return None;
    }
    let depth = depth + 1;
    match expr.get_inner_expression() {
        Expression::AwaitExpression(awaited) => origin(&awaited.argument, values, depth),
        Expression::Identifier(ident) => {
            let symbol = values.symbol(ident)?;
            if length_checked(symbol, values) {
                return None;
            }
            let AstKind::VariableDeclarator(declarator) = values.semantic.symbol_declaration(symbol).kind() else {
                return None;
            };
            if values.semantic.scoping().symbol_is_mutated(symbol) {
                return None;
            }
            origin(declarator.init.as_ref()?, values, depth)
        }
        Expression::StaticMemberExpression(member) => {
            if is_request(&member.object) && member.property.name == "body" {
                return Some(CollectionOrigin::RequestInput);
            }
            origin(&member.object, values, depth)
        }
        Expression::CallExpression(call) => {
            let callee = call.callee.get_inner_expression();
            let member = callee.as_member_expression();
            let method = member.and_then(|member| member.static_property_name());
            if let (Some(member), Some(method)) = (member, method) {
                // `await req.json()`, `await request.formData()`, Hono's `c.req.json()`.
                if matches!(method, "json" | "formData") && is_request(member.object()) {
                    return Some(CollectionOrigin::RequestInput);
                }
                if KEEPING.contains(&method) {
                    return origin(member.object(), values, depth);
                }
            }
            unbounded_query(call).then_some(CollectionOrigin::UnboundedQuery)
        }
        _ => None,
    }
}

/// `req`, `request`, `ctx.request`, Hono's `c.req`: by the names frameworks give them.
fn is_request(expr: &Expression<'_>) -> bool {
    match expr.get_inner_expression() {
        Expression::Identifier(ident) => matches!(ident.name.as_str(), "req" | "request"),
        expr => expr
            .as_member_expression()
            .and_then(|member| member.static_property_name())
            .is_some_and(|name| matches!(name, "req" | "request")),
    }
}

/// A read of many rows with no limit: `prisma.user.findMany({ where })`, `db.select().from(t)`.
fn unbounded_query(call: &CallExpression<'_>) -> bool {
    let never = |_: &Expression<'_>| false;
    let hints = Hints { batch_set: &never, one_row: &never };
    let found = shapes(&Chain::of_call(call), &hints);
    !found.is_empty()
        && found.iter().all(|shape| {
            shape.query.operation == ceiling_facts::Operation::ReadMany
                && !shape.query.bounded
                && !shape.query.opaque
                && !shape.query.limit_unknown
        })
}

/// Whether the code compares the list's length with something other than 0 or 1
/// (`ids.length > MAX`, `emails.length > 100`): a cap the code enforces.
fn length_checked(symbol: SymbolId, values: &Values<'_, '_>) -> bool {
    let nodes = values.semantic.nodes();
    values.semantic.scoping().get_resolved_references(symbol).any(|reference| {
        let mut ancestors = nodes.ancestor_kinds(reference.node_id());
        let Some(AstKind::StaticMemberExpression(member)) = ancestors.next() else { return false };
        if member.property.name != "length" {
            return false;
        }
        // `length > 0`, `length === 1`: about emptiness, not a cap.
        let small = |expr: &Expression<'_>| {
            matches!(expr.get_inner_expression(), Expression::NumericLiteral(n) if n.value <= 1.0)
        };
        matches!(ancestors.next(), Some(AstKind::BinaryExpression(binary))
            if binary.operator.is_compare() && !small(&binary.left) && !small(&binary.right))
    })
}
