//! The walk over one module that records its facts.

use ceiling_facts::{
    Call, Class, Export, FileFacts, Function, Given, ImportedName, Iteration, IterationKind, LineIndex, Over, Query,
    Value,
};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, ModModule, Parameters, Stmt, StmtClassDef, StmtFunctionDef};
use ruff_text_size::Ranged;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::outbound::Owner;

/// The bindings of one function: its parameters and the names it assigns.
#[derive(Default)]
struct Scope {
    names: FxHashMap<String, Value>,
    /// Names bound to a Django queryset (`orders = Order.objects.filter(...)`), or to one of its
    /// rows in a loop (`for order in orders`), with the relations the queryset loads with it
    /// (`select_related('customer')`, `prefetch_related('items')`).
    querysets: FxHashMap<String, Rows>,
    rows: FxHashMap<String, Vec<String>>,
    /// Names bound to a SQLAlchemy statement, query or result (`stmt = select(User)`).
    statements: FxHashMap<String, crate::sqlalchemy::Pending>,
}

/// The rows of a queryset: the relations it loads with them, and where it is built.
#[derive(Clone)]
struct Rows {
    loaded: Vec<String>,
    built: ceiling_facts::Span,
    /// The query that runs when the queryset is evaluated, with every refinement so far, when
    /// this function builds it from a model's manager.
    query: Option<Box<Query>>,
    /// Filtered by its primary key (`.filter(pk=...)`): one row at most, nothing to repeat.
    one: bool,
}

/// A DRF view that lists rows: what renders them, and its class-level `queryset`.
struct ListView {
    serializer: Value,
    queryset: Option<Rows>,
    /// Renders with DRF's `list`; a view with its own `list` renders what that builds.
    renders: bool,
    /// DRF's `list` reads its rows: a base such as `ModelViewSet` or `ListAPIView` gives it one.
    listed: bool,
    /// What its `get_queryset` returns, once walked; `None` when a `return` builds rows the
    /// walk cannot see. Its own methods read them with `self.get_queryset()`.
    own_rows: Option<Option<Rows>>,
}

pub struct Extractor<'s> {
    lines: LineIndex<'s>,
    facts: FileFacts,
    /// Names bound at module level: imports, functions, classes, assignments.
    module: FxHashMap<String, Value>,
    /// Function scopes being walked, innermost last.
    scopes: Vec<Scope>,
    functions: Vec<u32>,
    loops: Vec<u32>,
    classes: Vec<u32>,
    /// Calls already recorded as part of a query chain (by start offset).
    in_query: FxHashSet<u32>,
    /// Relations already recorded as loaded per row, by loop and name: `order.customer` loads
    /// the customer once, later accesses on the same row use it.
    relations_seen: FxHashSet<(u32, String, String)>,
    /// List views by class: a `get_queryset` of theirs builds the rows they render.
    list_views: FxHashMap<u32, ListView>,
    /// View classes whose `list` is DRF's, which reads their rows.
    listing_classes: FxHashSet<u32>,
    /// The list view whose `get_queryset` is being walked: its `return`s build its rows.
    building_rows_of: Option<u32>,
    /// Expressions evaluated where they are written (by start offset): iterated, counted,
    /// indexed, rendered. A queryset elsewhere only builds a query for later.
    evaluated: FxHashSet<u32>,
    /// Inside code that runs only now and then, not on every pass: an `except` handler, or a
    /// cache fill (`if key not in self.loaded:`), which runs once per key.
    rarely: u32,
    /// HTTP clients and URL strings bound to names.
    bindings: crate::outbound::Bindings,
}

impl<'s> Extractor<'s> {
    pub fn new(source: &'s str) -> Self {
        let lines = LineIndex::new(source);
        let facts = FileFacts { lines: lines.lines(), ..FileFacts::default() };
        Extractor {
            lines,
            facts,
            module: FxHashMap::default(),
            scopes: Vec::new(),
            functions: Vec::new(),
            loops: Vec::new(),
            classes: Vec::new(),
            in_query: FxHashSet::default(),
            relations_seen: FxHashSet::default(),
            list_views: FxHashMap::default(),
            building_rows_of: None,
            listing_classes: FxHashSet::default(),
            evaluated: FxHashSet::default(),
            rarely: 0,
            bindings: crate::outbound::Bindings::default(),
        }
    }

    pub fn run(mut self, module: &ModModule, path: &str) -> FileFacts {
        // Module-level names first, so that a function can use a class defined below it.
        for statement in &module.body {
            self.bind_module_name(statement);
        }
        for statement in &module.body {
            self.visit_stmt(statement);
        }
        (self.facts.routes, self.facts.mounts) = crate::routes::extract(&self, module, path);
        let mut exports: Vec<Export> = self
            .module
            .iter()
            .filter(|(_, value)| !value.is_unknown())
            .map(|(name, value)| Export { name: name.clone(), value: value.clone() })
            .collect();
        exports.sort_by(|a, b| a.name.cmp(&b.name));
        self.facts.exports = exports;
        self.facts
    }

    pub(crate) fn span(&self, node: &impl Ranged) -> ceiling_facts::Span {
        let range = node.range();
        self.lines.range(range.start().to_u32(), range.end().to_u32())
    }

    /// Records what a module-level statement binds: imports, `def`, `class`, `x = ...`.
    fn bind_module_name(&mut self, statement: &Stmt) {
        match statement {
            Stmt::Import(_) | Stmt::ImportFrom(_) => {
                for (name, value) in imports(statement) {
                    self.module.insert(name, value);
                }
            }
            Stmt::FunctionDef(def) => {
                let id = self.new_function(def);
                self.module.insert(def.name.to_string(), Value::Function(id));
            }
            Stmt::ClassDef(class) => {
                let id = self.new_class(class);
                self.module.insert(class.name.to_string(), Value::Class(id));
            }
            _ => {}
        }
    }

    /// The function a `def` statement was recorded as.
    pub(crate) fn function_at(&self, def: &StmtFunctionDef) -> Option<u32> {
        let span = self.span(def);
        self.facts.functions.iter().position(|function| function.span == span).map(|id| id as u32)
    }

    fn new_function(&mut self, def: &StmtFunctionDef) -> u32 {
        self.push_function(def.name.to_string(), self.span(def))
    }

    fn push_function(&mut self, name: String, span: ceiling_facts::Span) -> u32 {
        let id = self.facts.functions.len() as u32;
        self.facts.functions.push(Function {
            name,
            span,
            parent: self.functions.last().copied(),
            inline: false,
            returns: Value::Unknown,
            handles_rate_limit: false,
        });
        id
    }

    fn new_class(&mut self, class: &StmtClassDef) -> u32 {
        let id = self.facts.classes.len() as u32;
        self.facts.classes.push(Class {
            name: class.name.to_string(),
            extends: Value::Unknown,
            methods: Vec::new(),
            fields: Vec::new(),
            model: Value::Unknown,
            nested: Vec::new(),
            pagination: None,
        });
        id
    }

    /// The value of a name: a parameter or local of the functions being walked, then the module's.
    pub(crate) fn name(&self, name: &str) -> Value {
        for scope in self.scopes.iter().rev() {
            if let Some(value) = scope.names.get(name) {
                return value.clone();
            }
        }
        self.module.get(name).cloned().unwrap_or_default()
    }

