//! The project model: the facts of every file, linked.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::{FileFacts, FnId, Operation, Orm, QueryApi, Schema, Span};

pub type FileId = u32;

/// A function anywhere in the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct FnRef {
    pub file: FileId,
    pub id: FnId,
}

/// Indices, in the function's file, of the queries and calls that run when it runs.
#[derive(Debug, Default, Clone)]
pub struct FunctionItems {
    pub queries: Vec<u32>,
    pub calls: Vec<u32>,
}

/// How far a call may be from the query it reaches. Deeper chains exist in real code, but a
/// finding whose chain a reader cannot follow is not worth its noise.
const MAX_CHAIN_CALLS: u32 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReachKind {
    /// A read (or raw statement): one round trip that returns rows.
    Read,
    /// A single-row write that has a bulk form.
    Write,
}

/// The next step from a function towards a query it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ChainStep {
    /// The query itself, written in the function.
    Query { file: FileId, query: u32 },
    /// A call in the function to another function that reaches a query.
    Call { file: FileId, call: u32, callee: FnRef },
    /// A callback written inside the function (`items.map(x => ...)`) that reaches a query.
    Callback { callee: FnRef },
}

#[derive(Debug, Clone, Copy)]
pub struct Reach {
    /// Calls between the function and the query.
    pub calls: u32,
    pub step: ChainStep,
}

/// How module specifiers map to files: relative paths, `tsconfig.json` path aliases, and the
/// packages of a monorepo's workspaces. Paths are relative to the scan root, `/`-separated.
#[derive(Debug, Default, Clone)]
pub struct ModuleResolver {
    /// `(directory the alias applies under, pattern, targets)`: `@/*` -> `src/*`.
    pub aliases: Vec<(String, String, Vec<String>)>,
    /// Workspace packages: `(package name, directory)`.
    pub packages: Vec<(String, String)>,
}

/// Extensions tried, in order, for an import without one.
const EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mts", "cts", "mjs", "cjs"];

pub struct Project {
    files: Vec<FileFacts>,
    by_path: FxHashMap<String, FileId>,
    resolver: ModuleResolver,
    /// Names under which the project exports its database clients (`db`, `prisma`): a parameter
    /// or context property of that name is taken to be that client.
    pub(crate) context_clients: FxHashMap<String, Orm>,
    query_orms: Vec<Vec<Option<Orm>>>,
    call_targets: Vec<Vec<Option<FnRef>>>,
    /// Call sites by the function they call: `(file, call)`.
    callers: FxHashMap<FnRef, Vec<(FileId, u32)>>,
    /// The queries and calls that run when a function runs: its own and its callbacks'.
    items: FxHashMap<FnRef, FunctionItems>,
    /// Memoised module resolution and export lookups: the same few imports are followed from
    /// thousands of call sites.
    module_cache: RefCell<FxHashMap<FileId, FxHashMap<String, Option<FileId>>>>,
    pub(crate) export_cache: RefCell<FxHashMap<(FileId, String), crate::Resolved>>,
    /// The route table, built once for every rule that reads it.
    pub(crate) route_table: std::cell::OnceCell<Vec<crate::RouteRow>>,
    reach: [FxHashMap<FnRef, Reach>; 2],
    /// The database schema the app declares; empty when it declares none that ceiling reads.
    pub schema: Schema,
}

/// How many base classes are followed up from a model.
const MAX_BASES: u32 = 6;

