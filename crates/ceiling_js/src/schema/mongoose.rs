//! Mongoose: `const postSchema = new Schema({...})`, its `postSchema.index({...})` calls, and the
//! `model('Post', postSchema)` that gives it a collection.
//!
//! The collection is the model's third argument or the schema's `collection` option, else the
//! model name lower-cased and pluralized as Mongoose does. A schema no model is made of in this
//! file yields nothing: its collection is not known.

use ceiling_facts::{Column, Index, IndexKey, IndexKind, SchemaSource, Table};
use oxc_ast::ast::*;
use oxc_semantic::SymbolId;
use oxc_span::GetSpan;

use super::{Item, Module, argument, entries, is_true, last_name, object, pluralize, property, string};

const SOURCE: SchemaSource = SchemaSource::Mongoose;

/// Bound on the nesting of schema paths and of the expressions a model is looked for in.
const MAX_DEPTH: usize = 32;

pub(super) fn read<'a>(module: &Module<'_, 'a>, items: &[Item<'_, 'a>], tables: &mut Vec<Table>) {
    // Schemas by binding, with the collection their options name.
    let mut schemas: Vec<(SymbolId, Table)> = Vec::new();
    for item in items {
        match item {
            Item::Binding { symbol: Some(symbol), init, .. } => {
                if let Some(table) = schema(module, init) {
                    schemas.push((*symbol, table));
                }
            }
            Item::Expression(Expression::CallExpression(call)) => {
                if let Expression::StaticMemberExpression(callee) = call.callee.get_inner_expression()
                    && callee.property.name == "index"
                    && let Expression::Identifier(receiver) = callee.object.get_inner_expression()
                    && let Some(symbol) = module.symbol(receiver)
                    && let Some((_, table)) = schemas.iter_mut().find(|(known, _)| *known == symbol)
                {
                    index(module, table, call);
                }
            }
            _ => {}
        }
    }
    for item in items {
        let (expr, binding) = match item {
            Item::Binding { name, init, .. } => (*init, Some(*name)),
            Item::Expression(expr) => (*expr, None),
            Item::Class(_) => continue,
        };
        models(module, &schemas, expr, binding, tables, 0);
    }
}

/// `new Schema({...}, options)`, `new mongoose.Schema<IPost>(...)`: the schema as a table yet to be
/// named.
fn schema<'a>(module: &Module<'_, 'a>, expr: &Expression<'a>) -> Option<Table> {
    let (callee, arguments, start) = match expr.get_inner_expression() {
        Expression::NewExpression(new) => (&new.callee, &new.arguments, new.span.start),
        Expression::CallExpression(call) => (&call.callee, &call.arguments, call.span.start),
        _ => return None,
    };
    if module.imported(callee) != Some(("mongoose", "Schema")) {
        return None;
    }
    let definition = object(argument(arguments, 0))?;
    let options = object(argument(arguments, 1));
    let origin = module.origin(start, SOURCE);
    let mut table = Table::new(property(options, "collection").and_then(string).unwrap_or_default(), origin.clone());
    if !matches!(property(options, "_id"), Some(Expression::BooleanLiteral(literal)) if !literal.value) {
        table.add_column(Column {
            name: "_id".into(),
            field: None,
            ty: "ObjectId".into(),
            enumerated: false,
            origin: origin.clone(),
        });
        let keys = vec![IndexKey::column("_id")];
        table.add_index(Index { name: None, kind: IndexKind::PrimaryKey, keys, method: None, predicate: None, origin });
    }
    paths(module, &mut table, definition, "", 0);
    match property(options, "timestamps") {
        Some(Expression::BooleanLiteral(literal)) if literal.value => timestamps(&mut table, None),
        Some(Expression::ObjectExpression(names)) => timestamps(&mut table, Some(names)),
        _ => {}
    }
    Some(table)
}

/// The paths of a schema definition, nested objects flattened to `profile.email`.
fn paths<'a>(
    module: &Module<'_, 'a>,
    table: &mut Table,
    definition: &ObjectExpression<'a>,
    prefix: &str,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for (key, value, start) in entries(definition) {
        let name = format!("{prefix}{key}");
        let origin = module.origin(start, SOURCE);
        let (ty, options) = match value {
            // `tags: [String]`, `tags: [{ type: String, index: true }]`.
            Expression::ArrayExpression(array) => {
                let element = array.elements.first().and_then(|e| object(e.as_expression()));
                ("Array", element.filter(|element| property(Some(element), "type").is_some()))
            }
            // Nested paths, unless `type` declares the type; `type: { type: String }` is a
            // nested path named `type` (GeoJSON's `{ type: { type: String }, coordinates }`).
            Expression::ObjectExpression(nested) => match property(Some(nested), "type") {
                Some(ty) if property(object(Some(ty)), "type").is_none() => (type_name(ty), Some(&**nested)),
                _ => {
                    paths(module, table, nested, &format!("{name}."), depth + 1);
                    continue;
                }
            },
            other => (type_name(other), None),
        };
        // `{ type: String, enum: ['open', 'closed'] }` holds a handful of values too.
        let enumerated = super::few_values(ty) || property(options, "enum").is_some();
        table.add_column(Column {
            name: name.clone(),
            field: None,
            ty: ty.to_owned(),
            enumerated,
            origin: origin.clone(),
        });
        let keys = vec![IndexKey::column(&name)];
        let index = property(options, "index");
        let (kind, method) = if is_true(options, "unique") || is_true(object(index), "unique") {
            (IndexKind::Unique, None)
        } else if is_true(options, "text") {
            (IndexKind::Index, Some("text".to_owned()))
        } else {
            match index {
                Some(Expression::BooleanLiteral(literal)) if literal.value => (IndexKind::Index, None),
                Some(
                    Expression::NumericLiteral(_) | Expression::UnaryExpression(_) | Expression::ObjectExpression(_),
                ) => (IndexKind::Index, None),
                Some(other) => match string(other) {
                    Some(method) => (IndexKind::Index, Some(method.to_ascii_lowercase())),
                    None => continue,
                },
                None => continue,
            }
        };
        table.add_index(Index { name: None, kind, keys, method, predicate: None, origin });
    }
}