    pub(crate) fn value(&self, expr: &Expr) -> Value {
        match expr {
            Expr::Name(name) => self.name(name.id.as_str()),
            Expr::Attribute(attribute) => self.value(&attribute.value).member(attribute.attr.as_str()),
            Expr::Call(call) => self.value(&call.func).call(),
            // `orders[:20]`: a page of the same collection.
            Expr::Subscript(subscript) if matches!(subscript.slice.as_ref(), Expr::Slice(_)) => {
                self.value(&subscript.value)
            }
            // `SessionDep = Annotated[Session, Depends(get_db)]`: the type it annotates with.
            Expr::Subscript(_) => self.annotation(expr),
            _ => Value::Unknown,
        }
    }

    /// The class a type annotation names: `Session`, `Annotated[Session, ...]`,
    /// `Optional[Session]`, `Session | None`.
    fn annotation(&self, expr: &Expr) -> Value {
        match expr {
            Expr::Name(_) | Expr::Attribute(_) => self.value(expr),
            Expr::Subscript(subscript) => {
                let wrapper = match subscript.value.as_ref() {
                    Expr::Name(name) => name.id.as_str(),
                    Expr::Attribute(attribute) => attribute.attr.as_str(),
                    _ => return Value::Unknown,
                };
                match (wrapper, subscript.slice.as_ref()) {
                    ("Annotated", Expr::Tuple(tuple)) => {
                        tuple.elts.first().map_or(Value::Unknown, |t| self.annotation(t))
                    }
                    ("Optional", inner) => self.annotation(inner),
                    _ => Value::Unknown,
                }
            }
            Expr::BinOp(binary) if binary.op == ruff_python_ast::Operator::BitOr => {
                match (binary.left.as_ref(), binary.right.as_ref()) {
                    (Expr::NoneLiteral(_), other) | (other, Expr::NoneLiteral(_)) => self.annotation(other),
                    _ => Value::Unknown,
                }
            }
            _ => Value::Unknown,
        }
    }

    /// Walks a function's body (`walk`) in its own scope: its parameters bound, outside the
    /// loops around its definition (it runs when called, not where it is written).
    fn function_body(
        &mut self,
        id: u32,
        parameters: Option<&Parameters>,
        method_of: Option<u32>,
        walk: impl FnOnce(&mut Self),
    ) {
        let mut scope = Scope::default();
        let all = parameters
            .into_iter()
            .flat_map(|parameters| parameters.posonlyargs.iter().chain(&parameters.args).chain(&parameters.kwonlyargs));
        for (index, parameter) in all.enumerate() {
            let name = parameter.parameter.name.to_string();
            // `self` of a method is the instance of its class.
            let value = match method_of {
                Some(class) if index == 0 && name == "self" => Value::This(class),
                _ => Value::Param { name: name.clone(), func: id, index: index as u32 },
            };
            // `db: Session`: an instance of the annotated class, when the annotation names one;
            // what the callers pass otherwise.
            let annotated = parameter.parameter.annotation.as_deref().map(|annotation| self.annotation(annotation));
            let value = match annotated {
                Some(class) if !class.is_unknown() => {
                    Value::Either(Box::new(Value::Instance(Box::new(class))), Box::new(value))
                }
                _ => value,
            };
            // `get_<field>(self, obj)` of a serializer: `obj` is each row it renders, with the
            // relations the rendered queryset loads, which the project knows.
            if index == 1 && self.is_serializer_getter(id, method_of) {
                scope.rows.insert(name.clone(), Vec::new());
            }
            scope.names.insert(name, value);
        }
        self.scopes.push(scope);
        self.functions.push(id);
        let loops = std::mem::take(&mut self.loops);
        walk(self);
        self.loops = loops;
        self.functions.pop();
        self.scopes.pop();
    }

    /// A `SerializerMethodField`'s getter: `get_<field>` of a class named like a serializer.
    fn is_serializer_getter(&self, function: u32, method_of: Option<u32>) -> bool {
        let Some(class) = method_of else { return false };
        self.facts.classes[class as usize].name.ends_with("Serializer")
            && self.facts.functions[function as usize]
                .name
                .rsplit('.')
                .next()
                .is_some_and(|name| name.starts_with("get_"))
    }

    fn push_iteration(&mut self, kind: IterationKind, span: ceiling_facts::Span, over: Over, body: &[Stmt]) -> u32 {
        let id = self.facts.iterations.len() as u32;
        let exits_first = matches!(body.last(), Some(Stmt::Return(_) | Stmt::Break(_) | Stmt::Raise(_)))
            && !body.iter().any(|statement| matches!(statement, Stmt::Continue(_)));
        let (retries, wait) = crate::outbound::retry_loop(body);
        self.facts.iterations.push(Iteration {
            kind,
            span,
            over,
            exits_first,
            retries,
            wait,
            concurrent: false,
            origin: None,
            func: self.functions.last().copied(),
            parent: self.loops.last().copied(),
        });
        id
    }

    /// What a `for` runs over: a literal, `range(N)`, a parameter, or a collection.
    fn over(&self, iter: &Expr) -> Over {
        match iter {
            Expr::List(list) => Over::Literal(list.elts.len() as u32),
            Expr::Tuple(tuple) => Over::Literal(tuple.elts.len() as u32),
            Expr::Set(set) => Over::Literal(set.elts.len() as u32),
            Expr::Call(call) if matches!(call.func.as_ref(), Expr::Name(name) if name.id.as_str() == "range") => {
                // `range(3)`, `range(1, MAX_RETRIES)`.
                let count = call.arguments.args.last().and_then(|last| {
                    whole_number(last).or_else(|| match last {
                        Expr::Name(_) => self.bindings.count(&self.binding_keys(last)),
                        _ => None,
                    })
                });
                count.map_or(Over::Collection, |n| Over::Range(n.min(u64::from(u32::MAX)) as u32))
            }
            // `for user in db.scalars(select(User).limit(20))`: at most that many rows.
            _ if let Some(limit) = self.sqlalchemy_rows(iter).and_then(|rows| rows.limit) => Over::Limited(limit),
            Expr::Name(name) => match self.name(name.id.as_str()) {
                Value::Param { func, index, .. } => Over::Parameter { func, index },
                _ => Over::Collection,
            },
            // `Order.objects.all()[:10]`: at most as many rows as the slice takes.
            Expr::Subscript(subscript) => match subscript.slice.as_ref() {
                Expr::Slice(slice) if slice.lower.is_none() && slice.step.is_none() => {
                    match slice.upper.as_deref().and_then(literal_count) {
                        Some(limit) => Over::Limited(limit),
                        None => Over::Collection,
                    }
                }
                _ => Over::Collection,
            },
            _ => Over::Collection,
        }
    }

    /// Binds a loop's target (`for order in orders`) to one element of what it runs over, and
    /// to the relations its queryset loads when it runs over one.
    fn bind_target(&mut self, target: &Expr, iter: &Expr) {
        let element =
            self.sqlalchemy_rows(iter).and_then(|rows| rows.row()).unwrap_or_else(|| self.value(iter).element());
        let loaded = self.queryset(iter).map(|rows| rows.loaded);
        if let (Expr::Name(name), Some(scope)) = (target, self.scopes.last_mut()) {
            let name = name.id.to_string();
            scope.names.insert(name.clone(), element);
            match loaded {
                Some(loaded) => scope.rows.insert(name, loaded),
                None => scope.rows.remove(&name),
            };
        }
    }

