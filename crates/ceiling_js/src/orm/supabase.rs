//! supabase-js: `supabase.from('t').select()...`, `.insert/.update/.upsert/.delete`, `.rpc()`.

use ceiling_facts::{Filter, FilterOp, Operation, QueryApi};
use oxc_ast::ast::*;

use super::{Chain, Link, Shape, keys, object_arg, string_arg};

pub fn recognise<'a>(chain: &Chain<'_, 'a>, at: usize, hints: &super::Hints<'_, 'a>) -> Option<Shape> {
    let links = &chain.links[at..];
    match links {
        [Link::Method("rpc", args), ..] => {
            // A database function says by its name whether it writes (`update_user_balance`).
            let function = string_arg(args.first());
            let writes = function.as_deref().is_some_and(|name| {
                let name = name.to_ascii_lowercase();
                ["insert", "update", "upsert", "delete", "create", "set", "add", "remove", "increment", "decrement"]
                    .iter()
                    .any(|verb| name.starts_with(&format!("{verb}_")) || name.starts_with(&format!("admin_{verb}_")))
            });
            let operation = if writes { Operation::Update } else { Operation::Raw };
            let mut shape = Shape::new(QueryApi::SupabaseFrom, at, "rpc", operation);
            shape.model = function;
            Some(shape)
        }
        [Link::Method("from", table), Link::Method(method, args), rest @ ..] => {
            let single_row = super::one_row(args.first(), hints);
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
                    "limit" => shape.bounded = true,
                    "range" => {
                        shape.bounded = true;
                        shape.offset |=
                            args.first().and_then(Argument::as_expression).is_some_and(super::is_runtime_number);
                    }
                    "order" => shape.sorts.extend(string_arg(args.first())),
                    "in" => {
                        if args.get(1).and_then(Argument::as_expression).is_some_and(hints.batch_set) {
                            shape.batched = true;
                        }
                        shape.filters.extend(string_arg(args.first()).map(|column| Filter::new(column, FilterOp::In)));
                    }
                    "eq" | "is" | "gt" | "gte" | "lt" | "lte" | "like" | "ilike" | "neq" | "contains" | "filter"
                    | "textSearch" => {
                        let op = match name {
                            "eq" | "is" => FilterOp::Equals,
                            "gt" | "gte" | "lt" | "lte" => FilterOp::Range,
                            "like" | "ilike" => args
                                .get(1)
                                .and_then(Argument::as_expression)
                                .map_or(FilterOp::Other, super::like_pattern),
                            _ => FilterOp::Other,
                        };
                        shape.filters.extend(string_arg(args.first()).map(|column| Filter::new(column, op)));
                    }
                    // Conditions in PostgREST's own syntax: not read.
                    "or" | "not" => shape.opaque = true,
                    "match" => shape.filters.extend(
                        object_arg(args.first())
                            .map(keys)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|column| Filter::new(column, FilterOp::Equals)),
                    ),
                    _ => {}
                }
            }
            Some(shape)
        }
        _ => None,
    }
}
