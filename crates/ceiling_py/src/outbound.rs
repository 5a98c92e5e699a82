//! HTTP requests a module sends (requests, httpx, aiohttp, urllib), retry loops and how they
//! wait, and the decorators that retry with backoff.
//!
//! Whether a request has a timeout depends on the client:
//! - requests has none by default, and a `Session`'s `timeout` attribute is not honoured: only a
//!   `timeout=` on the call counts, or an adapter mounted on the session that is not requests'
//!   own `HTTPAdapter` (the usual way to give a session a default timeout);
//! - httpx waits 5 s by default: only `timeout=None`, on the call or the client, removes it;
//! - aiohttp's default is 5 minutes for the whole request, the same as Node's `fetch`, which the
//!   JS frontend counts as none: a `timeout=` on the call or the `ClientSession` counts;
//! - `urllib.request.urlopen` waits forever unless given a `timeout`.
//!
//! `**kwargs` passed through may carry a timeout, and counts as one.
//!
//! Fan-out: a comprehension (or a loop filling a list of awaitables) handed to `asyncio.gather`
//! runs all its calls at once, and so does a loop that submits to a thread pool (whose
//! `max_workers` caps it, which the rules see as a limiter).

use ceiling_facts::outbound::{is_constant_name, stronger_wait, target_of_text, wait_of_call};
use ceiling_facts::{CollectionOrigin, RetryWait, Target, Value};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, InterpolatedStringElement, Stmt, StmtFunctionDef};
use rustc_hash::FxHashMap;

use crate::syntax::{dotted, keyword, last_name};

/// What one call sends, when it is an HTTP request.
pub(crate) struct Request {
    pub client: &'static str,
    pub target: Target,
    pub timeout: bool,
    pub retries_itself: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Library {
    Requests,
    Httpx,
    Aiohttp,
    Urllib,
}

impl Library {
    fn name(self) -> &'static str {
        match self {
            Library::Requests => "requests",
            Library::Httpx => "httpx",
            Library::Aiohttp => "aiohttp",
            Library::Urllib => "urllib",
        }
    }
}

/// What a call's keywords say about the timeout.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Timeout {
    /// Not mentioned: the client's default.
    Default,
    /// `timeout=...` (not `None`), or `**kwargs` that may carry one.
    Set,
    /// `timeout=None`.
    Removed,
}

fn timeout_of(call: &ExprCall) -> Timeout {
    match keyword(call, "timeout") {
        Some(Expr::NoneLiteral(_)) => Timeout::Removed,
        Some(_) => Timeout::Set,
        None if call.arguments.keywords.iter().any(|keyword| keyword.arg.is_none()) => Timeout::Set,
        None => Timeout::Default,
    }
}

/// A client object bound to a name: a requests `Session`, an httpx `Client`, an aiohttp
/// `ClientSession`.
#[derive(Clone, Copy)]
pub(crate) struct Client {
    library: Library,
    timeout: Timeout,
    /// An `HTTPAdapter(max_retries=...)` is mounted: urllib3's `Retry` honours `Retry-After`
    /// on 429 by default.
    retries: bool,
}

/// The client a constructor call makes, if it makes one.
pub(crate) fn client(call: &ExprCall, callee: &Value) -> Option<Client> {
    let library = match dotted(callee)?.as_str() {
        "requests.Session" | "requests.session" | "requests.sessions.Session" => Library::Requests,
        "httpx.Client" | "httpx.AsyncClient" => Library::Httpx,
        "aiohttp.ClientSession" => Library::Aiohttp,
        _ => return None,
    };
    Some(Client { library, timeout: timeout_of(call), retries: false })
}

/// Where a binding lives: a module, a function, or a class's instances (`self.session`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Owner {
    Module,
    Function(u32),
    Class(u32),
}

