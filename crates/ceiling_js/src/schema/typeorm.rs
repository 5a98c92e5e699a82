//! TypeORM: `@Entity()` classes, their column, index and relation decorators.
//!
//! Names follow TypeORM's `DefaultNamingStrategy`: a table is the snake_case of its class unless
//! named, a column keeps its property name unless named, a join column is the camelCase of
//! `<relation>_<referenced column>` (`authorId`). A custom naming strategy is not seen.

use ceiling_facts::{Column, ForeignKey, Index, IndexKey, IndexKind, Origin, SchemaSource, Table};
use oxc_ast::ast::*;
use oxc_span::GetSpan;
use rustc_hash::FxHashMap;

use super::{Item, Module, argument, is_true, key_name, object, options, property, returned, snake_case, string};

const SOURCE: SchemaSource = SchemaSource::TypeOrm;

/// Bound on the chain of base classes followed for inherited columns.
const MAX_BASES: usize = 8;

pub(super) fn read<'a>(module: &Module<'_, 'a>, items: &[Item<'_, 'a>], tables: &mut Vec<Table>) {
    let classes: FxHashMap<&str, &Class<'a>> = items
        .iter()
        .filter_map(|item| match item {
            Item::Class(class) => Some((class.id.as_ref()?.name.as_str(), *class)),
            _ => None,
        })
        .collect();
    let mut entities: Vec<Entity<'a>> = items
        .iter()
        .filter_map(|item| if let Item::Class(class) = item { entity(module, class, &classes) } else { None })
        .collect();
    // Relations need their target's table and primary key, indexes their relations' columns.
    let joins: Vec<Vec<(Vec<String>, ForeignKey, bool)>> =
        entities.iter().map(|entity| entity.relations.iter().map(|r| join(r, &entities)).collect()).collect();
    for (entity, joins) in entities.iter_mut().zip(joins) {
        for (relation, (columns, key, one_to_one)) in entity.relations.iter_mut().zip(joins) {
            for column in &columns {
                entity.table.add_column(Column {
                    name: column.clone(),
                    field: None,
                    ty: String::new(),
                    enumerated: false,
                    origin: relation.origin.clone(),
                });
            }
            // The owner side of a one-to-one relation is unique.
            if one_to_one {
                let keys = columns.iter().map(IndexKey::column).collect();
                entity.table.add_index(Index {
                    name: None,
                    kind: IndexKind::Unique,
                    keys,
                    method: None,
                    predicate: None,
                    origin: relation.origin.clone(),
                });
            }
            relation.columns = columns;
            entity.table.add_foreign_key(key);
        }
        for (mut index, properties) in std::mem::take(&mut entity.indexes) {
            for property in properties {
                let columns = match entity.relations.iter().find(|relation| relation.property == property) {
                    Some(relation) => relation.columns.clone(),
                    None => vec![entity.table.column(property).map_or_else(|| property.to_owned(), |c| c.name.clone())],
                };
                index.keys.extend(columns.into_iter().map(IndexKey::column));
            }
            entity.table.add_index(index);
        }
    }
    tables.extend(entities.into_iter().map(|entity| entity.table));
}

struct Entity<'a> {
    table: Table,
    class: &'a str,
    relations: Vec<Relation<'a>>,
    /// Indexes over properties, whose columns are known once relations have theirs.
    indexes: Vec<(Index, Vec<&'a str>)>,
}

/// A `@ManyToOne`, or a `@OneToOne` that owns its `@JoinColumn`.
struct Relation<'a> {
    property: &'a str,
    /// The target entity's class.
    target: &'a str,
    /// `(name, referencedColumnName)` of each `@JoinColumn`; one default column when none.
    joins: Vec<(Option<&'a str>, Option<&'a str>)>,
    one_to_one: bool,
    origin: Origin,
    /// The join columns, once resolved.
    columns: Vec<String>,
}