impl Project {
    pub fn new(files: Vec<FileFacts>, mut resolver: ModuleResolver) -> Project {
        // The deepest tsconfig scope wins, as TypeScript takes the nearest tsconfig.
        resolver.aliases.sort_by_key(|(scope, _, _)| std::cmp::Reverse(scope.len()));
        let by_path = files.iter().enumerate().map(|(id, file)| (file.path.clone(), id as FileId)).collect();
        let mut project = Project {
            files,
            by_path,
            resolver,
            context_clients: FxHashMap::default(),
            query_orms: Vec::new(),
            call_targets: Vec::new(),
            callers: FxHashMap::default(),
            items: FxHashMap::default(),
            module_cache: RefCell::default(),
            export_cache: RefCell::default(),
            route_table: std::cell::OnceCell::new(),
            reach: [FxHashMap::default(), FxHashMap::default()],
            schema: Schema::default(),
        };
        project.context_clients = project.exported_clients();
        project.call_targets = project.resolve_calls();
        project.callers = project.index_callers();
        project.items = project.index_items();
        project.query_orms = project.resolve_queries();
        project.summarise();
        project
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &FileFacts)> {
        self.files.iter().enumerate().map(|(id, file)| (id as FileId, file))
    }

    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    pub fn file(&self, id: FileId) -> &FileFacts {
        &self.files[id as usize]
    }

    /// The `ceiling-ignore` comments of the file at `path`: a source file's or a schema file's.
    pub fn suppressions(&self, path: &str) -> &[crate::Suppression] {
        match self.file_id(path) {
            Some(file) => &self.file(file).suppressions,
            None => self.schema.suppressions.get(path).map_or(&[], Vec::as_slice),
        }
    }

    /// Every `ceiling-ignore` comment of the project, with its file's path.
    pub fn all_suppressions(&self) -> impl Iterator<Item = (&str, &crate::Suppression)> {
        let in_code = self.files.iter().flat_map(|file| file.suppressions.iter().map(|s| (file.path.as_str(), s)));
        let in_schema =
            self.schema.suppressions.iter().flat_map(|(path, found)| found.iter().map(|s| (path.as_str(), s)));
        in_code.chain(in_schema)
    }

    /// The ORM a query goes through, or `None` when its receiver is not a database client
    /// (a `Map`, a mock, an unknown object with a `find` method).
    pub fn query_orm(&self, file: FileId, query: u32) -> Option<Orm> {
        self.query_orms[file as usize][query as usize]
    }

    /// The project function a call reaches, when it could be resolved.
    pub fn call_target(&self, file: FileId, call: u32) -> Option<FnRef> {
        self.call_targets[file as usize][call as usize]
    }

    pub fn reach(&self, function: FnRef, kind: ReachKind) -> Option<&Reach> {
        self.reach[kind as usize].get(&function)
    }

    /// The steps from `function` to the query it reaches: calls, then the query.
    pub fn chain(&self, function: FnRef, kind: ReachKind) -> Vec<ChainStep> {
        let mut steps = Vec::new();
        let mut current = function;
        // Each step strictly follows a shortest path; the bound only guards against a bug.
        for _ in 0..64 {
            let Some(reach) = self.reach(current, kind) else { break };
            match reach.step {
                ChainStep::Query { .. } => {
                    steps.push(reach.step);
                    break;
                }
                ChainStep::Call { callee, .. } => {
                    steps.push(reach.step);
                    current = callee;
                }
                ChainStep::Callback { callee } => current = callee,
            }
        }
        steps
    }

    pub fn function_name(&self, function: FnRef) -> &str {
        &self.file(function.file).functions[function.id as usize].name
    }

    pub fn span_of(&self, step: &ChainStep) -> (FileId, Span) {
        match *step {
            ChainStep::Query { file, query } => (file, self.file(file).queries[query as usize].span),
            ChainStep::Call { file, call, .. } => (file, self.file(file).calls[call as usize].span),
            ChainStep::Callback { callee } => (callee.file, self.file(callee.file).functions[callee.id as usize].span),
        }
    }

    pub(crate) fn resolve_module(&self, from: FileId, specifier: &str) -> Option<FileId> {
        if let Some(found) = self.module_cache.borrow().get(&from).and_then(|cache| cache.get(specifier)) {
            return *found;
        }
        let found = self.resolve_module_uncached(from, specifier);
        self.module_cache.borrow_mut().entry(from).or_default().insert(specifier.to_owned(), found);
        found
    }

