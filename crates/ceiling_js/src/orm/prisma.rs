//! Prisma: `client.<model>.<operation>(args)` and `client.$queryRaw`.

use ceiling_facts::{Operation, QueryApi};

use super::{Chain, Link, Shape, keys, object_arg, property};

pub fn recognise<'a>(chain: &Chain<'_, 'a>, at: usize, hints: &super::Hints<'_, 'a>) -> Option<Shape> {
    match (chain.links.get(at)?, chain.links.get(at + 1)) {
        (Link::Method(raw, _), _) if raw.starts_with("$queryRaw") || raw.starts_with("$executeRaw") => {
            let mut shape = Shape::new(QueryApi::PrismaDelegate, at, raw, Operation::Raw);
            shape.opaque = true;
            Some(shape)
        }
        (Link::Property(model), Some(Link::Method(method, args))) if !model.starts_with('$') => {
            let operation = operation(method)?;
            let mut shape = Shape::new(QueryApi::PrismaDelegate, at, method, operation);
            shape.model = Some((*model).to_owned());
            shape.bounded = matches!(operation, Operation::ReadOne);
            // `findMany(query)`: options built elsewhere.
            shape.opaque = !args.is_empty() && object_arg(args.first()).is_none();
            shape.limit_unknown = shape.opaque;
            if let Some(options) = object_arg(args.first()) {
                shape.opaque |= super::has_spread(options);
                shape.limit_unknown |= super::has_spread(options);
                match property(options, "where").map(|w| w.get_inner_expression()) {
                    Some(oxc_ast::ast::Expression::ObjectExpression(where_)) => {
                        (shape.filters, shape.batched, shape.opaque) =
                            super::filter_object(where_, &["in"], hints.batch_set);
                        shape.opaque |= super::has_spread(options);
                    }
                    // `where: buildWhere(id)`: a filter, not known here.
                    Some(_) => shape.opaque = true,
                    None => {}
                }
                shape.bounded |= property(options, "take").is_some();
                shape.offset = property(options, "skip").is_some_and(super::is_runtime_number);
                match property(options, "orderBy").map(|o| o.get_inner_expression()) {
                    Some(oxc_ast::ast::Expression::ObjectExpression(order)) => shape.sorts = keys(order),
                    // `orderBy: [{ pinned: 'desc' }, { createdAt: 'desc' }]`
                    Some(oxc_ast::ast::Expression::ArrayExpression(orders)) => {
                        shape.sorts = orders
                            .elements
                            .iter()
                            .filter_map(|element| match element.as_expression()?.get_inner_expression() {
                                oxc_ast::ast::Expression::ObjectExpression(order) => Some(keys(order)),
                                _ => None,
                            })
                            .flatten()
                            .collect();
                    }
                    _ => {}
                }
                for key in ["include", "select"] {
                    if let Some(oxc_ast::ast::Expression::ObjectExpression(relations)) =
                        property(options, key).map(|o| o.get_inner_expression())
                    {
                        shape.includes.extend(keys(relations).into_iter().filter(|relation| {
                            key == "include"
                                || property(relations, relation).is_some_and(|v| {
                                    matches!(v.get_inner_expression(), oxc_ast::ast::Expression::ObjectExpression(_))
                                })
                        }));
                    }
                }
            }
            Some(shape)
        }
        _ => None,
    }
}

fn operation(method: &str) -> Option<Operation> {
    Some(match method {
        "findUnique" | "findUniqueOrThrow" | "findFirst" | "findFirstOrThrow" => Operation::ReadOne,
        "findMany" => Operation::ReadMany,
        "count" => Operation::Count,
        "aggregate" | "groupBy" => Operation::Aggregate,
        "create" => Operation::Create,
        "update" => Operation::Update,
        "upsert" => Operation::Upsert,
        "delete" => Operation::Delete,
        "createMany" | "createManyAndReturn" | "updateMany" | "updateManyAndReturn" | "deleteMany" => {
            Operation::BulkWrite
        }
        _ => return None,
    })
}