    /// The rows of a queryset expression, when it is one: a chain through `objects`, a
    /// refinement of one, or a name bound to one; or the rows of a SQLAlchemy query, which
    /// records itself where it runs.
    fn queryset(&self, expr: &Expr) -> Option<Rows> {
        if let Some(rows) = self.sqlalchemy_rows(expr) {
            return Some(Rows { loaded: rows.shape.includes, built: self.span(expr), query: None, one: false });
        }
        match expr {
            Expr::Call(call) => {
                if let Some(found) = crate::django::query(call) {
                    // `.iterator()` runs the query here and yields its rows; `get`, `count` or
                    // `in_bulk` return an instance, a number or a dict, no rows.
                    let query = match (crate::django::lazy(&found.shape), found.shape.method.as_str()) {
                        (true, _) => self.query_fact(call, found.model, found.shape.clone()).map(Box::new),
                        (false, "iterator") => None,
                        (false, _) => return None,
                    };
                    let one = crate::django::by_primary_key(&found.shape);
                    return Some(Rows { loaded: found.shape.includes, built: self.span(call), query, one });
                }
                if let Some(rows) = self.view_queryset(expr) {
                    return Some(rows);
                }
                // DRF's `self.filter_queryset(qs)` narrows the rows; `self.paginate_queryset(qs)`
                // takes a page of them. Neither loads a relation.
                if let Expr::Attribute(method) = call.func.as_ref()
                    && matches!(method.attr.as_str(), "filter_queryset" | "paginate_queryset")
                    && matches!(method.value.as_ref(), Expr::Name(receiver) if receiver.id.as_str() == "self")
                    && let [rows] = &call.arguments.args[..]
                {
                    let mut rows = self.queryset(rows)?;
                    if method.attr.as_str() == "paginate_queryset"
                        && let Some(query) = &mut rows.query
                    {
                        query.shape.bounded = true;
                    }
                    return Some(rows);
                }
                // `notifications = notifications.filter(...)`: a queryset refined further.
                let (root, delta) = crate::django::refinement(call)?;
                let iterator = delta.method == "iterator";
                if !crate::django::lazy(&delta) && !iterator {
                    return None;
                }
                let mut rows = self.queryset(root)?;
                rows.loaded.extend(delta.includes.iter().cloned());
                rows.one |= crate::django::by_primary_key(&delta);
                match &mut rows.query {
                    // Run here, where `record_refined_query` records it.
                    Some(_) if iterator => rows.query = None,
                    Some(query) => crate::django::refine(&mut query.shape, delta),
                    None => {}
                }
                Some(rows)
            }
            Expr::Name(name) => {
                self.scopes.iter().rev().find_map(|scope| scope.querysets.get(name.id.as_str())).cloned()
            }
            // `Note.objects.all()[:100]`: a page of the same rows.
            Expr::Subscript(subscript) if matches!(subscript.slice.as_ref(), Expr::Slice(_)) => {
                let mut rows = self.queryset(&subscript.value)?;
                if let Some(query) = &mut rows.query {
                    query.shape.bounded = true;
                }
                Some(rows)
            }
            Expr::Attribute(_) => self.view_queryset(expr),
            _ => None,
        }
    }

    /// In a list view's `get_queryset`, `super().get_queryset()` or `self.queryset`: the class's
    /// `queryset`, or, when it declares none, rows that load nothing (a base view written for
    /// every model cannot know which relations this one renders). In its other methods,
    /// `self.get_queryset()`: what its own `get_queryset` returns.
    fn view_queryset(&self, expr: &Expr) -> Option<Rows> {
        if let Expr::Call(call) = expr
            && call.arguments.is_empty()
            && let Expr::Attribute(method) = call.func.as_ref()
            && method.attr.as_str() == "get_queryset"
            && let Expr::Name(receiver) = method.value.as_ref()
            && let Value::This(class) = self.name(receiver.id.as_str())
            && self.building_rows_of.is_none()
        {
            // Built and run elsewhere: no query of this function's.
            let rows = self.list_views.get(&class)?.own_rows.clone()??;
            return Some(Rows { query: None, ..rows });
        }
        let view = self.list_views.get(&self.building_rows_of?)?;
        let base = match expr {
            Expr::Call(call) if call.arguments.is_empty() => match call.func.as_ref() {
                Expr::Attribute(method) if method.attr.as_str() == "get_queryset" => {
                    matches!(method.value.as_ref(), Expr::Call(outer)
                        if matches!(outer.func.as_ref(), Expr::Name(name) if name.id.as_str() == "super"))
                }
                _ => false,
            },
            Expr::Attribute(attribute) => {
                attribute.attr.as_str() == "queryset"
                    && matches!(attribute.value.as_ref(), Expr::Name(name) if name.id.as_str() == "self")
            }
            _ => false,
        };
        base.then(|| {
            view.queryset.clone().unwrap_or_else(|| Rows {
                loaded: Vec::new(),
                built: self.span(expr),
                query: None,
                one: false,
            })
        })
    }

    /// `order.customer.name` or `order.items.all()` on a row of a queryset: a relation loaded
    /// on access, one query per row, unless the queryset loads it (`select_related`).
    /// `manager`: the access is a call of a related manager's method (`order.items.all()`).
    fn record_relation_access(&mut self, inner: &ruff_python_ast::ExprAttribute, manager: bool) {
        let Expr::Name(row) = inner.value.as_ref() else { return };
        let Some(loaded) = self.scopes.last().and_then(|scope| scope.rows.get(row.id.as_str())) else { return };
        let relation = inner.attr.as_str();
        if ceiling_facts::loads_relation(loaded, relation) {
            return;
        }
        // Per loop, or per serializer getter (whose row is its parameter, not a loop's element).
        let iteration = self.loops.last().copied();
        let place = iteration.unwrap_or_else(|| u32::MAX - self.functions.last().copied().unwrap_or(0));
        if !self.relations_seen.insert((place, row.id.to_string(), relation.to_owned())) {
            return;
        }
        // `order.items.all()`: a related manager, which queries whatever the schema says.
        let operation = if manager { ceiling_facts::Operation::ReadMany } else { ceiling_facts::Operation::ReadOne };
        let shape = ceiling_facts::QueryShape::new(ceiling_facts::QueryApi::RecordMethod, relation, operation);
        let query = self.query_here(self.span(inner), self.name(row.id.as_str()), shape);
        self.facts.queries.push(query);
    }

    /// A query through a model's manager. A queryset not evaluated where it is written only
    /// builds a query for later: its conditions are kept for the index rules, but it runs
    /// nothing here.
    fn record_query(&mut self, call: &ExprCall, bounded: bool) {
        let start = call.range().start().to_u32();
        if self.in_query.contains(&start) {
            return;
        }
        let Some(found) = crate::django::query(call) else { return };
        let Some(mut query) = self.query_fact(call, found.model, found.shape) else { return };
        // The calls inside the chain are the same query (they start where it starts).
        self.in_query.insert(start);
        query.shape.bounded |= bounded;
        if crate::django::lazy(&query.shape) && !self.evaluated.contains(&start) {
            query.deferred = true;
            query.shape.limit_unknown = true;
        }
        self.facts.queries.push(query);
    }

