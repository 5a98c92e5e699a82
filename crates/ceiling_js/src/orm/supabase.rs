//! supabase-js: `supabase.from('t').select()...`, `.insert/.update/.upsert/.delete`, `.rpc()`.

use ceiling_facts::{Operation, QueryApi};
use oxc_ast::ast::*;

use super::{Chain, Link, Shape, keys, object_arg, string_arg};

pub fn recognise<'a>(chain: &Chain<'_, 'a>, at: usize, batch_set: super::BatchSet<'_, 'a>) -> Option<Shape> {
    let links = &chain.links[at..];
    match links {
        [Link::Method("rpc", args), ..] => {
            let mut shape = Shape::new(QueryApi::SupabaseFrom, at, "rpc", Operation::Raw);
            shape.model = string_arg(args.first());
            Some(shape)
        }
        [Link::Method("from", table), Link::Method(method, args), rest @ ..] => {
            let rows = || args.first().and_then(Argument::as_expression).map(Expression::get_inner_expression);
            let single_row = matches!(rows(), Some(Expression::ObjectExpression(_)));
            let operation = match *method {
                "select" => {
                    let head_count =
                        object_arg(args.get(1)).is_some_and(|options| keys(options).iter().any(|k| k == "count"));
                    if head_count { Operation::Count } else { Operation::ReadMany }
                }
                "insert" if single_row => Operation::Create,
                "upsert" if single_row => Operation::Upsert,
                "insert" | "upsert" => Operation::BulkWrite,
                "update" => Operation::Update,
                "delete" => Operation::Delete,
                _ => return None,
            };
            let mut shape = Shape::new(QueryApi::SupabaseFrom, at, method, operation);
            shape.model = string_arg(table.first());
            if *method == "select"
                && let Some(columns) = string_arg(args.first())
            {
                // Embedded resources: `select('*, author:profiles(*)')`.
                shape.includes = columns
                    .split(',')
                    .filter(|part| part.contains('('))
                    .map(|part| part.trim().split(['(', ':', '!']).next().unwrap_or_default().to_owned())
                    .collect();
            }
            for link in rest {
                let Some((name, args)) = link.method() else { continue };
                match name {
                    "single" | "maybeSingle" => {
                        shape.bounded = true;
                        if shape.operation == Operation::ReadMany {
                            shape.operation = Operation::ReadOne;
                        }
                    }
                    "limit" | "range" => shape.bounded = true,
                    "order" => shape.sorts.extend(string_arg(args.first())),
                    "in" => {
                        shape.filters.extend(string_arg(args.first()));
                        if args.get(1).and_then(Argument::as_expression).is_some_and(batch_set) {
                            shape.batched = true;
                        }
                    }
                    "eq" | "neq" | "gt" | "gte" | "lt" | "lte" | "like" | "ilike" | "is" | "contains" | "filter"
                    | "textSearch" => shape.filters.extend(string_arg(args.first())),
                    "match" => shape.filters.extend(object_arg(args.first()).map(keys).unwrap_or_default()),
                    _ => {}
                }
            }
            Some(shape)
        }
        _ => None,
    }
}
