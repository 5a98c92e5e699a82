//! Environment variables read with a fallback: `process.env.JWT_SECRET || 'dev'`.
//!
//! Recognised reads: `process.env.NAME`, `process.env['NAME']`, `import.meta.env.NAME`,
//! `Bun.env.NAME` and `Deno.env.get('NAME')`. Recognised fallbacks: `read || x`, `read ?? x`
//! (also behind other reads: `process.env.A || process.env.B || 'x'`), `read ? read : x`,
//! `process.env.NAME ||= x` (and `??=`), and destructuring defaults
//! (`const { NAME = x } = process.env`).
//!
//! Two kinds of fallback are left out, because the literal never reaches production through them:
//! - those in a branch that only runs outside production (`NODE_ENV !== 'production' ? ... : ...`,
//!   `if (isDev) {...}`, `import.meta.env.DEV && ...`);
//! - those of a variable the same file checks with a failing `if` (`if (!process.env.NAME) throw
//!   ...`, or `process.exit(1)`): a missing variable stops the app before the fallback matters.
//!
//! Most files read no environment at all: a file whose text never says `process.env`,
//! `import.meta.env`, `Bun.env` or `Deno.env` is dismissed before its syntax is walked.

mod keys;

pub(crate) use keys::is_service_role_key;

use ceiling_facts::{EnvFallback, EnvRead};
use oxc_ast::ast::*;
use oxc_ast_visit::{Visit, walk};
use oxc_syntax::operator::{AssignmentOperator, BinaryOperator, LogicalOperator, UnaryOperator};
use rustc_hash::FxHashSet;

use crate::lines::{LineIndex, OxcSpans};

/// The objects whose `.env` holds the environment.
const ENV_OBJECTS: &[&[u8]] = &[b"process", b"import.meta", b"Bun", b"Deno"];

/// The environment variables `program` reads, and those it reads with a fallback.
pub(crate) fn env_facts(program: &Program<'_>) -> (Vec<EnvFallback>, Vec<EnvRead>) {
    let source = program.source_text;
    if !reads_env(source) {
        return (Vec::new(), Vec::new());
    }
    let mut walk = Walk {
        lines: LineIndex::new(source),
        found: Vec::new(),
        reads: Vec::new(),
        dev_only: 0,
        checking: 0,
        checked: FxHashSet::default(),
    };
    walk.visit_program(program);
    let Walk { found, reads, checked, .. } = walk;
    (found.into_iter().filter(|fallback| !checked.contains(fallback.name.as_str())).collect(), reads)
}

/// Whether the text says `process.env` (or another env object) anywhere: one pass over the bytes.
fn reads_env(source: &str) -> bool {
    let bytes = source.as_bytes();
    memchr::memmem::find_iter(bytes, b".env").any(|at| ENV_OBJECTS.iter().any(|object| bytes[..at].ends_with(object)))
}

struct Walk<'s, 'a> {
    lines: LineIndex<'s>,
    found: Vec<EnvFallback>,
    reads: Vec<EnvRead>,
    /// How many enclosing branches only run outside production.
    dev_only: u32,
    /// Above zero while walking the test of an `if` whose body throws or exits.
    checking: u32,
    /// The variables such a test reads.
    checked: FxHashSet<&'a str>,
}

impl<'a> Walk<'_, 'a> {
    fn record(&mut self, span: oxc_span::Span, name: &str, fallback: &Expression<'a>) {
        if self.dev_only == 0 {
            self.found.push(EnvFallback {
                span: self.lines.span(span),
                name: name.to_owned(),
                literal: literal(fallback),
                fallback: self.lines.span(oxc_span::GetSpan::span(fallback)),
            });
        }
    }

    /// Walks `visit` as a branch that only runs outside production when `dev` holds.
    fn branch(&mut self, dev: bool, visit: impl FnOnce(&mut Self)) {
        self.dev_only += u32::from(dev);
        visit(self);
        self.dev_only -= u32::from(dev);
    }
}

