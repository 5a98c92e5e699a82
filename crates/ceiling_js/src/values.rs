//! Symbolic values of expressions, through oxc's name binding.
//!
//! `value_of(prisma)` follows the reference to its declaration: an import becomes
//! `Value::Import`, `const db = drizzle(pool)` becomes the value of `drizzle(pool)`, a parameter
//! typed `PrismaClient` becomes an instance of that type. Everything cross-file is left symbolic
//! for the project model.

use ceiling_facts::{ImportedName, Value};
use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::{Semantic, SymbolId};
use oxc_span::GetSpan;
use rustc_hash::FxHashMap;

/// Bound on the recursion of one value: bindings followed, and every member and call of a chain
/// (`Build.query().where(...).orderBy(...)` is a dozen levels on its own).
const MAX_DEPTH: u32 = 64;

pub struct Values<'s, 'a> {
    pub semantic: &'s Semantic<'a>,
    /// Function and class ids by the start offset of their node, assigned before the walk so
    /// that a value can name a function the walk has not reached yet.
    pub functions: FxHashMap<u32, u32>,
    pub classes: FxHashMap<u32, u32>,
    /// Object literals met so far, by start offset: `(id, properties)`.
    pub objects: Vec<Vec<(String, Value)>>,
    objects_by_start: FxHashMap<u32, u32>,
}

impl<'s, 'a> Values<'s, 'a> {
    pub fn new(semantic: &'s Semantic<'a>, functions: FxHashMap<u32, u32>, classes: FxHashMap<u32, u32>) -> Self {
        Values { semantic, functions, classes, objects: Vec::new(), objects_by_start: FxHashMap::default() }
    }

    /// The value of `expr`. `this_class` is the class whose method is being walked, if any.
    pub fn of(&mut self, expr: &Expression<'a>, this_class: Option<u32>) -> Value {
        self.of_at(expr, this_class, 0)
    }

    fn of_at(&mut self, expr: &Expression<'a>, this_class: Option<u32>, depth: u32) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let depth = depth + 1;
        match expr.get_inner_expression() {
            Expression::Identifier(ident) => self.of_reference(ident, depth),
            Expression::ThisExpression(_) => this_class.map_or(Value::Unknown, Value::This),
            Expression::StaticMemberExpression(member) => {
                self.of_at(&member.object, this_class, depth).member(member.property.name.as_str())
            }
            Expression::ComputedMemberExpression(member) => match &member.expression {
                Expression::StringLiteral(key) => {
                    self.of_at(&member.object, this_class, depth).member(key.value.as_str())
                }
                _ => Value::Unknown,
            },
            Expression::ChainExpression(chain) => match &chain.expression {
                ChainElement::StaticMemberExpression(member) => {
                    self.of_at(&member.object, this_class, depth).member(member.property.name.as_str())
                }
                ChainElement::CallExpression(call) => self.of_call(&call.callee, &call.arguments, this_class, depth),
                _ => Value::Unknown,
            },
            Expression::CallExpression(call) => self.of_call(&call.callee, &call.arguments, this_class, depth),
            Expression::ImportExpression(import) => match &import.source {
                Expression::StringLiteral(module) => {
                    Value::Import { module: module.value.to_string(), name: ImportedName::Namespace }
                }
                _ => Value::Unknown,
            },
            Expression::NewExpression(new) => self.of_at(&new.callee, this_class, depth).instance(),
            Expression::AwaitExpression(awaited) => self.of_at(&awaited.argument, this_class, depth),
            Expression::LogicalExpression(logical) => {
                let left = self.of_at(&logical.left, this_class, depth);
                left.either(self.of_at(&logical.right, this_class, depth))
            }
            Expression::ConditionalExpression(conditional) => {
                let consequent = self.of_at(&conditional.consequent, this_class, depth);
                consequent.either(self.of_at(&conditional.alternate, this_class, depth))
            }
            Expression::FunctionExpression(function) => self.function_value(function.span.start),
            Expression::ArrowFunctionExpression(arrow) => self.function_value(arrow.span.start),
            Expression::ClassExpression(class) => self.class_value(class.span.start),
            Expression::ObjectExpression(object) => self.object(object, this_class, depth),
            _ => Value::Unknown,
        }
    }

