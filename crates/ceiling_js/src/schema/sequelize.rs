//! Sequelize: `sequelize.define('Post', attributes, options)` and `class Post extends Model {}` with
//! `Post.init(attributes, options)`.
//!
//! The table is `tableName` when given, else the model name (`freezeTableName`) or its English
//! plural (`Posts`, snake_cased under `underscored`), as Sequelize derives it. Options given once
//! for all models (`new Sequelize(..., { define })`) live elsewhere and are not seen.

use ceiling_facts::{Column, ForeignKey, Index, IndexKey, IndexKind, Origin, SchemaSource, Table};
use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_span::GetSpan;

use super::{Item, Module, argument, entries, is_true, last_name, object, pluralize, property, snake_case, string};

const SOURCE: SchemaSource = SchemaSource::Sequelize;

pub(super) fn is_module(module: &str) -> bool {
    matches!(module, "sequelize" | "sequelize-typescript")
}

pub(super) fn read<'a>(module: &Module<'_, 'a>, items: &[Item<'_, 'a>], tables: &mut Vec<Table>) {
    let first = tables.len();
    let imported = module.imports_any(is_module);
    let mut references = Vec::new();
    for item in items {
        let (expr, binding) = match item {
            Item::Binding { name, init, .. } => (*init, Some(*name)),
            Item::Expression(expr) => (*expr, None),
            Item::Class(_) => continue,
        };
        let Expression::CallExpression(call) = expr else { continue };
        let Expression::StaticMemberExpression(callee) = call.callee.get_inner_expression() else { continue };
        let (name, bindings, arguments) = match callee.property.name.as_str() {
            // Without an import of Sequelize, the receiver's name has to say it: the factory
            // `(sequelize, DataTypes) => sequelize.define(...)`.
            "define"
                if imported
                    || last_name(&callee.object).is_some_and(|n| n.to_ascii_lowercase().contains("sequelize")) =>
            {
                let Some(name) = argument(&call.arguments, 0).and_then(string) else { continue };
                (name, [Some(name), binding], call.arguments.get(1..).unwrap_or_default())
            }
            "init" => {
                let Some(class) = model_class(module, &callee.object) else { continue };
                let options = object(argument(&call.arguments, 1));
                let name = property(options, "modelName").and_then(string).unwrap_or(class);
                (name, [Some(name), Some(class)], call.arguments.as_slice())
            }
            _ => continue,
        };
        let Some(attributes) = object(argument(arguments, 0)) else { continue };
        let options = object(argument(arguments, 1));
        let mut table = model(module, name, attributes, options, call.span.start, tables.len(), &mut references);
        for binding in bindings.into_iter().flatten() {
            if !table.bindings.iter().any(|known| known == binding) {
                table.bindings.push(binding.to_owned());
            }
        }
        tables.push(table);
    }
    for (at, key, target) in references {
        // A model declared in another file is named by its binding, which `Schema::table_for`
        // resolves once every file's tables are merged.
        let declared = tables[first..].iter().find(|table| table.bindings.iter().any(|binding| binding == target));
        let references_table = declared.map_or_else(|| target.to_owned(), |table| table.name.clone());
        if let Some(table) = tables.get_mut(at) {
            table.add_foreign_key(ForeignKey { references_table, ..key });
        }
    }
}

/// The class `Post` in `Post.init(...)`, when it extends Sequelize's `Model`.
fn model_class<'a>(module: &Module<'_, 'a>, receiver: &Expression<'a>) -> Option<&'a str> {
    let Expression::Identifier(ident) = receiver.get_inner_expression() else { return None };
    let AstKind::Class(class) = module.semantic.symbol_declaration(module.symbol(ident)?).kind() else {
        return None;
    };
    let base = &class.heritage.as_ref()?.expression;
    let is_model = match module.imported(base) {
        Some((from, "Model")) => is_module(from),
        // `Sequelize.Model`, through the `Sequelize` class.
        _ => match base.get_inner_expression() {
            Expression::StaticMemberExpression(member) if member.property.name == "Model" => {
                matches!(member.object.get_inner_expression(), Expression::Identifier(object)
                    if module.symbol(object).and_then(|s| module.imports.get(&s)).is_some_and(|i| is_module(i.module)))
            }
            _ => false,
        },
    };
    is_model.then(|| class.id.as_ref().map(|id| id.name.as_str())).flatten()
}

