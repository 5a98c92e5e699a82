//! Environment variables a module reads, and those it reads with a fallback.
//!
//! Recognised reads: `os.environ['X']`, `os.environ.get('X', default)`, `os.getenv('X',
//! default)`, `os.environ.get('X') or default` (also behind other reads), python-decouple's
//! `config('X', default=...)`, django-environ's `env('X', default=...)` and `env.str('X',
//! default)` on an `environ.Env()`, and the fields of a pydantic `BaseSettings` class: pydantic
//! fills `secret_key: str = 'changeme'` from `SECRET_KEY` (after the `env_prefix`), and runs with
//! the default when the variable is missing, which is the same fallback.
//!
//! As in the JS frontend, two kinds of fallback are left out, because the literal never reaches
//! production through them: those in a branch that only runs in development (`if DEBUG:`,
//! `if ENV == 'development':`, `x if settings.DEBUG else y`), and those of a variable the module
//! checks with an `if` that raises or exits (`if not DEBUG and SECRET_KEY == 'dev': raise
//! ImproperlyConfigured(...)`).

use ceiling_facts::{EnvFallback, EnvRead, LineIndex, Span, Value};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{BoolOp, CmpOp, Expr, ExprCall, ModModule, Stmt, StmtClassDef, UnaryOp};
use ruff_text_size::Ranged;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::syntax::{dotted, keyword, string};

/// Words one of which every module that reads the environment says.
const WORDS: &[&str] = &["environ", "getenv", "decouple", "BaseSettings"];

/// The environment variables `module` reads, and those it reads with a fallback.
pub(crate) fn env_facts(module: &ModModule, source: &str, lines: &LineIndex) -> (Vec<EnvFallback>, Vec<EnvRead>) {
    if !WORDS.iter().any(|word| source.contains(word)) {
        return (Vec::new(), Vec::new());
    }
    let mut walk = Walk {
        lines,
        names: FxHashMap::default(),
        found: Vec::new(),
        reads: Vec::new(),
        dev_only: 0,
        checked: FxHashSet::default(),
    };
    for statement in &module.body {
        walk.visit_stmt(statement);
    }
    let Walk { found, reads, checked, .. } = walk;
    let found = found
        .into_iter()
        .filter(|(fallback, target)| {
            !checked.contains(&fallback.name) && target.as_ref().is_none_or(|target| !checked.contains(target))
        })
        .map(|(fallback, _)| fallback)
        .collect();
    (found, reads)
}

struct Walk<'l, 's> {
    lines: &'l LineIndex<'s>,
    /// Module names: imports, and clients of python-decouple and django-environ.
    names: FxHashMap<String, Value>,
    /// Fallbacks with the name they are assigned to, if any.
    found: Vec<(EnvFallback, Option<String>)>,
    reads: Vec<EnvRead>,
    /// How many enclosing branches only run in development.
    dev_only: u32,
    /// Variables and names an `if` that raises or exits tests.
    checked: FxHashSet<String>,
}

/// A read of one variable, and its fallback when it has one.
struct Read<'e> {
    name: String,
    fallback: Option<&'e Expr>,
}

impl Walk<'_, '_> {
    fn value(&self, expr: &Expr) -> Value {
        match expr {
            Expr::Name(name) => self.names.get(name.id.as_str()).cloned().unwrap_or_default(),
            Expr::Attribute(attribute) => self.value(&attribute.value).member(attribute.attr.as_str()),
            Expr::Call(call) => self.value(&call.func).call(),
            _ => Value::Unknown,
        }
    }

