//! Whether a timer's callback guards against overlapping runs or hidden tabs.
//!
//! Read in the callback's body and in the functions of the file it calls (two calls deep,
//! `this.method()` included):
//! - a flag: a name outside the callback (`running`, `this.isRunning`) tested by an `if` that
//!   leaves (`if (running) return;`) and set, or tested and set to `true`
//!   (`if (!busy) { busy = true; ... }`);
//! - a lock: a call named like one (`acquireLock`, `tryLock`, `withLock`, `mutex.runExclusive`,
//!   `redlock.acquire`, `setnx`), Redis `SET ... NX` (`'NX'` or `{ NX: true }`), or SQL that takes
//!   one (`pg_try_advisory_lock`, `GET_LOCK(`, `FOR UPDATE SKIP LOCKED`);
//! - the page's visibility: `document.hidden`, `document.visibilityState`.

use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_semantic::Semantic;
use oxc_span::Span;
use rustc_hash::FxHashSet;

/// How many calls away from the callback a guard is looked for.
const MAX_CALLS: u32 = 2;
/// How many functions one callback's scan reads at most.
const MAX_FUNCTIONS: usize = 12;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Guard {
    pub flag: bool,
    pub lock: bool,
    pub visibility: bool,
}

impl Guard {
    pub(super) fn any(self) -> bool {
        self.flag || self.lock || self.visibility
    }
}

/// A function whose body is read.
#[derive(Clone, Copy)]
enum Body<'a> {
    Function(&'a Function<'a>),
    Arrow(&'a ArrowFunctionExpression<'a>),
}

impl Body<'_> {
    fn span(&self) -> Span {
        match self {
            Body::Function(function) => function.span,
            Body::Arrow(arrow) => arrow.span,
        }
    }
}

/// The guard of a callback expression: an inline function, a name bound to one, `this.method`,
/// `fn.bind(this)`, or a wrapper around one (`withLock('job', async () => ...)`).
pub(super) fn of_callback<'a>(
    semantic: &Semantic<'a>,
    callback: &'a Expression<'a>,
    class: Option<&'a Class<'a>>,
) -> Guard {
    let mut scan = Scan::new(semantic, class);
    scan.callback(callback, 0);
    scan.run()
}

/// The guard of a method (NestJS `@Cron`).
pub(super) fn of_function<'a>(
    semantic: &Semantic<'a>,
    function: &'a Function<'a>,
    class: Option<&'a Class<'a>>,
) -> Guard {
    let mut scan = Scan::new(semantic, class);
    scan.push(Body::Function(function), 0);
    scan.run()
}

/// Whether source text reads the page's visibility: `document.hidden`, `visibilityState`, a
/// `visibilitychange` listener, a visibility hook (`usePageVisibility`, `useDocumentVisibility`).
pub(super) fn mentions_visibility(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memmem::find(bytes, b"isibilit").is_some() || memchr::memmem::find(bytes, b"document.hidden").is_some()
}

struct Scan<'s, 'a> {
    semantic: &'s Semantic<'a>,
    class: Option<&'a Class<'a>>,
    pending: Vec<(Body<'a>, u32)>,
    seen: FxHashSet<u32>,
    /// The function being read and its distance in calls from the callback.
    current: Span,
    depth: u32,
    /// Flags tested by an `if` that leaves, tested at all, set to `true`, set to anything truthy.
    tested_leaving: FxHashSet<String>,
    tested: FxHashSet<String>,
    set_true: FxHashSet<String>,
    set: FxHashSet<String>,
    guard: Guard,
}

impl<'s, 'a> Scan<'s, 'a> {
    fn new(semantic: &'s Semantic<'a>, class: Option<&'a Class<'a>>) -> Self {
        Scan {
            semantic,
            class,
            pending: Vec::new(),
            seen: FxHashSet::default(),
            current: Span::default(),
            depth: 0,
            tested_leaving: FxHashSet::default(),
            tested: FxHashSet::default(),
            set_true: FxHashSet::default(),
            set: FxHashSet::default(),
            guard: Guard::default(),
        }
    }

    fn run(mut self) -> Guard {
        while let Some((body, depth)) = self.pending.pop() {
            self.current = body.span();
            self.depth = depth;
            match body {
                Body::Function(function) => {
                    if let Some(body) = &function.body {
                        self.visit_function_body(body);
                    }
                }
                Body::Arrow(arrow) => self.visit_arrow_function_body(&arrow.body),
            }
        }
        let flag = self.tested_leaving.iter().any(|name| self.set.contains(name))
            || self.tested.iter().any(|name| self.set_true.contains(name));
        Guard { flag, ..self.guard }
    }

    fn push(&mut self, body: Body<'a>, depth: u32) {
        if depth <= MAX_CALLS && self.seen.len() < MAX_FUNCTIONS && self.seen.insert(body.span().start) {
            self.pending.push((body, depth));
        }
    }

