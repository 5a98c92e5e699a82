//! What a loop runs over, and how its body leaves: the facts behind the false-positive guards
//! (literal collections, counted loops, pagination, retry loops, loops that run once).

use ceiling_facts::{Over, RetryWait};
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
    let sizer = Sizer::new(values);
    match sizer.size(collection, 0) {
        Some(Size::Literal(len)) => Over::Literal(len),
        Some(Size::Range(count)) => Over::Range(count),
        Some(Size::Limited(limit)) => Over::Limited(limit),
        None => sizer.parameter(collection).unwrap_or(Over::Collection),
    }
}

/// A bound on how many elements a collection has, by where the bound comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Size {
    /// Written out in the source: `['a', 'b']`, `{ a: 1, b: 2 }` (for its keys).
    Literal(u32),
    /// A constant count: `Array.from({ length: COUNT })`.
    Range(u32),
    /// A constant row limit of the query that produced it: `take: 5`, `.limit(5)`.
    Limited(u32),
}

impl Size {
    fn bound(self) -> u32 {
        match self {
            Size::Literal(n) | Size::Range(n) | Size::Limited(n) => n,
        }
    }

    /// The bound of something that is one or the other: the larger count, of the weaker kind.
    fn either(self, other: Size) -> Size {
        let bound = self.bound().max(other.bound());
        match (self, other) {
            (Size::Literal(_), Size::Literal(_)) => Size::Literal(bound),
            (Size::Limited(_), _) | (_, Size::Limited(_)) => Size::Limited(bound),
            _ => Size::Range(bound),
        }
    }
}

/// Depth bound for following bindings, members and returns: constants sit a few steps away
/// (`TEMPLATES[type].folders`, `buildExamples().responses`), not dozens.
const MAX_SIZE_DEPTH: u32 = 8;

/// Maximum number of expressions one collection may be followed to (a table of tables...).
const MAX_SOURCES: usize = 32;

/// Finds an upper bound on a collection's size, when the code fixes one: followed through
/// `const` bindings, `await`, `??`, members of object literals (a computed key may be any of
/// them), the returned expression of local functions (with their parameters bound to the call's
/// arguments: `buildProfiles(COUNT)`), and size-keeping calls (`.map`, `.filter`, `Object.keys`,
/// `Array.from`).
struct Sizer<'b, 'v, 's, 'a> {
    values: &'v Values<'s, 'a>,
    /// Parameters of the local functions followed into, bound to the arguments of the call.
    arguments: std::cell::RefCell<Vec<(SymbolId, &'b Expression<'a>)>>,
}