    /// The variable a call reads, with the default it passes.
    fn read<'e>(&self, call: &'e ExprCall) -> Option<Read<'e>> {
        let callee = self.value(&call.func);
        let positional = |index: usize| call.arguments.args.get(index);
        // The position of the default, when it may be passed by position.
        let default_at = match dotted(&callee).as_deref() {
            Some("os.environ.get" | "os.getenv") => Some(1),
            Some("decouple.config") => None,
            _ => match &callee {
                // `config = AutoConfig(...)`; `config('X', default=...)`.
                Value::Call(client) if is_config_client(client) => None,
                // `env('X', cast, default)` on an `environ.Env()`.
                Value::Call(client) if is_environ_client(client) => Some(2),
                // `env.str('X', default)`.
                Value::Member(object, _) if matches!(&**object, Value::Call(client) if is_environ_client(client)) => {
                    Some(1)
                }
                _ => return None,
            },
        };
        let name = string(positional(0)?)?.to_owned();
        let fallback = keyword(call, "default").or_else(|| default_at.and_then(positional));
        Some(Read { name, fallback: fallback.filter(|fallback| !matches!(fallback, Expr::NoneLiteral(_))) })
    }

    /// `os.environ['X']`.
    fn subscript_read(&self, expr: &Expr) -> Option<String> {
        let Expr::Subscript(subscript) = expr else { return None };
        if dotted(&self.value(&subscript.value)).as_deref() != Some("os.environ") {
            return None;
        }
        string(&subscript.slice).map(str::to_owned)
    }

    /// A read with no fallback of its own, which a following `or` may give one.
    fn bare_read(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Call(call) => self.read(call).filter(|read| read.fallback.is_none()).map(|read| read.name),
            expr => self.subscript_read(expr),
        }
    }

    fn record(&mut self, span: Span, name: String, fallback: &Expr, target: Option<String>) {
        if self.dev_only == 0 {
            let found = EnvFallback {
                span,
                name,
                literal: string(fallback).is_some_and(could_be_secret),
                fallback: self.span(fallback),
            };
            self.found.push((found, target));
        }
    }

    fn span(&self, node: &impl Ranged) -> Span {
        self.lines.range(node.range().start().to_u32(), node.range().end().to_u32())
    }

    /// Records the reads and fallbacks of `expr`, assigned to `target` when it is one.
    fn expression(&mut self, expr: &Expr, target: Option<&str>) {
        let target = target.map(str::to_owned);
        match expr {
            Expr::Call(call) => {
                if let Some(Read { name, fallback }) = self.read(call) {
                    if let Some(fallback) = fallback {
                        self.record(self.span(call), name.clone(), fallback, target);
                    }
                    self.reads.push(EnvRead { span: self.span(call), name });
                }
            }
            // `os.environ.get('A') or os.environ.get('B') or 'x'`: every read before the fallback
            // falls back to it.
            Expr::BoolOp(bool_op) if bool_op.op == BoolOp::Or => {
                let Some((fallback, reads)) = bool_op.values.split_last() else { return };
                let names: Vec<String> = reads.iter().map_while(|read| self.bare_read(read)).collect();
                if names.len() == reads.len() {
                    for name in names {
                        self.record(self.span(bool_op), name, fallback, target.clone());
                    }
                }
            }
            expr => {
                if let Some(name) = self.subscript_read(expr) {
                    self.reads.push(EnvRead { span: self.span(expr), name });
                }
            }
        }
    }

    /// The fields of a pydantic settings class that have a default.
    fn settings_fields(&mut self, class: &StmtClassDef) {
        let settings = class.arguments.as_ref().is_some_and(|arguments| {
            arguments.args.iter().any(|base| {
                matches!(
                    dotted(&self.value(base)).as_deref(),
                    Some("pydantic_settings.BaseSettings" | "pydantic.BaseSettings")
                )
            })
        });
        if !settings {
            return;
        }
        let mut prefix = String::new();
        for statement in &class.body {
            // `model_config = SettingsConfigDict(env_prefix='APP_')`.
            if let Stmt::Assign(assign) = statement
                && let Expr::Call(config) = assign.value.as_ref()
                && let Some(env_prefix) = keyword(config, "env_prefix").and_then(string)
            {
                prefix = env_prefix.to_owned();
            }
        }
        for statement in &class.body {
            let Stmt::AnnAssign(field) = statement else { continue };
            let (Expr::Name(name), Some(value)) = (field.target.as_ref(), field.value.as_deref()) else { continue };
            // `secret_key: str = Field('changeme')`, `Field(default='changeme')`.
            let default = match value {
                Expr::Call(call) if crate::syntax::last_name(&call.func) == Some("Field") => {
                    keyword(call, "default").or_else(|| call.arguments.args.first())
                }
                value => Some(value),
            };
            if let Some(default) = default {
                let variable = format!("{prefix}{}", name.id).to_ascii_uppercase();
                self.record(self.span(statement), variable, default, None);
            }
        }
    }

    /// Walks `body` as a branch that only runs in development when `dev` holds.
    fn branch(&mut self, dev: bool, body: &[Stmt]) {
        self.dev_only += u32::from(dev);
        for statement in body {
            self.visit_stmt(statement);
        }
        self.dev_only -= u32::from(dev);
    }

    /// Notes the variables and names a failing `if` tests.
    fn check(&mut self, test: &Expr) {
        struct Names<'w, 'l, 's>(&'w Walk<'l, 's>, Vec<String>);
        impl<'a> Visitor<'a> for Names<'_, '_, '_> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                match expr {
                    Expr::Name(name) => self.1.push(name.id.to_string()),
                    Expr::Call(call) => self.1.extend(self.0.read(call).map(|read| read.name)),
                    expr => self.1.extend(self.0.subscript_read(expr)),
                }
                visitor::walk_expr(self, expr);
            }
        }
        let mut names = Names(self, Vec::new());
        names.visit_expr(test);
        let names = names.1;
        self.checked.extend(names);
    }
}

/// Whether a fallback string could be a secret: not empty, and not a switch (`'0'`, `'false'`),
/// which settings read as `os.environ.get('X', '0') == '1'` and no one can sign with.
fn could_be_secret(text: &str) -> bool {
    const SWITCHES: &[&str] = &["0", "1", "true", "false", "yes", "no", "on", "off", "none", "null"];
    !text.is_empty() && !SWITCHES.iter().any(|switch| text.eq_ignore_ascii_case(switch))
}

/// `AutoConfig(...)`, `Config(RepositoryEnv(...))` of python-decouple.
fn is_config_client(client: &Value) -> bool {
    dotted(client).is_some_and(|path| path.starts_with("decouple."))
}

