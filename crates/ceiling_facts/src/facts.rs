//! The facts one frontend extracts from one file.

use serde::Serialize;

use crate::Value;

pub type FnId = u32;
pub type ClassId = u32;
pub type ObjectId = u32;
pub type IterId = u32;

/// A source range: byte offsets plus the 1-based line and column of its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
    pub line: u32,
    pub col: u32,
}

/// Why a file is in the project; rules weigh findings by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum FileRole {
    /// Code that runs when users use the app.
    #[default]
    App,
    /// Seeds, migrations, one-off scripts: run by a developer, not per request.
    Script,
    /// Tests and their helpers.
    Test,
}

/// The ORM or driver a query goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Orm {
    Prisma,
    Drizzle,
    Supabase,
    TypeOrm,
    Sequelize,
    Mongoose,
    Knex,
    Kysely,
    /// Objection.js models (which run on Knex).
    Objection,
    /// Raw SQL drivers: node-postgres, postgres.js, @vercel/postgres, Neon, mysql2.
    Sql,
}

impl Orm {
    pub fn display_name(self) -> &'static str {
        match self {
            Orm::Prisma => "Prisma",
            Orm::Drizzle => "Drizzle",
            Orm::Supabase => "supabase-js",
            Orm::TypeOrm => "TypeORM",
            Orm::Sequelize => "Sequelize",
            Orm::Mongoose => "Mongoose",
            Orm::Knex => "Knex",
            Orm::Kysely => "Kysely",
            Orm::Objection => "Objection",
            Orm::Sql => "SQL driver",
        }
    }
}

/// The syntactic family of a query call. It says which kind of receiver makes it a real query:
/// `x.user.findMany()` is a query only when `x` resolves to a Prisma client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueryApi {
    /// `client.<model>.<op>(...)`, `client.$queryRaw`.
    PrismaDelegate,
    /// `db.select().from(t)`, `db.insert(t)`, `db.query.<t>.findMany()`.
    DrizzleBuilder,
    /// `supabase.from('t').select()`, `supabase.rpc('f')`.
    SupabaseFrom,
    /// `knex('t').where()`, `knex.select().from('t')`, `knex.raw()`.
    KnexBuilder,
    /// `db.selectFrom('t')...execute()`, `db.insertInto('t')`, `db.updateTable('t')`.
    KyselyBuilder,
    /// `Model.query().findById(id)`, `Model.relatedQuery('pets')`.
    ObjectionQuery,
    /// A method of one loaded record that queries: Sequelize association getters
    /// (`post.getComments()`), Mongoose `doc.populate()`, Objection `build.$fetchGraph()`.
    RecordMethod,
    /// `Model.findAll()`, `repository.find()`, `Model.find()`: a method of a model or repository.
    ModelMethod,
    /// `manager.find(Entity, ...)`, `dataSource.query(sql)`, `pool.query(sql)`.
    ClientMethod,
    /// ``sql`select ...` `` with a tag that is a SQL client.
    SqlTag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    ReadOne,
    ReadMany,
    Count,
    Aggregate,
    Create,
    Update,
    Upsert,
    Delete,
    /// A write that already takes many rows (`createMany`, `insert(rows)`, `bulkCreate`).
    BulkWrite,
    /// Raw SQL whose text could not be read.
    Raw,
}

impl Operation {
    /// Reads and raw statements of unknown kind: each is one round trip that returns rows.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Operation::ReadOne | Operation::ReadMany | Operation::Count | Operation::Aggregate | Operation::Raw
        )
    }

    /// A write of one row (or one filter) that has a bulk form.
    pub fn is_single_write(self) -> bool {
        matches!(self, Operation::Create | Operation::Update | Operation::Upsert | Operation::Delete)
    }
}

/// A condition on a parameter of the enclosing function: `if (!claim)` around a query means it
/// runs only when the caller leaves `claim` out. A loop that always passes it never runs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamGuard {
    pub func: FnId,
    pub index: u32,
    /// `opts.userId`, `{ userId }`: a property of an options parameter.
    pub property: Option<String>,
    /// Runs when the argument is given (`if (userId)`), or when it is not (`if (!claim)`).
    pub when_given: bool,
}

/// What a call passes at one position, as far as guards care.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Given {
    /// Nothing, `undefined` or `null`.
    No,
    Yes,
    /// An object literal with these keys.
    Object(Vec<String>),
}

/// What a query does, as its syntax says; the same for every ORM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryShape {
    pub api: QueryApi,
    /// Model or table name as written (`user`, `'posts'`, `users`).
    pub model: Option<String>,
    /// The method that runs the query, as written (`findUnique`, `select`, `query`).
    pub method: String,
    pub operation: Operation,
    /// Columns compared in the filter (`where`), as written.
    pub filters: Vec<String>,
    /// Columns sorted by.
    pub sorts: Vec<String>,
    /// Relations loaded with the query (`include`, `with`, `populate`, embedded selects).
    pub includes: Vec<String>,
    /// Filters on a set that is not a literal (`id: { in: ids }`, `inArray`, `.in()`, `ANY($1)`):
    /// one query for many keys.
    pub batched: bool,
    /// `take`, `limit`, `first`, unique lookups: at most a known number of rows.
    pub bounded: bool,
}