    fn of_call(
        &mut self,
        callee: &Expression<'a>,
        arguments: &[Argument<'a>],
        this_class: Option<u32>,
        depth: u32,
    ) -> Value {
        if let Expression::Identifier(ident) = callee.get_inner_expression()
            && ident.name == "require"
            && self.symbol(ident).is_none()
            && let Some(Argument::StringLiteral(module)) = arguments.first()
        {
            return Value::Import { module: module.value.to_string(), name: ImportedName::Namespace };
        }
        let called = self.of_at(callee, this_class, depth);
        match wrapped_callback(callee, arguments).and_then(|start| self.functions.get(&start)) {
            Some(&callback) if !called.is_unknown() => Value::Wrap(Box::new(called), callback),
            _ => called.call(),
        }
    }

    pub fn function_value(&self, start: u32) -> Value {
        self.functions.get(&start).map_or(Value::Unknown, |id| Value::Function(*id))
    }

    pub fn class_value(&self, start: u32) -> Value {
        self.classes.get(&start).map_or(Value::Unknown, |id| Value::Class(*id))
    }

    fn object(&mut self, object: &ObjectExpression<'a>, this_class: Option<u32>, depth: u32) -> Value {
        if let Some(id) = self.objects_by_start.get(&object.span.start) {
            return Value::Object(*id);
        }
        let id = self.objects.len() as u32;
        self.objects_by_start.insert(object.span.start, id);
        self.objects.push(Vec::new());
        let mut properties = Vec::new();
        for property in &object.properties {
            if let ObjectPropertyKind::ObjectProperty(property) = property
                && let Some(key) = property.key.static_name()
            {
                let value = self.of_at(&property.value, this_class, depth);
                if !value.is_unknown() {
                    properties.push((key.to_string(), value));
                }
            }
        }
        self.objects[id as usize] = properties;
        Value::Object(id)
    }

    pub fn symbol(&self, ident: &IdentifierReference<'a>) -> Option<SymbolId> {
        let reference = ident.reference_id.get()?;
        self.semantic.scoping().get_reference(reference).symbol_id()
    }

    pub fn of_identifier(&mut self, ident: &IdentifierReference<'a>) -> Value {
        self.of_reference(ident, 0)
    }

    fn of_reference(&mut self, ident: &IdentifierReference<'a>, depth: u32) -> Value {
        match self.symbol(ident) {
            Some(symbol) => self.of_symbol(symbol, depth),
            None => Value::Unknown,
        }
    }

    /// The value a binding holds, from its declaration.
    pub fn of_symbol(&mut self, symbol: SymbolId, depth: u32) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let declaration = self.semantic.symbol_declaration(symbol);
        match declaration.kind() {
            AstKind::VariableDeclarator(declarator) => {
                if let (BindingPattern::ArrayPattern(pattern), Some(init)) = (&declarator.id, &declarator.init) {
                    return self.of_array_binding(pattern, init, symbol, depth);
                }
                let Some(path) = pattern_path(&declarator.id, symbol) else {
                    return Value::Unknown;
                };
                // `for (const post of posts)`: one element of the collection.
                if let Some(collection) = self.for_of_collection(declaration.id()) {
                    let element = self.of_at(collection, None, depth).element();
                    return path.into_iter().fold(element, Value::member);
                }
                let mut value = match &declarator.init {
                    Some(init) => {
                        let this_class = None;
                        self.of_at(init, this_class, depth)
                    }
                    None => Value::Unknown,
                };
                if value.is_unknown()
                    && path.is_empty()
                    && let Some(annotation) = &declarator.type_annotation
                {
                    value = self.of_type(&annotation.type_annotation, depth);
                }
                path.into_iter().fold(value, Value::member)
            }
            AstKind::Function(function) => self.function_value(function.span.start),
            AstKind::Class(class) => self.class_value(class.span.start),
            AstKind::ImportSpecifier(specifier) => {
                let name = ImportedName::Named(specifier.imported.name().to_string());
                self.import(declaration.id(), name)
            }
            AstKind::ImportDefaultSpecifier(_) => self.import(declaration.id(), ImportedName::Default),
            AstKind::ImportNamespaceSpecifier(_) => self.import(declaration.id(), ImportedName::Namespace),
            AstKind::FormalParameter(parameter) => {
                let Some(path) = pattern_path(&parameter.pattern, symbol) else {
                    return Value::Unknown;
                };
                if let Some(annotation) = &parameter.type_annotation
                    && path.is_empty()
                {
                    // `(post: any) =>` says nothing; a named type does.
                    let declared = self.of_type(&annotation.type_annotation, depth);
                    if !declared.is_unknown() {
                        return declared;
                    }
                }
                if let Some(client) = self.transaction_client(declaration.id(), depth) {
                    return path.into_iter().fold(client, Value::member);
                }
                if let Some(element) = self.callback_element(declaration.id(), depth) {
                    return path.into_iter().fold(element, Value::member);
                }
                let name = match &parameter.pattern {
                    BindingPattern::BindingIdentifier(ident) => ident.name.to_string(),
                    _ => String::new(),
                };
                let Some((func, index)) = self.parameter_position(declaration.id()) else {
                    return Value::Unknown;
                };
                path.into_iter().fold(Value::Param { name, func, index }, Value::member)
            }
            _ => Value::Unknown,
        }
    }

