//! Tables declared in code: Drizzle `pgTable`s, TypeORM entities, Sequelize and Mongoose models.
//!
//! Schema declarations live at module level, so only top-level statements are read (and the body
//! of a Sequelize model factory, `module.exports = (sequelize, DataTypes) => {...}`). Calls are
//! recognised by what their callee is imported from, so a file that imports none of the four
//! ORMs is dismissed after a glance at its imports, without reading its text.

mod drizzle;
mod mongoose;
mod sequelize;
mod typeorm;

use std::borrow::Cow;

use ceiling_facts::{Origin, SchemaSource, Table};
use oxc_ast::ast::*;
use oxc_semantic::{Semantic, SymbolId};
use rustc_hash::FxHashMap;

use crate::lines::{LineIndex, OxcSpans};
use crate::literal::string;

/// The tables `program` (the text of `path`) declares.
pub(crate) fn tables<'a>(program: &Program<'a>, semantic: &Semantic<'a>, path: &str) -> Vec<Table> {
    let imports = imports(program);
    let factory = program.body.iter().any(|statement| factory_body(statement).is_some());
    if imports.is_empty() && !factory {
        return Vec::new();
    }
    let module =
        Module { semantic, source: program.source_text, path, lines: LineIndex::new(program.source_text), imports };
    let items = items(&program.body);
    let mut tables = Vec::new();
    if module.imports_any(|from| from.starts_with("drizzle-orm/")) {
        drizzle::read(&module, &items, &mut tables);
    }
    if module.imports_any(|from| from == "typeorm") {
        typeorm::read(&module, &items, &mut tables);
    }
    if factory || module.imports_any(sequelize::is_module) {
        sequelize::read(&module, &items, &mut tables);
    }
    if module.imports_any(|from| from == "mongoose") {
        mongoose::read(&module, &items, &mut tables);
    }
    tables
}

/// What the file knows while reading its schema declarations.
struct Module<'s, 'a> {
    semantic: &'s Semantic<'a>,
    source: &'a str,
    path: &'s str,
    lines: LineIndex<'a>,
    /// The bindings imported (or `require`d at top level) from an ORM's modules.
    imports: FxHashMap<SymbolId, Import<'a>>,
}

#[derive(Clone, Copy)]
struct Import<'a> {
    module: &'a str,
    /// The export imported; `None` for the module object (`import * as`, a default import,
    /// `const mongoose = require('mongoose')`).
    name: Option<&'a str>,
}

impl<'a> Module<'_, 'a> {
    fn origin(&self, offset: u32, source: SchemaSource) -> Origin {
        let line = self.lines.span(oxc_span::Span::new(offset, offset)).line;
        Origin { file: self.path.to_owned(), line, offset, source }
    }

    fn text(&self, span: oxc_span::Span) -> &'a str {
        self.source.get(span.start as usize..span.end as usize).unwrap_or_default()
    }

    fn imports_any(&self, from: impl Fn(&str) -> bool) -> bool {
        self.imports.values().any(|import| from(import.module))
    }

    fn symbol(&self, ident: &IdentifierReference<'a>) -> Option<SymbolId> {
        self.semantic.scoping().get_reference(ident.reference_id.get()?).symbol_id()
    }

    /// The ORM export `expr` names: `pgTable` imported from `drizzle-orm/pg-core`, or
    /// `mongoose.Schema` through the module object. `(module, export)`.
    fn imported(&self, expr: &Expression<'a>) -> Option<(&'a str, &'a str)> {
        match expr.get_inner_expression() {
            Expression::Identifier(ident) => {
                let import = self.imports.get(&self.symbol(ident)?)?;
                Some((import.module, import.name?))
            }
            Expression::StaticMemberExpression(member) => {
                let Expression::Identifier(object) = member.object.get_inner_expression() else { return None };
                let import = self.imports.get(&self.symbol(object)?)?;
                match import.name {
                    None => Some((import.module, member.property.name.as_str())),
                    // `Sequelize.Model`, `Sequelize.DataTypes`: the class carries the module's exports.
                    Some(_) => None,
                }
            }
            _ => None,
        }
    }

    /// How another module names what `ident` refers to: the imported name of an aliased import
    /// (`users` for `import { users as u }`), else the identifier itself.
    fn binding_name(&self, ident: &IdentifierReference<'a>) -> &'a str {
        if let Some(symbol) = self.symbol(ident)
            && let oxc_ast::AstKind::ImportSpecifier(specifier) = self.semantic.symbol_declaration(symbol).kind()
        {
            return specifier.imported.name().as_str();
        }
        ident.name.as_str()
    }
}

