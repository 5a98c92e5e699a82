//! Objection.js: `Model.query()...` and `Model.relatedQuery('rel')...`, on a class extending
//! objection's `Model`. The finishing methods say what the query does.

use ceiling_facts::{Operation, QueryApi};
use oxc_ast::ast::*;

use super::{Chain, Hints, Link, Shape, string_arg};

pub fn recognise<'a>(chain: &Chain<'_, 'a>, at: usize, hints: &Hints<'_, 'a>) -> Option<Shape> {
    let links = &chain.links[at..];
    let [Link::Method(start @ ("query" | "relatedQuery"), args), rest @ ..] = links else { return None };
    // `Model.query()` takes nothing or a transaction; `pool.query('SELECT ...')` is raw SQL.
    let sql_text = args.first().and_then(Argument::as_expression).map(Expression::get_inner_expression);
    if *start == "query" && matches!(sql_text, Some(Expression::StringLiteral(_) | Expression::TemplateLiteral(_))) {
        return None;
    }
    let mut shape = Shape::new(QueryApi::ObjectionQuery, at, start, Operation::ReadMany);
    for link in rest {
        let Some((method, args)) = link.method() else { continue };
        let rows = || args.first().and_then(Argument::as_expression).map(Expression::get_inner_expression);
        match method {
            "findById" | "findOne" | "first" => {
                shape.operation = Operation::ReadOne;
                shape.bounded = true;
            }
            "findByIds" => shape.batched = true,
            "insert" | "insertAndFetch" | "insertGraph" | "insertGraphAndFetch" => {
                shape.operation = if matches!(rows(), Some(Expression::ArrayExpression(_))) {
                    Operation::BulkWrite
                } else {
                    Operation::Create
                };
            }
            "patch" | "update" | "patchAndFetchById" | "updateAndFetchById" | "patchAndFetch" | "updateAndFetch"
            | "increment" | "decrement" => shape.operation = Operation::Update,
            "delete" | "deleteById" => shape.operation = Operation::Delete,
            "upsertGraph" | "upsertGraphAndFetch" => shape.operation = Operation::Upsert,
            "resultSize" | "count" => shape.operation = Operation::Count,
            "limit" | "page" => shape.bounded = true,
            "where" | "andWhere" | "orWhere" | "whereIn" | "orWhereIn" | "whereLike" | "whereILike" | "whereNull"
            | "whereBetween" | "whereNot" | "whereNotIn" => {
                super::where_call(method, args, hints.batch_set, &mut shape)
            }
            "offset" => {
                shape.offset |= args.first().and_then(Argument::as_expression).is_some_and(super::is_runtime_number);
            }
            "orderBy" => shape.sorts.extend(string_arg(args.first())),
            "withGraphFetched" | "withGraphJoined" => shape.includes.extend(string_arg(args.first())),
            _ => {}
        }
        shape.method = method.to_owned();
    }
    Some(shape)
}
