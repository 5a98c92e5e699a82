//! The walk over one file that records its facts.

use ceiling_facts::outbound::mentions_rate_limit;
use ceiling_facts::{
    Call, Export, FileFacts, Given, HardcodedSecret, HttpRequest, ImportedName, Iteration, IterationKind, Object, Over,
    ParamGuard, Query, SecretKind, Value,
};
use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_semantic::{Semantic, SymbolId};
use oxc_span::GetSpan;
use oxc_syntax::scope::ScopeFlags;
use rustc_hash::FxHashMap;

use crate::iterations::{
    ARRAY_CALLBACKS, BodyFacts, is_batch_set, is_one_row, over_collection, over_condition, over_counted,
    statement_mentions,
};
use crate::lines::{LineIndex, OxcSpans};
use crate::orm::{Chain, Hints, Link, shapes, sql_tag_shape};
use crate::values::Values;

/// Methods that keep a callback for later instead of running it: a callback handed to them in a
/// loop body does not run once per element (`handlers.push(() => db.user.findMany())`).
const STORING_METHODS: &[&str] =
    &["push", "unshift", "set", "add", "append", "on", "once", "addEventListener", "addListener", "subscribe"];

/// Where the walk is: the function being walked and the iterations whose body it is in.
struct Context {
    func: Option<u32>,
    loops: Vec<u32>,
    /// `catch` blocks around the walk, within this function (and the callbacks it runs).
    catches: u32,
    /// Conditions on parameters around the walk, innermost last.
    guards: Vec<ParamGuard>,
}

pub struct Extractor<'s, 'a> {
    values: Values<'s, 'a>,
    lines: LineIndex<'s>,
    facts: FileFacts,
    contexts: Vec<Context>,
    /// Classes being walked, innermost last: what `this` is.
    classes: Vec<u32>,
    /// Callbacks that are the body of an iteration, by start offset.
    iteration_callbacks: FxHashMap<u32, u32>,
    /// Start offsets of call chains already recorded as a query: the inner calls of
    /// `db.select().from(t).where(...)` start at the same place and are not queries of their own.
    query_chains: rustc_hash::FxHashSet<u32>,
    /// The bindings of each iteration's element (`post` in `for (const post of posts)`).
    element_bindings: FxHashMap<u32, Vec<SymbolId>>,
    /// Array callbacks whose results form one transaction: `$transaction(xs.map((x) => ...))`.
    transaction_batches: rustc_hash::FxHashSet<u32>,
}

impl<'s, 'a> Extractor<'s, 'a> {
    pub fn new(semantic: &'s Semantic<'a>, source: &'s str) -> Self {
        let lines = LineIndex::new(source);
        let mut facts = FileFacts { lines: lines.lines(), ..FileFacts::default() };
        let (mut functions, mut classes) = (FxHashMap::default(), FxHashMap::default());
        // Ids first, so that a value can name a function declared further down.
        for node in semantic.nodes().iter() {
            match node.kind() {
                AstKind::Function(function) => {
                    functions.insert(function.span.start, facts.functions.len() as u32);
                    facts.functions.push(placeholder(lines.span(function.span)));
                }
                AstKind::ArrowFunctionExpression(arrow) => {
                    functions.insert(arrow.span.start, facts.functions.len() as u32);
                    facts.functions.push(placeholder(lines.span(arrow.span)));
                }
                AstKind::Class(class) => {
                    classes.insert(class.span.start, facts.classes.len() as u32);
                    facts.classes.push(ceiling_facts::Class {
                        name: class.id.as_ref().map_or_else(|| "<class>".to_owned(), |id| id.name.to_string()),
                        extends: Value::Unknown,
                        methods: Vec::new(),
                        fields: Vec::new(),
                        model: Value::Unknown,
                        nested: Vec::new(),
                        pagination: None,
                    });
                }
                _ => {}
            }
        }
        Extractor {
            values: Values::new(semantic, functions, classes),
            lines,
            facts,
            contexts: vec![Context { func: None, loops: Vec::new(), catches: 0, guards: Vec::new() }],
            classes: Vec::new(),
            iteration_callbacks: FxHashMap::default(),
            query_chains: rustc_hash::FxHashSet::default(),
            element_bindings: FxHashMap::default(),
            transaction_batches: rustc_hash::FxHashSet::default(),
        }
    }

    pub fn run(mut self, program: &Program<'a>, path: &str) -> FileFacts {
        self.visit_program(program);
        // After the walk: every function has its id, which handlers refer to.
        (self.facts.routes, self.facts.mounts) = crate::routes::routes(program, &mut self.values, path);
        self.facts.timers = crate::timers::timers(program, &mut self.values, path);
        self.facts.suppressions = ceiling_facts::suppressions(
            program.source_text,
            program.comments.iter().map(|comment| (comment.span.start, comment.span.end)),
        );
        self.facts.objects =
            std::mem::take(&mut self.values.objects).into_iter().map(|properties| Object { properties }).collect();
        self.facts
    }

    fn context(&self) -> &Context {
        self.contexts.last().expect("the top-level context is never popped")
    }

    fn value(&mut self, expr: &Expression<'a>) -> Value {
        let this_class = self.classes.last().copied();
        self.values.of(expr, this_class)
    }