/// What names hold, as far as requests care: clients, and the text strings start with.
#[derive(Default)]
pub(crate) struct Bindings {
    clients: FxHashMap<(Owner, String), Client>,
    texts: FxHashMap<(Owner, String), String>,
    /// Whole numbers: `MAX_RETRIES = 5`, which `range(MAX_RETRIES)` counts to.
    counts: FxHashMap<(Owner, String), u64>,
    /// Lists of awaitables and the iteration that made them: `tasks = [f(x) for x in xs]`, or a
    /// loop that appends to `tasks`.
    tasks: FxHashMap<(Owner, String), u32>,
    /// Collections that can be large: the request's data, all rows of a query.
    origins: FxHashMap<(Owner, String), CollectionOrigin>,
}

impl Bindings {
    /// Binds `key` to what `value` is: a client, a string with a known start, a whole number, or
    /// none of them.
    pub fn bind(&mut self, key: (Owner, String), client: Option<Client>, text: Option<String>, count: Option<u64>) {
        match client {
            Some(client) => self.clients.insert(key.clone(), client),
            None => self.clients.remove(&key),
        };
        match count {
            Some(count) => self.counts.insert(key.clone(), count),
            None => self.counts.remove(&key),
        };
        match text {
            Some(text) => self.texts.insert(key, text),
            None => self.texts.remove(&key),
        };
    }

    /// The whole number a name holds.
    pub fn count(&self, keys: &[(Owner, String)]) -> Option<u64> {
        Self::lookup(&self.counts, keys).copied()
    }

    /// `tasks` holds the awaitables iteration `iteration` made.
    pub fn bind_tasks(&mut self, key: (Owner, String), iteration: u32) {
        self.tasks.insert(key, iteration);
    }

    /// The iteration that made the awaitables a name holds.
    pub fn tasks(&self, keys: &[(Owner, String)]) -> Option<u32> {
        Self::lookup(&self.tasks, keys).copied()
    }

    pub fn bind_origin(&mut self, key: (Owner, String), origin: Option<CollectionOrigin>) {
        match origin {
            Some(origin) => self.origins.insert(key, origin),
            None => self.origins.remove(&key),
        };
    }

    /// Where the collection a name holds comes from.
    pub fn origin(&self, keys: &[(Owner, String)]) -> Option<CollectionOrigin> {
        Self::lookup(&self.origins, keys).copied()
    }

    /// `len(emails) > 100`: the code caps the list, whatever its origin.
    pub fn capped(&mut self, keys: &[(Owner, String)]) {
        for key in keys {
            self.origins.remove(key);
        }
    }