impl<'a> Visit<'a> for Walk<'_, 'a> {
    fn visit_expression(&mut self, expr: &Expression<'a>) {
        if let Some(name) = env_read(expr) {
            self.reads.push(EnvRead { span: self.lines.span(oxc_span::GetSpan::span(expr)), name: name.to_owned() });
            if self.checking > 0 {
                self.checked.insert(name);
            }
        }
        walk::walk_expression(self, expr);
    }

    fn visit_logical_expression(&mut self, logical: &LogicalExpression<'a>) {
        if logical.operator != LogicalOperator::And {
            // `(A || B) || 'x'`: every read before the fallback falls back to it; a chain broken by
            // something else (`A || config.secret || 'x'`) only falls back to that something.
            let (mut left, mut names) = (&logical.left, Vec::new());
            loop {
                if let Some(name) = env_read(left) {
                    names.push(name);
                    break;
                }
                let Expression::LogicalExpression(inner) = left.get_inner_expression() else { break };
                let Some(name) = env_read(&inner.right).filter(|_| inner.operator == logical.operator) else { break };
                names.push(name);
                left = &inner.left;
            }
            // In the order they are read.
            for name in names.into_iter().rev() {
                self.record(logical.span, name, &logical.right);
            }
        }
        self.visit_expression(&logical.left);
        // `isDev && x` runs `x` only in development, as does `isProd || x`.
        let test = mode_test(&logical.left);
        let dev = match logical.operator {
            LogicalOperator::And => test.true_dev,
            LogicalOperator::Or => test.false_dev,
            LogicalOperator::Coalesce => false,
        };
        self.branch(dev, |walk| walk.visit_expression(&logical.right));
    }

    fn visit_conditional_expression(&mut self, conditional: &ConditionalExpression<'a>) {
        // `process.env.X ? process.env.X : 'x'` and `!process.env.X ? 'x' : process.env.X`.
        let (test, negated) = match conditional.test.get_inner_expression() {
            Expression::UnaryExpression(unary) if unary.operator == UnaryOperator::LogicalNot => {
                (&unary.argument, true)
            }
            test => (test, false),
        };
        let (read, fallback) = if negated {
            (&conditional.alternate, &conditional.consequent)
        } else {
            (&conditional.consequent, &conditional.alternate)
        };
        if let Some(name) = env_read(test).filter(|name| env_read(read) == Some(name)) {
            self.record(conditional.span, name, fallback);
        }
        self.visit_expression(&conditional.test);
        let test = mode_test(&conditional.test);
        self.branch(test.true_dev, |walk| walk.visit_expression(&conditional.consequent));
        self.branch(test.false_dev, |walk| walk.visit_expression(&conditional.alternate));
    }

    fn visit_if_statement(&mut self, statement: &IfStatement<'a>) {
        let fails = fails(&statement.consequent);
        self.checking += u32::from(fails);
        self.visit_expression(&statement.test);
        self.checking -= u32::from(fails);
        let test = mode_test(&statement.test);
        self.branch(test.true_dev, |walk| walk.visit_statement(&statement.consequent));
        if let Some(alternate) = &statement.alternate {
            self.branch(test.false_dev, |walk| walk.visit_statement(alternate));
        }
    }

    fn visit_assignment_expression(&mut self, assignment: &AssignmentExpression<'a>) {
        if matches!(assignment.operator, AssignmentOperator::LogicalOr | AssignmentOperator::LogicalNullish)
            && let Some(name) = assignment
                .left
                .as_simple_assignment_target()
                .and_then(|target| target.as_member_expression())
                .and_then(env_member)
        {
            self.record(assignment.span, name, &assignment.right);
        }
        walk::walk_assignment_expression(self, assignment);
    }