impl<'b, 'v, 's, 'a: 'b> Sizer<'b, 'v, 's, 'a> {
    fn new(values: &'v Values<'s, 'a>) -> Self {
        Sizer { values, arguments: std::cell::RefCell::new(Vec::new()) }
    }

    fn argument(&self, symbol: SymbolId) -> Option<&'b Expression<'a>> {
        self.arguments.borrow().iter().find(|(bound, _)| *bound == symbol).map(|(_, argument)| *argument)
    }

    fn size(&self, expr: &'b Expression<'a>, depth: u32) -> Option<Size> {
        if depth > MAX_SIZE_DEPTH {
            return None;
        }
        if let Expression::Identifier(ident) = expr.get_inner_expression()
            && let Some(declarator) =
                self.values.symbol(ident).and_then(|symbol| constant_declarator(symbol, self.values))
        {
            if let Some(annotation) = &declarator.type_annotation
                && let TSType::TSTupleType(tuple) = &annotation.type_annotation
            {
                return Some(Size::Literal(tuple.element_types.len() as u32));
            }
            // `const { data } = await query.limit(5)`: the rows of a query result, destructured.
            if declarator.id.get_binding_identifier().is_none() {
                return self.limited(declarator.init.as_ref()?, depth + 1);
            }
        }
        let mut candidates = Vec::new();
        self.sources(expr, depth, &mut candidates);
        if candidates.is_empty() {
            return None;
        }
        candidates.iter().try_fold(None::<Size>, |joined, candidate| {
            let next = self.direct_size(candidate, depth + 1)?;
            Some(Some(joined.map_or(next, |joined| joined.either(next))))
        })?
    }

    /// The size of an expression that is not a name or a member: literals and size-keeping calls.
    fn direct_size(&self, expr: &'b Expression<'a>, depth: u32) -> Option<Size> {
        match expr.get_inner_expression() {
            Expression::ArrayExpression(array) => {
                let spread = array.elements.iter().any(|e| matches!(e, ArrayExpressionElement::SpreadElement(_)));
                (!spread).then_some(Size::Literal(array.elements.len() as u32))
            }
            Expression::ObjectExpression(object) => Some(Size::Literal(object.properties.len() as u32)),
            // `data ?? []`: the fallback is empty.
            Expression::LogicalExpression(logical) => self.size(&logical.left, depth),
            Expression::ConditionalExpression(conditional) => {
                Some(self.size(&conditional.consequent, depth)?.either(self.size(&conditional.alternate, depth)?))
            }
            Expression::CallExpression(call) => self.call_size(call, depth),
            // `(await stripe.subscriptions.list({ limit: 100 })).data`, `result.rows`: the page of
            // a call with a constant limit.
            Expression::StaticMemberExpression(member) => self.limited(&member.object, depth),
            _ => None,
        }
    }

    /// What an expression may evaluate to: followed through `const` bindings, bound parameters,
    /// `await`, calls of local functions that return one expression, and members of object
    /// literals (every value of a table indexed by a computed key). Leaves what it cannot follow
    /// as it is.
    fn sources(&self, expr: &'b Expression<'a>, depth: u32, out: &mut Vec<&'b Expression<'a>>) {
        if depth > MAX_SIZE_DEPTH || out.len() >= MAX_SOURCES {
            out.push(expr);
            return;
        }
        let depth = depth + 1;
        match expr.get_inner_expression() {
            Expression::Identifier(ident) => {
                let Some(symbol) = self.values.symbol(ident) else { return out.push(expr) };
                if let Some(argument) = self.argument(symbol) {
                    return self.sources(argument, depth, out);
                }
                match constant_declarator(symbol, self.values) {
                    Some(declarator) if declarator.id.get_binding_identifier().is_some() => match &declarator.init {
                        Some(init) => self.sources(init, depth, out),
                        None => out.push(expr),
                    },
                    _ => out.push(expr),
                }
            }
            Expression::AwaitExpression(awaited) => self.sources(&awaited.argument, depth, out),
            Expression::CallExpression(call) => {
                let function = call
                    .callee
                    .get_inner_expression()
                    .get_identifier_reference()
                    .and_then(|callee| self.values.symbol(callee))
                    .and_then(|symbol| returned_expression(symbol, self.values));
                let Some((parameters, returned)) = function else { return out.push(expr) };
                for (parameter, argument) in parameters.items.iter().zip(&call.arguments) {
                    if let (Some(ident), Some(argument)) =
                        (parameter.pattern.get_binding_identifier(), argument.as_expression())
                        && let Some(symbol) = ident.symbol_id.get()
                        && self.argument(symbol).is_none()
                    {
                        self.arguments.borrow_mut().push((symbol, argument));
                    }
                }
                self.sources(returned, depth, out);
            }
            Expression::StaticMemberExpression(member) => {
                let mut objects = Vec::new();
                self.sources(&member.object, depth, &mut objects);
                for object in objects {
                    match object.get_inner_expression() {
                        Expression::ObjectExpression(object) => {
                            match crate::orm::property(object, &member.property.name) {
                                Some(value) => self.sources(value, depth, out),
                                None => out.push(expr),
                            }
                        }
                        _ => out.push(expr),
                    }
                }
            }
            Expression::ComputedMemberExpression(member) => {
                let mut objects = Vec::new();
                self.sources(&member.object, depth, &mut objects);
                for object in objects {
                    match object.get_inner_expression() {
                        Expression::ObjectExpression(table) if !table.properties.is_empty() => {
                            for property in &table.properties {
                                match property {
                                    ObjectPropertyKind::ObjectProperty(property) => {
                                        self.sources(&property.value, depth, out)
                                    }
                                    ObjectPropertyKind::SpreadProperty(_) => out.push(expr),
                                }
                            }
                        }
                        _ => out.push(expr),
                    }
                }
            }
            other => out.push(other),
        }
    }

    /// Calls that keep a bound: `Object.keys(x)`, `Array.from(x)`, `Array.from({ length: N })`,
    /// `x.map(...)`, `x.filter(...)`, `x.slice(...)`; and queries with a constant row limit.
    fn call_size(&self, call: &'b CallExpression<'a>, depth: u32) -> Option<Size> {
        let member = call.callee.get_inner_expression().as_member_expression();
        let method = member.and_then(|m| m.static_property_name());
        let object = member.map(|m| m.object());
        let first = call.arguments.first().and_then(Argument::as_expression);
        match (object.and_then(|o| o.get_identifier_reference()).map(|o| o.name.as_str()), method) {
            (Some("Object"), Some("keys" | "values" | "entries")) => self.size(first?, depth),
            (Some("Array"), Some("from")) => match first?.get_inner_expression() {
                Expression::ObjectExpression(options) => {
                    Some(Size::Range(self.constant(crate::orm::property(options, "length")?, depth)?))
                }
                other => self.size(other, depth),
            },
            // `title.split(' ').slice(0, 5)`: at most the slice's width, whatever it slices.
            (_, Some("slice")) if call.arguments.len() == 2 => {
                let bound = |index: usize| self.constant(call.arguments.get(index)?.as_expression()?, depth);
                match (bound(0), bound(1)) {
                    (Some(start), Some(end)) => Some(Size::Range(end.saturating_sub(start))),
                    _ => self.size(object?, depth),
                }
            }
            (_, Some("map" | "filter" | "slice" | "sort" | "toSorted" | "reverse" | "toReversed")) => {
                self.size(object?, depth)
            }
            _ => self.limited_call(call, depth),
        }
    }

    /// The constant row limit of the query that produced a collection.
    fn limited(&self, expr: &'b Expression<'a>, depth: u32) -> Option<Size> {
        let mut candidates = Vec::new();
        self.sources(expr, depth, &mut candidates);
        match candidates.as_slice() {
            [Expression::CallExpression(call)] => self.limited_call(call, depth),
            _ => None,
        }
    }

    /// The constant row limit of a query call: `take: 5`, `limit: BATCH_SIZE`, `first: 5`,
    /// `.limit(5)`, `.range(0, 4)`.
    fn limited_call(&self, call: &'b CallExpression<'a>, depth: u32) -> Option<Size> {
        let chain = crate::orm::Chain::of_call(call);
        chain.links.iter().find_map(|link| {
            let (method, args) = link.method()?;
            let number = |index: usize| self.constant(args.get(index)?.as_expression()?, depth);
            let limit = match method {
                "limit" | "take" => number(0),
                "range" => Some(number(1)?.saturating_sub(number(0)?) + 1),
                _ => {
                    let options = crate::orm::object_arg(args.first())?;
                    ["take", "limit", "first"]
                        .iter()
                        .find_map(|key| self.constant(crate::orm::property(options, key)?, depth))
                }
            };
            limit.map(Size::Limited)
        })
    }

    /// A collection that is a parameter of the enclosing function (`for (const a of access)`):
    /// its size is what the callers pass, which only the project model can tell.
    fn parameter(&self, collection: &'b Expression<'a>) -> Option<Over> {
        let mut candidates = Vec::new();
        self.sources(collection, 0, &mut candidates);
        let [Expression::Identifier(ident)] = candidates.as_slice() else { return None };
        let symbol = self.values.symbol(ident)?;
        let declaration = self.values.semantic.symbol_declaration(symbol);
        let oxc_ast::AstKind::FormalParameter(parameter) = declaration.kind() else { return None };
        parameter.pattern.get_binding_identifier()?;
        let (func, index) = self.values.parameter_position(declaration.id())?;
        Some(Over::Parameter { func, index })
    }

    /// A numeric constant: a literal, a `const` bound to one, or a parameter bound to one.
    fn constant(&self, expr: &'b Expression<'a>, depth: u32) -> Option<u32> {
        let mut candidates = Vec::new();
        self.sources(expr, depth, &mut candidates);
        match candidates.as_slice() {
            [Expression::NumericLiteral(number)] => Some(number.value as u32),
            _ => None,
        }
    }
}

