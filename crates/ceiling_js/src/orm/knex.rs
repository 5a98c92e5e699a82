//! Knex: `knex('t').where(...).first()`, `knex.select().from('t')`, `knex('t').insert(rows)`, `knex.raw()`.

use ceiling_facts::{Operation, QueryApi};
use oxc_ast::ast::*;

use super::{Chain, Link, Shape, keys, string_arg};

pub fn recognise<'a>(chain: &Chain<'_, 'a>, at: usize, hints: &super::Hints<'_, 'a>) -> Option<Shape> {
    let links = &chain.links[at..];
    let (table, rest) = match links {
        [Link::Call(args), rest @ ..] => (string_arg(args.first()), rest),
        [Link::Method("raw", _), ..] => return Some(Shape::new(QueryApi::KnexBuilder, at, "raw", Operation::Raw)),
        [Link::Method("select" | "from" | "insert" | "update" | "table", _), ..] => (None, links),
        _ => return None,
    };
    let mut shape = Shape::new(QueryApi::KnexBuilder, at, "select", Operation::ReadMany);
    shape.model = table;
    for link in rest {
        let Some((method, args)) = link.method() else { continue };
        let first = || args.first().and_then(Argument::as_expression).map(Expression::get_inner_expression);
        match method {
            "from" | "into" | "table" => shape.model = shape.model.take().or_else(|| string_arg(args.first())),
            "first" => {
                shape.operation = Operation::ReadOne;
                shape.bounded = true;
            }
            "limit" => shape.bounded = true,
            "count" | "countDistinct" => shape.operation = Operation::Count,
            "sum" | "avg" | "min" | "max" => shape.operation = Operation::Aggregate,
            "insert" => {
                shape.operation =
                    if super::one_row(args.first(), hints) { Operation::Create } else { Operation::BulkWrite };
            }
            "update" | "increment" | "decrement" => shape.operation = Operation::Update,
            "del" | "delete" => shape.operation = Operation::Delete,
            "where" | "andWhere" | "orWhere" => match first() {
                Some(Expression::ObjectExpression(object)) => shape.filters.extend(keys(object)),
                _ => shape.filters.extend(string_arg(args.first())),
            },
            "whereIn" => {
                shape.filters.extend(string_arg(args.first()));
                if args.get(1).and_then(Argument::as_expression).is_some_and(hints.batch_set) {
                    shape.batched = true;
                }
            }
            "orderBy" => shape.sorts.extend(string_arg(args.first())),
            "onConflict" if shape.operation == Operation::Create => shape.operation = Operation::Upsert,
            _ => {}
        }
        shape.method = method.to_owned();
    }
    // `knex('t')` alone builds a query; a chain that names no table and does nothing is not one.
    (shape.model.is_some() || shape.operation != Operation::ReadMany).then_some(shape)
}
