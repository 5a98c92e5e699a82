//! Drizzle: `export const posts = pgTable('posts', { ...columns }, (t) => [...indexes])`, its MySQL
//! and SQLite twins, tables made by a `pgTableCreator` or a `pgSchema`.

use ceiling_facts::{ForeignKey, Index, IndexKey, IndexKind, Origin, SchemaSource, Table};
use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::SymbolId;
use oxc_span::GetSpan;
use rustc_hash::FxHashMap;

use super::{Item, Module, argument, entries, object, property, returned, string};

const SOURCE: SchemaSource = SchemaSource::Drizzle;

fn is_core(module: &str) -> bool {
    matches!(module, "drizzle-orm/pg-core" | "drizzle-orm/mysql-core" | "drizzle-orm/sqlite-core")
}

pub(super) fn read<'a>(module: &Module<'_, 'a>, items: &[Item<'_, 'a>], tables: &mut Vec<Table>) {
    let first = tables.len();
    // Bindings that make tables: a `pgTableCreator` (with the prefix and suffix its naming function
    // adds) or a `pgSchema`.
    let mut makers: FxHashMap<SymbolId, (String, String)> = FxHashMap::default();
    let mut references = Vec::new();
    for item in items {
        let Item::Binding { name, symbol, init } = item else { continue };
        if let Some(maker) = maker(module, init) {
            if let Some(symbol) = symbol {
                makers.insert(*symbol, maker);
            }
        } else if let Some(table) = table(module, &makers, name, init, tables.len(), &mut references) {
            tables.push(table);
        }
    }
    for reference in references {
        let declared = &tables[first..];
        let target = declared.iter().find(|table| table.bindings.iter().any(|binding| binding == reference.target));
        // A table imported from another file is named by its binding, which `Schema::table_for`
        // resolves once every file's tables are merged.
        let references_table = target.map_or_else(|| reference.target.to_owned(), |table| table.name.clone());
        let references_columns = reference
            .target_columns
            .iter()
            .map(|field| {
                target.and_then(|table| table.column(field)).map_or_else(|| (*field).to_owned(), |c| c.name.clone())
            })
            .collect();
        if let Some(table) = tables.get_mut(reference.table) {
            table.add_foreign_key(ForeignKey {
                columns: reference.columns,
                references_table,
                references_columns,
                enforced: true,
                origin: reference.origin,
            });
        }
    }
}

/// A foreign key whose target may be declared further down the file.
struct Reference<'a> {
    table: usize,
    columns: Vec<String>,
    /// The binding of the referenced table and the fields of its referenced columns.
    target: &'a str,
    target_columns: Vec<&'a str>,
    origin: Origin,
}

/// `pgTableCreator((name) => \`app_${name}\`)` -> `("app_", "")`; `pgSchema('auth')` -> `("", "")`.
fn maker<'a>(module: &Module<'_, 'a>, init: &Expression<'a>) -> Option<(String, String)> {
    let Expression::CallExpression(call) = init else { return None };
    let (from, export) = module.imported(&call.callee)?;
    if !is_core(from) {
        return None;
    }
    match export {
        "pgTableCreator" | "mysqlTableCreator" | "sqliteTableCreator" => {
            let naming = argument(&call.arguments, 0).and_then(returned);
            let Some(Expression::TemplateLiteral(template)) = naming else { return Some(Default::default()) };
            match (template.quasis.as_slice(), template.expressions.len()) {
                ([before, after], 1) => Some((before.value.raw.to_string(), after.value.raw.to_string())),
                _ => Some(Default::default()),
            }
        }
        "pgSchema" | "mysqlSchema" => Some(Default::default()),
        _ => None,
    }
}