/// `String`, `Schema.Types.ObjectId` -> `ObjectId`, `'string'`.
fn type_name<'a>(ty: &Expression<'a>) -> &'a str {
    match ty.get_inner_expression() {
        Expression::ArrayExpression(_) => "Array",
        ty => string(ty).or_else(|| last_name(ty)).unwrap_or_default(),
    }
}

/// `timestamps: true` adds `createdAt` and `updatedAt`; `{ createdAt: 'created_at' }` renames one,
/// `{ updatedAt: false }` drops one.
fn timestamps(table: &mut Table, names: Option<&ObjectExpression<'_>>) {
    for field in ["createdAt", "updatedAt"] {
        let name = match property(names, field) {
            Some(Expression::BooleanLiteral(literal)) if !literal.value => continue,
            Some(renamed) => string(renamed).unwrap_or(field),
            None => field,
        };
        table.add_column(Column {
            name: name.to_owned(),
            field: None,
            ty: "Date".into(),
            enumerated: false,
            origin: table.origin.clone(),
        });
    }
}

/// `schema.index({ author: 1, createdAt: -1 }, { unique: true })`, `schema.index({ title: 'text' })`.
fn index<'a>(module: &Module<'_, 'a>, table: &mut Table, call: &CallExpression<'a>) {
    let Some(fields) = object(argument(&call.arguments, 0)) else { return };
    let options = object(argument(&call.arguments, 1));
    let mut method = None;
    let mut keys = Vec::new();
    for (field, direction, _) in entries(fields) {
        keys.push(IndexKey::column(field));
        // `'text'`, `'2dsphere'`, `'hashed'`: not an ordered index.
        if method.is_none() {
            method = string(direction).map(str::to_ascii_lowercase);
        }
    }
    table.add_index(Index {
        name: property(options, "name").and_then(string).map(str::to_owned),
        kind: if is_true(options, "unique") { IndexKind::Unique } else { IndexKind::Index },
        keys,
        method,
        predicate: property(options, "partialFilterExpression").map(|filter| module.text(filter.span()).to_owned()),
        origin: module.origin(call.span.start, SOURCE),
    });
}

/// The models `expr` makes: `model('Post', postSchema)`, also behind the `models.Post || ...` guard
/// of hot-reloaded apps.
fn models<'a>(
    module: &Module<'_, 'a>,
    schemas: &[(SymbolId, Table)],
    expr: &Expression<'a>,
    binding: Option<&str>,
    tables: &mut Vec<Table>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match expr.get_inner_expression() {
        Expression::LogicalExpression(logical) => {
            models(module, schemas, &logical.left, binding, tables, depth + 1);
            models(module, schemas, &logical.right, binding, tables, depth + 1);
        }
        Expression::ConditionalExpression(conditional) => {
            models(module, schemas, &conditional.consequent, binding, tables, depth + 1);
            models(module, schemas, &conditional.alternate, binding, tables, depth + 1);
        }
        Expression::CallExpression(call) => {
            if let Some(table) = model(module, schemas, call, binding) {
                tables.push(table);
            }
        }
        _ => {}
    }
}

fn model<'a>(
    module: &Module<'_, 'a>,
    schemas: &[(SymbolId, Table)],
    call: &CallExpression<'a>,
    binding: Option<&str>,
) -> Option<Table> {
    // `mongoose.model(...)`, `model(...)`, or `connection.model(...)` given a schema of this file.
    let is_model = match module.imported(&call.callee) {
        Some((from, export)) => from == "mongoose" && export == "model",
        None => matches!(call.callee.get_inner_expression(),
            Expression::StaticMemberExpression(member) if member.property.name == "model"),
    };
    if !is_model {
        return None;
    }
    let name = string(argument(&call.arguments, 0)?)?;
    let schema = argument(&call.arguments, 1)?;
    let mut table = match schema {
        Expression::Identifier(ident) => {
            let symbol = module.symbol(ident)?;
            schemas.iter().find(|(known, _)| *known == symbol)?.1.clone()
        }
        inline => self::schema(module, inline)?,
    };
    if let Some(collection) = argument(&call.arguments, 2).and_then(string) {
        table.name = collection.to_owned();
    } else if table.name.is_empty() {
        table.name = pluralize(&name.to_ascii_lowercase());
    }
    table.bindings.push(name.to_owned());
    if let Some(binding) = binding.filter(|binding| *binding != name) {
        table.bindings.push(binding.to_owned());
    }
    Some(table)
}