/// `environ.Env(...)` of django-environ.
fn is_environ_client(client: &Value) -> bool {
    matches!(dotted(client).as_deref(), Some("environ.Env" | "environ.FileAwareEnv"))
}

impl<'a> Visitor<'a> for Walk<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::Import(_) | Stmt::ImportFrom(_) => self.names.extend(crate::extractor::imports(stmt)),
            Stmt::Assign(assign) => {
                let target = match assign.targets.as_slice() {
                    [Expr::Name(name)] => Some(name.id.as_str()),
                    _ => None,
                };
                // `env = environ.Env()`, `config = AutoConfig()`.
                if let (Some(target), Expr::Call(_)) = (target, assign.value.as_ref()) {
                    let value = self.value(&assign.value);
                    if let Value::Call(client) = &value
                        && (is_config_client(client) || is_environ_client(client))
                    {
                        self.names.insert(target.to_owned(), value);
                    }
                }
                // A conditional's branches are walked as such.
                if matches!(assign.value.as_ref(), Expr::If(_)) {
                    self.visit_expr(&assign.value);
                } else {
                    self.expression(&assign.value, target);
                    visitor::walk_expr(self, &assign.value);
                }
            }
            Stmt::ClassDef(class) => {
                self.settings_fields(class);
                visitor::walk_stmt(self, stmt);
            }
            Stmt::If(branch) => {
                if branch.body.iter().any(fails) {
                    self.check(&branch.test);
                }
                self.visit_expr(&branch.test);
                let test = mode_test(&branch.test);
                self.branch(test.true_dev, &branch.body);
                // `elif` and `else` run when the test fails.
                for clause in &branch.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.visit_expr(test);
                    }
                    self.branch(test.false_dev, &clause.body);
                }
            }
            stmt => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::If(conditional) => {
                self.visit_expr(&conditional.test);
                let test = mode_test(&conditional.test);
                self.dev_only += u32::from(test.true_dev);
                self.visit_expr(&conditional.body);
                self.dev_only -= u32::from(test.true_dev);
                self.dev_only += u32::from(test.false_dev);
                self.visit_expr(&conditional.orelse);
                self.dev_only -= u32::from(test.false_dev);
            }
            expr => {
                // Assignments record their value with its target; the rest here.
                self.expression(expr, None);
                visitor::walk_expr(self, expr);
            }
        }
    }
}

/// Whether a statement raises or exits the program: `raise ...`, `sys.exit(1)`, `exit()`.
fn fails(statement: &Stmt) -> bool {
    match statement {
        Stmt::Raise(_) => true,
        Stmt::Expr(expr) => match expr.value.as_ref() {
            Expr::Call(call) => matches!(crate::syntax::last_name(&call.func), Some("exit" | "_exit")),
            _ => false,
        },
        _ => false,
    }
}

/// When a test's outcome says the code runs in development.
#[derive(Clone, Copy, Default)]
struct ModeTest {
    /// When the test holds, the code runs in development.
    true_dev: bool,
    /// When the test fails, the code runs in development.
    false_dev: bool,
}

/// Reads tests of the environment: `DEBUG`, `settings.DEBUG`, `IS_DEV`, `ENV == 'development'`,
/// `os.environ.get('ENV') != 'production'`, and their negations with `not`.
fn mode_test(test: &Expr) -> ModeTest {
    match test {
        Expr::UnaryOp(unary) if unary.op == UnaryOp::Not => {
            let inner = mode_test(&unary.operand);
            ModeTest { true_dev: inner.false_dev, false_dev: inner.true_dev }
        }
        Expr::Compare(compare) => {
            let ([op], [right]) = (compare.ops.as_ref(), compare.comparators.as_ref()) else {
                return ModeTest::default();
            };
            let Some(mode) = string(right).or_else(|| string(&compare.left)) else { return ModeTest::default() };
            let dev = match mode.to_ascii_lowercase().as_str() {
                "development" | "dev" | "local" | "test" | "testing" => true,
                "production" | "prod" => false,
                _ => return ModeTest::default(),
            };
            // `== 'development'` holds in development; `== 'production'` fails there.
            let holds_in_dev = match op {
                CmpOp::Eq => dev,
                CmpOp::NotEq => !dev,
                _ => return ModeTest::default(),
            };
            ModeTest { true_dev: holds_in_dev, false_dev: !holds_in_dev }
        }
        Expr::Name(_) | Expr::Attribute(_) => {
            let name = crate::syntax::last_name(test).unwrap_or_default().to_ascii_lowercase().replace('_', "");
            match name.as_str() {
                "debug" | "dev" | "development" | "isdev" | "isdevelopment" | "islocal" | "testing" | "istest" => {
                    ModeTest { true_dev: true, false_dev: false }
                }
                "prod" | "production" | "isprod" | "isproduction" => ModeTest { true_dev: false, false_dev: true },
                _ => ModeTest::default(),
            }
        }
        _ => ModeTest::default(),
    }
}