/// A decorator imported from `typeorm`: its export and arguments (none for `@Foo` uncalled).
fn decorator<'r, 'a>(module: &Module<'_, 'a>, decorator: &'r Decorator<'a>) -> Option<(&'a str, &'r [Argument<'a>])> {
    let (callee, arguments) = match decorator.expression.get_inner_expression() {
        Expression::CallExpression(call) => (&call.callee, call.arguments.as_slice()),
        callee => (callee, [].as_slice()),
    };
    match module.imported(callee)? {
        ("typeorm", export) => Some((export, arguments)),
        _ => None,
    }
}

fn entity<'a>(module: &Module<'_, 'a>, class: &Class<'a>, classes: &FxHashMap<&str, &Class<'a>>) -> Option<Entity<'a>> {
    let class_name = class.id.as_ref()?.name.as_str();
    let arguments = class.decorators.iter().find_map(|d| decorator(module, d).filter(|(e, _)| *e == "Entity"))?.1;
    let name = argument(arguments, 0)
        .and_then(string)
        .or_else(|| property(options(arguments), "name").and_then(string))
        .map_or_else(|| snake_case(class_name), str::to_owned);
    let mut table = Table::new(name, module.origin(class.span.start, SOURCE));
    table.bindings.push(class_name.to_owned());
    let mut entity = Entity { table, class: class_name, relations: Vec::new(), indexes: Vec::new() };
    // Columns of base classes declared in this file come first, as TypeORM orders them.
    let mut lineage = vec![class];
    while let Some(base) =
        lineage.last().and_then(|c| c.heritage.as_ref()).and_then(|h| super::last_name(&h.expression))
        && let Some(base) = classes.get(base)
        && lineage.len() < MAX_BASES
    {
        lineage.push(base);
    }
    let mut primary = Vec::new();
    for class in lineage.iter().rev() {
        for element in &class.body.body {
            if let ClassElement::PropertyDefinition(definition) = element
                && !definition.r#static
                && let Some(field) = key_name(&definition.key)
            {
                member(module, &mut entity, definition, field, &mut primary);
            }
        }
    }
    if let Some((_, origin)) = primary.first() {
        let keys = primary.iter().map(|(name, _)| IndexKey::column(name)).collect();
        let origin = origin.clone();
        entity.table.add_index(Index {
            name: None,
            kind: IndexKind::PrimaryKey,
            keys,
            method: None,
            predicate: None,
            origin,
        });
    }
    for (export, arguments) in class.decorators.iter().filter_map(|d| decorator(module, d)) {
        let kind = match export {
            "Index" => IndexKind::Index,
            "Unique" => IndexKind::Unique,
            _ => continue,
        };
        // `@Index(['a', 'b'])`, `@Index('name', ['a', 'b'], { unique: true })`, `@Index((p) => [p.a])`.
        let (name, fields) = match argument(arguments, 0).and_then(string) {
            Some(name) => (Some(name), argument(arguments, 1)),
            None => (None, argument(arguments, 0)),
        };
        let properties = fields.map(properties).unwrap_or_default();
        if !properties.is_empty() {
            let origin = module.origin(class.span.start, SOURCE);
            entity.indexes.push((index(kind, name, options(arguments), origin), properties));
        }
    }
    Some(entity)
}

/// The properties an index lists: `['a', 'b']`, `(p) => [p.a, p.b]`, `(p) => ({ a: 1 })`.
fn properties<'a>(fields: &Expression<'a>) -> Vec<&'a str> {
    let fields = returned(fields).unwrap_or(fields);
    match fields {
        Expression::ArrayExpression(array) => array
            .elements
            .iter()
            .filter_map(|element| {
                let element = element.as_expression()?;
                string(element).or_else(|| super::last_name(element))
            })
            .collect(),
        Expression::ObjectExpression(object) => object
            .properties
            .iter()
            .filter_map(|property| match property {
                ObjectPropertyKind::ObjectProperty(property) => key_name(&property.key),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// An index from the options of `@Index` or `@Unique`: `unique`, `where`, `spatial`.
fn index(kind: IndexKind, name: Option<&str>, options: Option<&ObjectExpression<'_>>, origin: Origin) -> Index {
    let kind = if kind == IndexKind::Index && is_true(options, "unique") { IndexKind::Unique } else { kind };
    Index {
        name: name.map(str::to_owned),
        kind,
        keys: Vec::new(),
        method: is_true(options, "spatial").then(|| "gist".to_owned()),
        predicate: property(options, "where").and_then(string).map(str::to_owned),
        origin,
    }
}

fn member<'a>(
    module: &Module<'_, 'a>,
    entity: &mut Entity<'a>,
    definition: &PropertyDefinition<'a>,
    field: &'a str,
    primary: &mut Vec<(String, Origin)>,
) {
    let decorators: Vec<(&str, &[Argument<'a>])> =
        definition.decorators.iter().filter_map(|d| decorator(module, d)).collect();
    if decorators.is_empty() {
        return;
    }
    let origin = module.origin(definition.span.start, SOURCE);
    for (export, arguments) in &decorators {
        let options = options(arguments);
        match *export {
            "Column"
            | "PrimaryColumn"
            | "PrimaryGeneratedColumn"
            | "CreateDateColumn"
            | "UpdateDateColumn"
            | "DeleteDateColumn"
            | "VersionColumn"
            | "ObjectIdColumn" => {
                let name = property(options, "name").and_then(string).unwrap_or(field).to_owned();
                let declared = property(options, "type").and_then(|ty| string(ty).or_else(|| super::last_name(ty)));
                let ty = match *export {
                    // The first argument of `@PrimaryGeneratedColumn` is the strategy.
                    "PrimaryGeneratedColumn" => declared
                        .or_else(|| argument(arguments, 0).and_then(string).filter(|strategy| *strategy == "uuid")),
                    _ => declared.or_else(|| argument(arguments, 0).and_then(string)),
                };
                let annotation = definition.type_annotation.as_ref().map(|a| module.text(a.type_annotation.span()));
                entity.table.add_column(Column {
                    name: name.clone(),
                    field: (name != field).then(|| field.to_owned()),
                    ty: ty.or(annotation).unwrap_or_default().to_owned(),
                    enumerated: ty.or(annotation).is_some_and(super::few_values) || property(options, "enum").is_some(),
                    origin: origin.clone(),
                });
                if export.starts_with("Primary") || *export == "ObjectIdColumn" || is_true(options, "primary") {
                    primary.push((name.clone(), origin.clone()));
                }
                if is_true(options, "unique") {
                    entity.indexes.push((index(IndexKind::Unique, None, None, origin.clone()), vec![field]));
                }
            }
            "ManyToOne" | "OneToOne" => {
                let Some(target) =
                    argument(arguments, 0).and_then(|t| string(t).or_else(|| returned(t).and_then(super::last_name)))
                else {
                    continue;
                };
                let join = decorators.iter().find(|(export, _)| *export == "JoinColumn");
                if *export == "OneToOne" && join.is_none() {
                    continue;
                }
                let joins = match join.and_then(|(_, arguments)| argument(arguments, 0)) {
                    Some(Expression::ArrayExpression(array)) => {
                        array.elements.iter().filter_map(|e| join_column(object(e.as_expression()))).collect()
                    }
                    options => join_column(object(options)).into_iter().collect(),
                };
                entity.relations.push(Relation {
                    property: field,
                    target,
                    joins,
                    one_to_one: *export == "OneToOne",
                    origin: origin.clone(),
                    columns: Vec::new(),
                });
            }
            "Index" | "Unique" => {
                let kind = if *export == "Unique" { IndexKind::Unique } else { IndexKind::Index };
                let name = argument(arguments, 0).and_then(string);
                entity.indexes.push((index(kind, name, options, origin.clone()), vec![field]));
            }
            _ => {}
        }
    }
}

/// `{ name, referencedColumnName }` of a `@JoinColumn`, both optional.
fn join_column<'a>(options: Option<&ObjectExpression<'a>>) -> Option<(Option<&'a str>, Option<&'a str>)> {
    Some((property(options, "name").and_then(string), property(options, "referencedColumnName").and_then(string)))
}

/// The join columns of `relation` and the foreign key they make; whether they must be unique.
fn join(relation: &Relation<'_>, entities: &[Entity<'_>]) -> (Vec<String>, ForeignKey, bool) {
    let target = entities.iter().find(|entity| entity.class == relation.target).map(|entity| &entity.table);
    let primary = target
        .and_then(|table| table.indexes.iter().find(|index| index.kind == IndexKind::PrimaryKey))
        .and_then(|index| match index.keys.first() {
            Some(IndexKey::Column { name, .. }) => Some(name.as_str()),
            _ => None,
        });
    let default = [(None, None)];
    let joins = if relation.joins.is_empty() { &default[..] } else { &relation.joins[..] };
    let mut columns = Vec::new();
    let mut references_columns = Vec::new();
    for (name, referenced) in joins {
        // The referenced column by property (as TypeORM names the join column) and by name.
        let referenced = referenced.or(primary).unwrap_or("id");
        let referenced_field = target
            .and_then(|table| table.column(referenced))
            .map_or(referenced, |column| column.field.as_deref().unwrap_or(&column.name));
        let referenced_name = target.and_then(|table| table.column(referenced)).map_or(referenced, |c| &c.name);
        columns
            .push(name.map_or_else(|| camel_case(&format!("{}_{referenced_field}", relation.property)), str::to_owned));
        references_columns.push(referenced_name.to_owned());
    }
    // A target declared in another file is named by its class, which `Schema::table_for` resolves
    // once every file's tables are merged.
    let references_table = target.map_or_else(|| relation.target.to_owned(), |table| table.name.clone());
    let key = ForeignKey {
        columns: columns.clone(),
        references_table,
        references_columns,
        enforced: true,
        origin: relation.origin.clone(),
    };
    (columns, key, relation.one_to_one)
}

/// TypeORM's `camelCase`: `author_id` -> `authorId`.
fn camel_case(name: &str) -> String {
    let mut camel = String::with_capacity(name.len());
    let mut upper = false;
    for (at, c) in name.chars().enumerate() {
        if matches!(c, '_' | '-' | ' ') && at > 0 {
            upper = true;
        } else if upper {
            camel.push(c.to_ascii_uppercase());
            upper = false;
        } else if at == 0 {
            camel.push(c.to_ascii_lowercase());
        } else {
            camel.push(c);
        }
    }
    camel
}
