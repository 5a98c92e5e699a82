//! What a loop runs over, and how its body leaves: the facts behind the false-positive guards
//! (literal collections, counted loops, pagination, retry loops, loops that run once).

use ceiling_facts::Over;
use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_semantic::SymbolId;
use oxc_syntax::scope::ScopeFlags;

use crate::values::Values;

/// Array methods whose callback runs once per element.
pub const ARRAY_CALLBACKS: &[&str] =
    &["map", "forEach", "flatMap", "reduce", "reduceRight", "filter", "some", "every", "find", "findIndex", "findLast"];

/// What `collection` is, for `for...of`, `for...in` and array callbacks.
pub fn over_collection<'a>(collection: &Expression<'a>, values: &Values<'_, 'a>) -> Over {
    let collection = collection.get_inner_expression();
    if let Some(len) = literal_len(collection, values, 0) {
        return Over::Literal(len);
    }
    if let Some(limit) = literal_limit(collection, values, 0) {
        return Over::Limited(limit);
    }
    if let Some(count) = constant_count(collection, values, 0) {
        return Over::Range(count);
    }
    Over::Collection
}

/// `Array.from({ length: COUNT })` of a constant, followed through `const` bindings.
fn constant_count<'a>(expr: &Expression<'a>, values: &Values<'_, 'a>, depth: u32) -> Option<u32> {
    if depth > 4 {
        return None;
    }
    match expr.get_inner_expression() {
        Expression::Identifier(ident) => {
            let symbol = values.symbol(ident)?;
            let oxc_ast::AstKind::VariableDeclarator(declarator) = values.semantic.symbol_declaration(symbol).kind()
            else {
                return None;
            };
            constant_count(declarator.init.as_ref()?, values, depth + 1)
        }
        Expression::CallExpression(call) => {
            let member = call.callee.get_inner_expression().as_member_expression()?;
            let is_array_from = member.object().get_identifier_reference().is_some_and(|object| object.name == "Array")
                && member.static_property_name() == Some("from");
            let Expression::ObjectExpression(options) = call.arguments.first()?.as_expression()?.get_inner_expression()
            else {
                return None;
            };
            if !is_array_from {
                return None;
            }
            constant(crate::orm::property(options, "length")?, values)
        }
        _ => None,
    }
}

/// The literal row limit of the call that produced a collection: `take: 5`, `limit: 5`,
/// `.limit(5)`, `.range(0, 4)`, followed through `await` and `const` bindings.
fn literal_limit<'a>(expr: &Expression<'a>, values: &Values<'_, 'a>, depth: u32) -> Option<u32> {
    if depth > 4 {
        return None;
    }
    match expr.get_inner_expression() {
        Expression::AwaitExpression(awaited) => literal_limit(&awaited.argument, values, depth + 1),
        // `data ?? []`: the fallback is empty.
        Expression::LogicalExpression(logical) => literal_limit(&logical.left, values, depth + 1),
        Expression::Identifier(ident) => {
            let symbol = values.symbol(ident)?;
            let oxc_ast::AstKind::VariableDeclarator(declarator) = values.semantic.symbol_declaration(symbol).kind()
            else {
                return None;
            };
            if values.semantic.scoping().symbol_is_mutated(symbol) {
                return None;
            }
            // `const { data } = await supabase.from(...).limit(5)` binds the rows too.
            literal_limit(declarator.init.as_ref()?, values, depth + 1)
        }
        Expression::CallExpression(call) => {
            let chain = crate::orm::Chain::of_call(call);
            chain.links.iter().find_map(|link| {
                let (method, args) = link.method()?;
                let number = |index: usize| match args.get(index)?.as_expression()?.get_inner_expression() {
                    Expression::NumericLiteral(n) => Some(n.value as u32),
                    _ => None,
                };
                match method {
                    "limit" | "take" => number(0),
                    "range" => Some(number(1)?.saturating_sub(number(0)?) + 1),
                    _ => {
                        let options = crate::orm::object_arg(args.first())?;
                        ["take", "limit", "first"].iter().find_map(|key| {
                            match crate::orm::property(options, key)?.get_inner_expression() {
                                Expression::NumericLiteral(n) => Some(n.value as u32),
                                _ => None,
                            }
                        })
                    }
                }
            })
        }
        _ => None,
    }
}