    fn resolve_module_uncached(&self, from: FileId, specifier: &str) -> Option<FileId> {
        let from = &self.files[from as usize].path;
        let dir = from.rsplit_once('/').map_or("", |(dir, _)| dir);
        if from.ends_with(".py") {
            return self.resolve_python(dir, specifier);
        }
        if specifier.starts_with("./") || specifier.starts_with("../") || specifier == "." {
            return self.probe(&join_path(dir, specifier));
        }
        let in_scope = |scope: &str| {
            scope.is_empty() || (from.starts_with(scope) && from.as_bytes().get(scope.len()) == Some(&b'/'))
        };
        for (_, pattern, targets) in self.resolver.aliases.iter().filter(|(scope, _, _)| in_scope(scope)) {
            let rest = match pattern.strip_suffix('*') {
                Some(prefix) => specifier.strip_prefix(prefix),
                None => (specifier == pattern).then_some(""),
            };
            if let Some(rest) = rest {
                for target in targets {
                    if let Some(id) = self.probe(&target.replacen('*', rest, 1)) {
                        return Some(id);
                    }
                }
            }
        }
        for (name, package_dir) in &self.resolver.packages {
            let Some(rest) = specifier.strip_prefix(name.as_str()) else { continue };
            if rest.is_empty() {
                for entry in ["src/index", "index", "src/main", "lib/index"] {
                    if let Some(id) = self.probe(&join_path(package_dir, entry)) {
                        return Some(id);
                    }
                }
            } else if let Some(sub) = rest.strip_prefix('/') {
                for candidate in [join_path(package_dir, sub), join_path(package_dir, &format!("src/{sub}"))] {
                    if let Some(id) = self.probe(&candidate) {
                        return Some(id);
                    }
                }
            }
        }
        None
    }

    /// A Python module: `./models` (the frontend writes relative imports as paths) next to the
    /// importing file, or a dotted name (`shop.models`) under one of the importing file's
    /// directories, the nearest first: the directory that holds the top package is not marked.
    fn resolve_python(&self, dir: &str, specifier: &str) -> Option<FileId> {
        let probe = |path: &str| {
            [format!("{path}.py"), format!("{path}/__init__.py")]
                .iter()
                .find_map(|file| self.by_path.get(file).copied())
        };
        if specifier.starts_with("./") || specifier.starts_with("../") {
            return probe(&join_path(dir, specifier));
        }
        let relative = specifier.replace('.', "/");
        let mut base = Some(dir);
        while let Some(current) = base {
            let path = if current.is_empty() { relative.clone() } else { format!("{current}/{relative}") };
            if let Some(found) = probe(&path) {
                return Some(found);
            }
            base = (!current.is_empty()).then(|| current.rsplit_once('/').map_or("", |(parent, _)| parent));
        }
        None
    }

    /// The file an extensionless (or `.js`-for-`.ts`) import path names.
    fn probe(&self, path: &str) -> Option<FileId> {
        if let Some(id) = self.by_path.get(path) {
            return Some(*id);
        }
        let stem = [".js", ".jsx", ".mjs", ".cjs"].iter().find_map(|ext| path.strip_suffix(ext)).unwrap_or(path);
        for base in [stem.to_owned(), format!("{path}/index")] {
            for ext in EXTENSIONS {
                if let Some(id) = self.by_path.get(&format!("{base}.{ext}")) {
                    return Some(*id);
                }
            }
        }
        None
    }

    fn exported_clients(&self) -> FxHashMap<String, Orm> {
        let mut clients: FxHashMap<String, Option<Orm>> = FxHashMap::default();
        for (id, file) in self.files() {
            for export in &file.exports {
                if let Some(orm) = self.as_client(id, &export.value) {
                    let entry = clients.entry(export.name.clone()).or_insert(Some(orm));
                    if *entry != Some(orm) {
                        // Two different kinds of client under one name: the name tells nothing.
                        *entry = None;
                    }
                }
            }
        }
        clients.into_iter().filter_map(|(name, orm)| Some((name, orm?))).collect()
    }