fn model<'a>(
    module: &Module<'_, 'a>,
    name: &str,
    attributes: &ObjectExpression<'a>,
    options: Option<&ObjectExpression<'a>>,
    start: u32,
    at: usize,
    references: &mut Vec<(usize, ForeignKey, &'a str)>,
) -> Table {
    let underscored = is_true(options, "underscored");
    let table_name = match property(options, "tableName").and_then(string) {
        Some(table_name) => table_name.to_owned(),
        None if is_true(options, "freezeTableName") => name.to_owned(),
        None if underscored => snake_case(&pluralize(name)),
        None => pluralize(name),
    };
    let mut table = Table::new(table_name, module.origin(start, SOURCE));
    let column_name = |field: &str| if underscored { snake_case(field) } else { field.to_owned() };
    let mut primary = Vec::new();
    // Composite unique constraints by name: `unique: 'author_slug'` on several attributes.
    let mut uniques: Vec<(Option<&str>, Vec<IndexKey>, Origin)> = Vec::new();
    for (field, value, start) in entries(attributes) {
        let definition = object(Some(value));
        let ty = match definition {
            Some(_) => property(definition, "type").and_then(last_name),
            None => last_name(value),
        };
        if ty == Some("VIRTUAL") {
            continue;
        }
        let name = property(definition, "field").and_then(string).map_or_else(|| column_name(&field), str::to_owned);
        let origin = module.origin(start, SOURCE);
        table.add_column(Column {
            name: name.clone(),
            field: (name != field).then(|| field.to_string()),
            ty: ty.unwrap_or_default().to_owned(),
            enumerated: ty.is_some_and(super::few_values),
            origin: origin.clone(),
        });
        if is_true(definition, "primaryKey") {
            primary.push((IndexKey::column(&name), origin.clone()));
        }
        let unique = match property(definition, "unique") {
            Some(Expression::BooleanLiteral(literal)) if literal.value => Some(None),
            Some(Expression::ObjectExpression(unique)) => Some(property(Some(unique), "name").and_then(string)),
            Some(other) => string(other).map(Some),
            None => None,
        };
        match (unique, uniques.iter_mut().find(|(known, _, _)| known.is_some() && *known == unique.flatten())) {
            (Some(_), Some((_, keys, _))) => keys.push(IndexKey::column(&name)),
            (Some(constraint), None) => uniques.push((constraint, vec![IndexKey::column(&name)], origin.clone())),
            (None, _) => {}
        }
        if let Some(target) = object(property(definition, "references")) {
            let referenced = property(Some(target), "key").and_then(string).unwrap_or("id");
            let key = ForeignKey {
                columns: vec![name.clone()],
                references_table: String::new(),
                references_columns: vec![referenced.to_owned()],
                enforced: true,
                origin,
            };
            // `model: 'users'` names the table; `model: User` the model.
            if let Some(model) = property(Some(target), "model") {
                match string(model) {
                    Some(table_name) => {
                        table.add_foreign_key(ForeignKey { references_table: table_name.to_owned(), ..key })
                    }
                    None => references.extend(last_name(model).map(|model| (at, key, model))),
                }
            }
        }
    }
    if primary.is_empty() {
        // Sequelize adds `id INTEGER` as the primary key of a model that declares none.
        let origin = table.origin.clone();
        table.add_column(Column {
            name: "id".into(),
            field: None,
            ty: "INTEGER".into(),
            enumerated: false,
            origin: origin.clone(),
        });
        primary.push((IndexKey::column("id"), origin));
    }
    let origin = primary.first().map(|(_, origin)| origin.clone()).unwrap_or_else(|| table.origin.clone());
    let keys = primary.into_iter().map(|(key, _)| key).collect();
    table.add_index(Index { name: None, kind: IndexKind::PrimaryKey, keys, method: None, predicate: None, origin });
    for (name, keys, origin) in uniques {
        let name = name.map(str::to_owned);
        table.add_index(Index { name, kind: IndexKind::Unique, keys, method: None, predicate: None, origin });
    }
    timestamps(&mut table, options, underscored);
    if let Some(Expression::ArrayExpression(indexes)) = property(options, "indexes") {
        for index in indexes.elements.iter().filter_map(|e| object(e.as_expression())) {
            if let Some(index) = self::index(module, &table, index) {
                table.add_index(index);
            }
        }
    }
    table
}