    /// The query a chain through `model`'s manager makes, here.
    fn query_fact(&self, call: &ExprCall, model: &Expr, shape: ceiling_facts::QueryShape) -> Option<Query> {
        let receiver = self.value(model);
        if receiver.is_unknown() {
            return None;
        }
        Some(self.query_here(self.span(call), receiver, shape))
    }

    /// A query run at `span`, in the function and loop being walked.
    fn query_here(&self, span: ceiling_facts::Span, receiver: Value, shape: ceiling_facts::QueryShape) -> Query {
        Query {
            span,
            receiver,
            shape,
            deferred: false,
            fallback: self.rarely > 0,
            guard: None,
            func: self.functions.last().copied(),
            iteration: self.loops.last().copied(),
            uses: None,
            listed_by: None,
        }
    }

    /// A query of this function and loop.
    fn push_query(
        &mut self,
        span: ceiling_facts::Span,
        receiver: Value,
        shape: ceiling_facts::QueryShape,
        deferred: bool,
    ) {
        let query = Query { deferred, ..self.query_here(span, receiver, shape) };
        self.facts.queries.push(query);
    }

    /// Marks `expr` as evaluated here. A queryset bound to a name runs its query now, with every
    /// refinement made to it since (`for order in orders`, `list(orders)`, `if orders:`).
    fn evaluate(&mut self, expr: &Expr) {
        self.evaluated.insert(expr.range().start().to_u32());
        let named = match expr {
            Expr::Subscript(subscript) => matches!(subscript.value.as_ref(), Expr::Name(_)),
            other => matches!(other, Expr::Name(_)),
        };
        if named {
            self.run_queryset(expr);
        }
    }

    /// Records the query a queryset bound to a name runs where `expr` evaluates it.
    fn run_queryset(&mut self, expr: &Expr) {
        let Some(Rows { query: Some(query), .. }) = self.queryset(expr) else { return };
        self.push_query(query.span, query.receiver, query.shape, false);
    }

    /// A call that runs a queryset bound to a name: `orders.count()`, `orders.filter(...)
    /// .exists()`, or a refinement evaluated where it is written (`list(orders.filter(...))`).
    fn record_refined_query(&mut self, call: &ExprCall) {
        let Some((root, delta)) = crate::django::refinement(call) else { return };
        // The queryset as first built never runs alone: its conditions are not all there.
        if let (Expr::Name(_), Some(rows)) = (root, self.queryset(root))
            && !delta.filters.is_empty()
        {
            for built in self.facts.queries.iter_mut().filter(|query| query.deferred && query.span == rows.built) {
                built.shape.opaque = true;
            }
        }
        let runs = !crate::django::lazy(&delta);
        if !runs && !self.evaluated.contains(&call.range().start().to_u32()) {
            return;
        }
        let Some(Rows { query: Some(mut query), .. }) = self.queryset(root) else { return };
        crate::django::refine(&mut query.shape, delta);
        self.push_query(self.span(call), query.receiver, query.shape, false);
    }

    /// A SQLAlchemy query run by this expression (`session.execute(stmt)`, `q.all()`), or a row
    /// added to the session (`session.add(User(...))`).
    fn record_sqlalchemy(&mut self, expr: &Expr) {
        if self.in_query.contains(&expr.range().start().to_u32()) {
            return;
        }
        if let Expr::Call(call) = expr
            && let Some((receiver, shape)) = crate::sqlalchemy::added(self, call)
        {
            self.push_query(self.span(expr), receiver, shape, true);
            return;
        }
        let Some(read) = crate::sqlalchemy::read(self, expr) else { return };
        self.in_query.extend(read.calls);
        if let Some(pending) = read.pending.filter(|_| read.runs) {
            self.push_query(self.span(expr), pending.receiver, pending.shape, false);
        }
    }

    /// `for user in query`: a 1.x query bound to a name runs when a loop reads it.
    fn record_sqlalchemy_iteration(&mut self, iter: &Expr) {
        let Expr::Name(name) = iter else { return };
        let Some(pending) = crate::sqlalchemy::Context::statement(self, name.id.as_str())
            .filter(|pending| pending.stage == crate::sqlalchemy::Stage::Query)
            .cloned()
        else {
            return;
        };
        self.push_query(self.span(iter), pending.receiver, pending.shape, false);
    }

    /// What `name = <value>` binds of SQLAlchemy: a statement or 1.x query, which runs where it
    /// is read later (so it is no query here), or a result.
    fn prepare_statement(&mut self, value: &Expr) -> Option<crate::sqlalchemy::Pending> {
        let read = crate::sqlalchemy::read(self, value)?;
        let pending = read.pending?;
        if pending.stage == crate::sqlalchemy::Stage::Query {
            self.in_query.extend(read.calls);
        }
        Some(pending)
    }

    /// The rows of a SQLAlchemy query that `expr` reads, when they are model instances.
    fn sqlalchemy_rows(&self, expr: &Expr) -> Option<crate::sqlalchemy::Pending> {
        crate::sqlalchemy::read(self, expr)?.pending.filter(|pending| pending.row().is_some())
    }