    fn enter_function(&mut self, start: u32, node_id: oxc_semantic::NodeId) {
        let Some(&id) = self.values.functions.get(&start) else { return };
        let parent = self.context().func;
        let (inline, name) = self.describe_function(node_id);
        let iteration = self.iteration_callbacks.remove(&start);
        let runs_here = inline || iteration.is_some();
        let mut loops = if runs_here { self.context().loops.clone() } else { Vec::new() };
        loops.extend(iteration);
        let catches = if runs_here { self.context().catches } else { 0 };
        let guards = if runs_here { self.context().guards.clone() } else { Vec::new() };
        let function = &mut self.facts.functions[id as usize];
        function.parent = parent;
        function.inline = inline;
        function.name = name;
        self.contexts.push(Context { func: Some(id), loops, catches, guards });
    }

    /// Whether a function is written as the argument of a call, and a name for it.
    fn describe_function(&self, node_id: oxc_semantic::NodeId) -> (bool, String) {
        let nodes = self.values.semantic.nodes();
        let own_name = match nodes.kind(node_id) {
            AstKind::Function(function) => function.id.as_ref().map(|id| id.name.to_string()),
            _ => None,
        };
        let mut ancestors = nodes.ancestor_kinds(node_id);
        while let Some(parent) = ancestors.next() {
            match parent {
                AstKind::ParenthesizedExpression(_)
                | AstKind::TSAsExpression(_)
                | AstKind::TSSatisfiesExpression(_) => {}
                AstKind::CallExpression(call) => {
                    let stored = call
                        .callee
                        .get_inner_expression()
                        .as_member_expression()
                        .and_then(|member| member.static_property_name())
                        .is_some_and(|method| STORING_METHODS.contains(&method));
                    // `export const getUser = cache(async (id) => ...)`: the callback goes by the wrapper's name.
                    let wrapper = ancestors.clone().find(|kind| {
                        !matches!(kind, AstKind::AwaitExpression(_) | AstKind::ParenthesizedExpression(_))
                    });
                    let wrapper = match wrapper {
                        Some(AstKind::VariableDeclarator(declarator)) => {
                            declarator.id.get_binding_identifier().map(|id| id.name.to_string())
                        }
                        _ => None,
                    };
                    return (!stored, own_name.or(wrapper).unwrap_or_else(|| "<callback>".to_owned()));
                }
                AstKind::NewExpression(_) => return (true, own_name.unwrap_or_else(|| "<callback>".to_owned())),
                AstKind::VariableDeclarator(declarator) => {
                    let name = declarator.id.get_binding_identifier().map(|id| id.name.to_string());
                    return (false, own_name.or(name).unwrap_or_else(|| "<anonymous>".to_owned()));
                }
                AstKind::MethodDefinition(method) => {
                    let key = method.key.static_name().map(|k| k.to_string()).unwrap_or_default();
                    let class = self.classes.last().map(|c| self.facts.classes[*c as usize].name.clone());
                    return (false, class.map_or(key.clone(), |class| format!("{class}.{key}")));
                }
                AstKind::ObjectProperty(property) => {
                    let key = property.key.static_name().map(|k| k.to_string());
                    return (false, own_name.or(key).unwrap_or_else(|| "<anonymous>".to_owned()));
                }
                AstKind::PropertyDefinition(property) => {
                    let key = property.key.static_name().map(|k| k.to_string());
                    return (false, own_name.or(key).unwrap_or_else(|| "<anonymous>".to_owned()));
                }
                _ => break,
            }
        }
        (false, own_name.unwrap_or_else(|| "<anonymous>".to_owned()))
    }

    fn exit_function(&mut self, start: u32) {
        if self.values.functions.contains_key(&start) {
            self.contexts.pop();
        }
    }

    fn push_iteration(&mut self, kind: IterationKind, span: oxc_span::Span, over: Over, body: BodyFacts) -> u32 {
        let id = self.facts.iterations.len() as u32;
        let context = self.context();
        let iteration = Iteration {
            kind,
            span: self.lines.span(span),
            over,
            exits_first: body.exits_first,
            retries: body.retries,
            wait: body.wait,
            concurrent: false,
            origin: None,
            func: context.func,
            parent: context.loops.last().copied(),
        };
        self.facts.iterations.push(iteration);
        id
    }

    /// Walks a loop body with the iteration active.
    fn in_iteration(&mut self, id: u32, walk_body: impl FnOnce(&mut Self)) {
        self.contexts.last_mut().expect("context").loops.push(id);
        walk_body(self);
        self.contexts.last_mut().expect("context").loops.pop();
    }

    fn record_queries(&mut self, call: &CallExpression<'a>) {
        if self.query_chains.contains(&call.span.start) {
            return;
        }
        let elements: Vec<SymbolId> =
            self.context().loops.iter().filter_map(|id| self.element_bindings.get(id)).flatten().copied().collect();
        let values = &self.values;
        let batch_set = |set: &Expression<'a>| is_batch_set(set, &elements, values);
        let one_row = |rows: &Expression<'a>| is_one_row(rows, values);
        let chain = Chain::of_call(call);
        let found = shapes(&chain, &Hints { batch_set: &batch_set, one_row: &one_row });
        if found.is_empty() {
            return;
        }
        self.query_chains.insert(call.span.start);
        let Chain { root, links, .. } = chain;
        let deferred = self.joins_transaction(call);
        for shape in found {
            let receiver = self.receiver(root, &links[..shape.receiver_links]);
            if receiver.is_unknown() || is_declaration_builder(shape.api, &receiver) {
                continue;
            }
            let binding = crate::rows::binding(call, &self.values, &self.lines);
            let mut shape = shape;
            shape.opaque |= binding.built_further;
            shape.limit_unknown |= binding.built_further;
            self.push_query(call.span, receiver, shape, deferred, binding.uses);
        }
    }