    fn lookup<'b, T>(map: &'b FxHashMap<(Owner, String), T>, keys: &[(Owner, String)]) -> Option<&'b T> {
        keys.iter().find_map(|key| map.get(key))
    }

    /// `session.mount('https://', adapter)`: requests' `HTTPAdapter(max_retries=...)` retries;
    /// another adapter (a subclass) may set a default timeout.
    pub fn mount(&mut self, keys: &[(Owner, String)], call: &ExprCall) {
        let [_, Expr::Call(adapter)] = call.arguments.args.as_ref() else { return };
        let Some(key) = keys.iter().find(|key| self.clients.contains_key(*key)) else { return };
        let Some(client) = self.clients.get_mut(key) else { return };
        if client.library != Library::Requests {
            return;
        }
        if last_name(&adapter.func) == Some("HTTPAdapter") {
            client.retries |= keyword(adapter, "max_retries").is_some();
        } else {
            client.timeout = Timeout::Set;
        }
    }

    /// The text a string expression starts with: a literal, an f-string's leading literal, a
    /// concatenation, a name bound to one, `urljoin(BASE, path)`.
    pub fn leading_text(&self, expr: &Expr, keys: &dyn Fn(&Expr) -> Vec<(Owner, String)>) -> Option<String> {
        match expr {
            Expr::StringLiteral(literal) => Some(literal.value.to_str().to_owned()),
            Expr::FString(fstring) => {
                let mut text = String::new();
                for part in fstring.value.iter() {
                    match part {
                        ruff_python_ast::FStringPart::Literal(literal) => text.push_str(&literal.value),
                        ruff_python_ast::FStringPart::FString(fstring) => {
                            for element in &fstring.elements {
                                match element {
                                    InterpolatedStringElement::Literal(literal) => text.push_str(&literal.value),
                                    InterpolatedStringElement::Interpolation(_) if !text.is_empty() => {
                                        return Some(text);
                                    }
                                    InterpolatedStringElement::Interpolation(interpolation) => {
                                        text = self.leading_text(&interpolation.expression, keys)?;
                                        return Some(text);
                                    }
                                }
                            }
                        }
                    }
                }
                Some(text)
            }
            Expr::BinOp(binary) if binary.op == ruff_python_ast::Operator::Add => self.leading_text(&binary.left, keys),
            Expr::Name(_) | Expr::Attribute(_) => Self::lookup(&self.texts, &keys(expr)).cloned(),
            Expr::Call(call) if last_name(&call.func) == Some("urljoin") => {
                self.leading_text(call.arguments.args.first()?, keys)
            }
            _ => None,
        }
    }

    /// The request `call` sends, if it is one. `callee` is the callee's value; `keys` where the
    /// names of an expression are bound.
    pub fn request(
        &self,
        call: &ExprCall,
        callee: &Value,
        keys: &dyn Fn(&Expr) -> Vec<(Owner, String)>,
    ) -> Option<Request> {
        let path = dotted(callee);
        let (library, method, client) = match &path {
            Some(path) => {
                let (module, method) = path.rsplit_once('.')?;
                let library = match module {
                    "requests" | "requests.api" => Library::Requests,
                    "httpx" => Library::Httpx,
                    "urllib.request" if method == "urlopen" => Library::Urllib,
                    _ => return None,
                };
                (library, method, None)
            }
            // `session.get(...)` on a client bound to a name.
            None => {
                let Expr::Attribute(attribute) = call.func.as_ref() else { return None };
                let client = Self::lookup(&self.clients, &keys(&attribute.value))?;
                (client.library, attribute.attr.as_str(), Some(*client))
            }
        };
        // The URL's position: `request(method, url)`, `stream(method, url)`, else first.
        let position = match method {
            "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "urlopen" => 0,
            "request" | "stream" => 1,
            _ => return None,
        };
        let url = keyword(call, "url").or_else(|| call.arguments.args.get(position));
        // `urlopen(Request(url, ...))`.
        let url = match url {
            Some(Expr::Call(inner)) if library == Library::Urllib && last_name(&inner.func) == Some("Request") => {
                inner.arguments.args.first()
            }
            url => url,
        };
        let target =
            url.and_then(|url| self.leading_text(url, keys)).map_or(Target::Unknown, |text| target_of_text(&text));
        let on_call = match (library, call.arguments.args.get(2)) {
            // `urlopen(url, data, timeout)`.
            (Library::Urllib, Some(_)) => Timeout::Set,
            _ => timeout_of(call),
        };
        let from_client = client.map_or(Timeout::Default, |client| client.timeout);
        let timeout = match (library, on_call) {
            (_, Timeout::Set) => true,
            (_, Timeout::Removed) => false,
            (Library::Httpx, Timeout::Default) => from_client != Timeout::Removed,
            (_, Timeout::Default) => from_client == Timeout::Set,
        };
        Some(Request {
            client: library.name(),
            target,
            timeout,
            retries_itself: client.is_some_and(|client| client.retries),
        })
    }
}

/// `socket.setdefaulttimeout(10)`: every socket the process opens without a timeout of its own
/// gets one, which `urlopen` honours (requests, httpx and aiohttp set their own, even `None`).
/// The client it gives a default timeout to.
pub(crate) fn sets_default_timeout(call: &ExprCall, callee: &Value) -> Option<&'static str> {
    let given = matches!(call.arguments.args.first(), Some(timeout) if !matches!(timeout, Expr::NoneLiteral(_)));
    (given && dotted(callee).as_deref() == Some("socket.setdefaulttimeout")).then_some(Library::Urllib.name())
}