    fn visit_variable_declarator(&mut self, declarator: &VariableDeclarator<'a>) {
        // `const { JWT_SECRET = 'dev', PORT: port = '3000' } = process.env`
        if let (BindingPattern::ObjectPattern(pattern), Some(init)) = (&declarator.id, &declarator.init)
            && is_env_object(init)
        {
            for property in &pattern.properties {
                let BindingPattern::AssignmentPattern(default) = &property.value else { continue };
                let Some(name) = property.key.static_name() else { continue };
                self.record(property.span, &name, &default.right);
            }
        }
        walk::walk_variable_declarator(self, declarator);
    }
}

/// The name of the environment variable `expr` reads, if it reads one.
fn env_read<'a>(expr: &Expression<'a>) -> Option<&'a str> {
    let expr = expr.get_inner_expression();
    if let Some(member) = expr.as_member_expression() {
        return env_member(member);
    }
    match expr {
        Expression::CallExpression(call) => deno_get(call),
        Expression::ChainExpression(chain) => match &chain.expression {
            ChainElement::CallExpression(call) => deno_get(call),
            element => element.member_expression().and_then(env_member),
        },
        _ => None,
    }
}

/// `process.env.NAME`, `process.env['NAME']`, `import.meta.env.NAME`, `Bun.env.NAME`.
fn env_member<'a>(member: &MemberExpression<'a>) -> Option<&'a str> {
    if is_env_object(member.object()) { member.static_property_name() } else { None }
}

/// `Deno.env.get('NAME')`.
fn deno_get<'a>(call: &CallExpression<'a>) -> Option<&'a str> {
    let callee = call.callee.get_inner_expression().as_member_expression()?;
    if callee.static_property_name() != Some("get") {
        return None;
    }
    let env = callee.object().get_inner_expression().as_member_expression()?;
    if !env.is_specific_member_access("Deno", "env") {
        return None;
    }
    match call.arguments.first()?.as_expression()?.get_inner_expression() {
        Expression::StringLiteral(name) => Some(name.value.as_str()),
        Expression::TemplateLiteral(name) => name.single_quasi().map(|name| name.as_str()),
        _ => None,
    }
}

/// `process.env`, `import.meta.env`, `Bun.env`.
fn is_env_object(expr: &Expression<'_>) -> bool {
    let Some(member) = expr.get_inner_expression().as_member_expression() else { return false };
    member.static_property_name() == Some("env")
        && match member.object().get_inner_expression() {
            Expression::Identifier(object) => matches!(object.name.as_str(), "process" | "Bun"),
            Expression::ImportMeta(_) => true,
            _ => false,
        }
}

/// A non-empty string: a literal or a template without expressions.
fn literal(expr: &Expression<'_>) -> bool {
    match expr.get_inner_expression() {
        Expression::StringLiteral(string) => !string.value.is_empty(),
        Expression::TemplateLiteral(template) => template.single_quasi().is_some_and(|quasi| !quasi.is_empty()),
        _ => false,
    }
}

/// Whether a statement ends the program or the call when it runs: a `throw`, `process.exit()`
/// or `Deno.exit()`, alone or among the statements of a block.
fn fails(statement: &Statement<'_>) -> bool {
    let exits = |statement: &Statement<'_>| match statement {
        Statement::ThrowStatement(_) => true,
        Statement::ExpressionStatement(expression) => match expression.expression.get_inner_expression() {
            Expression::CallExpression(call) => {
                call.callee.is_specific_member_access("process", "exit")
                    || call.callee.is_specific_member_access("Deno", "exit")
            }
            _ => false,
        },
        _ => false,
    };
    match statement {
        Statement::BlockStatement(block) => block.body.iter().any(exits),
        statement => exits(statement),
    }
}

/// What a test says about where the code runs.
#[derive(Clone, Copy, Default)]
struct ModeTest {
    /// When the test holds, the code runs outside production.
    true_dev: bool,
    /// When the test fails, the code runs outside production.
    false_dev: bool,
}

