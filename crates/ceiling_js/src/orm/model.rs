//! Model and repository methods: Sequelize (`User.findAll`), Mongoose (`User.find`), TypeORM
//! repositories (`repo.findOneBy`) and entity managers (`manager.find(User, ...)`).

use ceiling_facts::{Operation, QueryApi};
use oxc_ast::ast::*;

use super::{Chain, Shape, object_arg, property, string_arg};

pub fn recognise<'a>(chain: &Chain<'_, 'a>, at: usize, hints: &super::Hints<'_, 'a>) -> Option<Shape> {
    let (method, args) = chain.links.get(at)?.method()?;
    let operation = operation(method, args)?;
    let mut shape = Shape::new(QueryApi::ModelMethod, at, method, operation);
    shape.bounded = operation == Operation::ReadOne;
    // TypeORM: `ds.getRepository(User).findOneBy(...)` and `manager.findOneBy(User, {...})` name
    // the entity; the rest of the arguments are as for a repository.
    let mut args = args;
    if let Some(Expression::Identifier(entity)) =
        args.first().and_then(Argument::as_expression).map(Expression::get_inner_expression)
        && args.len() >= 2
    {
        shape.model = Some(entity.name.to_string());
        args = &args[1..];
    } else if let Some(Some((_, [entity]))) = at.checked_sub(1).map(|before| chain.links[before].method())
        && let Some(Expression::Identifier(entity)) = entity.as_expression().map(Expression::get_inner_expression)
    {
        shape.model = Some(entity.name.to_string());
    }
    // Sequelize's `Model.update(values, { where })` and `increment(fields, { where })` filter in
    // their second argument.
    let options_at = usize::from(
        matches!(method, "update" | "increment" | "decrement")
            && object_arg(args.get(1)).is_some_and(|options| property(options, "where").is_some()),
    );
    // Sequelize and TypeORM take `{ where, limit/take, include/relations }`; Mongoose and
    // TypeORM's `*By` methods take the filter itself. Rows to create are no filter.
    let creates = matches!(operation, Operation::Create | Operation::Upsert | Operation::BulkWrite)
        && !matches!(method, "updateMany" | "deleteMany");
    shape.opaque = !creates && args.get(options_at).is_some() && object_arg(args.get(options_at)).is_none();
    shape.limit_unknown = shape.opaque;
    if let Some(options) = object_arg(args.get(options_at)).filter(|_| !creates) {
        let filter = match property(options, "where").map(Expression::get_inner_expression) {
            Some(Expression::ObjectExpression(filter)) => Some(&**filter),
            Some(_) => {
                shape.opaque = true;
                None
            }
            None if property(options, "limit").is_none() && property(options, "take").is_none() => Some(options),
            None => None,
        };
        if let Some(filter) = filter {
            let opaque;
            (shape.filters, shape.batched, opaque) = super::filter_object(filter, &["in", "$in"], hints.batch_set);
            shape.opaque |= opaque;
        }
        shape.opaque |= super::has_spread(options);
        shape.limit_unknown |= super::has_spread(options);
        shape.bounded |= property(options, "limit").is_some() || property(options, "take").is_some();
        shape.offset =
            property(options, "offset").or_else(|| property(options, "skip")).is_some_and(super::is_runtime_number);
        if let Some(include) = property(options, "include").or_else(|| property(options, "relations")) {
            shape.includes.push(source_name(include));
        }
    }
    for link in &chain.links[at + 1..] {
        let Some((name, args)) = link.method() else { continue };
        match name {
            "limit" => shape.bounded = true,
            "skip" => {
                shape.offset |= args.first().and_then(Argument::as_expression).is_some_and(super::is_runtime_number)
            }
            "populate" => shape.includes.extend(string_arg(args.first())),
            "sort" => shape.sorts.extend(object_arg(args.first()).map(super::keys).unwrap_or_default()),
            _ => {}
        }
    }
    if matches!(method, "bulkCreate" | "insertMany" | "bulkWrite") {
        shape.operation = Operation::BulkWrite;
    }
    Some(shape)
}

/// Model methods that run a query. `create` is a query in Sequelize and Mongoose; TypeORM's
/// `repository.create()` only builds an entity, which the project model sorts out by ORM.
pub fn operation(method: &str, args: &[Argument<'_>]) -> Option<Operation> {
    let first = args.first().and_then(Argument::as_expression).map(Expression::get_inner_expression);
    let many_rows = matches!(first, Some(Expression::ArrayExpression(_)));
    Some(match method {
        "findOne" | "findOneBy" | "findOneOrFail" | "findOneByOrFail" | "findByPk" | "findById" | "exists"
        | "exist" | "existsBy" => Operation::ReadOne,
        "find" | "findAll" | "findBy" | "findAndCount" | "findAndCountAll" | "findAndCountBy" | "distinct" => {
            Operation::ReadMany
        }
        "count" | "countBy" | "countDocuments" | "estimatedDocumentCount" => Operation::Count,
        "aggregate" | "sum" | "max" | "min" | "average" => Operation::Aggregate,
        "create" | "insert" | "save" if many_rows => Operation::BulkWrite,
        "create" | "insert" => Operation::Create,
        "save" | "upsert" => Operation::Upsert,
        "update" | "updateOne" | "findOneAndUpdate" | "findByIdAndUpdate" | "findOneAndReplace" | "replaceOne"
        | "increment" | "decrement" => Operation::Update,
        "destroy" | "delete" | "deleteOne" | "remove" | "softDelete" | "softRemove" | "findByIdAndDelete"
        | "findOneAndDelete" | "findByIdAndRemove" => Operation::Delete,
        "updateMany" | "deleteMany" | "bulkCreate" | "insertMany" | "bulkWrite" => Operation::BulkWrite,
        _ => return None,
    })
}

fn source_name(expr: &Expression<'_>) -> String {
    match expr.get_inner_expression() {
        Expression::Identifier(ident) => ident.name.to_string(),
        Expression::StringLiteral(literal) => literal.value.to_string(),
        _ => "relations".to_owned(),
    }
}