fn is_orm_module(module: &str) -> bool {
    module.starts_with("drizzle-orm/") || matches!(module, "typeorm" | "mongoose") || sequelize::is_module(module)
}

/// Top-level imports and `require`s of the ORMs' modules.
fn imports<'a>(program: &Program<'a>) -> FxHashMap<SymbolId, Import<'a>> {
    let mut imports = FxHashMap::default();
    for statement in &program.body {
        match statement {
            Statement::ImportDeclaration(import) if is_orm_module(import.source.value.as_str()) => {
                let module = import.source.value.as_str();
                for specifier in import.specifiers.iter().flatten() {
                    let (local, name) = match specifier {
                        ImportDeclarationSpecifier::ImportSpecifier(named) => {
                            (&named.local, Some(named.imported.name().as_str()))
                        }
                        ImportDeclarationSpecifier::ImportDefaultSpecifier(default) => (&default.local, None),
                        ImportDeclarationSpecifier::ImportNamespaceSpecifier(namespace) => (&namespace.local, None),
                    };
                    if let Some(symbol) = local.symbol_id.get() {
                        imports.insert(symbol, Import { module, name });
                    }
                }
            }
            Statement::VariableDeclaration(declaration) => {
                for declarator in &declaration.declarations {
                    if let Some(module) = declarator.init.as_ref().and_then(required).filter(|m| is_orm_module(m)) {
                        required_bindings(&declarator.id, module, &mut imports);
                    }
                }
            }
            _ => {}
        }
    }
    imports
}

/// `require('mongoose')` -> `mongoose`.
fn required<'a>(expr: &Expression<'a>) -> Option<&'a str> {
    let Expression::CallExpression(call) = expr.get_inner_expression() else { return None };
    if !call.callee.is_specific_id("require") {
        return None;
    }
    string(argument(&call.arguments, 0)?)
}

/// `const mongoose = require(...)`, `const { Schema, model: m } = require(...)`.
fn required_bindings<'a>(pattern: &BindingPattern<'a>, module: &'a str, imports: &mut FxHashMap<SymbolId, Import<'a>>) {
    match pattern {
        BindingPattern::BindingIdentifier(ident) => {
            if let Some(symbol) = ident.symbol_id.get() {
                imports.insert(symbol, Import { module, name: None });
            }
        }
        BindingPattern::ObjectPattern(object) => {
            for property in &object.properties {
                let (PropertyKey::StaticIdentifier(key), BindingPattern::BindingIdentifier(local)) =
                    (&property.key, &property.value)
                else {
                    continue;
                };
                if let Some(symbol) = local.symbol_id.get() {
                    imports.insert(symbol, Import { module, name: Some(key.name.as_str()) });
                }
            }
        }
        _ => {}
    }
}

/// A module-level declaration or expression, where schema declarations are found.
enum Item<'r, 'a> {
    /// `const posts = ...`, exported or not.
    Binding {
        name: &'a str,
        symbol: Option<SymbolId>,
        init: &'r Expression<'a>,
    },
    Class(&'r Class<'a>),
    /// An expression statement, what `module.exports =`, `export =` or `export default` is given,
    /// what a model factory returns.
    Expression(&'r Expression<'a>),
}

fn items<'r, 'a>(statements: &'r [Statement<'a>]) -> Vec<Item<'r, 'a>> {
    let mut items = Vec::new();
    for statement in statements {
        match statement {
            Statement::VariableDeclaration(declaration) => bindings(declaration, &mut items),
            Statement::ClassDeclaration(class) => items.push(Item::Class(class)),
            Statement::ExportDeclaration(export) => match &export.declaration {
                Declaration::VariableDeclaration(declaration) => bindings(declaration, &mut items),
                Declaration::ClassDeclaration(class) => items.push(Item::Class(class)),
                _ => {}
            },
            Statement::ExportDefaultDeclaration(export) => match &export.declaration {
                ExportDefaultDeclarationKind::ClassDeclaration(class) => items.push(Item::Class(class)),
                declaration => {
                    if let Some(expr) = declaration.as_expression() {
                        items.push(Item::Expression(expr.get_inner_expression()));
                    }
                }
            },
            Statement::ExpressionStatement(statement) => {
                let expr = match statement.expression.get_inner_expression() {
                    Expression::AssignmentExpression(assignment) => &assignment.right,
                    expr => expr,
                };
                items.push(Item::Expression(expr.get_inner_expression()));
            }
            Statement::TSExportAssignment(export) => {
                items.push(Item::Expression(export.expression.get_inner_expression()))
            }
            Statement::ReturnStatement(statement) => {
                if let Some(expr) = &statement.argument {
                    items.push(Item::Expression(expr.get_inner_expression()));
                }
            }
            _ => {}
        }
        if let Some(body) = factory_body(statement) {
            items.extend(self::items(body));
        }
    }
    items
}