    /// A serializer's nested fields and `Meta.model`; a list view's `queryset` and
    /// `serializer_class`, which it renders row by row.
    fn read_serializer_parts(&mut self, id: u32, class: &ruff_python_ast::StmtClassDef) {
        let mut queryset = None;
        let mut serializer = None;
        let mut overrides_queryset = false;
        let mut lists_itself = false;
        let mut picks_serializer = false;
        for statement in &class.body {
            match statement {
                Stmt::Assign(assign) => {
                    let [Expr::Name(target)] = assign.targets.as_slice() else { continue };
                    // `customer = models.ForeignKey(...)`: a field, which subclasses inherit.
                    // (SQLAlchemy `relationship()`s are recorded only when they load lazily.)
                    if let Expr::Call(call) = assign.value.as_ref()
                        && !matches!(crate::syntax::last_name(&call.func), Some("relationship" | "Relationship"))
                    {
                        let value = self.value(&call.func).call();
                        if !value.is_unknown() {
                            self.facts.classes[id as usize].fields.push((target.id.to_string(), value));
                        }
                    }
                    match (target.id.as_str(), assign.value.as_ref()) {
                        ("queryset", value) => queryset = Some(value),
                        ("serializer_class", value) => serializer = Some(value),
                        ("pagination_class", value) => {
                            self.facts.classes[id as usize].pagination = Some(!matches!(value, Expr::NoneLiteral(_)));
                        }
                        (field, Expr::Call(call)) if crate::drf::serializer_name(&call.func).is_some() => {
                            let Some(relation) = crate::drf::relation(call, field) else { continue };
                            let nested = ceiling_facts::NestedField {
                                span: self.span(statement),
                                relation: relation.to_owned(),
                                serializer: self.value(&call.func),
                                many: crate::drf::many(call),
                            };
                            self.facts.classes[id as usize].nested.push(nested);
                        }
                        _ => {}
                    }
                }
                Stmt::ClassDef(meta) if meta.name.as_str() == "Meta" => {
                    for statement in &meta.body {
                        if let Stmt::Assign(assign) = statement
                            && let [Expr::Name(target)] = assign.targets.as_slice()
                            && target.id.as_str() == "model"
                        {
                            self.facts.classes[id as usize].model = self.value(&assign.value);
                        }
                    }
                }
                Stmt::FunctionDef(def) if def.name.as_str() == "get_queryset" => overrides_queryset = true,
                // Its own `list` renders what it builds itself, which the walk sees.
                Stmt::FunctionDef(def) if def.name.as_str() == "list" => lists_itself = true,
                Stmt::FunctionDef(def) if def.name.as_str() == "get_serializer_class" => picks_serializer = true,
                _ => {}
            }
        }
        let bases: Vec<&str> = class
            .arguments
            .iter()
            .flat_map(|arguments| &arguments.args)
            .filter_map(|base| match crate::syntax::unsubscripted(base) {
                Expr::Name(name) => Some(name.id.as_str()),
                Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
                _ => None,
            })
            .collect();
        // A pagination mixin (`class Notes(PaginationMixin, ModelViewSet)`) pages what it lists.
        if bases.iter().any(|base| base.contains("Paginat")) {
            self.facts.classes[id as usize].pagination = Some(true);
        }
        // DRF's own `list` reads the rows of views built on `ModelViewSet`, `ListAPIView` or
        // `ListModelMixin`, or on a class of this file that is. (`GenericViewSet` and `ViewSet`
        // list only what their own methods do.)
        let inherits_listing = bases
            .iter()
            .any(|base| matches!(self.name(base), Value::Class(base) if self.listing_classes.contains(&base)));
        if inherits_listing || bases.iter().any(|name| name.ends_with("ModelViewSet") || name.starts_with("List")) {
            self.listing_classes.insert(id);
        }
        // A list view: `queryset = Note.objects.all()` rendered by `serializer_class` (or by
        // the class `get_serializer_class` picks, which the walk does not know).
        let lists = inherits_listing || bases.iter().any(|name| name.ends_with("ViewSet") || name.starts_with("List"));
        let serializer = match serializer {
            Some(serializer) => self.value(serializer),
            None if picks_serializer => Value::Unknown,
            None => return,
        };
        if !lists {
            return;
        }
        let listed = !lists_itself && self.listing_classes.contains(&id);
        let view = ListView {
            serializer,
            queryset: queryset.and_then(|qs| self.queryset(qs)),
            renders: !lists_itself,
            listed,
            own_rows: None,
        };
        // With a `get_queryset`, its `return`s build the rows (see `visit_stmt`).
        if view.renders
            && !overrides_queryset
            && let Some(rows) = view.queryset.clone()
        {
            self.record_rows_rendered(self.span(class), view.serializer.clone(), &rows);
            if view.listed {
                self.record_listed_read(id, &rows);
            }
        }
        self.list_views.insert(id, view);
    }

    /// The read of every row that DRF's `list` of view `class` runs, unless the view is paged.
    fn record_listed_read(&mut self, class: u32, rows: &Rows) {
        if let Some(query) = &rows.query {
            self.facts.queries.push(Query { listed_by: Some(class), ..(**query).clone() });
        }
    }

    /// `NoteSerializer(notes, many=True)` over a queryset: each row rendered.
    fn record_render(&mut self, call: &ExprCall) {
        if crate::drf::serializer_name(&call.func).is_none() || !crate::drf::many(call) {
            return;
        }
        let Some(rows_expr) = crate::drf::rows(call) else { return };
        self.evaluate(rows_expr);
        let Some(rows) = self.queryset(rows_expr) else { return };
        self.record_rows_rendered(self.span(call), self.value(&call.func), &rows);
    }

    /// Rows rendered one by one by `serializer`, unless there is one at most.
    fn record_rows_rendered(&mut self, span: ceiling_facts::Span, serializer: Value, rows: &Rows) {
        if rows.one || serializer.is_unknown() {
            return;
        }
        let render = ceiling_facts::Render {
            span,
            serializer,
            loaded: rows.loaded.clone(),
            queryset: rows.built,
            func: self.functions.last().copied(),
        };
        self.facts.renders.push(render);
    }