    fn import(&self, specifier: oxc_semantic::NodeId, name: ImportedName) -> Value {
        for ancestor in self.semantic.nodes().ancestor_kinds(specifier) {
            if let AstKind::ImportDeclaration(import) = ancestor {
                return Value::Import { module: import.source.value.to_string(), name };
            }
        }
        Value::Unknown
    }

    /// The parameter of a transaction callback is a client of the same kind as the one the
    /// transaction was opened on: `prisma.$transaction(async (tx) => ...)`.
    fn transaction_client(&mut self, parameter: oxc_semantic::NodeId, depth: u32) -> Option<Value> {
        let nodes = self.semantic.nodes();
        let mut function_start = None;
        for kind in nodes.ancestor_kinds(parameter) {
            match kind {
                AstKind::FormalParameters(_) => {}
                AstKind::ArrowFunctionExpression(arrow) if function_start.is_none() => {
                    function_start = Some(arrow.span.start);
                }
                AstKind::Function(function) if function_start.is_none() => {
                    function_start = Some(function.span.start);
                }
                AstKind::CallExpression(call) => {
                    let member = call.callee.get_inner_expression().as_member_expression()?;
                    let first = call.arguments.first()?.as_expression()?;
                    if first.get_inner_expression().span().start != function_start? {
                        return None;
                    }
                    let object = match member.static_property_name()? {
                        "$transaction" | "transaction" => member.object(),
                        // Kysely: `db.transaction().execute(async (trx) => ...)`.
                        "execute" => match member.object().get_inner_expression() {
                            Expression::CallExpression(inner) => {
                                let inner_member = inner.callee.get_inner_expression().as_member_expression()?;
                                if inner_member.static_property_name()? != "transaction" {
                                    return None;
                                }
                                inner_member.object()
                            }
                            _ => return None,
                        },
                        _ => return None,
                    };
                    return Some(self.of_at(object, None, depth));
                }
                _ => return None,
            }
        }
        None
    }

    /// `const [builds, deployments] = await Promise.all([Build.query(), Deployment.query()])`: a
    /// name bound by position to the matching element of an array literal (awaited together).
    fn of_array_binding(
        &mut self,
        pattern: &ArrayPattern<'a>,
        init: &Expression<'a>,
        symbol: SymbolId,
        depth: u32,
    ) -> Value {
        let Some(index) = pattern.elements.iter().position(|element| {
            matches!(element, Some(BindingPattern::BindingIdentifier(ident)) if ident.symbol_id.get() == Some(symbol))
        }) else {
            return Value::Unknown;
        };
        let mut init = init.get_inner_expression();
        if let Expression::AwaitExpression(awaited) = init {
            init = awaited.argument.get_inner_expression();
        }
        if let Expression::CallExpression(call) = init
            && call.callee.get_inner_expression().is_specific_member_access("Promise", "all")
            && let Some(Expression::ArrayExpression(array)) =
                call.arguments.first().and_then(Argument::as_expression).map(Expression::get_inner_expression)
        {
            init = match array.elements.get(index).and_then(ArrayExpressionElement::as_expression) {
                Some(element) => element,
                None => return Value::Unknown,
            };
            return self.of_at(init, None, depth);
        }
        Value::Unknown
    }

    /// The collection a `for...of` declares its element from.
    fn for_of_collection(&self, declarator: oxc_semantic::NodeId) -> Option<&'a Expression<'a>> {
        let mut ancestors = self.semantic.nodes().ancestor_kinds(declarator);
        let AstKind::VariableDeclaration(_) = ancestors.next()? else { return None };
        match ancestors.next()? {
            AstKind::ForOfStatement(for_of) => Some(&for_of.right),
            _ => None,
        }
    }