fn bindings<'r, 'a>(declaration: &'r VariableDeclaration<'a>, items: &mut Vec<Item<'r, 'a>>) {
    for declarator in &declaration.declarations {
        if let (BindingPattern::BindingIdentifier(ident), Some(init)) = (&declarator.id, &declarator.init) {
            let init = init.get_inner_expression();
            items.push(Item::Binding { name: ident.name.as_str(), symbol: ident.symbol_id.get(), init });
        }
    }
}

/// The statements of a Sequelize model factory, the shape `sequelize-cli` generates:
/// `module.exports = (sequelize, DataTypes) => { ... }` or `export default function (sequelize) {}`.
fn factory_body<'r, 'a>(statement: &'r Statement<'a>) -> Option<&'r [Statement<'a>]> {
    let (params, body) = match statement {
        Statement::ExpressionStatement(statement) => {
            let Expression::AssignmentExpression(assignment) = statement.expression.get_inner_expression() else {
                return None;
            };
            function_parts(&assignment.right)?
        }
        Statement::ExportDefaultDeclaration(export) => match &export.declaration {
            ExportDefaultDeclarationKind::FunctionDeclaration(function) => {
                (&*function.params, function.body.as_deref()?)
            }
            declaration => function_parts(declaration.as_expression()?)?,
        },
        _ => return None,
    };
    let first = params.items.first()?;
    let BindingPattern::BindingIdentifier(name) = &first.pattern else { return None };
    name.name.as_str().eq_ignore_ascii_case("sequelize").then_some(body.statements.as_slice())
}

fn function_parts<'r, 'a>(expr: &'r Expression<'a>) -> Option<(&'r FormalParameters<'a>, &'r FunctionBody<'a>)> {
    match expr.get_inner_expression() {
        Expression::ArrowFunctionExpression(arrow) => Some((&arrow.params, arrow.body.as_function_body()?)),
        Expression::FunctionExpression(function) => Some((&function.params, function.body.as_deref()?)),
        _ => None,
    }
}

/// What a function literal returns: its expression body or its first top-level `return`.
fn returned<'r, 'a>(expr: &'r Expression<'a>) -> Option<&'r Expression<'a>> {
    let body = match expr.get_inner_expression() {
        Expression::ArrowFunctionExpression(arrow) => match arrow.get_expression() {
            Some(expr) => return Some(expr.get_inner_expression()),
            None => arrow.body.as_function_body()?,
        },
        Expression::FunctionExpression(function) => function.body.as_deref()?,
        _ => return None,
    };
    body.statements.iter().find_map(|statement| match statement {
        Statement::ReturnStatement(statement) => statement.argument.as_ref().map(Expression::get_inner_expression),
        _ => None,
    })
}

/// The argument at `at`, when it is an expression, without parentheses or type assertions.
fn argument<'r, 'a>(arguments: &'r [Argument<'a>], at: usize) -> Option<&'r Expression<'a>> {
    arguments.get(at)?.as_expression().map(Expression::get_inner_expression)
}

fn object<'r, 'a>(expr: Option<&'r Expression<'a>>) -> Option<&'r ObjectExpression<'a>> {
    match expr?.get_inner_expression() {
        Expression::ObjectExpression(object) => Some(object),
        _ => None,
    }
}

/// The first object literal among `arguments`: the options of a decorator or a call.
fn options<'r, 'a>(arguments: &'r [Argument<'a>]) -> Option<&'r ObjectExpression<'a>> {
    arguments.iter().find_map(|argument| object(argument.as_expression()))
}