fn table<'a>(
    module: &Module<'_, 'a>,
    makers: &FxHashMap<SymbolId, (String, String)>,
    binding: &str,
    init: &Expression<'a>,
    at: usize,
    references: &mut Vec<Reference<'a>>,
) -> Option<Table> {
    let mut call = match init {
        Expression::CallExpression(call) => call,
        _ => return None,
    };
    let mut rls = None;
    // `pgTable(...).enableRLS()`.
    if let Expression::StaticMemberExpression(member) = call.callee.get_inner_expression()
        && member.property.name == "enableRLS"
        && let Expression::CallExpression(inner) = member.object.get_inner_expression()
    {
        call = inner;
        rls = Some(true);
    }
    let maker = |expr: &Expression<'a>| match expr.get_inner_expression() {
        Expression::Identifier(ident) => module.symbol(ident).and_then(|symbol| makers.get(&symbol)),
        _ => None,
    };
    let callee = call.callee.get_inner_expression();
    let (prefix, suffix) = match callee {
        // `pgTable.withRLS('posts', ...)`.
        Expression::StaticMemberExpression(member)
            if member.property.name == "withRLS" && is_table_function(module, &member.object) =>
        {
            rls = Some(true);
            ("", "")
        }
        // `authSchema.table('users', ...)`.
        Expression::StaticMemberExpression(member)
            if member.property.name == "table" && maker(&member.object).is_some() =>
        {
            ("", "")
        }
        // `createTable('posts', ...)`.
        _ => match maker(callee) {
            Some((prefix, suffix)) => (prefix.as_str(), suffix.as_str()),
            None if is_table_function(module, callee) => ("", ""),
            None => return None,
        },
    };
    let name = string(argument(&call.arguments, 0)?)?;
    let mut table = Table::new(format!("{prefix}{name}{suffix}"), module.origin(call.span.start, SOURCE));
    table.bindings.push(binding.to_owned());
    table.rls = rls;
    // `(t) => ({ id: t.integer() })`: the column builders handed to a callback.
    let columns =
        argument(&call.arguments, 1).and_then(|columns| object(Some(columns)).or_else(|| object(returned(columns))))?;
    for (field, value, start) in entries(columns) {
        column(module, &mut table, &field, value, start, at, references);
    }
    if let Some(extra) = argument(&call.arguments, 2).and_then(returned) {
        let entries: Vec<&Expression<'a>> = match extra {
            Expression::ArrayExpression(array) => array.elements.iter().filter_map(|e| e.as_expression()).collect(),
            Expression::ObjectExpression(object) => entries(object).map(|(_, value, _)| value).collect(),
            _ => Vec::new(),
        };
        for entry in entries {
            constraint(module, &mut table, entry, at, references);
        }
    }
    Some(table)
}

fn is_table_function(module: &Module<'_, '_>, callee: &Expression<'_>) -> bool {
    module
        .imported(callee)
        .is_some_and(|(from, export)| is_core(from) && matches!(export, "pgTable" | "mysqlTable" | "sqliteTable"))
}

/// A call and the methods chained on it: `integer('author_id')` then `notNull()`, `references(...)`.
struct Chain<'r, 'a> {
    callee: &'r Expression<'a>,
    arguments: &'r [Argument<'a>],
    start: u32,
    methods: Vec<(&'a str, &'r [Argument<'a>])>,
}

fn chain<'r, 'a>(expr: &'r Expression<'a>) -> Option<Chain<'r, 'a>> {
    let mut methods = Vec::new();
    let mut expr = expr.get_inner_expression();
    loop {
        let Expression::CallExpression(call) = expr else { return None };
        if let Expression::StaticMemberExpression(member) = call.callee.get_inner_expression()
            && let inner @ Expression::CallExpression(_) = member.object.get_inner_expression()
        {
            methods.push((member.property.name.as_str(), call.arguments.as_slice()));
            expr = inner;
            continue;
        }
        methods.reverse();
        return Some(Chain { callee: &call.callee, arguments: &call.arguments, start: call.span.start, methods });
    }
}

/// The builder a chain starts from: `integer`, also when imported under another name or reached
/// through a namespace or the callback's parameter (`t.integer()`).
fn builder<'a>(module: &Module<'_, 'a>, callee: &Expression<'a>) -> Option<&'a str> {
    module.imported(callee).map(|(_, export)| export).or_else(|| super::last_name(callee))
}

