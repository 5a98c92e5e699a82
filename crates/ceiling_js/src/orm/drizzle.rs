//! Drizzle: the SQL-like builder (`db.select().from(t).where(...)`, `db.insert(t).values(...)`)
//! and the relational API (`db.query.<table>.findMany(...)`).

use ceiling_facts::{Filter, FilterOp, Operation, QueryApi};
use oxc_ast::ast::*;

use super::{Chain, Link, Shape, keys, object_arg, property};

pub fn recognise<'a>(chain: &Chain<'_, 'a>, at: usize, hints: &super::Hints<'_, 'a>) -> Option<Shape> {
    let links = &chain.links[at..];
    match links {
        [
            Link::Property("query"),
            Link::Property(table),
            Link::Method(method @ ("findMany" | "findFirst"), args),
            ..,
        ] => {
            let operation = if *method == "findFirst" { Operation::ReadOne } else { Operation::ReadMany };
            let mut shape = Shape::new(QueryApi::DrizzleBuilder, at, method, operation);
            shape.model = Some((*table).to_owned());
            shape.bounded = operation == Operation::ReadOne;
            if let Some(options) = object_arg(args.first()) {
                shape.bounded |= property(options, "limit").is_some();
                shape.offset = property(options, "offset").is_some_and(super::is_runtime_number);
                if let Some(Expression::ObjectExpression(with)) =
                    property(options, "with").map(|w| w.get_inner_expression())
                {
                    shape.includes = keys(with);
                }
                if let Some(filter) = property(options, "where") {
                    scan_conditions(filter, &mut shape, hints.batch_set);
                }
            }
            Some(shape)
        }
        [
            Link::Method(start @ ("select" | "selectDistinct" | "selectDistinctOn"), selection),
            Link::Method("from", from),
            rest @ ..,
        ] => {
            // `select({ n: count() })`: one row of aggregates, not a list.
            let aggregate = object_arg(selection.first()).is_some_and(|fields| {
                fields.properties.iter().all(|field| {
                    matches!(field, ObjectPropertyKind::ObjectProperty(field)
                    if matches!(field.value.get_inner_expression(), Expression::CallExpression(call)
                        if call.callee.get_inner_expression().get_identifier_reference().is_some_and(|name| {
                            matches!(name.name.as_str(), "count" | "countDistinct" | "sum" | "avg" | "min" | "max")
                        })))
                })
            });
            let operation = if aggregate { Operation::Aggregate } else { Operation::ReadMany };
            let mut shape = Shape::new(QueryApi::DrizzleBuilder, at, start, operation);
            shape.model = table_name(from.first());
            read_builder(rest, &mut shape, hints.batch_set);
            Some(shape)
        }
        [Link::Method("insert", table), rest @ ..] => {
            let rows = rest.iter().find_map(|link| match link.method() {
                Some(("values", args)) => args.first(),
                _ => None,
            });
            // A write whose rows are not visibly one object may already be a bulk insert.
            let operation = if super::one_row(rows, hints) { Operation::Create } else { Operation::BulkWrite };
            let mut shape = Shape::new(QueryApi::DrizzleBuilder, at, "insert", operation);
            shape.model = table_name(table.first());
            // `onConflictDoNothing` too: an insert that skips the rows already there is keyed.
            if rest.iter().any(|link| matches!(link.method(), Some(("onConflictDoUpdate" | "onConflictDoNothing", _))))
                && operation == Operation::Create
            {
                shape.operation = Operation::Upsert;
            }
            Some(shape)
        }
        [Link::Method(method @ ("update" | "delete"), table), rest @ ..] if !table.is_empty() => {
            let operation = if *method == "update" { Operation::Update } else { Operation::Delete };
            let mut shape = Shape::new(QueryApi::DrizzleBuilder, at, method, operation);
            shape.model = table_name(table.first());
            for link in rest {
                if let Some(("where", args)) = link.method()
                    && let Some(condition) = args.first().and_then(Argument::as_expression)
                {
                    scan_conditions(condition, &mut shape, hints.batch_set);
                }
            }
            Some(shape)
        }
        [Link::Method("execute", _), ..] => Some(Shape::new(QueryApi::DrizzleBuilder, at, "execute", Operation::Raw)),
        _ => None,
    }
}