fn property<'r, 'a>(object: Option<&'r ObjectExpression<'a>>, key: &str) -> Option<&'r Expression<'a>> {
    object?.properties.iter().find_map(|property| match property {
        ObjectPropertyKind::ObjectProperty(property) if !property.computed && key_name(&property.key) == Some(key) => {
            Some(property.value.get_inner_expression())
        }
        _ => None,
    })
}

/// The property is literally `true`.
fn is_true(object: Option<&ObjectExpression<'_>>, key: &str) -> bool {
    matches!(property(object, key), Some(Expression::BooleanLiteral(literal)) if literal.value)
}

/// The statically named properties of an object literal: key, value, start of the property.
fn entries<'r, 'a>(object: &'r ObjectExpression<'a>) -> impl Iterator<Item = (Cow<'a, str>, &'r Expression<'a>, u32)> {
    object.properties.iter().filter_map(|property| match property {
        ObjectPropertyKind::ObjectProperty(property) if !property.computed => {
            Some((property.key.static_name()?, property.value.get_inner_expression(), property.span.start))
        }
        _ => None,
    })
}

/// A property key written as a name or a string: `title`, `'title'`.
fn key_name<'a>(key: &PropertyKey<'a>) -> Option<&'a str> {
    match key {
        PropertyKey::StaticIdentifier(ident) => Some(ident.name.as_str()),
        PropertyKey::StringLiteral(literal) => Some(literal.value.as_str()),
        _ => None,
    }
}

/// The last name of an identifier or member chain: `INTEGER` for `DataTypes.INTEGER`.
/// Through calls: `STRING` for `DataTypes.STRING(80)`.
fn last_name<'a>(expr: &Expression<'a>) -> Option<&'a str> {
    let mut expr = expr.get_inner_expression();
    while let Expression::CallExpression(call) = expr {
        expr = call.callee.get_inner_expression();
    }
    match expr {
        Expression::Identifier(ident) => Some(ident.name.as_str()),
        Expression::StaticMemberExpression(member) => Some(member.property.name.as_str()),
        _ => None,
    }
}

/// `authorId` -> `author_id`, `HTTPRequest` -> `http_request`: TypeORM's `snakeCase`, close to
/// Sequelize's `underscored`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut snake = String::with_capacity(name.len() + 4);
    for (at, &c) in chars.iter().enumerate() {
        let previous = at.checked_sub(1).and_then(|before| chars.get(before));
        let next = chars.get(at + 1);
        if c.is_ascii_uppercase()
            && previous.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next.is_some_and(char::is_ascii_lowercase))
            })
        {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    snake
}

/// English plural of a model name, keeping its case: the main rules of Mongoose's `pluralize`
/// (which Sequelize's `inflection` shares). Irregular words beyond these few are missed.
fn pluralize(word: &str) -> String {
    const UNCOUNTABLE: &[&str] = &["equipment", "information", "money", "species", "series", "fish", "sheep", "news"];
    let lower = word.to_ascii_lowercase();
    let stem = |cut: usize, suffix: &str| format!("{}{suffix}", word.get(..word.len() - cut).unwrap_or(word));
    let consonant_y = lower.ends_with('y')
        && lower.len() > 1
        && !matches!(lower.as_bytes().get(lower.len() - 2), Some(b'a' | b'e' | b'i' | b'o' | b'u' | b'y'));
    if UNCOUNTABLE.contains(&lower.as_str()) {
        word.to_owned()
    } else if lower.ends_with("person") {
        stem(4, "ople")
    } else if lower.ends_with("man") {
        stem(2, "en")
    } else if lower.ends_with("child") {
        stem(0, "ren")
    } else if lower.ends_with("status") || lower.ends_with("alias") {
        stem(0, "es")
    } else if consonant_y {
        stem(1, "ies")
    } else if ["x", "ch", "ss", "sh"].iter().any(|end| lower.ends_with(end)) {
        stem(0, "es")
    } else if lower.ends_with('s') || !lower.ends_with(|c: char| c.is_ascii_alphabetic()) {
        word.to_owned()
    } else {
        stem(0, "s")
    }
}

#[cfg(test)]
mod tests;

/// A boolean or enum column type, as the ORMs write it (`Boolean`, `DataTypes.BOOLEAN`,
/// `'enum'`, `ENUM`): a handful of distinct values.
fn few_values(ty: &str) -> bool {
    ["boolean", "bool", "enum"].iter().any(|name| ty.eq_ignore_ascii_case(name))
}