/// A column builder made by `pgEnum('status', [...])` (or `mysqlEnum`) in this file.
fn is_enum<'a>(module: &Module<'_, 'a>, callee: &Expression<'a>) -> bool {
    let Expression::Identifier(ident) = callee.get_inner_expression() else { return false };
    let Some(symbol) = module.symbol(ident) else { return false };
    let AstKind::VariableDeclarator(declarator) = module.semantic.symbol_declaration(symbol).kind() else {
        return false;
    };
    matches!(declarator.init.as_ref().map(Expression::get_inner_expression), Some(Expression::CallExpression(call))
        if module.imported(&call.callee).is_some_and(|(_, export)| export.ends_with("Enum")))
}

fn column<'a>(
    module: &Module<'_, 'a>,
    table: &mut Table,
    field: &str,
    value: &Expression<'a>,
    start: u32,
    at: usize,
    references: &mut Vec<Reference<'a>>,
) {
    let Some(chain) = chain(value) else { return };
    // Without a name the column takes the key (or its snake_case form under the client's
    // `casing: 'snake_case'`, which this file does not show).
    let name = argument(chain.arguments, 0).and_then(string).unwrap_or(field).to_owned();
    let origin = module.origin(start, SOURCE);
    table.add_column(ceiling_facts::Column {
        name: name.clone(),
        field: (name != field).then(|| field.to_owned()),
        ty: builder(module, chain.callee).unwrap_or_default().to_owned(),
        enumerated: builder(module, chain.callee).is_some_and(super::few_values) || is_enum(module, chain.callee),
        origin: origin.clone(),
    });
    for (method, arguments) in &chain.methods {
        match *method {
            "primaryKey" => table.add_index(index(None, IndexKind::PrimaryKey, vec![IndexKey::column(&name)], &origin)),
            "unique" => {
                let constraint = argument(arguments, 0).and_then(string).map(str::to_owned);
                table.add_index(index(constraint, IndexKind::Unique, vec![IndexKey::column(&name)], &origin));
            }
            "references" => {
                if let Some((target, target_column)) =
                    argument(arguments, 0).and_then(returned).and_then(|r| member(module, r))
                {
                    references.push(Reference {
                        table: at,
                        columns: vec![name.clone()],
                        target,
                        target_columns: vec![target_column],
                        origin: origin.clone(),
                    });
                }
            }
            _ => {}
        }
    }
}

/// `users.id` -> `("users", "id")`.
fn member<'a>(module: &Module<'_, 'a>, expr: &Expression<'a>) -> Option<(&'a str, &'a str)> {
    let Expression::StaticMemberExpression(member) = expr.get_inner_expression() else { return None };
    let Expression::Identifier(object) = member.object.get_inner_expression() else { return None };
    Some((module.binding_name(object), member.property.name.as_str()))
}

fn index(name: Option<String>, kind: IndexKind, keys: Vec<IndexKey>, origin: &Origin) -> Index {
    Index { name, kind, keys, method: None, predicate: None, origin: origin.clone() }
}

/// One entry of the extra config: an index, a constraint, a policy.
fn constraint<'a>(
    module: &Module<'_, 'a>,
    table: &mut Table,
    entry: &Expression<'a>,
    at: usize,
    references: &mut Vec<Reference<'a>>,
) {
    let Some(chain) = chain(entry) else { return };
    let origin = module.origin(chain.start, SOURCE);
    let name = argument(chain.arguments, 0).and_then(string).map(str::to_owned);
    let kind = match builder(module, chain.callee) {
        Some("index") => IndexKind::Index,
        Some("uniqueIndex" | "unique") => IndexKind::Unique,
        Some("primaryKey") => {
            let options = object(argument(chain.arguments, 0));
            let keys = match property(options, "columns") {
                Some(Expression::ArrayExpression(columns)) => {
                    columns.elements.iter().filter_map(|c| c.as_expression()).map(|c| key(module, table, c)).collect()
                }
                // The older `primaryKey(t.a, t.b)`.
                _ => chain.arguments.iter().filter_map(|c| c.as_expression()).map(|c| key(module, table, c)).collect(),
            };
            let name = property(options, "name").and_then(string).map(str::to_owned);
            table.add_index(index(name, IndexKind::PrimaryKey, keys, &origin));
            return;
        }
        Some("foreignKey") => {
            foreign_key(module, table, object(argument(chain.arguments, 0)), at, origin, references);
            return;
        }
        // A policy turns row-level security on.
        Some("pgPolicy") => {
            table.rls = Some(true);
            return;
        }
        _ => return,
    };
    let mut index = index(name, kind, Vec::new(), &origin);
    for (method, arguments) in &chain.methods {
        let keys = match *method {
            "on" | "onOnly" => arguments,
            "using" => {
                index.method =
                    argument(arguments, 0).and_then(string).map(str::to_ascii_lowercase).filter(|m| m != "btree");
                arguments.get(1..).unwrap_or_default()
            }
            "where" => {
                index.predicate = argument(arguments, 0).map(|predicate| sql(module, table, predicate));
                continue;
            }
            _ => continue,
        };
        index.keys.extend(keys.iter().filter_map(|k| k.as_expression()).map(|k| key(module, table, k)));
    }
    table.add_index(index);
}