impl ModeTest {
    fn negate(self) -> Self {
        ModeTest { true_dev: self.false_dev, false_dev: self.true_dev }
    }
}

/// Reads tests of the environment: `process.env.NODE_ENV === 'production'` (holds only in
/// production: when it fails, the code runs in development), `NODE_ENV === 'development'`,
/// `import.meta.env.DEV`, flags named `isDev`, `isProduction`, `__DEV__`, and their negations
/// and combinations.
fn mode_test(test: &Expression<'_>) -> ModeTest {
    match test.get_inner_expression() {
        Expression::UnaryExpression(unary) if unary.operator == UnaryOperator::LogicalNot => {
            mode_test(&unary.argument).negate()
        }
        Expression::LogicalExpression(logical) => {
            let (left, right) = (mode_test(&logical.left), mode_test(&logical.right));
            match logical.operator {
                LogicalOperator::And => {
                    ModeTest { true_dev: left.true_dev || right.true_dev, false_dev: left.false_dev && right.false_dev }
                }
                LogicalOperator::Or => {
                    ModeTest { true_dev: left.true_dev && right.true_dev, false_dev: left.false_dev || right.false_dev }
                }
                LogicalOperator::Coalesce => ModeTest::default(),
            }
        }
        Expression::BinaryExpression(binary) => {
            let equal = match binary.operator {
                BinaryOperator::Equality | BinaryOperator::StrictEquality => true,
                BinaryOperator::Inequality | BinaryOperator::StrictInequality => false,
                _ => return ModeTest::default(),
            };
            let value = if is_mode(&binary.left) {
                &binary.right
            } else if is_mode(&binary.right) {
                &binary.left
            } else {
                return ModeTest::default();
            };
            let Expression::StringLiteral(value) = value.get_inner_expression() else { return ModeTest::default() };
            let test = match value.value.as_str() {
                "production" | "prod" => ModeTest { true_dev: false, false_dev: true },
                "development" | "dev" | "test" | "testing" | "local" => ModeTest { true_dev: true, false_dev: false },
                _ => return ModeTest::default(),
            };
            if equal { test } else { test.negate() }
        }
        Expression::CallExpression(call) => flag(&call.callee),
        expr => flag(expr),
    }
}

/// A flag named for the environment: `isDev`, `IS_PRODUCTION`, `import.meta.env.DEV`, `__DEV__`.
fn flag(expr: &Expression<'_>) -> ModeTest {
    let Some(name) = name_of(expr) else { return ModeTest::default() };
    let name: String = name.chars().filter(|c| *c != '_' && *c != '$').map(|c| c.to_ascii_lowercase()).collect();
    match name.as_str() {
        "dev" | "development" | "isdev" | "isdevelopment" | "isdevmode" | "devmode" | "indev" | "indevelopment"
        | "islocal" | "istest" => ModeTest { true_dev: true, false_dev: false },
        "prod" | "production" | "isprod" | "isproduction" | "inproduction" => {
            ModeTest { true_dev: false, false_dev: true }
        }
        _ => ModeTest::default(),
    }
}

/// The environment's name: `process.env.NODE_ENV`, `import.meta.env.MODE`, `APP_ENV`, a variable
/// `env` or `nodeEnv`.
fn is_mode(expr: &Expression<'_>) -> bool {
    name_of(expr).is_some_and(|name| {
        let name = name.to_ascii_lowercase();
        name == "mode" || name.ends_with("env") || name.ends_with("environment")
    })
}

/// The name of an identifier, or the property of a member expression.
fn name_of<'a>(expr: &Expression<'a>) -> Option<&'a str> {
    match expr.get_inner_expression() {
        Expression::Identifier(ident) => Some(ident.name.as_str()),
        expr => expr.as_member_expression().and_then(MemberExpression::static_property_name),
    }
}

#[cfg(test)]
mod tests;