    /// The element an array method hands its callback: `post` in `posts.map((post) => ...)`.
    fn callback_element(&mut self, parameter: oxc_semantic::NodeId, depth: u32) -> Option<Value> {
        let nodes = self.semantic.nodes();
        let AstKind::FormalParameter(this) = nodes.kind(parameter) else { return None };
        let mut ancestors = nodes.ancestor_kinds(parameter);
        let AstKind::FormalParameters(list) = ancestors.next()? else { return None };
        if list.items.first().map(|first| first.span) != Some(this.span) {
            return None;
        }
        let callback = match ancestors.next()? {
            AstKind::ArrowFunctionExpression(arrow) => arrow.span,
            AstKind::Function(function) => function.span,
            _ => return None,
        };
        let AstKind::CallExpression(call) = ancestors.next()? else { return None };
        let first = call.arguments.first()?.as_expression()?;
        if first.get_inner_expression().span() != callback {
            return None;
        }
        let member = call.callee.get_inner_expression().as_member_expression()?;
        if !crate::iterations::ARRAY_CALLBACKS.contains(&member.static_property_name()?) {
            return None;
        }
        let collection = member.object();
        Some(self.of_at(collection, None, depth).element())
    }

    /// The function a parameter belongs to and its position in the parameter list.
    pub fn parameter_position(&self, parameter: oxc_semantic::NodeId) -> Option<(u32, u32)> {
        let nodes = self.semantic.nodes();
        let AstKind::FormalParameter(this) = nodes.kind(parameter) else { return None };
        let mut ancestors = nodes.ancestor_kinds(parameter);
        let AstKind::FormalParameters(list) = ancestors.next()? else { return None };
        let index = list.items.iter().position(|item| item.span == this.span)? as u32;
        let start = match ancestors.next()? {
            AstKind::Function(function) => function.span.start,
            AstKind::ArrowFunctionExpression(arrow) => arrow.span.start,
            _ => return None,
        };
        Some((*self.functions.get(&start)?, index))
    }

    /// The value of something declared with type `ty`: an instance of the named type.
    pub fn of_type(&mut self, ty: &TSType<'a>, depth: u32) -> Value {
        match ty {
            TSType::TSTypeReference(reference) => self.of_type_name(&reference.type_name, depth).instance(),
            TSType::TSUnionType(union) => {
                union.types.iter().map(|ty| self.of_type(ty, depth)).fold(Value::Unknown, Value::either)
            }
            _ => Value::Unknown,
        }
    }

    fn of_type_name(&mut self, name: &TSTypeName<'a>, depth: u32) -> Value {
        match name {
            TSTypeName::IdentifierReference(ident) => self.of_reference(ident, depth),
            TSTypeName::QualifiedName(qualified) => {
                self.of_type_name(&qualified.left, depth).member(qualified.right.name.as_str())
            }
            TSTypeName::ThisExpression(_) => Value::Unknown,
        }
    }
}

/// The start of the callback a call hands over, when it hands one to something that may wrap it
/// (`cache(fn)`); array methods and promise continuations run their callback instead.
fn wrapped_callback(callee: &Expression<'_>, arguments: &[Argument<'_>]) -> Option<u32> {
    let method = callee.get_inner_expression().as_member_expression().and_then(|m| m.static_property_name());
    if method
        .is_some_and(|m| crate::iterations::ARRAY_CALLBACKS.contains(&m) || matches!(m, "then" | "catch" | "finally"))
    {
        return None;
    }
    arguments.iter().find_map(|argument| match argument.as_expression()?.get_inner_expression() {
        Expression::ArrowFunctionExpression(arrow) => Some(arrow.span.start),
        Expression::FunctionExpression(function) => Some(function.span.start),
        _ => None,
    })
}

/// The property path from the top of a binding pattern to `symbol`: `[]` for `const x = ...`,
/// `["db"]` for `const { db } = ...`. `None` when the symbol sits in an array pattern or a rest.
fn pattern_path(pattern: &BindingPattern<'_>, symbol: SymbolId) -> Option<Vec<String>> {
    match pattern {
        BindingPattern::BindingIdentifier(ident) => (ident.symbol_id.get() == Some(symbol)).then(Vec::new),
        BindingPattern::AssignmentPattern(assignment) => pattern_path(&assignment.left, symbol),
        BindingPattern::ObjectPattern(object) => object.properties.iter().find_map(|property| {
            let key = property.key.static_name()?;
            let mut path = pattern_path(&property.value, symbol)?;
            path.insert(0, key.to_string());
            Some(path)
        }),
        BindingPattern::ArrayPattern(_) => None,
    }
}