/// The parameters of a local function and the one expression it returns: an arrow's expression
/// body, or a body whose only `return` is its last statement.
fn returned_expression<'a>(
    symbol: SymbolId,
    values: &Values<'_, 'a>,
) -> Option<(&'a FormalParameters<'a>, &'a Expression<'a>)> {
    let (parameters, body) = match values.semantic.symbol_declaration(symbol).kind() {
        oxc_ast::AstKind::Function(function) => (&*function.params, function.body.as_ref()?),
        oxc_ast::AstKind::VariableDeclarator(declarator) => match declarator.init.as_ref()?.get_inner_expression() {
            Expression::ArrowFunctionExpression(arrow) => {
                if let Some(expr) = arrow.body.as_expression() {
                    return Some((&arrow.params, expr));
                }
                match &arrow.body {
                    ArrowFunctionBody::FunctionBody(body) => (&*arrow.params, body),
                    _ => return None,
                }
            }
            Expression::FunctionExpression(function) => (&*function.params, function.body.as_ref()?),
            _ => return None,
        },
        _ => return None,
    };
    let returns = body.statements.iter().filter(|statement| matches!(statement, Statement::ReturnStatement(_))).count();
    match body.statements.last()? {
        Statement::ReturnStatement(statement) if returns == 1 => Some((parameters, statement.argument.as_ref()?)),
        _ => None,
    }
}