    fn resolve_queries(&self) -> Vec<Vec<Option<Orm>>> {
        self.files()
            .map(|(id, file)| {
                file.queries
                    .iter()
                    .map(|query| {
                        if query.shape.api == QueryApi::RecordMethod
                            && let crate::Resolved::Record(Orm::Django, class) = self.resolve(id, &query.receiver)
                        {
                            // A related manager's method (`order.items.all()`) queries; a plain
                            // attribute does when the model's table says it is a relation.
                            let manager = query.shape.operation == crate::Operation::ReadMany;
                            return (manager || self.django_relation(class, &query.shape.method))
                                .then_some(Orm::Django);
                        }
                        if query.shape.api == QueryApi::RecordMethod
                            && let crate::Resolved::Instance(file, class) = self.resolve(id, &query.receiver)
                            && self.model_orm(file, class) == Some(Orm::SqlAlchemy)
                        {
                            // A row of a SQLAlchemy query: only its lazy `relationship()`s query.
                            return self
                                .lazy_relationship((file, class), &query.shape.method)
                                .then_some(Orm::SqlAlchemy);
                        }
                        if query.shape.api == QueryApi::RecordMethod {
                            // A method the model class defines itself is a call, not a query.
                            let (orm, own) = self.as_record(id, &query.receiver, &query.shape.method)?;
                            return (!own && record_method_fits(orm, &query.shape.method)).then_some(orm);
                        }
                        let orm = match query.shape.api {
                            QueryApi::ModelMethod | QueryApi::ObjectionQuery => self.as_model(id, &query.receiver)?,
                            _ => self.as_client(id, &query.receiver)?,
                        };
                        // TypeORM's `repository.create()` builds an entity in memory; no query.
                        if orm == Orm::TypeOrm && query.shape.method == "create" {
                            return None;
                        }
                        let fits = match query.shape.api {
                            QueryApi::PrismaDelegate => orm == Orm::Prisma,
                            QueryApi::DrizzleBuilder => orm == Orm::Drizzle,
                            QueryApi::SupabaseFrom => orm == Orm::Supabase,
                            QueryApi::KnexBuilder => orm == Orm::Knex,
                            QueryApi::KyselyBuilder => orm == Orm::Kysely,
                            QueryApi::ObjectionQuery => orm == Orm::Objection,
                            QueryApi::ModelMethod => matches!(
                                orm,
                                Orm::TypeOrm | Orm::Sequelize | Orm::Mongoose | Orm::Django | Orm::SqlAlchemy
                            ),
                            // Entity-manager and session methods are TypeORM's and SQLAlchemy's;
                            // raw `query()` is everyone's.
                            QueryApi::ClientMethod => {
                                matches!(orm, Orm::TypeOrm | Orm::SqlAlchemy)
                                    || (matches!(orm, Orm::Sequelize | Orm::Sql)
                                        && matches!(query.shape.method.as_str(), "query" | "execute" | "unsafe"))
                            }
                            QueryApi::SqlTag => orm == Orm::Sql,
                            QueryApi::RecordMethod => false,
                        };
                        fits.then_some(orm)
                    })
                    .collect()
            })
            .collect()
    }

    /// The class `value` is, when the project defines it.
    pub fn class_of(&self, file: FileId, value: &crate::Value) -> Option<(FileId, crate::ClassId)> {
        match self.resolve(file, value) {
            crate::Resolved::Class(file, class) => Some((file, class)),
            _ => None,
        }
    }

    /// Whether `name` is a relation that a row of the model class loads on access (see
    /// `django_relation` and `lazy_relationship`).
    pub fn model_relation(&self, model: (FileId, crate::ClassId), name: &str) -> bool {
        match self.model_orm(model.0, model.1) {
            Some(Orm::SqlAlchemy) => self.lazy_relationship(model, name),
            _ => self.django_relation(Some(model), name),
        }
    }

    /// Whether `name` is a `relationship()` the SQLAlchemy model class (or a class it extends)
    /// declares and loads on access: the frontend records only those as fields, leaving out
    /// relations loaded with their rows (`lazy="selectin"`) or never (`lazy="raise"`).
    fn lazy_relationship(&self, (file, class): (FileId, crate::ClassId), name: &str) -> bool {
        let mut current = Some((file, class));
        for _ in 0..8 {
            let Some((file, class)) = current else { return false };
            let facts = &self.file(file).classes[class as usize];
            if let Some((_, value)) = facts.fields.iter().find(|(field, _)| field == name) {
                return self.declares_relation(file, value);
            }
            current = self.class_of(file, &facts.extends);
        }
        false
    }

