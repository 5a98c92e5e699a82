//! Work that repeats on a clock: intervals, cron schedules, polling hooks.
//!
//! Recognised timers, each recorded where it is declared:
//! - `setInterval(cb, ms)` (global, `window.`, `globalThis.`, `self.`, or from `timers`), and
//!   `useInterval(cb, ms)` hooks (usehooks-ts, ahooks, react-use, a hook of the app): `Interval`,
//!   at the call.
//! - node-cron `cron.schedule(expr, cb)`, cron `new CronJob(expr, cb)` / `CronJob.from({...})` /
//!   `cron.job(expr, cb)`, croner `Cron(expr, cb)` / `new Cron(expr, opts, cb)`, node-schedule
//!   `scheduleJob([name,] expr, cb)`, recognised by what the callee is imported from; NestJS
//!   `@Cron(expr)` and `@Interval(ms)` methods of `@nestjs/schedule`: `Cron`, at the call or the
//!   decorator.
//! - SWR `useSWR(key, fetcher, { refreshInterval })`, React Query (and tRPC) `useQuery({ ...,
//!   refetchInterval })` and `queryOptions(...)`, Apollo `useQuery(QUERY, { pollInterval })`:
//!   `Refetch`, at the interval option.
//!
//! Periods are read from constants (`5_000`, `5 * 1000`, a `const` bound to one, a property of a
//! `const` object) and cron expressions (their shortest gap); a condition (`active ? 2000 :
//! false`) takes its fastest branch. `guard` says what counts as guarded.
//!
//! Most files have no timer: one that never says `nterval` (setInterval, refetchInterval...),
//! `cron`, `Cron` or `schedule` is dismissed before its syntax is looked at.

mod guard;
mod period;

use ceiling_facts::{ImportedName, Timer, TimerKind, Value};
use oxc_ast::AstKind;
use oxc_ast::ast::*;
use oxc_semantic::{NodeId, Semantic};
use oxc_span::GetSpan;

use crate::lines::{LineIndex, OxcSpans};
use crate::values::Values;

use period::Period;

/// Words one of which every file with a timer contains.
const WORDS: &[&[u8]] = &[b"nterval", b"cron", b"Cron", b"schedule"];

/// React Query, Solid/Svelte/Vue Query, tRPC and Apollo hooks and helpers that take polling options.
const QUERY_HOOKS: &[&str] = &[
    "useQuery",
    "useSuspenseQuery",
    "useInfiniteQuery",
    "useSuspenseInfiniteQuery",
    "queryOptions",
    "infiniteQueryOptions",
    "createQuery",
    "createInfiniteQuery",
    "injectQuery",
    "useLazyQuery",
    "watchQuery",
];

/// Modules of code that runs in the browser (or a device): a file that imports one and calls a
/// hook is client code.
const UI_MODULES: &[&str] = &[
    "react",
    "react-dom",
    "react-native",
    "preact",
    "preact/hooks",
    "swr",
    "swr/infinite",
    "swr/mutation",
    "react-query",
    "@tanstack/react-query",
    "@tanstack/vue-query",
    "@tanstack/solid-query",
    "@tanstack/svelte-query",
    "@apollo/client",
    "vue",
    "solid-js",
    "svelte",
    "svelte/store",
];

/// Modules only server code imports: a file that imports one is not client code, whatever its
/// path says (`src/index.tsx` of a Hono app renders JSX on the server).
const SERVER_MODULES: &[&str] = &[
    "express",
    "fastify",
    "koa",
    "hono",
    "elysia",
    "http",
    "node:http",
    "fs",
    "node:fs",
    "child_process",
    "node:child_process",
    "node-cron",
    "cron",
    "croner",
    "node-schedule",
    "@nestjs/schedule",
    "@nestjs/common",
    "bullmq",
    "pg",
    "mysql2",
    "mongoose",
    "knex",
    "ioredis",
    "@prisma/client",
];

/// Directories whose `.tsx`/`.jsx` files are components, hooks and pages.
const UI_DIRECTORIES: &[&str] = &[
    "components",
    "hooks",
    "app",
    "pages",
    "src",
    "views",
    "screens",
    "features",
    "ui",
    "layouts",
    "containers",
    "widgets",
    "client",
    "frontend",
];