    /// Where the names of `expr` may be bound, innermost first: a local of the functions being
    /// walked or a module name; `self.x` on instances of the class.
    fn binding_keys(&self, expr: &Expr) -> Vec<(Owner, String)> {
        match expr {
            Expr::Name(name) => {
                let name = name.id.to_string();
                let mut keys: Vec<(Owner, String)> =
                    self.functions.iter().rev().map(|&id| (Owner::Function(id), name.clone())).collect();
                keys.push((Owner::Module, name));
                keys
            }
            Expr::Attribute(attribute) => match self.value(&attribute.value) {
                Value::This(class) => vec![(Owner::Class(class), attribute.attr.to_string())],
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// Records what an assignment binds for requests: a client, or a string's leading text.
    fn bind_outbound(&mut self, target: &Expr, value: &Expr) {
        let key = match target {
            Expr::Name(name) => {
                let owner = match (self.functions.last(), self.classes.last()) {
                    (Some(&id), _) => Owner::Function(id),
                    (None, Some(&class)) => Owner::Class(class),
                    (None, None) => Owner::Module,
                };
                (owner, name.id.to_string())
            }
            Expr::Attribute(_) => match self.binding_keys(target).pop() {
                Some(key) => key,
                None => return,
            },
            _ => return,
        };
        let client = match value {
            Expr::Call(call) => crate::outbound::client(call, &self.value(&call.func)),
            _ => None,
        };
        let text = self.bindings.leading_text(value, &|expr| self.binding_keys(expr));
        let count = whole_number(value);
        self.bindings.bind(key, client, text, count);
    }

    /// What an assigned collection is, for fan-out: the awaitables a comprehension makes, and
    /// where the collection comes from.
    fn bind_collection(&mut self, target: &Expr, value: &Expr, since: usize) {
        let Some(key) = self.binding_keys(target).into_iter().next() else { return };
        if let Some(iteration) = self.comprehension_iteration(value, since) {
            self.bindings.bind_tasks(key.clone(), iteration);
        }
        let origin = self.collection_origin(value);
        self.bindings.bind_origin(key, origin);
    }

    /// `with lock:`, `async with semaphore:`: entering an object the code holds is a call of its
    /// `__enter__`, which is how a limiter or a lock is taken.
    fn record_entered(&mut self, context: &Expr, is_async: bool) {
        if matches!(context, Expr::Call(_)) {
            return;
        }
        let value = self.value(context);
        if !value.is_unknown() {
            let method = if is_async { "__aenter__" } else { "__enter__" };
            self.record_implicit_call(context, value.member(method), self.functions.last().copied());
        }
    }

    /// `@app.task(base=QueueOnce)`: the task class runs the function on each call (celery_once's
    /// takes a lock first), as if the function called it.
    fn record_task_base(&mut self, def: &StmtFunctionDef, id: u32) {
        for decorator in &def.decorator_list {
            let Expr::Call(call) = &decorator.expression else { continue };
            let Some(base) = crate::syntax::keyword(call, "base") else { continue };
            let value = self.value(base);
            if !value.is_unknown() {
                self.record_implicit_call(base, value, Some(id));
            }
        }
    }

    /// A call the syntax implies without writing it, at `at`.
    fn record_implicit_call(&mut self, at: &Expr, callee: Value, func: Option<u32>) {
        let call = Call {
            span: self.span(at),
            callee,
            deferred: false,
            args: Vec::new(),
            literal_lengths: Vec::new(),
            fallback: self.rarely > 0,
            guard: None,
            given: Vec::new(),
            func,
            iteration: self.loops.last().copied(),
            constructs: false,
            kept: false,
        };
        self.facts.calls.push(call);
    }

    /// An HTTP request sent by `call`, adapters mounted on a requests session, and the
    /// process-wide default timeout.
    fn record_request(&mut self, call: &ExprCall, callee: &Value) {
        if let Some(client) = crate::outbound::sets_default_timeout(call, callee) {
            self.facts.timeout_defaults.push(client.to_owned());
        }
        if let Expr::Attribute(method) = call.func.as_ref()
            && method.attr.as_str() == "mount"
        {
            let keys = self.binding_keys(&method.value);
            self.bindings.mount(&keys, call);
        }
        let Some(request) = self.bindings.request(call, callee, &|expr| self.binding_keys(expr)) else { return };
        let request = ceiling_facts::HttpRequest {
            span: self.span(call),
            client: request.client.to_owned(),
            target: request.target,
            timeout: request.timeout,
            retries_itself: request.retries_itself,
            func: self.functions.last().copied(),
            iteration: self.loops.last().copied(),
        };
        self.facts.requests.push(request);
    }

    fn record_timers(&mut self, found: Vec<crate::jobs::Found<'_>>) {
        for found in found {
            let timer = ceiling_facts::Timer {
                span: self.span(found.at),
                kind: found.kind,
                period_ms: found.period_ms,
                callback: found.callback,
                guarded: found.guarded,
                client: false,
            };
            self.facts.timers.push(timer);
        }
    }

    /// The iteration of a comprehension walked since iteration `since`: its first `for`.
    fn comprehension_iteration(&self, expr: &Expr, since: usize) -> Option<u32> {
        let first = match expr {
            Expr::ListComp(comp) => comp.generators.first(),
            Expr::SetComp(comp) => comp.generators.first(),
            Expr::Generator(comp) => comp.generators.first(),
            _ => None,
        }?;
        let start = self.span(first).start;
        (since..self.facts.iterations.len())
            .find(|&id| self.facts.iterations[id].span.start == start)
            .map(|id| id as u32)
    }

    /// Awaitables handed to `asyncio.gather` run at once: the comprehension that makes them, or
    /// the iteration that filled the list passed.
    fn mark_gathered(&mut self, call: &ExprCall, since: usize) {
        if !crate::outbound::gathers(&self.value(&call.func)) {
            return;
        }
        for argument in &call.arguments.args {
            let argument = match argument {
                Expr::Starred(starred) => starred.value.as_ref(),
                argument => argument,
            };
            let iteration = self
                .comprehension_iteration(argument, since)
                .or_else(|| self.bindings.tasks(&self.binding_keys(argument)));
            if let Some(id) = iteration {
                self.facts.iterations[id as usize].concurrent = true;
            }
        }
    }

    /// `tasks.append(fetch(x))` in a loop: the list holds one awaitable per element;
    /// `executor.submit(fn, x)` in a loop: the pool runs them side by side.
    fn record_spawn(&mut self, call: &ExprCall, callee: &Value) {
        let Some(&iteration) = self.loops.last() else { return };
        if crate::outbound::submits(callee) {
            self.facts.iterations[iteration as usize].concurrent = true;
        }
        if let Expr::Attribute(method) = call.func.as_ref()
            && method.attr.as_str() == "append"
            && let [Expr::Call(_)] = call.arguments.args.as_ref()
            && let Some(key) = self.binding_keys(&method.value).into_iter().next()
        {
            self.bindings.bind_tasks(key, iteration);
        }
    }

    /// Where a collection comes from, when that says it can be large: the request's data, or
    /// every row of a query with no limit, itself or through a name.
    fn collection_origin(&self, collection: &Expr) -> Option<ceiling_facts::CollectionOrigin> {
        if crate::outbound::request_input(collection) {
            return Some(ceiling_facts::CollectionOrigin::RequestInput);
        }
        match collection {
            Expr::Call(call) => {
                let found = crate::django::query(call)?;
                let shape = &found.shape;
                let unbounded = shape.operation == ceiling_facts::Operation::ReadMany
                    && !shape.bounded
                    && !shape.opaque
                    && !shape.limit_unknown
                    && !self.value(found.model).is_unknown();
                unbounded.then_some(ceiling_facts::CollectionOrigin::UnboundedQuery)
            }
            Expr::Name(_) => self.bindings.origin(&self.binding_keys(collection)),
            _ => None,
        }
    }

    /// The function being walked, and those around it, handle a remote API's rate limit.
    fn mark_rate_limit_handling(&mut self) {
        for &id in &self.functions {
            self.facts.functions[id as usize].handles_rate_limit = true;
        }
    }

    fn record_call(&mut self, call: &ExprCall) {
        let callee = self.value(&call.func);
        self.record_request(call, &callee);
        self.record_spawn(call, &callee);
        let timers = crate::jobs::scheduled(call, &|expr| self.value(expr));
        self.record_timers(timers);
        if callee.is_unknown() {
            return;
        }
        let args: Vec<Value> = call.arguments.args.iter().map(|argument| self.value(argument)).collect();
        let literal_lengths = call
            .arguments
            .args
            .iter()
            .map(|argument| match argument {
                Expr::List(list) => Some(list.elts.len() as u32),
                Expr::Tuple(tuple) => Some(tuple.elts.len() as u32),
                _ => None,
            })
            .collect();
        let given = call
            .arguments
            .args
            .iter()
            .map(|argument| match argument {
                Expr::NoneLiteral(_) => Given::No,
                _ => Given::Yes,
            })
            .collect();
        let call = Call {
            span: self.span(call),
            callee,
            deferred: false,
            args,
            literal_lengths,
            fallback: self.rarely > 0,
            guard: None,
            given,
            func: self.functions.last().copied(),
            iteration: self.loops.last().copied(),
            constructs: false,
            kept: false,
        };
        self.facts.calls.push(call);
    }
}

impl crate::sqlalchemy::Context for Extractor<'_> {
    fn value(&self, expr: &Expr) -> Value {
        Extractor::value(self, expr)
    }

    fn statement(&self, name: &str) -> Option<&crate::sqlalchemy::Pending> {
        self.scopes.iter().rev().find_map(|scope| scope.statements.get(name))
    }
}

impl<'a> Visitor<'a> for Extractor<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                let id =
                    match (self.functions.is_empty() && self.classes.is_empty(), self.module.get(def.name.as_str())) {
                        (true, Some(Value::Function(id))) => *id,
                        _ => self.new_function(def),
                    };
                let method_of = self.classes.last().copied().filter(|_| self.functions.is_empty());
                if let Some(class) = method_of {
                    self.facts.classes[class as usize].methods.push((def.name.to_string(), id));
                    let class_name = self.facts.classes[class as usize].name.clone();
                    self.facts.functions[id as usize].name = format!("{class_name}.{}", def.name);
                } else if let Some(scope) = self.scopes.last_mut() {
                    scope.names.insert(def.name.to_string(), Value::Function(id));
                }
                for decorator in &def.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if crate::outbound::backs_off(def, &|expr| self.value(expr)) {
                    self.facts.functions[id as usize].handles_rate_limit = true;
                }
                self.record_task_base(def, id);
                let timer = crate::jobs::decorated(def, Value::Function(id));
                self.record_timers(timer.into_iter().collect());
                // A list view's `get_queryset` builds the rows it renders, unless it builds
                // different rows per action (`if self.action == "list"`).
                let builds_rows = method_of.filter(|class| {
                    def.name.as_str() == "get_queryset"
                        && self.list_views.contains_key(class)
                        && !crate::syntax::reads_self(&def.body, "action")
                });
                let building = std::mem::replace(&mut self.building_rows_of, builds_rows);
                self.function_body(id, Some(&def.parameters), method_of, |this| {
                    for statement in &def.body {
                        this.visit_stmt(statement);
                    }
                });
                self.building_rows_of = building;
            }
            Stmt::Return(ret) => {
                visitor::walk_stmt(self, stmt);
                if let (Some(class), Some(value)) = (self.building_rows_of, &ret.value) {
                    let rows = self.queryset(value);
                    let view = &self.list_views[&class];
                    if view.renders
                        && let Some(rows) = &rows
                    {
                        let listed = view.listed;
                        self.record_rows_rendered(self.span(ret), view.serializer.clone(), rows);
                        if listed {
                            self.record_listed_read(class, rows);
                        }
                    }
                    // Several `return`s: the relations any of them loads count as loaded.
                    let view = self.list_views.get_mut(&class).expect("a list view builds rows");
                    view.own_rows = Some(match (view.own_rows.take(), rows) {
                        (None, rows) => rows,
                        (Some(Some(mut known)), Some(rows)) => {
                            known.loaded.extend(rows.loaded);
                            known.one &= rows.one;
                            Some(known)
                        }
                        _ => None,
                    });
                }
            }
            Stmt::ClassDef(class) => {
                let id = match (
                    self.functions.is_empty() && self.classes.is_empty(),
                    self.module.get(class.name.as_str()),
                ) {
                    (true, Some(Value::Class(id))) => *id,
                    _ => self.new_class(class),
                };
                // The first base that is not a mixin: `class Notes(TimezoneMixin, GenericAPIView)`
                // is a `GenericAPIView`.
                let bases = class.arguments.as_ref().map(|arguments| &arguments.args[..]).unwrap_or_default();
                let mixin = |base: &&Expr| match crate::syntax::unsubscripted(base) {
                    Expr::Name(name) => name.id.as_str().ends_with("Mixin"),
                    Expr::Attribute(attribute) => attribute.attr.as_str().ends_with("Mixin"),
                    _ => false,
                };
                if let Some(base) = bases.iter().find(|base| !mixin(base)).or(bases.first()) {
                    self.facts.classes[id as usize].extends = self.value(crate::syntax::unsubscripted(base));
                }
                self.read_serializer_parts(id, class);
                for (relation, declared_by) in crate::sqlalchemy::lazy_relationships(class) {
                    let value = self.value(declared_by).call();
                    self.facts.classes[id as usize].fields.push((relation.to_owned(), value));
                }
                self.classes.push(id);
                let functions = std::mem::take(&mut self.functions);
                for statement in &class.body {
                    self.visit_stmt(statement);
                }
                self.functions = functions;
                self.classes.pop();
            }
            Stmt::Import(_) | Stmt::ImportFrom(_) if !self.scopes.is_empty() => {
                for (name, value) in imports(stmt) {
                    self.scopes.last_mut().expect("a scope").names.insert(name, value);
                }
            }
            Stmt::Assign(assign) => {
                if let [target] = assign.targets.as_slice() {
                    self.facts.drf_default_pagination |= crate::drf::sets_default_pagination(target, &assign.value);
                }
                let since = self.facts.iterations.len();
                let statement = self.prepare_statement(&assign.value);
                self.visit_expr(&assign.value);
                if let ([Expr::Name(name)], Some(scope)) = (assign.targets.as_slice(), self.scopes.last_mut()) {
                    match statement {
                        Some(statement) => scope.statements.insert(name.id.to_string(), statement),
                        None => scope.statements.remove(name.id.as_str()),
                    };
                }
                if let [target] = assign.targets.as_slice() {
                    self.bind_outbound(target, &assign.value);
                    self.bind_collection(target, &assign.value, since);
                    self.record_timers(crate::jobs::beat_schedule(target, &assign.value));
                }
                let value = self.value(&assign.value);
                let loaded = self.queryset(&assign.value);
                if let ([Expr::Name(name)], Some(scope)) = (assign.targets.as_slice(), self.scopes.last_mut()) {
                    match loaded {
                        Some(loaded) => scope.querysets.insert(name.id.to_string(), loaded),
                        None => scope.querysets.remove(name.id.as_str()),
                    };
                }
                for target in &assign.targets {
                    if let Expr::Name(name) = target {
                        match self.scopes.last_mut() {
                            Some(scope) => {
                                scope.names.insert(name.id.to_string(), value.clone());
                            }
                            None if !value.is_unknown() => {
                                self.module.insert(name.id.to_string(), value.clone());
                            }
                            None => {}
                        }
                    }
                }
            }
            Stmt::For(for_stmt) => {
                self.evaluate(&for_stmt.iter);
                self.record_sqlalchemy_iteration(&for_stmt.iter);
                self.visit_expr(&for_stmt.iter);
                let over = self.over(&for_stmt.iter);
                let header = self.lines.range(for_stmt.range().start().to_u32(), for_stmt.iter.range().end().to_u32());
                let kind = if for_stmt.is_async { IterationKind::ForAwait } else { IterationKind::ForOf };
                let id = self.push_iteration(kind, header, over, &for_stmt.body);
                self.facts.iterations[id as usize].origin = self.collection_origin(&for_stmt.iter);
                self.bind_target(&for_stmt.target, &for_stmt.iter);
                self.loops.push(id);
                for statement in &for_stmt.body {
                    self.visit_stmt(statement);
                }
                self.loops.pop();
                for statement in &for_stmt.orelse {
                    self.visit_stmt(statement);
                }
            }
            // `if orders:` runs the query to see whether there are rows.
            Stmt::If(if_stmt) => {
                self.evaluate(&if_stmt.test);
                for clause in if_stmt.elif_else_clauses.iter().filter_map(|clause| clause.test.as_ref()) {
                    self.evaluate(clause);
                }
                let fills_cache = crate::syntax::cache_check(&if_stmt.test);
                self.visit_expr(&if_stmt.test);
                self.rarely += u32::from(fills_cache);
                self.visit_body(&if_stmt.body);
                self.rarely -= u32::from(fills_cache);
                for clause in &if_stmt.elif_else_clauses {
                    self.visit_elif_else_clause(clause);
                }
            }
            // What an `except` runs happens when something before it failed.
            Stmt::Try(try_stmt) => {
                self.visit_body(&try_stmt.body);
                self.rarely += 1;
                for handler in &try_stmt.handlers {
                    self.visit_except_handler(handler);
                }
                self.rarely -= 1;
                self.visit_body(&try_stmt.orelse);
                self.visit_body(&try_stmt.finalbody);
            }
            Stmt::While(while_stmt) => {
                let header =
                    self.lines.range(while_stmt.range().start().to_u32(), while_stmt.test.range().end().to_u32());
                let id = self.push_iteration(IterationKind::While, header, Over::Condition, &while_stmt.body);
                self.loops.push(id);
                self.visit_expr(&while_stmt.test);
                for statement in &while_stmt.body {
                    self.visit_stmt(statement);
                }
                self.loops.pop();
            }
            // `with requests.Session() as session:` binds the client.
            Stmt::With(with) => {
                for item in &with.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(target) = &item.optional_vars {
                        self.bind_outbound(target, &item.context_expr);
                        let value = self.value(&item.context_expr);
                        if let (Expr::Name(name), Some(scope)) = (target.as_ref(), self.scopes.last_mut()) {
                            scope.names.insert(name.id.to_string(), value);
                        }
                    }
                    self.record_entered(&item.context_expr, with.is_async);
                }
                for statement in &with.body {
                    self.visit_stmt(statement);
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if crate::outbound::mentions_rate_limit(expr) {
            self.mark_rate_limit_handling();
        }
        match expr {
            // `Order.objects.all()[:10]`: a query with a limit.
            Expr::Subscript(subscript) => {
                if let Expr::Call(call) = subscript.value.as_ref() {
                    // `[0]` runs the query for one row; a slice is a page of a queryset.
                    if !matches!(subscript.slice.as_ref(), Expr::Slice(_)) {
                        self.evaluate(&subscript.value);
                    }
                    self.record_query(call, true);
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Attribute(attribute) => {
                self.record_relation_access(attribute, false);
                visitor::walk_expr(self, expr);
            }
            Expr::Call(call) => {
                if let Expr::Attribute(method) = call.func.as_ref()
                    && let Expr::Attribute(relation) = method.value.as_ref()
                {
                    self.record_relation_access(relation, is_manager_call(method.attr.as_str(), call));
                }
                if let (Expr::Name(builtin), Some(argument)) = (call.func.as_ref(), call.arguments.args.first())
                    && EVALUATE_ARGUMENT.contains(&builtin.id.as_str())
                {
                    self.evaluate(argument);
                }
                self.record_sqlalchemy(expr);
                self.record_query(call, false);
                self.record_refined_query(call);
                self.record_render(call);
                self.record_call(call);
                let since = self.facts.iterations.len();
                visitor::walk_expr(self, expr);
                self.mark_gathered(call, since);
            }
            // A lambda runs when it is called (`SimpleLazyObject(lambda: ...)`, a `key=`), not
            // where it is written: its calls are its own, outside the loops around it.
            Expr::Lambda(lambda) => {
                let id = self.push_function("<lambda>".to_owned(), self.span(lambda));
                self.function_body(id, lambda.parameters.as_deref(), None, |this| this.visit_expr(&lambda.body));
            }
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
                let (generators, parts): (&[ruff_python_ast::Comprehension], Vec<&Expr>) = match expr {
                    Expr::ListComp(comp) => (&comp.generators, vec![&*comp.elt]),
                    Expr::SetComp(comp) => (&comp.generators, vec![&*comp.elt]),
                    Expr::DictComp(comp) => {
                        (&comp.generators, comp.key.iter().map(|key| &**key).chain([&*comp.value]).collect())
                    }
                    Expr::Generator(comp) => (&comp.generators, vec![&*comp.elt]),
                    _ => unreachable!("matched above"),
                };
                let depth = self.loops.len();
                for generator in generators {
                    self.evaluate(&generator.iter);
                    self.record_sqlalchemy_iteration(&generator.iter);
                    self.visit_expr(&generator.iter);
                    let over = self.over(&generator.iter);
                    let id = self.push_iteration(IterationKind::Comprehension, self.span(generator), over, &[]);
                    self.facts.iterations[id as usize].origin = self.collection_origin(&generator.iter);
                    self.bind_target(&generator.target, &generator.iter);
                    self.loops.push(id);
                    for condition in &generator.ifs {
                        self.visit_expr(condition);
                    }
                }
                for part in parts {
                    self.visit_expr(part);
                }
                self.loops.truncate(depth);
            }
            Expr::Compare(compare) => {
                if let Some(list) = crate::outbound::length_checked(compare) {
                    let keys = self.binding_keys(list);
                    self.bindings.capped(&keys);
                }
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// An integer literal's value.
fn whole_number(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::NumberLiteral(number) => number.value.as_int().and_then(|int| int.as_u64()),
        _ => None,
    }
}

/// A non-negative integer literal, as a count.
fn literal_count(expr: &Expr) -> Option<u32> {
    whole_number(expr).map(|n| n.min(u64::from(u32::MAX)) as u32)
}

/// Builtins that evaluate the iterable they are given: a queryset passed to them runs.
const EVALUATE_ARGUMENT: &[&str] = &[
    "list",
    "tuple",
    "set",
    "frozenset",
    "sorted",
    "len",
    "bool",
    "dict",
    "enumerate",
    "zip",
    "reversed",
    "any",
    "all",
    "sum",
    "min",
    "max",
];

/// `items.all()`, `items.count()`, `items.filter(...)`: a related manager's method, which runs a
/// query. `count` and `first` take no argument on a manager (`str.count("\n")` does), and `get`
/// is left out (`dict.get(key)`).
fn is_manager_call(method: &str, call: &ExprCall) -> bool {
    let bare = call.arguments.args.is_empty() && call.arguments.keywords.is_empty();
    match method {
        "all" | "count" | "exists" | "first" | "last" => bare,
        "filter" | "exclude" | "order_by" | "values" | "values_list" | "aggregate" | "annotate" => true,
        _ => false,
    }
}

/// The names an import statement binds and what each is. Relative modules are written as paths
/// (`from .models import Order` is `./models`), which the project resolves like any import.
pub(crate) fn imports(statement: &Stmt) -> Vec<(String, Value)> {
    match statement {
        Stmt::Import(import) => import
            .names
            .iter()
            .map(|alias| {
                let module = alias.name.to_string();
                match &alias.asname {
                    Some(asname) => (asname.to_string(), Value::Import { module, name: ImportedName::Namespace }),
                    // `import a.b` binds `a`.
                    None => {
                        let first = module.split('.').next().unwrap_or(&module).to_owned();
                        (first.clone(), Value::Import { module: first, name: ImportedName::Namespace })
                    }
                }
            })
            .collect(),
        Stmt::ImportFrom(from) => {
            let base = from.module.as_ref().map(|module| module.to_string());
            let prefix = match from.level {
                0 => String::new(),
                1 => "./".to_owned(),
                level => "../".repeat(level as usize - 1),
            };
            from.names
                .iter()
                .filter(|alias| alias.name.as_str() != "*")
                .map(|alias| {
                    let local = alias.asname.as_ref().unwrap_or(&alias.name).to_string();
                    let value = match &base {
                        Some(base) if from.level == 0 => {
                            Value::Import { module: base.clone(), name: ImportedName::Named(alias.name.to_string()) }
                        }
                        Some(base) => Value::Import {
                            module: format!("{prefix}{}", base.replace('.', "/")),
                            name: ImportedName::Named(alias.name.to_string()),
                        },
                        // `from . import views`: a module of the package.
                        None => {
                            Value::Import { module: format!("{prefix}{}", alias.name), name: ImportedName::Namespace }
                        }
                    };
                    (local, value)
                })
                .collect()
        }
        _ => Vec::new(),
    }
}