fn read_builder<'a>(rest: &[Link<'_, 'a>], shape: &mut Shape, batch_set: &dyn Fn(&Expression<'a>) -> bool) {
    for link in rest {
        let Some((method, args)) = link.method() else { continue };
        match method {
            "where" => {
                if let Some(condition) = args.first().and_then(Argument::as_expression) {
                    scan_conditions(condition, shape, batch_set);
                }
            }
            "limit" => shape.bounded = true,
            "offset" => {
                shape.offset |= args.first().and_then(Argument::as_expression).is_some_and(super::is_runtime_number)
            }
            "orderBy" => {
                for arg in args.iter().filter_map(Argument::as_expression) {
                    if let Some(column) = column_of(arg) {
                        shape.sorts.push(column);
                    }
                }
            }
            "leftJoin" | "innerJoin" | "rightJoin" | "fullJoin" => {
                if let Some(table) = table_name(args.first()) {
                    shape.includes.push(table);
                }
            }
            _ => {}
        }
    }
}

/// Walks `and(eq(t.a, x), inArray(t.b, ids))` for compared columns and run-time sets; the
/// relational API's `where: (t, { eq }) => eq(t.a, x)` too.
fn scan_conditions<'a>(condition: &Expression<'a>, shape: &mut Shape, batch_set: &dyn Fn(&Expression<'a>) -> bool) {
    scan_condition(condition, shape, batch_set, None, 0);
}

fn scan_condition<'a>(
    condition: &Expression<'a>,
    shape: &mut Shape,
    batch_set: &dyn Fn(&Expression<'a>) -> bool,
    within: Option<FilterOp>,
    depth: u32,
) {
    if depth > 16 {
        return;
    }
    let call = match condition.get_inner_expression() {
        Expression::CallExpression(call) => call,
        Expression::ArrowFunctionExpression(arrow) => {
            match arrow.get_expression() {
                Some(body) => scan_condition(body, shape, batch_set, within, depth + 1),
                None => shape.opaque = true,
            }
            return;
        }
        // `where(conditions)`: built elsewhere.
        _ => {
            shape.opaque = true;
            return;
        }
    };
    if call.arguments.iter().any(|arg| matches!(arg, Argument::SpreadElement(_))) {
        shape.opaque = true;
    }
    let Some(name) = call.callee.get_inner_expression().get_identifier_reference().map(|i| i.name.as_str()) else {
        return;
    };
    let mut args = call.arguments.iter().filter_map(Argument::as_expression);
    match name {
        "and" | "or" | "not" => {
            // Under `or`, a condition is one alternative; under `not`, no index use can be assumed.
            let within = match name {
                "or" => within.or(Some(FilterOp::Equals)),
                "not" => Some(FilterOp::Other),
                _ => within,
            };
            for arg in args {
                scan_condition(arg, shape, batch_set, within, depth + 1);
            }
        }
        _ => {
            let Some(column) = args.next().and_then(column_of) else {
                // `sql\`...\``, a helper's condition: not readable here.
                shape.opaque = true;
                return;
            };
            let operand = args.next();
            let op = match name {
                "eq" | "isNull" => FilterOp::Equals,
                "inArray" => {
                    shape.batched |= operand.is_some_and(batch_set);
                    FilterOp::In
                }
                "gt" | "gte" | "lt" | "lte" | "between" => FilterOp::Range,
                "like" | "ilike" => operand.map_or(FilterOp::Other, super::like_pattern),
                _ => FilterOp::Other,
            };
            let op = if within == Some(FilterOp::Other) { FilterOp::Other } else { op };
            shape.filters.push(Filter { column, op, alternative: within.is_some() });
        }
    }
}

/// `users.email` -> `email`; `desc(users.createdAt)` -> `createdAt`.
fn column_of(expr: &Expression<'_>) -> Option<String> {
    match expr.get_inner_expression() {
        Expression::StaticMemberExpression(member) => Some(member.property.name.to_string()),
        Expression::CallExpression(call) => call.arguments.first()?.as_expression().and_then(column_of),
        _ => None,
    }
}

/// The table object passed to `from`/`insert`: its binding name (`users`, `schema.users`).
fn table_name(arg: Option<&Argument<'_>>) -> Option<String> {
    match arg?.as_expression()?.get_inner_expression() {
        Expression::Identifier(ident) => Some(ident.name.to_string()),
        Expression::StaticMemberExpression(member) => Some(member.property.name.to_string()),
        _ => None,
    }
}