/// The timers `program` (the text of `path`) declares.
pub(crate) fn timers<'s, 'a>(program: &Program<'a>, values: &mut Values<'s, 'a>, path: &str) -> Vec<Timer> {
    let text = program.source_text.as_bytes();
    if !WORDS.iter().any(|word| memchr::memmem::find(text, word).is_some()) {
        return Vec::new();
    }
    let semantic: &'s Semantic<'a> = values.semantic;
    let mut cx = Cx { values, semantic, lines: LineIndex::new(program.source_text), found: Vec::new(), hooks: false };
    for node in semantic.nodes().iter() {
        match node.kind() {
            AstKind::CallExpression(call) => cx.call(call, node.id()),
            AstKind::NewExpression(new) => cx.new_expression(new, node.id()),
            AstKind::MethodDefinition(method) => cx.nest_method(method, node.id()),
            _ => {}
        }
    }
    let client = client_file(program, path, cx.hooks);
    cx.found
        .into_iter()
        .map(|found| {
            let mut timer = found.timer;
            timer.client |= client;
            // A client timer that only runs while the page is visible: the check may sit around the
            // interval (a `visibilitychange` listener that clears it, a visibility hook).
            timer.guarded |= timer.client && found.visibility_nearby;
            timer
        })
        .collect()
}

/// A timer before the file's side (client or server) is known.
struct Found {
    timer: Timer,
    /// The top-level declaration around the timer reads the page's visibility.
    visibility_nearby: bool,
}

struct Cx<'c, 's, 'a> {
    values: &'c mut Values<'s, 'a>,
    semantic: &'s Semantic<'a>,
    lines: LineIndex<'a>,
    found: Vec<Found>,
    /// The file calls a hook (`useEffect`, `useState`...).
    hooks: bool,
}

/// What a scheduling call is, by what its callee is imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheduler {
    /// node-cron `schedule(expr, cb, options)`.
    NodeCron,
    /// cron `job(expr, cb)`, `new CronJob(expr, cb, ...)`.
    CronJob,
    /// cron `CronJob.from({ cronTime, onTick })`.
    CronJobFrom,
    /// croner `Cron(expr, [options], [cb])`.
    Croner,
    /// node-schedule `scheduleJob([name], rule, cb)`.
    NodeSchedule,
}

impl<'a> Cx<'_, '_, 'a> {
    fn call(&mut self, call: &'a CallExpression<'a>, node: NodeId) {
        let callee = call.callee.get_inner_expression();
        let name = callee_name(callee);
        if let Some(name) = name
            && is_hook_name(name)
        {
            self.hooks = true;
        }
        match name {
            Some("setInterval") => {
                if let Some(browser) = self.global_timer(callee) {
                    self.interval(call, node, browser);
                }
                return;
            }
            Some("useInterval") => return self.interval(call, node, true),
            Some(name) if name.starts_with("useSWR") => return self.swr(call),
            Some(name) if QUERY_HOOKS.contains(&name) => return self.query(call),
            // The names schedulers are called by, and hooks (SWR's default export under another name).
            Some("schedule" | "job" | "Cron" | "scheduleJob" | "from") => {}
            Some(name) if is_hook_name(name) => {}
            _ => return,
        }
        let this_class = self.this_class(node);
        let value = self.values.of(callee, this_class);
        if is_import(&value, "swr", &ImportedName::Default) || is_import(&value, "swr/infinite", &ImportedName::Default)
        {
            return self.swr(call);
        }
        if let Some(scheduler) = scheduler(&value) {
            self.schedule(scheduler, call.span, &call.arguments, node);
        }
    }

    fn new_expression(&mut self, new: &'a NewExpression<'a>, node: NodeId) {
        if !matches!(callee_name(new.callee.get_inner_expression()), Some("CronJob" | "Cron")) {
            return;
        }
        let this_class = self.this_class(node);
        let value = self.values.of(&new.callee, this_class);
        if let Some(scheduler) = constructed(&value) {
            self.schedule(scheduler, new.span, &new.arguments, node);
        }
    }