    /// Queues the function a callback expression stands for.
    fn callback(&mut self, expr: &'a Expression<'a>, depth: u32) {
        match expr.get_inner_expression() {
            Expression::ArrowFunctionExpression(arrow) => self.push(Body::Arrow(arrow), depth),
            Expression::FunctionExpression(function) => self.push(Body::Function(function), depth),
            Expression::Identifier(ident) => {
                if let Some(body) = self.function_named(ident) {
                    self.push(body, depth);
                }
            }
            Expression::StaticMemberExpression(member) => {
                if let Some(body) = self.method(member) {
                    self.push(body, depth);
                }
            }
            Expression::CallExpression(call) => {
                let callee = call.callee.get_inner_expression();
                if callee.as_member_expression().and_then(|member| member.static_property_name()) == Some("bind") {
                    if let Some(member) = callee.as_member_expression() {
                        self.callback(member.object(), depth);
                    }
                    return;
                }
                // A wrapper: `withLock('sync', async () => ...)`, `Sentry.wrap(fn)`.
                if callee_name(callee).is_some_and(is_lock_name) {
                    self.guard.lock = true;
                }
                for argument in call.arguments.iter().filter_map(Argument::as_expression) {
                    if matches!(
                        argument.get_inner_expression(),
                        Expression::ArrowFunctionExpression(_)
                            | Expression::FunctionExpression(_)
                            | Expression::Identifier(_)
                    ) {
                        self.callback(argument, depth);
                    }
                }
            }
            _ => {}
        }
    }

    /// The function a name is bound to: a declaration or a `const` holding a function literal.
    fn function_named(&self, ident: &IdentifierReference<'a>) -> Option<Body<'a>> {
        let scoping = self.semantic.scoping();
        let symbol = scoping.get_reference(ident.reference_id.get()?).symbol_id()?;
        match self.semantic.symbol_declaration(symbol).kind() {
            AstKind::Function(function) => Some(Body::Function(function)),
            AstKind::VariableDeclarator(declarator) => match declarator.init.as_ref()?.get_inner_expression() {
                Expression::ArrowFunctionExpression(arrow) => Some(Body::Arrow(arrow)),
                Expression::FunctionExpression(function) => Some(Body::Function(function)),
                _ => None,
            },
            _ => None,
        }
    }

    /// `this.tick`: the method of the enclosing class.
    fn method(&self, member: &StaticMemberExpression<'a>) -> Option<Body<'a>> {
        let Expression::ThisExpression(_) = member.object.get_inner_expression() else { return None };
        let class = self.class?;
        class.body.body.iter().find_map(|element| match element {
            ClassElement::MethodDefinition(method)
                if method.key.static_name().is_some_and(|name| name == member.property.name) =>
            {
                Some(Body::Function(&method.value))
            }
            ClassElement::PropertyDefinition(property)
                if property.key.static_name().is_some_and(|name| name == member.property.name) =>
            {
                match property.value.as_ref()?.get_inner_expression() {
                    Expression::ArrowFunctionExpression(arrow) => Some(Body::Arrow(arrow)),
                    Expression::FunctionExpression(function) => Some(Body::Function(function)),
                    _ => None,
                }
            }
            _ => None,
        })
    }

    /// A name for a flag: a binding declared outside the function being read, or a member path
    /// (`this.running`, `state.busy`).
    fn flag_name(&self, expr: &Expression<'a>) -> Option<String> {
        match expr.get_inner_expression() {
            Expression::Identifier(ident) => self.outer_binding(ident),
            Expression::StaticMemberExpression(member) => Some(self.text(member.span).to_owned()),
            _ => None,
        }
    }

    fn outer_binding(&self, ident: &IdentifierReference<'a>) -> Option<String> {
        let scoping = self.semantic.scoping();
        let symbol = scoping.get_reference(ident.reference_id.get()?).symbol_id()?;
        let declared = scoping.symbol_span(symbol);
        let local = self.current.start <= declared.start && declared.end <= self.current.end;
        (!local).then(|| format!("#{}", symbol.index()))
    }

    fn text(&self, span: Span) -> &'a str {
        &self.semantic.source_text()[span.start as usize..span.end as usize]
    }

    /// The flags a test reads: `running`, `!this.busy`, `isSyncing === true`, `a || b`.
    fn tested_names(&self, test: &Expression<'a>, into: &mut Vec<String>) {
        match test.get_inner_expression() {
            Expression::UnaryExpression(unary) if unary.operator == oxc_syntax::operator::UnaryOperator::LogicalNot => {
                self.tested_names(&unary.argument, into);
            }
            Expression::LogicalExpression(logical) => {
                self.tested_names(&logical.left, into);
                self.tested_names(&logical.right, into);
            }
            Expression::BinaryExpression(binary) if binary.operator.is_equality() => {
                self.tested_names(&binary.left, into);
                self.tested_names(&binary.right, into);
            }
            expr => into.extend(self.flag_name(expr)),
        }
    }
}

impl<'a> Visit<'a> for Scan<'_, 'a> {
    fn visit_if_statement(&mut self, it: &IfStatement<'a>) {
        let mut names = Vec::new();
        self.tested_names(&it.test, &mut names);
        if leaves(&it.consequent) {
            self.tested_leaving.extend(names.iter().cloned());
        }
        self.tested.extend(names);
        walk::walk_if_statement(self, it);
    }

