//! Knex: `knex('t').where(...).first()`, `knex.select().from('t')`, `knex('t').insert(rows)`, `knex.raw()`.

use ceiling_facts::{Operation, QueryApi};
use oxc_ast::ast::*;

use super::{Chain, Link, Shape, string_arg};

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
            "where" | "andWhere" | "orWhere" | "whereIn" | "orWhereIn" | "whereLike" | "whereILike" | "orWhereLike"
            | "orWhereILike" | "whereBetween" | "whereNull" | "whereNot" | "whereNotIn" => {
                super::where_call(method, args, hints.batch_set, &mut shape);
            }
            "offset" => shape.offset |= first().is_some_and(super::is_runtime_number),
            "orderBy" => shape.sorts.extend(string_arg(args.first())),
            "onConflict" if shape.operation == Operation::Create => shape.operation = Operation::Upsert,
            _ => {}
        }
        shape.method = method.to_owned();
    }
    // `knex('t')` alone builds a query; a chain that names no table and does nothing is not one.
    (shape.model.is_some() || shape.operation != Operation::ReadMany).then_some(shape)
}