/// How a loop's body retries: whether it holds a `try` that leaves the loop when it succeeds
/// (`return`/`break` in the `try` or its `else`), and then how it waits before the next attempt.
pub(crate) fn retry_loop(body: &[Stmt]) -> (bool, Option<RetryWait>) {
    if !body.iter().any(leaves_on_success) {
        return (false, None);
    }
    let mut scan = WaitScan { wait: RetryWait::Immediate };
    for statement in body {
        scan.visit_stmt(statement);
    }
    (true, Some(scan.wait))
}

/// A `try` of this loop (not of a nested loop or function) whose success leaves the loop.
fn leaves_on_success(statement: &Stmt) -> bool {
    let exits = |body: &[Stmt]| body.iter().any(|statement| matches!(statement, Stmt::Return(_) | Stmt::Break(_)));
    match statement {
        Stmt::Try(attempt) => {
            exits(&attempt.body) || exits(&attempt.orelse) || attempt.body.iter().any(leaves_on_success)
        }
        Stmt::If(branch) => {
            branch.body.iter().any(leaves_on_success)
                || branch.elif_else_clauses.iter().any(|clause| clause.body.iter().any(leaves_on_success))
        }
        Stmt::With(with) => with.body.iter().any(leaves_on_success),
        _ => false,
    }
}

/// How a retry loop's body waits: not at all, a constant delay, or a delay it computes.
struct WaitScan {
    wait: RetryWait,
}

/// A delay is constant when it is a number, arithmetic on numbers, or a constant's name
/// (`RETRY_DELAY`). A variable (`delay`, which the loop may double) counts as computed.
fn is_constant_delay(delay: &Expr) -> bool {
    match delay {
        Expr::NumberLiteral(_) => true,
        Expr::BinOp(binary) => is_constant_delay(&binary.left) && is_constant_delay(&binary.right),
        Expr::UnaryOp(unary) => is_constant_delay(&unary.operand),
        Expr::Name(name) => is_constant_name(name.id.as_str()),
        _ => false,
    }
}

impl<'a> Visitor<'a> for WaitScan {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        // A nested function's pauses are not this loop's.
        if !matches!(stmt, Stmt::FunctionDef(_) | Stmt::ClassDef(_)) {
            visitor::walk_stmt(self, stmt);
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if let Expr::Call(call) = expr
            && let Some(name) = last_name(&call.func)
            && let Some(wait) = wait_of_call(name, || call.arguments.args.first().is_some_and(is_constant_delay))
        {
            // The most deliberate wait in the body is the one that counts.
            self.wait = stronger_wait(self.wait, wait);
        }
        visitor::walk_expr(self, expr);
    }
}

/// Whether a decorator retries the function with a growing or random delay: tenacity's
/// `@retry(wait=wait_exponential(...))` (its default waits nothing; `wait_fixed` is constant), and
/// backoff's `@backoff.on_exception(...)`/`on_predicate`, which add full jitter to every wait by
/// default. A request that raises on 429 (`raise_for_status()`) is then retried with backoff,
/// which is what handling a rate limit takes: the function counts as handling it.
pub(crate) fn backs_off(def: &StmtFunctionDef, value: &dyn Fn(&Expr) -> Value) -> bool {
    def.decorator_list.iter().any(|decorator| {
        let Expr::Call(call) = &decorator.expression else { return false };
        match dotted(&value(&call.func)).as_deref() {
            Some("backoff.on_exception" | "backoff.on_predicate") => true,
            Some("tenacity.retry") => keyword(call, "wait").is_some_and(computes_wait),
            _ => false,
        }
    })
}