    fn visit_assignment_expression(&mut self, it: &AssignmentExpression<'a>) {
        let name = match &it.left {
            AssignmentTarget::AssignmentTargetIdentifier(ident) => self.outer_binding(ident),
            target => target.as_member_expression().and_then(|member| match member {
                MemberExpression::StaticMemberExpression(member) => Some(self.text(member.span).to_owned()),
                _ => None,
            }),
        };
        if let Some(name) = name
            && it.operator == oxc_syntax::operator::AssignmentOperator::Assign
        {
            match it.right.get_inner_expression() {
                Expression::BooleanLiteral(literal) if literal.value => {
                    self.set_true.insert(name.clone());
                    self.set.insert(name);
                }
                right if is_falsy_literal(right) => {}
                _ => {
                    self.set.insert(name);
                }
            }
        }
        walk::walk_assignment_expression(self, it);
    }

    fn visit_call_expression(&mut self, it: &CallExpression<'a>) {
        let callee = it.callee.get_inner_expression();
        let name = callee_name(callee);
        if name.is_some_and(is_lock_name) {
            self.guard.lock = true;
        }
        // Redis `set(key, value, 'NX', 'PX', ms)` or `set(key, value, { NX: true })`.
        if name.is_some_and(|name| name.eq_ignore_ascii_case("set")) && it.arguments.len() > 2 {
            let nx = it.arguments.iter().skip(2).any(|argument| {
                match argument.as_expression().map(Expression::get_inner_expression) {
                    Some(Expression::StringLiteral(literal)) => literal.value.eq_ignore_ascii_case("nx"),
                    Some(Expression::ObjectExpression(object)) => object.properties.iter().any(|property| {
                        matches!(property, ObjectPropertyKind::ObjectProperty(property)
                        if property.key.static_name().is_some_and(|key| key.eq_ignore_ascii_case("nx")))
                    }),
                    _ => false,
                }
            });
            self.guard.lock |= nx;
        }
        // The functions of the file it calls.
        if self.depth < MAX_CALLS {
            let body = match callee {
                Expression::Identifier(ident) => self.function_named(ident),
                Expression::StaticMemberExpression(member) => self.method(member),
                _ => None,
            };
            if let Some(body) = body {
                self.push(body, self.depth + 1);
            }
        }
        walk::walk_call_expression(self, it);
    }

    fn visit_string_literal(&mut self, it: &StringLiteral<'a>) {
        self.guard.lock |= takes_sql_lock(it.value.as_str());
        // `sendCommand(['SET', key, value, 'NX'])`.
        self.guard.lock |= it.value.eq_ignore_ascii_case("nx");
    }

    fn visit_template_literal(&mut self, it: &TemplateLiteral<'a>) {
        self.guard.lock |= it.quasis.iter().any(|quasi| takes_sql_lock(quasi.value.raw.as_str()));
        walk::walk_template_literal(self, it);
    }

    fn visit_static_member_expression(&mut self, it: &StaticMemberExpression<'a>) {
        if it.object.is_specific_id("document")
            && matches!(it.property.name.as_str(), "hidden" | "visibilityState" | "webkitHidden" | "hasFocus")
        {
            self.guard.visibility = true;
        }
        walk::walk_static_member_expression(self, it);
    }
}

/// `return`, `throw`, or a block that ends in one.
fn leaves(statement: &Statement<'_>) -> bool {
    match statement {
        Statement::ReturnStatement(_) | Statement::ThrowStatement(_) => true,
        Statement::BlockStatement(block) => block.body.last().is_some_and(leaves),
        _ => false,
    }
}

fn is_falsy_literal(expr: &Expression<'_>) -> bool {
    match expr {
        Expression::BooleanLiteral(literal) => !literal.value,
        Expression::NullLiteral(_) => true,
        Expression::NumericLiteral(literal) => literal.value == 0.0,
        Expression::StringLiteral(literal) => literal.value.is_empty(),
        expr => expr.is_specific_id("undefined"),
    }
}

fn callee_name<'a>(callee: &Expression<'a>) -> Option<&'a str> {
    match callee.get_inner_expression() {
        Expression::Identifier(ident) => Some(ident.name.as_str()),
        Expression::StaticMemberExpression(member) => Some(member.property.name.as_str()),
        _ => None,
    }
}

/// `acquireLock`, `tryLock`, `withAdvisoryLock`, `mutex.runExclusive`, `redlock.acquire`, `setnx`.
fn is_lock_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.contains("lock") && !lower.contains("block") && !lower.contains("clock"))
        || lower.contains("mutex")
        || lower.contains("semaphore")
        || lower.starts_with("acquire")
        || lower.starts_with("tryacquire")
        || matches!(lower.as_str(), "runexclusive" | "setnx")
}

/// SQL that takes a lock held for the run: advisory locks, MySQL `GET_LOCK`, SQL Server's
/// `sp_getapplock`, or rows claimed with `FOR UPDATE SKIP LOCKED`.
fn takes_sql_lock(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["advisory_lock", "advisory_xact_lock", "get_lock(", "skip locked", "getapplock"]
        .iter()
        .any(|needle| lower.contains(needle))
}