    /// Whether `name` is a relation a Django model instance loads on access: a `ForeignKey` or
    /// `OneToOneField` of its model (from the model's table), or a reverse manager (`item_set`).
    fn django_relation(&self, class: Option<(FileId, crate::ClassId)>, name: &str) -> bool {
        if name.ends_with("_set") {
            return true;
        }
        let Some((file, class)) = class else { return false };
        let facts = self.file(file);
        let model = &facts.classes[class as usize].name;
        let declared = facts.tables.iter().filter(|table| table.bindings.contains(model)).any(|table| {
            table.columns.iter().any(|column| {
                column.field.as_deref() == Some(name) && matches!(column.ty.as_str(), "ForeignKey" | "OneToOneField")
            })
        });
        declared || self.inherited_relation((file, class), name, MAX_BASES)
    }

    /// A relation field a base class declares (`workspace` of an abstract `ProjectBaseModel`),
    /// which has no table of its own.
    fn inherited_relation(&self, (file, class): (FileId, crate::ClassId), name: &str, depth: u32) -> bool {
        let Some(base) = depth.checked_sub(1).and_then(|_| {
            let extends = &self.file(file).classes[class as usize].extends;
            self.class_of(file, extends)
        }) else {
            return false;
        };
        let fields = &self.file(base.0).classes[base.1 as usize].fields;
        let relation = fields.iter().any(|(field, value)| {
            field == name
                && matches!(value, crate::Value::Call(callee)
                    if matches!(callee.as_ref(), crate::Value::Member(_, kind) | crate::Value::Import { name: crate::ImportedName::Named(kind), .. }
                        if matches!(kind.as_str(), "ForeignKey" | "OneToOneField")))
        });
        relation || self.inherited_relation(base, name, depth - 1)
    }

    /// The queries and calls (of the function's own file) that run when `function` runs.
    pub fn items(&self, function: FnRef) -> Option<&FunctionItems> {
        self.items.get(&function)
    }

    fn index_items(&self) -> FxHashMap<FnRef, FunctionItems> {
        let mut items: FxHashMap<FnRef, FunctionItems> = FxHashMap::default();
        for (file_id, file) in self.files() {
            // A function's items, and those of each callback up the chain of inline parents.
            let owners = |func: Option<FnId>| {
                let mut owners = Vec::new();
                let mut current = func;
                while let Some(id) = current {
                    owners.push(FnRef { file: file_id, id });
                    let function = &file.functions[id as usize];
                    current = if function.inline { function.parent } else { None };
                }
                owners
            };
            for (query, facts) in file.queries.iter().enumerate() {
                for owner in owners(facts.func) {
                    items.entry(owner).or_default().queries.push(query as u32);
                }
            }
            for (call, facts) in file.calls.iter().enumerate() {
                for owner in owners(facts.func) {
                    items.entry(owner).or_default().calls.push(call as u32);
                }
            }
        }
        items
    }

    /// The call sites that call `function`: `(file, call)`.
    pub fn callers(&self, function: FnRef) -> &[(FileId, u32)] {
        self.callers.get(&function).map_or(&[], Vec::as_slice)
    }

    fn index_callers(&self) -> FxHashMap<FnRef, Vec<(FileId, u32)>> {
        let mut callers: FxHashMap<FnRef, Vec<(FileId, u32)>> = FxHashMap::default();
        for (file, targets) in self.call_targets.iter().enumerate() {
            for (call, target) in targets.iter().enumerate() {
                if let Some(target) = target {
                    callers.entry(*target).or_default().push((file as FileId, call as u32));
                }
            }
        }
        callers
    }

