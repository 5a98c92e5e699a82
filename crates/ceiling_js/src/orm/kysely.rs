//! Kysely: `db.selectFrom('t')...execute()`, `insertInto`, `updateTable`, `deleteFrom`. A builder
//! runs only when executed, so a chain without `execute*` is not a query.

use ceiling_facts::{Operation, QueryApi};
use oxc_ast::ast::*;

use super::{Chain, Hints, Link, Shape, string_arg};

pub fn recognise<'a>(chain: &Chain<'_, 'a>, at: usize, hints: &Hints<'_, 'a>) -> Option<Shape> {
    let links = &chain.links[at..];
    let [Link::Method(start, table), rest @ ..] = links else { return None };
    let executed =
        rest.iter().filter_map(Link::method).map(|(name, _)| name).find(|name| name.starts_with("execute"))?;
    let rows = rest.iter().find_map(|link| match link.method() {
        Some(("values", args)) => args.first(),
        _ => None,
    });
    let operation = match *start {
        "selectFrom" if executed.starts_with("executeTakeFirst") => Operation::ReadOne,
        "selectFrom" => Operation::ReadMany,
        "insertInto" | "replaceInto" if super::one_row(rows, hints) => Operation::Create,
        "insertInto" | "replaceInto" => Operation::BulkWrite,
        "updateTable" => Operation::Update,
        "deleteFrom" => Operation::Delete,
        _ => return None,
    };
    let mut shape = Shape::new(QueryApi::KyselyBuilder, at, start, operation);
    shape.model = string_arg(table.first()).map(|t| t.split_whitespace().next().unwrap_or_default().to_owned());
    shape.bounded = operation == Operation::ReadOne;
    for link in rest {
        let Some((method, args)) = link.method() else { continue };
        match method {
            "where" | "orWhere" => super::where_call(method, args, hints.batch_set, &mut shape),
            "offset" => {
                shape.offset |= args.first().and_then(Argument::as_expression).is_some_and(super::is_runtime_number);
            }
            "orderBy" => shape.sorts.extend(string_arg(args.first())),
            "limit" => shape.bounded = true,
            "onConflict" if shape.operation == Operation::Create => shape.operation = Operation::Upsert,
            _ => {}
        }
    }
    Some(shape)
}