impl QueryShape {
    pub fn new(api: QueryApi, method: &str, operation: Operation) -> QueryShape {
        QueryShape {
            api,
            model: None,
            method: method.to_owned(),
            operation,
            filters: Vec::new(),
            sorts: Vec::new(),
            includes: Vec::new(),
            batched: false,
            bounded: false,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Query {
    pub span: Span,
    /// The client, model or repository the query is called on.
    pub receiver: Value,
    #[serde(flatten)]
    pub shape: QueryShape,
    /// Not awaited here: its promise joins one batched transaction (`$transaction([...])`).
    pub deferred: bool,
    /// Written in a `catch` block: runs only when something before it failed.
    pub fallback: bool,
    /// The innermost condition on a parameter it sits under.
    pub guard: Option<ParamGuard>,
    pub func: Option<FnId>,
    /// The innermost iteration whose body runs this query.
    pub iteration: Option<IterId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Call {
    pub span: Span,
    /// What is called. Unresolvable callees (`console.log`, array methods) are not recorded.
    pub callee: Value,
    /// Not awaited here: its promise joins one batched transaction (`$transaction([...])`).
    pub deferred: bool,
    /// The values of the arguments that are names (`prisma`, `this.db`), by position; others are
    /// `Unknown`. They tell what an untyped parameter of the callee is.
    pub args: Vec<Value>,
    /// The length of each argument that is an array literal (`check(user, ['org', 'team'])`),
    /// by position.
    pub literal_lengths: Vec<Option<u32>>,
    /// Written in a `catch` block: runs only when something before it failed.
    pub fallback: bool,
    /// The innermost condition on a parameter it sits under.
    pub guard: Option<ParamGuard>,
    /// What it passes at each position.
    pub given: Vec<Given>,
    pub func: Option<FnId>,
    pub iteration: Option<IterId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Function {
    /// A name for humans: `getUser`, `UserService.findOne`, `<callback>`.
    pub name: String,
    pub span: Span,
    pub parent: Option<FnId>,
    /// Written as an argument of a call (a callback): it runs as part of its parent.
    pub inline: bool,
    /// What the function returns, where that is a value worth knowing (a client, a model).
    pub returns: Value,
}

#[derive(Debug, Clone, Serialize)]
pub struct Class {
    pub name: String,
    pub extends: Value,
    /// Methods, static or not, by name.
    pub methods: Vec<(String, FnId)>,
    /// Fields and constructor parameter properties whose value or type is known.
    pub fields: Vec<(String, Value)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Object {
    pub properties: Vec<(String, Value)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IterationKind {
    For,
    ForOf,
    ForIn,
    ForAwait,
    While,
    DoWhile,
    /// `xs.map(cb)`, `xs.forEach(cb)`, ...
    ArrayCallback,
    /// `pMap(xs, cb)` and similar async iteration helpers.
    AsyncHelper,
}

/// What an iteration runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Over {
    /// The elements of a collection whose size is not known statically.
    Collection,
    /// A literal collection written in the source (`[a, b]`, `['x', 'y'] as const`).
    Literal(u32),
    /// A counted loop with a constant bound (`i < 3`).
    Range(u32),
    /// The result of a call with a literal row limit (`findMany({ take: 5 })`, `.limit(10)`).
    Limited(u32),
    /// A condition that is not about a collection (`while (cursor)`, `while (true)`).
    Condition,
    /// The elements of parameter `index` of function `func`: its callers decide the size.
    Parameter { func: FnId, index: u32 },
}

#[derive(Debug, Clone, Serialize)]
pub struct Iteration {
    pub kind: IterationKind,
    /// The loop header, or the iterating call (`posts.map(`).
    pub span: Span,
    pub over: Over,
    /// The body ends in an unconditional `return`, `break` or `throw`: it runs at most once.
    pub exits_first: bool,
    /// The body tries an operation and leaves the loop when it succeeds: a retry loop.
    pub retries: bool,
    pub func: Option<FnId>,
    pub parent: Option<IterId>,
}

/// An `export` of a file, by exported name (`default` for the default export).
#[derive(Debug, Clone, Serialize)]
pub struct Export {
    pub name: String,
    pub value: Value,
}

/// `// ceiling-ignore n-plus-one: reason`: the rules it silences, on its own line and the next.
#[derive(Debug, Clone, Serialize)]
pub struct Suppression {
    pub line: u32,
    /// Rule ids; empty silences every rule.
    pub rules: Vec<String>,
}

/// Everything ceiling knows about one source file.
#[derive(Debug, Clone, Serialize, Default)]
pub struct FileFacts {
    /// Path relative to the scan root, with `/` separators.
    pub path: String,
    pub role: FileRole,
    pub lines: u32,
    pub exports: Vec<Export>,
    /// Modules re-exported whole (`export * from './x'`).
    pub export_all: Vec<String>,
    /// Exports through `module.exports`: the module's namespace is its default export.
    pub commonjs: bool,
    pub functions: Vec<Function>,
    pub classes: Vec<Class>,
    pub objects: Vec<Object>,
    pub iterations: Vec<Iteration>,
    pub queries: Vec<Query>,
    pub calls: Vec<Call>,
    pub suppressions: Vec<Suppression>,
}