    fn resolve_calls(&self) -> Vec<Vec<Option<FnRef>>> {
        self.files()
            .map(|(id, file)| {
                file.calls
                    .iter()
                    .map(|call| match self.resolve(id, &call.callee) {
                        crate::Resolved::Function(function) | crate::Resolved::Wrapped(function) => Some(function),
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    /// Computes, for every function, the nearest query it reaches (reads and writes apart),
    /// relaxing call and callback edges until nothing improves.
    fn summarise(&mut self) {
        // (caller, callee, step, calls added)
        let mut edges: Vec<(FnRef, FnRef, ChainStep, u32)> = Vec::new();
        for (file_id, file) in self.files() {
            // A call in a `catch` runs only on failure: it is not what the caller does per call.
            for (call_id, call) in file.calls.iter().enumerate().filter(|(_, call)| !call.fallback) {
                if let (Some(caller), Some(callee)) = (call.func, self.call_targets[file_id as usize][call_id]) {
                    let step = ChainStep::Call { file: file_id, call: call_id as u32, callee };
                    edges.push((FnRef { file: file_id, id: caller }, callee, step, 1));
                }
            }
            for (fn_id, function) in file.functions.iter().enumerate() {
                if let (true, Some(parent)) = (function.inline, function.parent) {
                    let callee = FnRef { file: file_id, id: fn_id as u32 };
                    let step = ChainStep::Callback { callee };
                    edges.push((FnRef { file: file_id, id: parent }, callee, step, 0));
                }
            }
        }
        for kind in [ReachKind::Read, ReachKind::Write] {
            let mut reach: FxHashMap<FnRef, Reach> = FxHashMap::default();
            for (file_id, file) in self.files() {
                // A deferred query runs later, as part of something else: a batch, or a queryset
                // its caller evaluates.
                let runs = |query: &&crate::Query| !query.fallback && !query.deferred;
                for (query_id, query) in file.queries.iter().enumerate().filter(|(_, query)| runs(query)) {
                    let (Some(func), Some(_)) = (query.func, self.query_orms[file_id as usize][query_id]) else {
                        continue;
                    };
                    if !operation_is(query.shape.operation, kind) {
                        continue;
                    }
                    let step = ChainStep::Query { file: file_id, query: query_id as u32 };
                    reach.entry(FnRef { file: file_id, id: func }).or_insert(Reach { calls: 0, step });
                }
            }
            let mut changed = true;
            while changed {
                changed = false;
                for &(caller, callee, step, added) in &edges {
                    let Some(found) = reach.get(&callee) else { continue };
                    let calls = found.calls + added;
                    if calls > MAX_CHAIN_CALLS {
                        continue;
                    }
                    if reach.get(&caller).is_none_or(|existing| calls < existing.calls) {
                        reach.insert(caller, Reach { calls, step });
                        changed = true;
                    }
                }
            }
            self.reach[kind as usize] = reach;
        }
    }
}

/// Whether a record method queries in this ORM: Sequelize's generated association accessors,
/// Mongoose's `populate`, Objection's `$`-methods.
fn record_method_fits(orm: Orm, method: &str) -> bool {
    let accessor = |prefix: &str| {
        method.strip_prefix(prefix).is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    };
    match orm {
        Orm::Sequelize => {
            accessor("get") || accessor("count") || accessor("has") || matches!(method, "reload" | "save" | "destroy")
        }
        Orm::Mongoose => matches!(method, "populate" | "save" | "deleteOne"),
        Orm::Objection => method.starts_with('$'),
        _ => false,
    }
}

pub fn operation_is(operation: Operation, kind: ReachKind) -> bool {
    match kind {
        ReachKind::Read => operation.is_read(),
        ReachKind::Write => operation.is_single_write(),
    }
}

/// Joins a relative path to a directory and folds `.` and `..`; paths are `/`-separated.
pub fn join_path(dir: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|part| !part.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::join_path;

    #[test]
    fn join_folds_dots() {
        assert_eq!(join_path("src/app/api", "../../lib/db"), "src/lib/db");
        assert_eq!(join_path("", "./lib/db"), "lib/db");
        assert_eq!(join_path("a", "../../x"), "x");
    }
}