/// A tenacity wait that grows or is random: `wait_exponential(...)`, `wait_random(0, 2)`,
/// `wait_fixed(1) + wait_random(0, 1)`.
fn computes_wait(wait: &Expr) -> bool {
    match wait {
        Expr::Call(call) => last_name(&call.func).is_some_and(|name| {
            matches!(
                name,
                "wait_exponential"
                    | "wait_random_exponential"
                    | "wait_full_jitter"
                    | "wait_exponential_jitter"
                    | "wait_random"
                    | "wait_incrementing"
            )
        }),
        Expr::BinOp(binary) => computes_wait(&binary.left) || computes_wait(&binary.right),
        _ => false,
    }
}

/// Whether a literal or name is about a remote API's rate limit: status 429,
/// `'Retry-After'`, `RateLimitError`, `HTTP_429_TOO_MANY_REQUESTS`.
pub(crate) fn mentions_rate_limit(expr: &Expr) -> bool {
    use ceiling_facts::outbound::mentions_rate_limit as mentions;
    match expr {
        Expr::NumberLiteral(number) => number.value.as_int().and_then(|int| int.as_u16()) == Some(429),
        Expr::StringLiteral(literal) => mentions(literal.value.to_str()),
        // Class names (`except RateLimitError`), not variables (`rate_limit = ...`).
        Expr::Name(name) => name.id.starts_with(char::is_uppercase) && mentions(name.id.as_str()),
        Expr::Attribute(attribute) => mentions(attribute.attr.as_str()),
        _ => false,
    }
}

/// `asyncio.gather(*aws)`, `asyncio.wait(aws)`, `asyncio.as_completed(aws)`: the awaitables
/// run at once.
pub(crate) fn gathers(callee: &Value) -> bool {
    matches!(dotted(callee).as_deref(), Some("asyncio.gather" | "asyncio.wait" | "asyncio.as_completed"))
}

/// `executor.submit(fn, x)` on a `ThreadPoolExecutor` or `ProcessPoolExecutor`.
pub(crate) fn submits(callee: &Value) -> bool {
    let Value::Member(executor, method) = callee else { return false };
    let Value::Call(constructor) = &**executor else { return false };
    method == "submit"
        && dotted(constructor)
            .is_some_and(|path| path.ends_with("ThreadPoolExecutor") || path.ends_with("ProcessPoolExecutor"))
}

/// Data of the request being served, whose size the sender picks: `request.data['emails']`,
/// `request.POST.getlist('ids')`, `(await request.json())['items']`, Flask's `request.json`.
pub(crate) fn request_input(expr: &Expr) -> bool {
    match expr {
        Expr::Await(awaited) => request_input(&awaited.value),
        Expr::Subscript(subscript) => request_input(&subscript.value),
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(method) if matches!(method.attr.as_str(), "get" | "getlist") => {
                request_input(&method.value)
            }
            Expr::Attribute(method) if matches!(method.attr.as_str(), "json" | "get_json" | "form") => {
                is_request(&method.value)
            }
            _ => false,
        },
        Expr::Attribute(attribute) => {
            matches!(attribute.attr.as_str(), "data" | "POST" | "json" | "form") && is_request(&attribute.value)
        }
        _ => false,
    }
}

/// `request`, `req`, `self.request`: by the names frameworks give it.
fn is_request(expr: &Expr) -> bool {
    last_name(expr).is_some_and(|name| matches!(name, "request" | "req"))
}

/// `len(xs) > 100`: a comparison of a list's length with something other than 0 or 1. The list.
pub(crate) fn length_checked(compare: &ruff_python_ast::ExprCompare) -> Option<&Expr> {
    let small = |expr: &Expr| match expr {
        Expr::NumberLiteral(number) => number.value.as_int().and_then(|int| int.as_u8()).is_some_and(|n| n <= 1),
        _ => false,
    };
    let [right] = compare.comparators.as_ref() else { return None };
    if small(&compare.left) || small(right) {
        return None;
    }
    [compare.left.as_ref(), right].into_iter().find_map(|side| match side {
        Expr::Call(call) if last_name(&call.func) == Some("len") => call.arguments.args.first(),
        _ => None,
    })
}