fn literal_len<'a>(expr: &Expression<'a>, values: &Values<'_, 'a>, depth: u32) -> Option<u32> {
    if depth > 4 {
        return None;
    }
    match expr.get_inner_expression() {
        Expression::ArrayExpression(array) => {
            (!array.elements.iter().any(|e| matches!(e, ArrayExpressionElement::SpreadElement(_))))
                .then_some(array.elements.len() as u32)
        }
        Expression::ObjectExpression(object) => Some(object.properties.len() as u32),
        // `Object.entries(LIMITS)`, `Object.keys(...)`, `Object.values(...)`, `Array.from(...)` of a literal.
        Expression::CallExpression(call) => {
            let member = call.callee.get_inner_expression().as_member_expression()?;
            let name = member.static_property_name()?;
            let object = member.object().get_identifier_reference()?;
            let argument = call.arguments.first()?.as_expression()?;
            match (object.name.as_str(), name) {
                ("Object", "entries" | "keys" | "values") => literal_len(argument, values, depth + 1),
                // `Array.from({ length: n })` is a count, not a literal: see `constant_count`.
                ("Array", "from") if !matches!(argument.get_inner_expression(), Expression::ObjectExpression(_)) => {
                    literal_len(argument, values, depth + 1)
                }
                _ => None,
            }
        }
        Expression::Identifier(ident) => {
            let symbol = values.symbol(ident)?;
            let declaration = values.semantic.symbol_declaration(symbol);
            let oxc_ast::AstKind::VariableDeclarator(declarator) = declaration.kind() else { return None };
            if values.semantic.scoping().symbol_is_mutated(symbol) {
                return None;
            }
            if let Some(annotation) = &declarator.type_annotation
                && let TSType::TSTupleType(tuple) = &annotation.type_annotation
            {
                return Some(tuple.element_types.len() as u32);
            }
            literal_len(declarator.init.as_ref()?, values, depth + 1)
        }
        _ => None,
    }
}

/// Whether `set` is one query's worth of keys for many elements (batching) rather than a list
/// derived from the element a loop is on. `elements` are the bindings of the enclosing loops'
/// elements (`post` in `for (const post of posts)`):
/// - `ids` built before the loop, or `chunk` when the loop walks chunks: batching;
/// - `chunk.map((c) => c.id)`: the element is itself a batch;
/// - `post.tagIds`, or a `const` derived from `post`: one element's list, a query per element.
pub fn is_batch_set<'a>(set: &Expression<'a>, elements: &[SymbolId], values: &Values<'_, 'a>) -> bool {
    if !crate::orm::is_dynamic_set(set) {
        return false;
    }
    let mut set = set.get_inner_expression();
    if let Expression::Identifier(ident) = set
        && let Some(symbol) = values.symbol(ident)
    {
        if elements.contains(&symbol) {
            return true;
        }
        if let oxc_ast::AstKind::VariableDeclarator(declarator) = values.semantic.symbol_declaration(symbol).kind()
            && declarator.id.get_binding_identifier().is_some()
            && let Some(init) = &declarator.init
        {
            set = init.get_inner_expression();
        }
    }
    if let Expression::CallExpression(call) = set
        && let Some(member) = call.callee.get_inner_expression().as_member_expression()
        && member.static_property_name().is_some_and(|m| matches!(m, "map" | "filter" | "flatMap" | "slice" | "concat"))
        && let Some(object) = member.object().get_identifier_reference()
        && values.symbol(object).is_some_and(|symbol| elements.contains(&symbol))
    {
        return true;
    }
    !mentions(set, elements, values)
}

fn mentions<'a>(expr: &Expression<'a>, symbols: &[SymbolId], values: &Values<'_, 'a>) -> bool {
    struct Finder<'v, 's, 'a> {
        symbols: &'v [SymbolId],
        values: &'v Values<'s, 'a>,
        found: bool,
    }
    impl<'a> Visit<'a> for Finder<'_, '_, 'a> {
        fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
            self.found |= self.values.symbol(it).is_some_and(|symbol| self.symbols.contains(&symbol));
        }
    }
    if symbols.is_empty() {
        return false;
    }
    let mut finder = Finder { symbols, values, found: false };
    finder.visit_expression(expr);
    finder.found
}

/// What a C-style `for` runs over, from its test.
pub fn over_counted<'a>(test: Option<&Expression<'a>>, values: &Values<'_, 'a>) -> Over {
    let Some(test) = test else { return Over::Condition };
    let Expression::BinaryExpression(binary) = test.get_inner_expression() else {
        return if mentions_size(test) { Over::Collection } else { Over::Condition };
    };
    if !binary.operator.is_compare() {
        return Over::Condition;
    }
    let bound = &binary.right;
    if let Some(n) = constant(bound, values) {
        return Over::Range(n);
    }
    // `i < items.length` of a literal array.
    if let Expression::StaticMemberExpression(member) = bound.get_inner_expression()
        && member.property.name == "length"
        && let Some(len) = literal_len(&member.object, values, 0)
    {
        return Over::Literal(len);
    }
    Over::Collection
}