/// The declarator of a binding that holds its initial value: not reassigned, and, for arrays and
/// objects, not grown in place (`ids.push(x)`, `table[key] = v`).
fn constant_declarator<'a>(symbol: SymbolId, values: &Values<'_, 'a>) -> Option<&'a VariableDeclarator<'a>> {
    let oxc_ast::AstKind::VariableDeclarator(declarator) = values.semantic.symbol_declaration(symbol).kind() else {
        return None;
    };
    let scoping = values.semantic.scoping();
    if scoping.symbol_is_mutated(symbol) {
        return None;
    }
    let nodes = values.semantic.nodes();
    let grown = scoping.get_resolved_references(symbol).any(|reference| {
        let mut ancestors = nodes.ancestor_kinds(reference.node_id());
        match ancestors.next() {
            Some(oxc_ast::AstKind::StaticMemberExpression(member)) => {
                matches!(member.property.name.as_str(), "push" | "unshift" | "splice" | "fill" | "set" | "add")
            }
            Some(oxc_ast::AstKind::ComputedMemberExpression(_)) => {
                matches!(ancestors.next(), Some(oxc_ast::AstKind::AssignmentExpression(_)))
            }
            _ => false,
        }
    });
    (!grown).then_some(declarator)
}

/// Whether `rows` is one row to write: an object literal, or a `const` bound to one
/// (`const application = { ... }; supabase.from('t').insert(application)`).
pub fn is_one_row<'a>(rows: &Expression<'a>, values: &Values<'_, 'a>) -> bool {
    match rows.get_inner_expression() {
        Expression::ObjectExpression(_) => true,
        Expression::Identifier(ident) => values
            .symbol(ident)
            .and_then(|symbol| constant_declarator(symbol, values))
            .and_then(|declarator| declarator.init.as_ref())
            .is_some_and(|init| matches!(init.get_inner_expression(), Expression::ObjectExpression(_))),
        _ => false,
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

/// Whether `expr` uses any of `symbols`, directly or through the initialisers of the local
/// bindings it uses (`const parents = segments.map(...)`, `const segments = folder.path.split('/')`).
fn mentions<'a>(expr: &Expression<'a>, symbols: &[SymbolId], values: &Values<'_, 'a>) -> bool {
    struct Finder<'v, 's, 'a> {
        symbols: &'v [SymbolId],
        values: &'v Values<'s, 'a>,
        followed: Vec<SymbolId>,
        found: bool,
    }
    impl<'a> Visit<'a> for Finder<'_, '_, 'a> {
        fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
            let Some(symbol) = self.values.symbol(it) else { return };
            if self.symbols.contains(&symbol) {
                self.found = true;
                return;
            }
            // Follow a few local bindings back to what they were built from.
            if self.found || self.followed.len() >= 8 || self.followed.contains(&symbol) {
                return;
            }
            self.followed.push(symbol);
            if let oxc_ast::AstKind::VariableDeclarator(declarator) =
                self.values.semantic.symbol_declaration(symbol).kind()
                && let Some(init) = &declarator.init
            {
                self.visit_expression(init);
            }
        }
    }
    if symbols.is_empty() {
        return false;
    }
    let mut finder = Finder { symbols, values, followed: Vec::new(), found: false };
    finder.visit_expression(expr);
    finder.found
}

/// Whether a statement reads any of `symbols`.
pub fn statement_mentions<'a>(statement: &Statement<'a>, symbols: &[SymbolId], values: &Values<'_, 'a>) -> bool {
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
    let mut finder = Finder { symbols, values, found: false };
    finder.visit_statement(statement);
    finder.found
}

/// What a C-style `for` runs over, from its test.
pub fn over_counted<'a>(test: Option<&Expression<'a>>, values: &Values<'_, 'a>) -> Over {
    let Some(test) = test else { return Over::Condition };
    let Expression::BinaryExpression(binary) = test.get_inner_expression() else {
        return if sized_collections(test).is_empty() { Over::Condition } else { Over::Collection };
    };
    if !binary.operator.is_compare() {
        return Over::Condition;
    }
    let bound = &binary.right;
    let sizer = Sizer::new(values);
    if let Some(n) = sizer.constant(bound, 0) {
        return Over::Range(n);
    }
    // `i < items.length` of a literal array.
    if let Expression::StaticMemberExpression(member) = bound.get_inner_expression()
        && member.property.name == "length"
        && let Some(Size::Literal(len)) = sizer.size(&member.object, 0)
    {
        return Over::Literal(len);
    }
    Over::Collection
}