    /// The value of the chain's root followed by its first `links` links.
    fn receiver(&mut self, root: &Expression<'a>, links: &[Link<'_, 'a>]) -> Value {
        let mut value = self.value(root);
        for link in links {
            value = match link {
                Link::Property(name) => value.member(*name),
                Link::Method(name, _) => value.member(*name).call(),
                Link::Call(_) => value.call(),
            };
        }
        value
    }

    fn push_query(
        &mut self,
        span: oxc_span::Span,
        receiver: Value,
        shape: crate::orm::Shape,
        deferred: bool,
        uses: Option<Vec<ceiling_facts::RowsUse>>,
    ) {
        let context = self.context();
        let query = Query {
            span: self.lines.span(span),
            receiver,
            shape: shape.query,
            deferred,
            fallback: context.catches > 0,
            guard: context.guards.last().cloned(),
            func: context.func,
            iteration: context.loops.last().copied(),
            uses,
            listed_by: None,
        };
        self.facts.queries.push(query);
    }

    /// The values of arguments that are names or member paths; anything else is left unknown,
    /// which keeps the cost of a call's facts small.
    fn argument_values(&mut self, arguments: &[Argument<'a>]) -> Vec<Value> {
        let mut values: Vec<Value> = arguments
            .iter()
            .map(|argument| match argument.as_expression().map(Expression::get_inner_expression) {
                Some(expr @ (Expression::Identifier(_) | Expression::StaticMemberExpression(_))) => self.value(expr),
                _ => Value::Unknown,
            })
            .collect();
        while values.last().is_some_and(Value::is_unknown) {
            values.pop();
        }
        values
    }

    #[allow(clippy::too_many_arguments)]
    fn record_call(
        &mut self,
        span: oxc_span::Span,
        node: oxc_semantic::NodeId,
        callee: Value,
        constructs: bool,
        deferred: bool,
        args: Vec<Value>,
        literal_lengths: Vec<Option<u32>>,
        given: Vec<Given>,
    ) {
        if callee.is_unknown() {
            return;
        }
        let kept = self.is_kept(node);
        let context = self.context();
        let call = Call {
            span: self.lines.span(span),
            callee,
            deferred,
            args,
            literal_lengths,
            fallback: context.catches > 0,
            guard: context.guards.last().cloned(),
            given,
            func: context.func,
            iteration: context.loops.last().copied(),
            constructs,
            kept,
        };
        self.facts.calls.push(call);
    }

    /// Whether the value of a node outlives the function that makes it: stored in a variable of
    /// an outer scope, on an object (`globalThis.prisma = ...`, `this.pool = ...`), behind `??=`,
    /// in a class field, or returned from a callback of a memoising wrapper (`cache(() => ...)`).
    /// Followed through the wrappers it is handed to (`drizzle(new Pool())`).
    fn is_kept(&self, node: oxc_semantic::NodeId) -> bool {
        let nodes = self.values.semantic.nodes();
        let mut child = node;
        for parent in nodes.ancestors(node) {
            match parent.kind() {
                AstKind::ParenthesizedExpression(_)
                | AstKind::TSAsExpression(_)
                | AstKind::TSSatisfiesExpression(_)
                | AstKind::TSNonNullExpression(_)
                | AstKind::AwaitExpression(_)
                | AstKind::LogicalExpression(_)
                | AstKind::ConditionalExpression(_)
                | AstKind::ObjectProperty(_)
                | AstKind::ObjectExpression(_)
                | AstKind::ArrayExpression(_)
                | AstKind::NewExpression(_) => {}
                // An argument flows into the wrapper's result; a callee's result is what we follow.
                AstKind::CallExpression(call) if call.callee.span() != nodes.kind(child).span() => {}
                AstKind::PropertyDefinition(_) => return true,
                AstKind::AssignmentExpression(assignment) => {
                    use oxc_syntax::operator::AssignmentOperator;
                    if matches!(assignment.operator, AssignmentOperator::LogicalNullish | AssignmentOperator::LogicalOr)
                    {
                        return true;
                    }
                    return match &assignment.left {
                        AssignmentTarget::AssignmentTargetIdentifier(ident) => {
                            self.values.symbol(ident).is_some_and(|symbol| self.declared_outside_function(symbol))
                        }
                        target => target.as_member_expression().is_some(),
                    };
                }
                AstKind::ReturnStatement(_) | AstKind::ExpressionStatement(_) | AstKind::FunctionBody(_) => {}
                AstKind::ArrowFunctionExpression(_) | AstKind::Function(_) => {
                    return self.is_memoised_callback(parent.id());
                }
                _ => return false,
            }
            child = parent.id();
        }
        false
    }

    /// A binding declared outside the function being walked: a module variable or a closure's.
    fn declared_outside_function(&self, symbol: SymbolId) -> bool {
        let Some(func) = self.context().func else { return true };
        let span = self.facts.functions[func as usize].span;
        let declared = self.values.semantic.symbol_declaration(symbol).kind().span().start;
        declared < span.start || declared >= span.end
    }

    /// A function handed to a wrapper that runs it once and keeps the result:
    /// `cache(() => new PrismaClient())`, `memoize(...)`, `once(...)`, `lazy(...)`.
    fn is_memoised_callback(&self, function: oxc_semantic::NodeId) -> bool {
        let nodes = self.values.semantic.nodes();
        let Some(AstKind::CallExpression(call)) =
            nodes.ancestor_kinds(function).find(|kind| !matches!(kind, AstKind::ParenthesizedExpression(_)))
        else {
            return false;
        };
        let name = match call.callee.get_inner_expression() {
            Expression::Identifier(ident) => ident.name.as_str(),
            callee => callee.as_member_expression().and_then(|m| m.static_property_name()).unwrap_or_default(),
        };
        let name = name.to_ascii_lowercase();
        ["cache", "memo", "once", "lazy", "singleton", "remember"].iter().any(|word| name.contains(word))
    }

    /// Whether a call's promise joins one batched transaction instead of being awaited on its own:
    /// returned from a `$transaction(xs.map(...))` callback, or pushed onto an array that is handed
    /// to `$transaction(ops)`.
    fn joins_transaction(&self, call: &CallExpression<'a>) -> bool {
        if self.context().loops.last().is_some_and(|id| self.transaction_batches.contains(id)) {
            return true;
        }
        let nodes = self.values.semantic.nodes();
        let AstKind::CallExpression(parent) = nodes.parent_kind(call.node_id.get()) else { return false };
        let Some(member) = parent.callee.get_inner_expression().as_member_expression() else { return false };
        if member.static_property_name() != Some("push") {
            return false;
        }
        let Some(symbol) = member.object().get_identifier_reference().and_then(|array| self.values.symbol(array))
        else {
            return false;
        };
        let scoping = self.values.semantic.scoping();
        scoping.get_resolved_references(symbol).any(|reference| self.handed_to_transaction(reference.node_id()))
    }

    fn with_guard(&mut self, guard: ParamGuard, walk: impl FnOnce(&mut Self)) {
        self.contexts.last_mut().expect("context").guards.push(guard);
        walk(self);
        self.contexts.last_mut().expect("context").guards.pop();
    }

    /// `if (claim)`, `if (!opts.userId)`, `if (x == null)`: a test on whether a parameter of the
    /// current function (or a property of an options parameter) was given.
    fn param_guard(&self, test: &Expression<'a>) -> Option<ParamGuard> {
        // `if (opts.userId && opts.auth)`: runs only when both are given; either guard will do.
        if let Expression::LogicalExpression(logical) = test.get_inner_expression()
            && logical.operator == oxc_syntax::operator::LogicalOperator::And
        {
            return self.param_guard(&logical.left).or_else(|| self.param_guard(&logical.right));
        }
        let mut expr = test.get_inner_expression();
        let mut when_given = true;
        while let Expression::UnaryExpression(unary) = expr
            && unary.operator == oxc_syntax::operator::UnaryOperator::LogicalNot
        {
            when_given = !when_given;
            expr = unary.argument.get_inner_expression();
        }
        if let Expression::BinaryExpression(binary) = expr {
            use oxc_syntax::operator::BinaryOperator::*;
            let nullish = |e: &Expression<'_>| e.is_null() || e.is_specific_id("undefined");
            let (tested, other) = (binary.left.get_inner_expression(), binary.right.get_inner_expression());
            if !nullish(other) {
                return None;
            }
            when_given = match binary.operator {
                Equality | StrictEquality => !when_given,
                Inequality | StrictInequality => when_given,
                _ => return None,
            };
            expr = tested;
        }
        let (ident, mut property): (&IdentifierReference<'a>, _) = match expr {
            Expression::Identifier(ident) => (ident, None),
            Expression::StaticMemberExpression(member) => {
                (member.object.get_identifier_reference()?, Some(member.property.name.to_string()))
            }
            _ => return None,
        };
        let symbol = self.values.symbol(ident)?;
        let declaration = self.values.semantic.symbol_declaration(symbol);
        let parameter_node = match declaration.kind() {
            AstKind::FormalParameter(parameter) => {
                if let BindingPattern::ObjectPattern(_) = parameter.pattern {
                    // `({ token, userId }) =>`: the property of the options parameter.
                    property = Some(ident.name.to_string());
                }
                declaration.id()
            }
            // `let { claim } = options`: a property of a parameter, destructured.
            AstKind::VariableDeclarator(declarator) if property.is_none() => {
                let BindingPattern::ObjectPattern(_) = declarator.id else { return None };
                let source = declarator.init.as_ref()?.get_inner_expression().get_identifier_reference()?;
                property = Some(ident.name.to_string());
                let source = self.values.semantic.symbol_declaration(self.values.symbol(source)?);
                let AstKind::FormalParameter(_) = source.kind() else { return None };
                source.id()
            }
            _ => return None,
        };
        let (func, index) = self.values.parameter_position(parameter_node)?;
        Some(ParamGuard { func, index, property, when_given })
    }

    /// Whether the value of a node is an argument of `$transaction(...)`, directly or spread into
    /// its array: `$transaction(ops)`, `$transaction([first, ...ops])`.
    fn handed_to_transaction(&self, node: oxc_semantic::NodeId) -> bool {
        self.handed_to(node, is_transaction_call)
    }

    /// Whether the value of a node is an argument of a call that `accepts`, directly or spread
    /// into an array argument.
    fn handed_to(&self, node: oxc_semantic::NodeId, accepts: fn(&CallExpression<'a>) -> bool) -> bool {
        for kind in self.values.semantic.nodes().ancestor_kinds(node) {
            match kind {
                AstKind::ParenthesizedExpression(_)
                | AstKind::SpreadElement(_)
                | AstKind::ArrayExpression(_)
                | AstKind::TSAsExpression(_)
                | AstKind::TSSatisfiesExpression(_) => {}
                AstKind::CallExpression(call) => return accepts(call),
                _ => return false,
            }
        }
        false
    }

    /// Whether the promises an array callback returns all run at once: `Promise.all(xs.map(...))`,
    /// directly or through a variable (`const jobs = xs.map(...); await Promise.all(jobs)`), or an
    /// `async` callback of `forEach`, which nobody awaits.
    fn runs_concurrently(&self, call: &CallExpression<'a>, method: &str, callback_is_async: bool) -> bool {
        match method {
            "forEach" => callback_is_async,
            "map" | "flatMap" => {
                if self.handed_to(call.node_id.get(), is_promise_combinator) {
                    return true;
                }
                let nodes = self.values.semantic.nodes();
                let declarator = nodes
                    .ancestor_kinds(call.node_id.get())
                    .find(|kind| !matches!(kind, AstKind::ParenthesizedExpression(_) | AstKind::TSAsExpression(_)));
                let Some(AstKind::VariableDeclarator(declarator)) = declarator else { return false };
                let Some(symbol) = declarator.id.get_binding_identifier().and_then(|id| id.symbol_id.get()) else {
                    return false;
                };
                let scoping = self.values.semantic.scoping();
                scoping
                    .get_resolved_references(symbol)
                    .any(|reference| self.handed_to(reference.node_id(), is_promise_combinator))
            }
            _ => false,
        }
    }

    /// `xs.map(cb)`, `pMap(xs, cb)`: a callback run once per element.
    fn iteration_callback(&mut self, call: &CallExpression<'a>) {
        let callee = call.callee.get_inner_expression();
        let mut method = None;
        let (collection, callback, kind) = if let Some(member) = callee.as_member_expression()
            && let Some(name) = member.static_property_name().filter(|name| ARRAY_CALLBACKS.contains(name))
        {
            method = Some(name);
            (member.object(), call.arguments.first(), IterationKind::ArrayCallback)
        } else if self.is_async_iteration_helper(callee) {
            match call.arguments.first().and_then(Argument::as_expression) {
                Some(collection) => (collection, call.arguments.get(1), IterationKind::AsyncHelper),
                None => return,
            }
        } else {
            return;
        };
        let Some(callback) = callback.and_then(Argument::as_expression).map(Expression::get_inner_expression) else {
            return;
        };
        let (start, params, is_async) = match callback {
            Expression::ArrowFunctionExpression(arrow) => (arrow.span.start, &arrow.params, arrow.r#async),
            Expression::FunctionExpression(function) => (function.span.start, &function.params, function.r#async),
            _ => return,
        };
        let over = over_collection(collection, &self.values);
        let id = self.push_iteration(kind, call.span, over, BodyFacts::default());
        self.facts.iterations[id as usize].concurrent =
            method.is_some_and(|method| self.runs_concurrently(call, method, is_async));
        self.facts.iterations[id as usize].origin = crate::origins::collection_origin(collection, &self.values);
        self.iteration_callbacks.insert(start, id);
        if self.handed_to_transaction(call.node_id.get()) {
            self.transaction_batches.insert(id);
        }
        if let Some(element) = params.items.first() {
            self.element_bindings.insert(id, bindings(&element.pattern));
        }
    }

    /// `pMap` from p-map, `mapLimit` from async and the like.
    fn is_async_iteration_helper(&mut self, callee: &Expression<'a>) -> bool {
        match self.value(callee) {
            Value::Import { module, .. } => matches!(module.as_str(), "p-map" | "p-map-series" | "p-each-series"),
            Value::Member(object, method) => {
                matches!(*object, Value::Import { ref module, .. } if module == "async" || module == "bluebird")
                    && matches!(method.as_str(), "map" | "mapLimit" | "mapSeries" | "each" | "eachLimit" | "eachSeries")
            }
            _ => false,
        }
    }

    fn export(&mut self, name: impl Into<String>, value: Value) {
        if !value.is_unknown() {
            self.facts.exports.push(Export { name: name.into(), value });
        }
    }

    /// The function being walked, and those around it, handle a remote API's rate limit.
    fn mark_rate_limit_handling(&mut self) {
        let mut func = self.context().func;
        while let Some(id) = func {
            let function = &mut self.facts.functions[id as usize];
            function.handles_rate_limit = true;
            func = function.parent;
        }
    }

    fn current_function_returns(&mut self, value: impl FnOnce(&mut Self) -> Value) {
        let Some(func) = self.context().func else { return };
        if self.facts.functions[func as usize].returns.is_unknown() {
            let value = value(self);
            self.facts.functions[func as usize].returns = value;
        }
    }
}

fn placeholder(span: ceiling_facts::Span) -> ceiling_facts::Function {
    ceiling_facts::Function {
        name: String::new(),
        span,
        parent: None,
        inline: false,
        returns: Value::Unknown,
        handles_rate_limit: false,
    }
}

impl<'a> Visit<'a> for Extractor<'_, 'a> {
    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        self.enter_function(it.span.start, it.node_id.get());
        walk::walk_function(self, it, flags);
        self.exit_function(it.span.start);
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        self.enter_function(it.span.start, it.node_id.get());
        if let Some(expr) = it.body.as_expression() {
            self.current_function_returns(|this| this.value(expr));
        }
        walk::walk_arrow_function_expression(self, it);
        self.exit_function(it.span.start);
    }

    fn visit_return_statement(&mut self, it: &ReturnStatement<'a>) {
        if let Some(argument) = &it.argument {
            self.current_function_returns(|this| this.value(argument));
        }
        walk::walk_return_statement(self, it);
    }

    fn visit_class(&mut self, it: &Class<'a>) {
        let Some(&id) = self.values.classes.get(&it.span.start) else {
            return walk::walk_class(self, it);
        };
        if let Some(heritage) = &it.heritage {
            let extends = self.value(&heritage.expression);
            self.facts.classes[id as usize].extends = extends;
        }
        self.classes.push(id);
        walk::walk_class(self, it);
        self.classes.pop();
    }

    fn visit_method_definition(&mut self, it: &MethodDefinition<'a>) {
        if let (Some(&class), Some(key)) = (self.classes.last(), it.key.static_name()) {
            if let Some(&function) = self.values.functions.get(&it.value.span.start) {
                self.facts.classes[class as usize].methods.push((key.to_string(), function));
            }
            // Constructor parameter properties: `constructor(private prisma: PrismaService)`.
            if it.kind == MethodDefinitionKind::Constructor {
                for parameter in &it.value.params.items {
                    let is_property = parameter.accessibility.is_some() || parameter.readonly;
                    if let (true, Some(annotation), Some(ident)) =
                        (is_property, &parameter.type_annotation, parameter.pattern.get_binding_identifier())
                    {
                        let value = self.values.of_type(&annotation.type_annotation, 0);
                        self.facts.classes[class as usize].fields.push((ident.name.to_string(), value));
                    }
                }
            }
        }
        walk::walk_method_definition(self, it);
    }

    fn visit_property_definition(&mut self, it: &PropertyDefinition<'a>) {
        if let (Some(&class), Some(key)) = (self.classes.last(), it.key.static_name()) {
            let mut value = match &it.value {
                Some(value) => self.value(value),
                None => Value::Unknown,
            };
            if value.is_unknown()
                && let Some(annotation) = &it.type_annotation
            {
                value = self.values.of_type(&annotation.type_annotation, 0);
            }
            if !value.is_unknown() {
                self.facts.classes[class as usize].fields.push((key.to_string(), value));
            }
        }
        walk::walk_property_definition(self, it);
    }

    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        if let Some(member) = it.left.as_member_expression()
            && let Some(property) = member.static_property_name()
        {
            let object = member.object().get_inner_expression();
            if let Expression::ThisExpression(_) = object
                && let Some(&class) = self.classes.last()
            {
                // `this.db = db` in a constructor.
                let value = self.value(&it.right);
                if !value.is_unknown() {
                    self.facts.classes[class as usize].fields.push((property.to_string(), value));
                }
            } else if property == "timeout"
                && let Some(defaults) = object.as_member_expression()
                && defaults.static_property_name() == Some("defaults")
                && let Value::Import { module, .. } = self.value(defaults.object())
                && module == "axios"
            {
                // `axios.defaults.timeout = 10_000`: every request of the default instance has one.
                self.facts.timeout_defaults.push(module);
            } else if object.is_specific_id("exports") || object.is_specific_member_access("module", "exports") {
                let value = self.value(&it.right);
                self.export(property, value);
            } else if object.is_specific_id("module") && property == "exports" {
                self.facts.commonjs = true;
                let value = self.value(&it.right);
                if let Value::Object(object) = value {
                    let properties = self.values.objects[object as usize].clone();
                    for (name, property) in properties {
                        self.export(name, property);
                    }
                }
                self.export("default", value);
            }
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_export_named_declaration(&mut self, it: &ExportNamedDeclaration<'a>) {
        for specifier in &it.specifiers {
            if let ModuleExportName::IdentifierReference(local) = &specifier.local {
                let value = self.values.of_identifier(local);
                self.export(specifier.exported.name().to_string(), value);
            }
        }
        walk::walk_export_named_declaration(self, it);
    }

    fn visit_export_from_declaration(&mut self, it: &ExportFromDeclaration<'a>) {
        let module = it.source.value.to_string();
        for specifier in &it.specifiers {
            let local = specifier.local.name().to_string();
            let name = if local == "default" { ImportedName::Default } else { ImportedName::Named(local) };
            let value = Value::Import { module: module.clone(), name };
            self.export(specifier.exported.name().to_string(), value);
        }
        walk::walk_export_from_declaration(self, it);
    }

    fn visit_export_all_declaration(&mut self, it: &ExportAllDeclaration<'a>) {
        let module = it.source.value.to_string();
        match &it.exported {
            Some(exported) => {
                let value = Value::Import { module, name: ImportedName::Namespace };
                self.export(exported.name().to_string(), value);
            }
            None => self.facts.export_all.push(module),
        }
    }

    fn visit_export_default_declaration(&mut self, it: &ExportDefaultDeclaration<'a>) {
        let value = match &it.declaration {
            ExportDefaultDeclarationKind::FunctionDeclaration(function) => {
                self.values.function_value(function.span.start)
            }
            ExportDefaultDeclarationKind::ClassDeclaration(class) => self.values.class_value(class.span.start),
            ExportDefaultDeclarationKind::TSInterfaceDeclaration(_) => Value::Unknown,
            declaration => match declaration.as_expression() {
                Some(expr) => self.value(expr),
                None => Value::Unknown,
            },
        };
        self.export("default", value);
        walk::walk_export_default_declaration(self, it);
    }

    fn visit_export_declaration(&mut self, it: &ExportDeclaration<'a>) {
        match &it.declaration {
            Declaration::VariableDeclaration(declaration) => {
                for declarator in &declaration.declarations {
                    if let Some(ident) = declarator.id.get_binding_identifier()
                        && let Some(symbol) = ident.symbol_id.get()
                    {
                        let value = self.values.of_symbol(symbol, 0);
                        self.export(ident.name.to_string(), value);
                    }
                }
            }
            Declaration::FunctionDeclaration(function) => {
                if let Some(id) = &function.id {
                    let value = self.values.function_value(function.span.start);
                    self.export(id.name.to_string(), value);
                }
            }
            Declaration::ClassDeclaration(class) => {
                if let Some(id) = &class.id {
                    let value = self.values.class_value(class.span.start);
                    self.export(id.name.to_string(), value);
                }
            }
            _ => {}
        }
        walk::walk_export_declaration(self, it);
    }

    fn visit_for_of_statement(&mut self, it: &ForOfStatement<'a>) {
        self.visit_expression(&it.right);
        let kind = if it.r#await { IterationKind::ForAwait } else { IterationKind::ForOf };
        let over = over_collection(&it.right, &self.values);
        let id = self.push_iteration(kind, header(it.span, it.body.span()), over, BodyFacts::of_statement(&it.body));
        self.facts.iterations[id as usize].origin = crate::origins::collection_origin(&it.right, &self.values);
        self.element_bindings.insert(id, left_bindings(&it.left));
        self.in_iteration(id, |this| {
            this.visit_for_statement_left(&it.left);
            this.visit_statement(&it.body);
        });
    }

    fn visit_for_in_statement(&mut self, it: &ForInStatement<'a>) {
        self.visit_expression(&it.right);
        let over = over_collection(&it.right, &self.values);
        let id = self.push_iteration(
            IterationKind::ForIn,
            header(it.span, it.body.span()),
            over,
            BodyFacts::of_statement(&it.body),
        );
        self.in_iteration(id, |this| {
            this.visit_for_statement_left(&it.left);
            this.visit_statement(&it.body);
        });
    }

    fn visit_for_statement(&mut self, it: &ForStatement<'a>) {
        if let Some(init) = &it.init {
            self.visit_for_statement_init(init);
        }
        let mut over = over_counted(it.test.as_ref(), &self.values);
        // `for (let attempt = 1; attempt <= max; attempt++)` whose body never reads `attempt`
        // repeats one operation (a retry, a poll): it does not walk elements.
        if over == Over::Collection
            && let Some(ForStatementInit::VariableDeclaration(declaration)) = &it.init
        {
            let counters: Vec<SymbolId> =
                declaration.declarations.iter().flat_map(|declarator| bindings(&declarator.id)).collect();
            if !counters.is_empty() && !statement_mentions(&it.body, &counters, &self.values) {
                over = Over::Condition;
            }
        }
        let id = self.push_iteration(
            IterationKind::For,
            header(it.span, it.body.span()),
            over,
            BodyFacts::of_statement(&it.body),
        );
        self.in_iteration(id, |this| {
            if let Some(test) = &it.test {
                this.visit_expression(test);
            }
            if let Some(update) = &it.update {
                this.visit_expression(update);
            }
            this.visit_statement(&it.body);
        });
    }

    fn visit_while_statement(&mut self, it: &WhileStatement<'a>) {
        let over = over_condition(&it.test, &it.body);
        let id = self.push_iteration(
            IterationKind::While,
            header(it.span, it.body.span()),
            over,
            BodyFacts::of_statement(&it.body),
        );
        self.in_iteration(id, |this| {
            this.visit_expression(&it.test);
            this.visit_statement(&it.body);
        });
    }

    fn visit_do_while_statement(&mut self, it: &DoWhileStatement<'a>) {
        let over = over_condition(&it.test, &it.body);
        let span = oxc_span::Span::new(it.span.start, it.span.start + 2);
        let id = self.push_iteration(IterationKind::DoWhile, span, over, BodyFacts::of_statement(&it.body));
        self.in_iteration(id, |this| {
            this.visit_statement(&it.body);
            this.visit_expression(&it.test);
        });
    }

    fn visit_if_statement(&mut self, it: &IfStatement<'a>) {
        let Some(guard) = self.param_guard(&it.test) else { return walk::walk_if_statement(self, it) };
        self.visit_expression(&it.test);
        self.with_guard(guard.clone(), |this| this.visit_statement(&it.consequent));
        if let Some(alternate) = &it.alternate {
            let inverse = ParamGuard { when_given: !guard.when_given, ..guard };
            self.with_guard(inverse, |this| this.visit_statement(alternate));
        }
    }

    fn visit_catch_clause(&mut self, it: &CatchClause<'a>) {
        self.contexts.last_mut().expect("context").catches += 1;
        walk::walk_catch_clause(self, it);
        self.contexts.last_mut().expect("context").catches -= 1;
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        self.iteration_callback(it);
        self.record_queries(it);
        let callee = self.value(&it.callee);
        let deferred = self.joins_transaction(it);
        let args = if callee.is_unknown() { Vec::new() } else { self.argument_values(&it.arguments) };
        let lengths = if callee.is_unknown() { Vec::new() } else { literal_lengths(&it.arguments) };
        let given = if callee.is_unknown() { Vec::new() } else { given(&it.arguments) };
        let callee_value = callee.clone();
        self.record_call(it.span, it.node_id.get(), callee, false, deferred, args, lengths, given);
        if let Some(request) = crate::requests::request(it, &callee_value, &self.values) {
            let context = self.context();
            let request = HttpRequest {
                span: self.lines.span(it.span),
                client: request.client.to_owned(),
                target: request.target,
                timeout: request.timeout,
                retries_itself: request.retries_itself,
                func: context.func,
                iteration: context.loops.last().copied(),
            };
            self.facts.requests.push(request);
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_new_expression(&mut self, it: &NewExpression<'a>) {
        let callee = self.value(&it.callee);
        if !callee.is_unknown() {
            let args = self.argument_values(&it.arguments);
            self.record_call(it.span, it.node_id.get(), callee, true, false, args, Vec::new(), Vec::new());
        }
        walk::walk_new_expression(self, it);
    }

    fn visit_numeric_literal(&mut self, it: &NumericLiteral<'a>) {
        if it.value == 429.0 {
            self.mark_rate_limit_handling();
        }
    }

    fn visit_string_literal(&mut self, it: &StringLiteral<'a>) {
        let text = it.value.as_str();
        if mentions_rate_limit(text) {
            self.mark_rate_limit_handling();
        }
        if crate::secrets::is_service_role_key(text) {
            let span = self.lines.span(it.span);
            self.facts.secrets.push(HardcodedSecret { span, kind: SecretKind::SupabaseServiceRole });
        }
    }

    fn visit_binary_expression(&mut self, it: &BinaryExpression<'a>) {
        // `e instanceof RateLimitError`: the SDKs' error for a 429.
        if it.operator == oxc_syntax::operator::BinaryOperator::Instanceof
            && let Expression::Identifier(class) = it.right.get_inner_expression()
            && mentions_rate_limit(&class.name)
        {
            self.mark_rate_limit_handling();
        }
        walk::walk_binary_expression(self, it);
    }

    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        if mentions_rate_limit(&it.property.name) {
            self.mark_rate_limit_handling();
        }
        walk::walk_static_member_expression(self, it);
    }

    fn visit_tagged_template_expression(&mut self, it: &TaggedTemplateExpression<'a>) {
        let tag = it.tag.get_inner_expression();
        let (receiver, api_shape) = match tag.as_member_expression() {
            Some(member)
                if member
                    .static_property_name()
                    .is_some_and(|n| n.starts_with("$queryRaw") || n.starts_with("$executeRaw")) =>
            {
                let mut shape = sql_tag_shape(&it.quasi, member.static_property_name().unwrap_or_default());
                shape.api = ceiling_facts::QueryApi::PrismaDelegate;
                (self.value(member.object()), shape)
            }
            _ => {
                let method = match tag {
                    Expression::Identifier(ident) => ident.name.as_str(),
                    _ => "sql",
                };
                (self.value(tag), sql_tag_shape(&it.quasi, method))
            }
        };
        if !receiver.is_unknown() {
            self.push_query(it.span, receiver, api_shape, false, None);
        }
        walk::walk_tagged_template_expression(self, it);
    }
}

/// What each argument gives, for guards on the callee's parameters.
fn given(arguments: &[Argument<'_>]) -> Vec<Given> {
    arguments
        .iter()
        .map(|argument| match argument.as_expression().map(Expression::get_inner_expression) {
            Some(e) if e.is_null() || e.is_specific_id("undefined") => Given::No,
            Some(Expression::ObjectExpression(object)) => {
                let spread = object.properties.iter().any(|p| matches!(p, ObjectPropertyKind::SpreadProperty(_)));
                if spread { Given::Yes } else { Given::Object(crate::orm::keys(object)) }
            }
            _ => Given::Yes,
        })
        .collect()
}

/// The length of each argument that is an array literal without spreads, by position.
fn literal_lengths(arguments: &[Argument<'_>]) -> Vec<Option<u32>> {
    let mut lengths: Vec<Option<u32>> = arguments
        .iter()
        .map(|argument| match argument.as_expression().map(Expression::get_inner_expression) {
            Some(Expression::ArrayExpression(array))
                if !array.elements.iter().any(|e| matches!(e, ArrayExpressionElement::SpreadElement(_))) =>
            {
                Some(array.elements.len() as u32)
            }
            _ => None,
        })
        .collect();
    while lengths.last().is_some_and(Option::is_none) {
        lengths.pop();
    }
    lengths
}

/// `Promise.all(...)` and its siblings: their promises run at once.
fn is_promise_combinator(call: &CallExpression<'_>) -> bool {
    let callee = call.callee.get_inner_expression();
    ["all", "allSettled", "any", "race"].iter().any(|method| callee.is_specific_member_access("Promise", method))
}

/// `prisma.$transaction(...)`: its array argument runs as one batch.
fn is_transaction_call(call: &CallExpression<'_>) -> bool {
    call.callee
        .get_inner_expression()
        .as_member_expression()
        .is_some_and(|member| member.static_property_name() == Some("$transaction"))
}

fn bindings(pattern: &BindingPattern<'_>) -> Vec<SymbolId> {
    pattern.get_binding_identifiers().iter().filter_map(|ident| ident.symbol_id.get()).collect()
}

/// The element bindings of `for (const x of ...)`, `for (const [k, v] of ...)`.
fn left_bindings(left: &ForStatementLeft<'_>) -> Vec<SymbolId> {
    match left {
        ForStatementLeft::VariableDeclaration(declaration) => {
            declaration.declarations.iter().flat_map(|declarator| bindings(&declarator.id)).collect()
        }
        _ => Vec::new(),
    }
}

/// The head of a loop: from its keyword to its body, which is what a reader recognises.
fn header(span: oxc_span::Span, body: oxc_span::Span) -> oxc_span::Span {
    oxc_span::Span::new(span.start, body.start.max(span.start))
}

/// `pgTable('users', {...})`, `serial('id')`: a call of a function another ORM's package exports
/// reads like Knex's `knex('users')`, but declares a table or a column.
fn is_declaration_builder(api: ceiling_facts::QueryApi, receiver: &Value) -> bool {
    let Value::Import { module, .. } = receiver else { return false };
    api == ceiling_facts::QueryApi::KnexBuilder
        && ceiling_facts::package_orm(module).is_some_and(|orm| orm != ceiling_facts::Orm::Knex)
}