/// A numeric constant: a literal or a `const` bound to one.
fn constant<'a>(expr: &Expression<'a>, values: &Values<'_, 'a>) -> Option<u32> {
    match expr.get_inner_expression() {
        Expression::NumericLiteral(number) => Some(number.value as u32),
        Expression::Identifier(ident) => {
            let symbol = values.symbol(ident)?;
            let oxc_ast::AstKind::VariableDeclarator(declarator) = values.semantic.symbol_declaration(symbol).kind()
            else {
                return None;
            };
            if values.semantic.scoping().symbol_is_mutated(symbol) {
                return None;
            }
            match declarator.init.as_ref()?.get_inner_expression() {
                Expression::NumericLiteral(number) => Some(number.value as u32),
                _ => None,
            }
        }
        _ => None,
    }
}

/// What a `while`/`do...while` runs over: elements when it drains a collection
/// (`while (queue.length)`), otherwise a condition (`while (cursor)`, `while (true)`).
pub fn over_condition(test: &Expression<'_>, body: &Statement<'_>) -> Over {
    if mentions_size(test) || BodyFacts::of_statement(body).drains { Over::Collection } else { Over::Condition }
}

fn mentions_size(expr: &Expression<'_>) -> bool {
    struct Finder(bool);
    impl<'a> Visit<'a> for Finder {
        fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
            self.0 |= matches!(it.property.name.as_str(), "length" | "size");
            walk::walk_static_member_expression(self, it);
        }
    }
    let mut finder = Finder(false);
    finder.visit_expression(expr);
    finder.0
}

/// How a loop body behaves, as far as the guards care.
#[derive(Default)]
pub struct BodyFacts {
    /// Ends in an unconditional `return`/`break`/`throw` with no `continue` before it.
    pub exits_first: bool,
    /// Holds a `try` whose block leaves the loop (`return`/`break`): a retry loop.
    pub retries: bool,
    /// Awaits a sleep (`await sleep(ms)`, `await new Promise(r => setTimeout(r, ms))`).
    pub paced: bool,
    /// Takes elements off a collection (`queue.shift()`, `stack.pop()`).
    pub drains: bool,
}

impl BodyFacts {
    pub fn of_statement(body: &Statement<'_>) -> BodyFacts {
        let mut scan = BodyScan::default();
        scan.visit_statement(body);
        let last = match body {
            Statement::BlockStatement(block) => block.body.last(),
            statement => Some(statement),
        };
        let ends_in_exit = matches!(
            last,
            Some(Statement::ReturnStatement(_) | Statement::BreakStatement(_) | Statement::ThrowStatement(_))
        );
        BodyFacts {
            exits_first: ends_in_exit && !scan.continues,
            retries: scan.retries,
            paced: scan.paced,
            drains: scan.drains,
        }
    }
}

#[derive(Default)]
struct BodyScan {
    continues: bool,
    retries: bool,
    paced: bool,
    drains: bool,
    awaiting: u32,
    /// Nested functions and loops: their `continue`/`return` are not this loop's.
    nested: u32,
}

impl<'a> Visit<'a> for BodyScan {
    fn visit_continue_statement(&mut self, _: &ContinueStatement<'a>) {
        self.continues |= self.nested == 0;
    }

    fn visit_try_statement(&mut self, it: &TryStatement<'a>) {
        if self.nested == 0
            && it.block.body.iter().any(|s| matches!(s, Statement::ReturnStatement(_) | Statement::BreakStatement(_)))
        {
            self.retries = true;
        }
        walk::walk_try_statement(self, it);
    }

    fn visit_await_expression(&mut self, it: &AwaitExpression<'a>) {
        self.awaiting += 1;
        walk::walk_await_expression(self, it);
        self.awaiting -= 1;
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        let name = match it.callee.get_inner_expression() {
            Expression::Identifier(ident) => Some(ident.name.as_str()),
            callee => callee.as_member_expression().and_then(|m| m.static_property_name()),
        };
        if let Some(name) = name {
            let lower = name.to_ascii_lowercase();
            if self.awaiting > 0
                && (lower.contains("sleep") || lower.contains("delay") || lower == "wait" || lower == "settimeout")
            {
                self.paced = true;
            }
            if matches!(name, "shift" | "pop") && it.arguments.is_empty() {
                self.drains = true;
            }
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        self.nested += 1;
        walk::walk_function(self, it, flags);
        self.nested -= 1;
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        self.nested += 1;
        walk::walk_arrow_function_expression(self, it);
        self.nested -= 1;
    }

    fn visit_for_statement(&mut self, it: &ForStatement<'a>) {
        self.nested += 1;
        walk::walk_for_statement(self, it);
        self.nested -= 1;
    }

    fn visit_for_of_statement(&mut self, it: &ForOfStatement<'a>) {
        self.nested += 1;
        walk::walk_for_of_statement(self, it);
        self.nested -= 1;
    }

    fn visit_while_statement(&mut self, it: &WhileStatement<'a>) {
        self.nested += 1;
        walk::walk_while_statement(self, it);
        self.nested -= 1;
    }
}
