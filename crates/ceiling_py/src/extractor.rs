//! The walk over one module that records its facts.

use ceiling_facts::{
    Call, Class, Export, FileFacts, Function, Given, ImportedName, Iteration, IterationKind, LineIndex, Over, Query,
    Value,
};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, ModModule, Parameters, Stmt, StmtClassDef, StmtFunctionDef};
use ruff_text_size::Ranged;
use rustc_hash::{FxHashMap, FxHashSet};

/// The bindings of one function: its parameters and the names it assigns.
#[derive(Default)]
struct Scope {
    names: FxHashMap<String, Value>,
    /// Names bound to a Django queryset (`orders = Order.objects.filter(...)`), or to one of its
    /// rows in a loop (`for order in orders`), with the relations the queryset loads with it
    /// (`select_related('customer')`, `prefetch_related('items')`).
    querysets: FxHashMap<String, Vec<String>>,
    rows: FxHashMap<String, Vec<String>>,
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
        let id = self.facts.functions.len() as u32;
        self.facts.functions.push(Function {
            name: def.name.to_string(),
            span: self.span(def),
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
            _ => Value::Unknown,
        }
    }

    fn function_body(&mut self, id: u32, parameters: &Parameters, body: &[Stmt], method_of: Option<u32>) {
        let mut scope = Scope::default();
        let all = parameters.posonlyargs.iter().chain(&parameters.args).chain(&parameters.kwonlyargs);
        for (index, parameter) in all.enumerate() {
            let name = parameter.parameter.name.to_string();
            // `self` of a method is the instance of its class.
            let value = match method_of {
                Some(class) if index == 0 && name == "self" => Value::This(class),
                _ => Value::Param { name: name.clone(), func: id, index: index as u32 },
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
        for statement in body {
            self.visit_stmt(statement);
        }
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
        self.facts.iterations.push(Iteration {
            kind,
            span,
            over,
            exits_first,
            retries: false,
            wait: None,
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
                match call.arguments.args.last() {
                    Some(Expr::NumberLiteral(number)) => number
                        .value
                        .as_int()
                        .and_then(|int| int.as_u64())
                        .map_or(Over::Collection, |n| Over::Range(n.min(u64::from(u32::MAX)) as u32)),
                    _ => Over::Collection,
                }
            }
            Expr::Name(name) => match self.name(name.id.as_str()) {
                Value::Param { func, index, .. } => Over::Parameter { func, index },
                _ => Over::Collection,
            },
            _ => Over::Collection,
        }
    }

    /// Binds a loop's target (`for order in orders`) to one element of what it runs over, and
    /// to the relations its queryset loads when it runs over one.
    fn bind_target(&mut self, target: &Expr, iter: &Expr) {
        let element = self.value(iter).element();
        let loaded = self.queryset_includes(iter);
        if let (Expr::Name(name), Some(scope)) = (target, self.scopes.last_mut()) {
            let name = name.id.to_string();
            scope.names.insert(name.clone(), element);
            match loaded {
                Some(loaded) => scope.rows.insert(name, loaded),
                None => scope.rows.remove(&name),
            };
        }
    }

    /// The relations a queryset expression loads with its rows, when it is one: a chain through
    /// `objects`, or a name bound to one.
    fn queryset_includes(&self, expr: &Expr) -> Option<Vec<String>> {
        match expr {
            Expr::Call(call) => match crate::django::query(call) {
                Some(found) => Some(found.shape.includes),
                // `notifications = notifications.filter(...)`: a queryset refined further.
                None => {
                    let (root, loaded) = crate::django::refinement(call)?;
                    let mut includes = self.queryset_includes(root)?;
                    includes.extend(loaded);
                    Some(includes)
                }
            },
            Expr::Name(name) => {
                self.scopes.iter().rev().find_map(|scope| scope.querysets.get(name.id.as_str())).cloned()
            }
            // `Note.objects.all()[:100]`: a page of the same rows.
            Expr::Subscript(subscript) if matches!(subscript.slice.as_ref(), Expr::Slice(_)) => {
                self.queryset_includes(&subscript.value)
            }
            _ => None,
        }
    }

    /// `order.customer.name` or `order.items.all()` on a row of a queryset: a relation loaded
    /// on access, one query per row, unless the queryset loads it (`select_related`).
    /// `manager`: the access is a call of a related manager's method (`order.items.all()`).
    fn record_relation_access(&mut self, outer: &ruff_python_ast::ExprAttribute, manager: bool) {
        let Expr::Attribute(inner) = outer.value.as_ref() else { return };
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
        let query = Query {
            span: self.span(inner),
            receiver: self.name(row.id.as_str()),
            shape,
            deferred: false,
            fallback: false,
            guard: None,
            func: self.functions.last().copied(),
            iteration,
            uses: None,
        };
        self.facts.queries.push(query);
    }

    fn record_query(&mut self, call: &ExprCall, bounded: bool) {
        if self.in_query.contains(&call.range().start().to_u32()) {
            return;
        }
        let Some(found) = crate::django::query(call) else { return };
        let receiver = self.value(found.model);
        if receiver.is_unknown() {
            return;
        }
        // The calls inside the chain are the same query.
        let mut inner = Some(call);
        while let Some(current) = inner {
            self.in_query.insert(current.range().start().to_u32());
            inner = match current.func.as_ref() {
                Expr::Attribute(attribute) => match attribute.value.as_ref() {
                    Expr::Call(call) => Some(call),
                    _ => None,
                },
                _ => None,
            };
        }
        let mut shape = found.shape;
        shape.bounded |= bounded;
        let query = Query {
            span: self.span(call),
            receiver,
            shape,
            deferred: false,
            fallback: false,
            guard: None,
            func: self.functions.last().copied(),
            iteration: self.loops.last().copied(),
            uses: None,
        };
        self.facts.queries.push(query);
    }

    /// A serializer's nested fields and `Meta.model`; a list view's `queryset` and
    /// `serializer_class`, which it renders row by row.
    fn read_serializer_parts(&mut self, id: u32, class: &ruff_python_ast::StmtClassDef) {
        let mut queryset = None;
        let mut serializer = None;
        let mut overrides_queryset = false;
        for statement in &class.body {
            match statement {
                Stmt::Assign(assign) => {
                    let [Expr::Name(target)] = assign.targets.as_slice() else { continue };
                    match (target.id.as_str(), assign.value.as_ref()) {
                        ("queryset", value) => queryset = Some(value),
                        ("serializer_class", value) => serializer = Some(value),
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
                _ => {}
            }
        }
        // A list view: `queryset = Note.objects.all()` rendered by `serializer_class`.
        let lists = class.arguments.as_ref().is_some_and(|arguments| {
            arguments.args.iter().any(|base| {
                let name = match base {
                    Expr::Name(name) => name.id.as_str(),
                    Expr::Attribute(attribute) => attribute.attr.as_str(),
                    _ => "",
                };
                name.ends_with("ViewSet") || name.starts_with("List")
            })
        });
        if let (Some(queryset), Some(serializer), true, false) = (queryset, serializer, lists, overrides_queryset)
            && let Some(loaded) = self.queryset_includes(queryset)
        {
            let render = ceiling_facts::Render {
                span: self.span(class),
                serializer: self.value(serializer),
                loaded,
                func: self.functions.last().copied(),
            };
            self.facts.renders.push(render);
        }
    }

    /// `NoteSerializer(notes, many=True)` over a queryset: each row rendered.
    fn record_render(&mut self, call: &ExprCall) {
        if crate::drf::serializer_name(&call.func).is_none() || !crate::drf::many(call) {
            return;
        }
        let Some(loaded) = crate::drf::rows(call).and_then(|rows| self.queryset_includes(rows)) else { return };
        let render = ceiling_facts::Render {
            span: self.span(call),
            serializer: self.value(&call.func),
            loaded,
            func: self.functions.last().copied(),
        };
        self.facts.renders.push(render);
    }

    fn record_call(&mut self, call: &ExprCall) {
        let callee = self.value(&call.func);
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
            fallback: false,
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
                self.function_body(id, &def.parameters, &def.body, method_of);
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
                self.visit_expr(&assign.value);
                let value = self.value(&assign.value);
                let loaded = self.queryset_includes(&assign.value);
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
                self.visit_expr(&for_stmt.iter);
                let over = self.over(&for_stmt.iter);
                let header = self.lines.range(for_stmt.range().start().to_u32(), for_stmt.iter.range().end().to_u32());
                let kind = if for_stmt.is_async { IterationKind::ForAwait } else { IterationKind::ForOf };
                let id = self.push_iteration(kind, header, over, &for_stmt.body);
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
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            // `Order.objects.all()[:10]`: a query with a limit.
            Expr::Subscript(subscript) => {
                if let (Expr::Call(call), Expr::Slice(_)) = (subscript.value.as_ref(), subscript.slice.as_ref()) {
                    self.record_query(call, true);
                }
                visitor::walk_expr(self, expr);
            }
            Expr::Attribute(attribute) => {
                self.record_relation_access(attribute, false);
                visitor::walk_expr(self, expr);
            }
            Expr::Call(call) => {
                if let Expr::Attribute(method) = call.func.as_ref() {
                    self.record_relation_access(method, is_manager_call(method.attr.as_str(), call));
                }
                self.record_query(call, false);
                self.record_render(call);
                self.record_call(call);
                visitor::walk_expr(self, expr);
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
                    self.visit_expr(&generator.iter);
                    let over = self.over(&generator.iter);
                    let id = self.push_iteration(IterationKind::Comprehension, self.span(generator), over, &[]);
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
            _ => visitor::walk_expr(self, expr),
        }
    }
}

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
fn imports(statement: &Stmt) -> Vec<(String, Value)> {
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