    /// `setInterval` as the global (or the `timers` module's): `Some(true)` when written through
    /// `window`, which only exists in a browser.
    fn global_timer(&self, callee: &Expression<'a>) -> Option<bool> {
        match callee {
            Expression::Identifier(ident) => match self.values.symbol(ident) {
                None => Some(false),
                Some(symbol) => match self.semantic.symbol_declaration(symbol).kind() {
                    AstKind::ImportSpecifier(_) => Some(false),
                    _ => None,
                },
            },
            Expression::StaticMemberExpression(member) => match member.object.get_inner_expression() {
                Expression::Identifier(object) if self.values.symbol(object).is_none() => match object.name.as_str() {
                    "window" => Some(true),
                    "globalThis" | "self" | "global" => Some(false),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// `setInterval(cb, ms)`, `useInterval(cb, ms)`.
    fn interval(&mut self, call: &'a CallExpression<'a>, node: NodeId, client: bool) {
        let Some(callback) = call.arguments.first().and_then(Argument::as_expression) else { return };
        let period = match call.arguments.get(1).and_then(Argument::as_expression) {
            Some(ms) => period::period(self.semantic, ms),
            None => Period::Unknown,
        };
        // `useInterval(cb, null)` is paused.
        let period_ms = match period {
            Period::Off => return,
            Period::Every(ms) => Some(ms),
            Period::Unknown => None,
        };
        let class = self.class(node);
        let guard = guard::of_callback(self.semantic, callback, class);
        let value = self.callback_value(callback, node);
        let timer = Timer {
            span: self.lines.span(call.span),
            kind: TimerKind::Interval,
            period_ms,
            callback: value,
            guarded: guard.any(),
            client,
        };
        let visibility_nearby = self.visibility_nearby(node);
        self.found.push(Found { timer, visibility_nearby });
    }

    /// A scheduler call: its expression, callback and options by the library's signature.
    fn schedule(&mut self, scheduler: Scheduler, span: oxc_span::Span, arguments: &'a [Argument<'a>], node: NodeId) {
        let argument = |at: usize| arguments.get(at).and_then(Argument::as_expression);
        let object = |expr: Option<&'a Expression<'a>>| expr.and_then(|expr| self.object(expr));
        let (expression, callback, options, overlap_option) = match scheduler {
            Scheduler::NodeCron => (argument(0), argument(1), object(argument(2)), "noOverlap"),
            Scheduler::CronJob => match object(argument(0)) {
                // The old object form: `new CronJob({ cronTime, onTick })`.
                Some(options) => (property(options, "cronTime"), property(options, "onTick"), Some(options), ""),
                None => (argument(0), argument(1), None, ""),
            },
            Scheduler::CronJobFrom => {
                let Some(options) = object(argument(0)) else { return };
                (property(options, "cronTime"), property(options, "onTick"), Some(options), "waitForCompletion")
            }
            Scheduler::Croner => match object(argument(1)) {
                Some(options) => (argument(0), argument(2), Some(options), "protect"),
                None => (argument(0), argument(1), None, "protect"),
            },
            Scheduler::NodeSchedule => {
                // `scheduleJob(name, rule, cb)` or `scheduleJob(rule, cb)`: the callback comes last.
                let (rule, callback) = match arguments.len() {
                    0 | 1 => return,
                    2 => (argument(0), argument(1)),
                    _ => (argument(1), argument(2)),
                };
                // A `Date` runs once.
                if rule.is_some_and(|rule| self.is_date(rule)) {
                    return;
                }
                (rule, callback, None, "")
            }
        };
        let period_ms = expression.and_then(|expr| period::cron_of(self.semantic, expr));
        let class = self.class(node);
        let mut guarded = options.is_some_and(|options| truthy_option(options, overlap_option));
        if let Some(callback) = callback {
            guarded |= guard::of_callback(self.semantic, callback, class).any();
        }
        let value = match callback {
            Some(callback) => self.callback_value(callback, node),
            None => Value::Unknown,
        };
        let timer = Timer {
            span: self.lines.span(span),
            kind: TimerKind::Cron,
            period_ms,
            callback: value,
            guarded,
            client: false,
        };
        self.found.push(Found { timer, visibility_nearby: false });
    }

    /// NestJS `@Cron(expr)` and `@Interval([name,] ms)` on a method.
    fn nest_method(&mut self, method: &'a MethodDefinition<'a>, node: NodeId) {
        for decorator in &method.decorators {
            let (callee, arguments) = match decorator.expression.get_inner_expression() {
                Expression::CallExpression(call) => (&call.callee, &call.arguments),
                _ => continue,
            };
            let value = self.values.of(callee, None);
            let Value::Import { module, name: ImportedName::Named(name) } = &value else { continue };
            if module != "@nestjs/schedule" {
                continue;
            }
            let period_ms = match name.as_str() {
                "Cron" => arguments.first().and_then(Argument::as_expression).and_then(|expr| self.nest_cron(expr)),
                "Interval" => {
                    match arguments.last().and_then(Argument::as_expression).map(|ms| period::period(self.semantic, ms))
                    {
                        Some(Period::Every(ms)) => Some(ms),
                        _ => None,
                    }
                }
                _ => continue,
            };
            let class = self.class(node);
            let guard = guard::of_function(self.semantic, &method.value, class);
            let timer = Timer {
                span: self.lines.span(decorator.span),
                kind: TimerKind::Cron,
                period_ms,
                callback: self.values.function_value(method.value.span.start),
                guarded: guard.any(),
                client: false,
            };
            self.found.push(Found { timer, visibility_nearby: false });
        }
    }

    /// `@Cron('*/5 * * * *')`, `@Cron(CronExpression.EVERY_MINUTE)`.
    fn nest_cron(&mut self, expr: &'a Expression<'a>) -> Option<u64> {
        if let Expression::StaticMemberExpression(member) = expr.get_inner_expression() {
            let object = self.values.of(&member.object, None);
            if is_import(&object, "@nestjs/schedule", &ImportedName::Named("CronExpression".to_owned())) {
                return period::nest_expression(member.property.name.as_str());
            }
        }
        period::cron_of(self.semantic, expr)
    }

    /// SWR: `useSWR(key, fetcher, { refreshInterval })`, `useSWR(key, { fetcher, refreshInterval })`.
    fn swr(&mut self, call: &'a CallExpression<'a>) {
        let objects: Vec<&'a ObjectExpression<'a>> =
            call.arguments.iter().filter_map(Argument::as_expression).filter_map(|expr| self.object(expr)).collect();
        let Some((options, interval)) =
            objects.iter().find_map(|options| Some((*options, property_node(options, "refreshInterval")?)))
        else {
            return;
        };
        let fetcher = match call.arguments.get(1).and_then(Argument::as_expression) {
            Some(expr) if self.object(expr).is_none() => Some(expr),
            _ => property(options, "fetcher"),
        };
        // SWR pauses the interval in hidden tabs unless `refreshWhenHidden` is on.
        let guarded = !truthy_option(options, "refreshWhenHidden");
        self.refetch(interval, fetcher, guarded);
    }

    /// React Query `useQuery({ queryFn, refetchInterval })` (v3: `useQuery(key, fn, options)`),
    /// tRPC `api.x.useQuery(input, { refetchInterval })`, Apollo `useQuery(Q, { pollInterval })`.
    fn query(&mut self, call: &'a CallExpression<'a>) {
        for argument in call.arguments.iter().filter_map(Argument::as_expression) {
            let Some(options) = self.object(argument) else { continue };
            if let Some(interval) = property_node(options, "refetchInterval") {
                let query_fn = property(options, "queryFn").or_else(|| {
                    // v3: `useQuery(key, fetcher, options)`.
                    let second = call.arguments.get(1).and_then(Argument::as_expression)?;
                    matches!(
                        second.get_inner_expression(),
                        Expression::ArrowFunctionExpression(_)
                            | Expression::FunctionExpression(_)
                            | Expression::Identifier(_)
                    )
                    .then_some(second)
                });
                // React Query pauses the interval in hidden tabs unless told to keep on.
                let guarded = !truthy_option(options, "refetchIntervalInBackground");
                return self.refetch(interval, query_fn, guarded);
            }
            if let Some(interval) = property_node(options, "pollInterval") {
                // Apollo polls in hidden tabs too, unless `skipPollAttempt` says when not to.
                let guarded = property(options, "skipPollAttempt").is_some();
                return self.refetch(interval, None, guarded);
            }
        }
    }

    fn refetch(&mut self, interval: &'a ObjectProperty<'a>, fetcher: Option<&'a Expression<'a>>, guarded: bool) {
        let period_ms = match period::period(self.semantic, &interval.value) {
            Period::Off | Period::Every(0) => return,
            Period::Every(ms) => Some(ms),
            Period::Unknown => None,
        };
        let callback = match fetcher {
            Some(fetcher) => self.values.of(strip_bind(fetcher), None),
            None => Value::Unknown,
        };
        let timer = Timer {
            span: self.lines.span(interval.span),
            kind: TimerKind::Refetch,
            period_ms,
            callback,
            guarded,
            client: true,
        };
        self.found.push(Found { timer, visibility_nearby: false });
    }

    /// The value of a callback: `fn.bind(this)` is `fn`.
    fn callback_value(&mut self, callback: &'a Expression<'a>, node: NodeId) -> Value {
        let this_class = self.this_class(node);
        self.values.of(strip_bind(callback), this_class)
    }

    /// An object literal, written in place or bound to a `const`.
    fn object(&self, expr: &'a Expression<'a>) -> Option<&'a ObjectExpression<'a>> {
        match period::resolve(self.semantic, expr, 0) {
            Expression::ObjectExpression(object) => Some(object),
            _ => None,
        }
    }

    fn is_date(&self, expr: &'a Expression<'a>) -> bool {
        match period::resolve(self.semantic, expr, 0) {
            Expression::NewExpression(new) => new.callee.is_specific_id("Date"),
            _ => false,
        }
    }

    /// The class a node sits in (the innermost).
    fn class(&self, node: NodeId) -> Option<&'a Class<'a>> {
        self.semantic.nodes().ancestor_kinds(node).find_map(|kind| match kind {
            AstKind::Class(class) => Some(class),
            _ => None,
        })
    }

    /// The id of the class `this` refers to at a node.
    fn this_class(&self, node: NodeId) -> Option<u32> {
        for kind in self.semantic.nodes().ancestor_kinds(node) {
            match kind {
                // `this` in a plain function is its own.
                AstKind::Function(function) if !self.is_method(function) => return None,
                AstKind::Class(class) => return self.values.classes.get(&class.span.start).copied(),
                _ => {}
            }
        }
        None
    }

    fn is_method(&self, function: &Function<'a>) -> bool {
        matches!(self.semantic.nodes().parent_kind(function.node_id.get()), AstKind::MethodDefinition(_))
    }

    /// Whether the top-level statement holding `node` reads the page's visibility.
    fn visibility_nearby(&self, node: NodeId) -> bool {
        let nodes = self.semantic.nodes();
        let mut top = None;
        for id in nodes.ancestor_ids(node) {
            if matches!(nodes.kind(id), AstKind::Program(_)) {
                break;
            }
            top = Some(id);
        }
        let Some(top) = top else { return false };
        let span = nodes.kind(top).span();
        let text = &self.semantic.source_text()[span.start as usize..span.end as usize];
        guard::mentions_visibility(text)
    }
}

/// The name a call is made by: `setInterval`, `schedule` in `cron.schedule`.
fn callee_name<'a>(callee: &Expression<'a>) -> Option<&'a str> {
    match callee {
        Expression::Identifier(ident) => Some(ident.name.as_str()),
        Expression::StaticMemberExpression(member) => Some(member.property.name.as_str()),
        _ => None,
    }
}

/// `useEffect`, `useSWR`: a React (or Vue composition) hook by its name.
fn is_hook_name(name: &str) -> bool {
    name.strip_prefix("use").is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// `fn.bind(this)` -> `fn`.
fn strip_bind<'r, 'a>(expr: &'r Expression<'a>) -> &'r Expression<'a> {
    if let Expression::CallExpression(call) = expr.get_inner_expression()
        && let Some(member) = call.callee.get_inner_expression().as_member_expression()
        && member.static_property_name() == Some("bind")
    {
        return member.object().get_inner_expression();
    }
    expr.get_inner_expression()
}

fn is_import(value: &Value, module: &str, name: &ImportedName) -> bool {
    matches!(value, Value::Import { module: m, name: n } if m == module && n == name)
}

/// The scheduler `new X(...)` makes, by what `X` is imported from: `new CronJob(...)`, `new Cron(...)`.
fn constructed(value: &Value) -> Option<Scheduler> {
    let (module, class) = match value {
        Value::Import { module, name: ImportedName::Named(name) } => (module.as_str(), name.as_str()),
        Value::Import { module, name: ImportedName::Default } => (module.as_str(), "default"),
        Value::Member(inner, class) => (module_object(inner)?, class.as_str()),
        _ => return None,
    };
    match (module, class) {
        ("cron", "CronJob") => Some(Scheduler::CronJob),
        ("croner", "Cron" | "default") => Some(Scheduler::Croner),
        _ => None,
    }
}

/// The scheduler a called function is, by what it is imported from.
fn scheduler(value: &Value) -> Option<Scheduler> {
    let (object, member) = match value {
        Value::Member(object, member) => (object.as_ref(), member.as_str()),
        Value::Import { module, name: ImportedName::Named(name) } => {
            return match (module.as_str(), name.as_str()) {
                ("node-cron", "schedule") => Some(Scheduler::NodeCron),
                ("node-schedule", "scheduleJob") => Some(Scheduler::NodeSchedule),
                ("croner", "Cron") => Some(Scheduler::Croner),
                _ => None,
            };
        }
        Value::Import { module, name: ImportedName::Default } if module == "croner" => return Some(Scheduler::Croner),
        _ => return None,
    };
    // `CronJob.from({...})`.
    if member == "from" {
        let is_cron_job = match object {
            Value::Import { module, name: ImportedName::Named(name) } => module == "cron" && name == "CronJob",
            Value::Member(inner, class) => module_object(inner) == Some("cron") && class == "CronJob",
            _ => false,
        };
        return is_cron_job.then_some(Scheduler::CronJobFrom);
    }
    match (module_object(object)?, member) {
        ("node-cron", "schedule") => Some(Scheduler::NodeCron),
        ("cron", "job") => Some(Scheduler::CronJob),
        ("croner", "Cron") => Some(Scheduler::Croner),
        ("node-schedule", "scheduleJob") => Some(Scheduler::NodeSchedule),
        _ => None,
    }
}

/// The module a value is the module object of: `import cron from 'node-cron'`, `import * as`,
/// `require('node-cron')`.
fn module_object(value: &Value) -> Option<&str> {
    match value {
        Value::Import { module, name: ImportedName::Default | ImportedName::Namespace } => Some(module.as_str()),
        _ => None,
    }
}

/// The property `key` of an object literal, with its key.
fn property_node<'r, 'a>(object: &'r ObjectExpression<'a>, key: &str) -> Option<&'r ObjectProperty<'a>> {
    object.properties.iter().find_map(|property| match property {
        ObjectPropertyKind::ObjectProperty(property)
            if !property.computed && property.key.static_name().is_some_and(|name| name == key) =>
        {
            Some(property.as_ref())
        }
        _ => None,
    })
}

fn property<'r, 'a>(object: &'r ObjectExpression<'a>, key: &str) -> Option<&'r Expression<'a>> {
    property_node(object, key).map(|property| &property.value)
}

/// An option set to anything but a falsy literal: `noOverlap: true`, `protect: (job) => ...`.
fn truthy_option(object: &ObjectExpression<'_>, key: &str) -> bool {
    if key.is_empty() {
        return false;
    }
    property(object, key).is_some_and(|value| match value.get_inner_expression() {
        Expression::BooleanLiteral(literal) => literal.value,
        Expression::NullLiteral(_) => false,
        Expression::NumericLiteral(literal) => literal.value != 0.0,
        expr => !expr.is_specific_id("undefined"),
    })
}

/// Whether the file runs in the browser: `'use client'`, a component or hook file, or a file that
/// imports React (or another UI library) and calls hooks.
fn client_file(program: &Program<'_>, path: &str, hooks: bool) -> bool {
    let directive = |name: &str| program.directives.iter().any(|directive| directive.expression.value == name);
    if directive("use client") {
        return true;
    }
    if directive("use server") {
        return false;
    }
    let (mut ui, mut server) = (false, false);
    for statement in &program.body {
        let Statement::ImportDeclaration(import) = statement else { continue };
        let module = import.source.value.as_str();
        ui |= UI_MODULES.contains(&module);
        server |= SERVER_MODULES.contains(&module)
            || module.starts_with("@nestjs/")
            || module.starts_with("drizzle-orm")
            || (module.starts_with("hono/") && !module.starts_with("hono/jsx/dom") && module != "hono/client")
            || module.starts_with("node:");
    }
    if server {
        return false;
    }
    if ui && hooks {
        return true;
    }
    component_path(path)
}

/// A `.tsx`/`.jsx` file under a directory of components, hooks or pages, and not an API route.
fn component_path(path: &str) -> bool {
    let mut segments: Vec<&str> = path.split(['/', '\\']).filter(|s| !s.is_empty() && *s != ".").collect();
    let Some(file) = segments.pop() else { return false };
    let Some((stem, extension)) = file.rsplit_once('.') else { return false };
    if !matches!(extension, "tsx" | "jsx") {
        return false;
    }
    let stem = stem.split('.').next().unwrap_or(stem);
    if matches!(stem, "route" | "middleware" | "+server") || segments.contains(&"api") {
        return false;
    }
    segments.iter().any(|segment| UI_DIRECTORIES.contains(segment))
}

#[cfg(test)]
mod tests;