/// What a `while`/`do...while` runs over: elements when it drains a collection
/// (`while (queue.length)`), otherwise a condition (`while (cursor)`, `while (true)`).
/// A test on a size is a loop over elements, unless the body grows that collection: `while
/// (rows.length < max) rows.push(...page)` fetches pages until it has enough.
pub fn over_condition(test: &Expression<'_>, body: &Statement<'_>) -> Over {
    let mut scan = BodyScan::default();
    scan.visit_statement(body);
    let sized = sized_collections(test);
    let accumulates = !sized.is_empty() && sized.iter().all(|name| scan.grows.contains(name));
    if scan.drains || (!sized.is_empty() && !accumulates) { Over::Collection } else { Over::Condition }
}

/// The collections whose `.length`/`.size` an expression reads (`""` for one that is not a name).
fn sized_collections(expr: &Expression<'_>) -> Vec<String> {
    struct Finder(Vec<String>);
    impl<'a> Visit<'a> for Finder {
        fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
            if matches!(it.property.name.as_str(), "length" | "size") {
                let name = it.object.get_identifier_reference().map(|ident| ident.name.to_string());
                self.0.push(name.unwrap_or_default());
            }
            walk::walk_static_member_expression(self, it);
        }
    }
    let mut finder = Finder(Vec::new());
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
    /// How a retry loop waits between attempts.
    pub wait: Option<RetryWait>,
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
        let wait = scan.retries.then(|| {
            let mut waits = WaitScan { wait: RetryWait::Immediate };
            waits.visit_statement(body);
            waits.wait
        });
        BodyFacts { exits_first: ends_in_exit && !scan.continues, retries: scan.retries, wait }
    }
}

/// How a retry loop's body waits: not at all, a constant delay, or a delay it computes.
struct WaitScan {
    wait: RetryWait,
}

/// A delay is constant when it is a number, arithmetic on numbers, or a constant's name
/// (`RETRY_DELAY_MS`). A variable (`delay`, which the loop may double) counts as computed.
fn is_constant_delay(delay: &Expression<'_>) -> bool {
    match delay.get_inner_expression() {
        Expression::NumericLiteral(_) => true,
        Expression::BinaryExpression(binary) => is_constant_delay(&binary.left) && is_constant_delay(&binary.right),
        Expression::Identifier(ident) => ceiling_facts::outbound::is_constant_name(&ident.name),
        _ => false,
    }
}

impl<'a> Visit<'a> for WaitScan {
    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        let name = match it.callee.get_inner_expression() {
            Expression::Identifier(ident) => Some(ident.name.as_str()),
            callee => callee.as_member_expression().and_then(|m| m.static_property_name()),
        };
        if let Some(name) = name {
            let wait = ceiling_facts::outbound::wait_of_call(name, || {
                // `setTimeout(resolve, ms)` takes the callback first; `timers/promises`' takes the delay.
                let first_is_callback = it.arguments.first().and_then(Argument::as_expression).is_some_and(|first| {
                    matches!(
                        first.get_inner_expression(),
                        Expression::ArrowFunctionExpression(_)
                            | Expression::FunctionExpression(_)
                            | Expression::Identifier(_)
                    ) && name == "setTimeout"
                });
                let delay = it.arguments.get(usize::from(first_is_callback)).and_then(Argument::as_expression);
                delay.is_some_and(is_constant_delay)
            });
            // The most deliberate wait in the body is the one that counts.
            if let Some(wait) = wait {
                self.wait = ceiling_facts::outbound::stronger_wait(self.wait, wait);
            }
        }
        walk::walk_call_expression(self, it);
    }
}

#[derive(Default)]
struct BodyScan {
    continues: bool,
    retries: bool,
    drains: bool,
    /// Collections the body adds to (`rows.push(...page)`).
    grows: Vec<String>,
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

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        let name = match it.callee.get_inner_expression() {
            Expression::Identifier(ident) => Some(ident.name.as_str()),
            callee => callee.as_member_expression().and_then(|m| m.static_property_name()),
        };
        if let Some(name) = name {
            if matches!(name, "shift" | "pop") && it.arguments.is_empty() {
                self.drains = true;
            }
            if matches!(name, "push" | "unshift")
                && let Some(object) = it.callee.get_inner_expression().as_member_expression()
                && let Some(collection) = object.object().get_identifier_reference()
            {
                self.grows.push(collection.name.to_string());
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