fn foreign_key<'a>(
    module: &Module<'_, 'a>,
    table: &Table,
    options: Option<&ObjectExpression<'a>>,
    at: usize,
    origin: Origin,
    references: &mut Vec<Reference<'a>>,
) {
    let (Some(Expression::ArrayExpression(columns)), Some(Expression::ArrayExpression(foreign))) =
        (property(options, "columns"), property(options, "foreignColumns"))
    else {
        return;
    };
    let columns =
        columns.elements.iter().filter_map(|c| c.as_expression()).map(|c| column_name(module, table, c)).collect();
    let foreign: Vec<(&str, &str)> =
        foreign.elements.iter().filter_map(|c| member(module, c.as_expression()?)).collect();
    let Some((target, _)) = foreign.first() else { return };
    references.push(Reference {
        table: at,
        columns,
        target,
        target_columns: foreign.iter().map(|(_, column)| *column).collect(),
        origin,
    });
}

/// The database name of the column `t.authorId` names; other expressions as written.
fn column_name(module: &Module<'_, '_>, table: &Table, expr: &Expression<'_>) -> String {
    match expr.get_inner_expression() {
        Expression::StaticMemberExpression(member) => {
            let field = member.property.name.as_str();
            table.column(field).map_or_else(|| field.to_owned(), |column| column.name.clone())
        }
        other => module.text(other.span()).to_owned(),
    }
}

/// An index key: `t.title`, `t.title.op('gin_trgm_ops')`, `t.createdAt.desc()`, `sql\`lower(...)\``.
fn key<'a>(module: &Module<'_, 'a>, table: &Table, expr: &Expression<'a>) -> IndexKey {
    let mut expr = expr.get_inner_expression();
    let mut opclass = None;
    while let Expression::CallExpression(call) = expr
        && let Expression::StaticMemberExpression(member) = call.callee.get_inner_expression()
        && matches!(member.property.name.as_str(), "op" | "asc" | "desc" | "nullsFirst" | "nullsLast")
    {
        if member.property.name == "op" {
            opclass = opclass.or_else(|| argument(&call.arguments, 0).and_then(string));
        }
        expr = member.object.get_inner_expression();
    }
    match expr {
        Expression::StaticMemberExpression(_) => {
            IndexKey::Column { name: column_name(module, table, expr), opclass: opclass.map(str::to_owned) }
        }
        Expression::CallExpression(call) => IndexKey::Expression(module.text(call.span).to_owned()),
        other => IndexKey::Expression(sql(module, table, other)),
    }
}

/// SQL as written, with the columns a `sql` template interpolates spelled by their names:
/// ``sql`lower(${t.email})` `` -> `lower(email)`.
fn sql<'a>(module: &Module<'_, 'a>, table: &Table, expr: &Expression<'a>) -> String {
    let Expression::TaggedTemplateExpression(tagged) = expr.get_inner_expression() else {
        return module.text(expr.span()).to_owned();
    };
    let mut text = String::new();
    for (at, quasi) in tagged.quasi.quasis.iter().enumerate() {
        text.push_str(quasi.value.raw.as_str());
        if let Some(interpolated) = tagged.quasi.expressions.get(at) {
            match interpolated.get_inner_expression() {
                Expression::StaticMemberExpression(_) => text.push_str(&column_name(module, table, interpolated)),
                other => text.push_str(module.text(other.span())),
            }
        }
    }
    text
}