/// `createdAt` and `updatedAt` unless `timestamps: false`, `deletedAt` under `paranoid`; each may
/// be renamed or turned off by its own option.
fn timestamps(table: &mut Table, options: Option<&ObjectExpression<'_>>, underscored: bool) {
    if matches!(property(options, "timestamps"), Some(Expression::BooleanLiteral(literal)) if !literal.value) {
        return;
    }
    let paranoid = is_true(options, "paranoid");
    for field in ["createdAt", "updatedAt", "deletedAt"] {
        if field == "deletedAt" && !paranoid {
            continue;
        }
        let name = match property(options, field) {
            Some(Expression::BooleanLiteral(literal)) if !literal.value => continue,
            Some(renamed) => string(renamed).map(str::to_owned),
            None => None,
        };
        let name = name.unwrap_or_else(|| if underscored { snake_case(field) } else { field.to_owned() });
        let field = (name != field).then(|| field.to_owned());
        table.add_column(Column { name, field, ty: "DATE".into(), enumerated: false, origin: table.origin.clone() });
    }
}

/// One entry of `indexes`: `{ fields: ['authorId', { name: 'title', operator: 'gin_trgm_ops' }],
/// unique, using: 'gin', where, name }`.
fn index<'a>(module: &Module<'_, 'a>, table: &Table, index: &ObjectExpression<'a>) -> Option<Index> {
    let Some(Expression::ArrayExpression(fields)) = property(Some(index), "fields") else { return None };
    let operator = property(Some(index), "operator").and_then(string);
    let column = |field: &str| table.column(field).map_or_else(|| field.to_owned(), |column| column.name.clone());
    let keys = fields
        .elements
        .iter()
        .filter_map(|field| field.as_expression().map(Expression::get_inner_expression))
        .map(|field| match (string(field), object(Some(field))) {
            (Some(field), _) => IndexKey::Column { name: column(field), opclass: operator.map(str::to_owned) },
            (None, Some(field)) => {
                match property(Some(field), "name").or(property(Some(field), "attribute")).and_then(string) {
                    Some(name) => IndexKey::Column {
                        name: column(name),
                        opclass: property(Some(field), "operator").and_then(string).or(operator).map(str::to_owned),
                    },
                    None => IndexKey::Expression(module.text(field.span()).to_owned()),
                }
            }
            // `sequelize.fn('lower', sequelize.col('email'))`.
            _ => IndexKey::Expression(module.text(field.span()).to_owned()),
        })
        .collect();
    let unique = is_true(Some(index), "unique")
        || property(Some(index), "type").and_then(string).is_some_and(|ty| ty.eq_ignore_ascii_case("unique"));
    let method = property(Some(index), "using")
        .or(property(Some(index), "method"))
        .and_then(string)
        .map(str::to_ascii_lowercase)
        .filter(|method| method != "btree");
    let origin = module.origin(index.span.start, SOURCE);
    Some(Index {
        name: property(Some(index), "name").and_then(string).map(str::to_owned),
        kind: if unique { IndexKind::Unique } else { IndexKind::Index },
        keys,
        method,
        predicate: property(Some(index), "where").map(|predicate| module.text(predicate.span()).to_owned()),
        origin,
    })
}
