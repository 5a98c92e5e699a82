//! SQLAlchemy queries: 1.x `session.query(User).filter(...).all()`, Flask-SQLAlchemy's
//! `User.query.filter_by(...)`, and 2.0 statements (`select(User).where(...)`, also SQLModel's)
//! run by a session (`session.execute(stmt)`, `session.scalars(stmt)`, `session.exec(stmt)`),
//! with their conditions, sorts, limits and the relations they load (`options(selectinload(...))`).
//!
//! A statement is only a query once a session runs it, so statements built in a variable and
//! refined (`stmt = stmt.where(...)`) are followed through the names of the function. Whether the
//! session is one is the project's to say (`Session(...)`, `sessionmaker()()`, `db.session`, a
//! parameter typed `Session`), from the receiver recorded here.

use ceiling_facts::{Filter, FilterOp, Operation, QueryApi, QueryShape, Value};
use ruff_python_ast::{CmpOp, Expr, ExprCall, Operator, UnaryOp};
use ruff_text_size::Ranged;

/// What the frontend knows that syntax alone does not: the value of an expression and the
/// statements bound to names of the function.
pub trait Context {
    fn value(&self, expr: &Expr) -> Value;
    fn statement(&self, name: &str) -> Option<&Pending>;
}

/// A statement or query and how far it got: built, or run by a session.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The session that runs it, or the model for `User.query`; unknown for a bare statement.
    pub receiver: Value,
    /// The model class whose rows it reads.
    pub model: Value,
    pub shape: QueryShape,
    pub stage: Stage,
    /// It selects whole model rows (`select(User)`, `session.query(User)`), not columns.
    pub entity: bool,
    /// `limit(20)`: at most this many rows, fixed in code.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// `select(User).where(...)`: no session runs it yet.
    Statement,
    /// `session.query(User).filter(...)`: runs when its rows are read.
    Query,
    /// Run: `session.execute(stmt)`, `.all()`. `scalars`: its rows are the selected objects
    /// (`.scalars()`, `session.scalars`), not tuples.
    Result { scalars: bool },
}

impl Pending {
    /// The model instance each row is, when the rows are model instances.
    pub fn row(&self) -> Option<Value> {
        let instances = match self.stage {
            Stage::Query => true,
            Stage::Result { scalars } => scalars,
            Stage::Statement => false,
        };
        (instances && self.entity && self.shape.operation == Operation::ReadMany && !self.model.is_unknown())
            .then(|| Value::Instance(Box::new(self.model.clone())))
    }
}

/// A chain of calls read as SQLAlchemy.
pub struct Read {
    /// `None` when the chain ends in a method this reader does not know
    /// (`session.query(User).subquery()`): its calls are no query of their own.
    pub pending: Option<Pending>,
    /// The chain runs a query itself (a session call, a terminal method, a 1.x query built here).
    pub runs: bool,
    /// The start offsets of the calls of the chain.
    pub calls: Vec<u32>,
}

/// Reads `expr` as a SQLAlchemy chain.
pub fn read(cx: &dyn Context, expr: &Expr) -> Option<Read> {
    let mut calls = Vec::new();
    let (pending, runs) = read_into(cx, expr, &mut calls)?;
    Some(Read { pending, runs, calls })
}

fn read_into(cx: &dyn Context, expr: &Expr, calls: &mut Vec<u32>) -> Option<(Option<Pending>, bool)> {
    match expr {
        Expr::Await(await_) => read_into(cx, &await_.value, calls),
        Expr::Name(name) => cx.statement(name.id.as_str()).map(|pending| (Some(pending.clone()), false)),
        // Flask-SQLAlchemy: `User.query`, a query of the model.
        Expr::Attribute(attribute) if attribute.attr.as_str() == "query" && is_dotted(&attribute.value) => {
            let model = cx.value(&attribute.value);
            if model.is_unknown() {
                return None;
            }
            let mut shape = QueryShape::new(QueryApi::ModelMethod, "query", Operation::ReadMany);
            shape.model = crate::syntax::last_name(&attribute.value).map(str::to_owned);
            Some((
                Some(Pending { receiver: model.clone(), model, shape, stage: Stage::Query, entity: true, limit: None }),
                true,
            ))
        }
        Expr::Call(call) => {
            let known = calls.len();
            calls.push(call.range().start().to_u32());
            if let Some(pending) = builder(cx, call) {
                return Some((Some(pending), false));
            }
            let Expr::Attribute(method) = call.func.as_ref() else {
                calls.truncate(known);
                return None;
            };
            let name = method.attr.as_str();
            if let Some((inner, runs)) = read_into(cx, &method.value, calls) {
                let refined = inner.and_then(|pending| refine(pending, name, call));
                let runs = runs || refined.as_ref().is_some_and(|(_, ran)| *ran);
                return Some((refined.map(|(pending, _)| pending), runs));
            }
            calls.truncate(known + 1);
            match session_call(cx, &method.value, name, call) {
                Some(pending) => Some((Some(pending), true)),
                None => {
                    calls.truncate(known);
                    None
                }
            }
        }
        _ => None,
    }
}

/// `select(User)`, `update(User)`, `delete(User)`, `insert(User)`: a statement, when the builder
/// is imported from SQLAlchemy or SQLModel (or is `db.select` of Flask-SQLAlchemy, `sa.select`).
fn builder(cx: &dyn Context, call: &ExprCall) -> Option<Pending> {
    let name = match call.func.as_ref() {
        Expr::Name(name) if imported_from_sqlalchemy(&cx.value(&call.func)) => name.id.as_str(),
        Expr::Attribute(attribute) if is_dotted(&attribute.value) => attribute.attr.as_str(),
        _ => return None,
    };
    let operation = match name {
        "select" => Operation::ReadMany,
        "update" => Operation::Update,
        "delete" => Operation::Delete,
        "insert" => Operation::Create,
        _ => return None,
    };
    // `sa.select` of an unknown object is anything's `select` (`soup.select('div')`): its
    // argument must at least look like a model or a column.
    let first = call.arguments.args.first()?;
    let (model, entity) = selected(first)?;
    let entity = entity && call.arguments.args.len() == 1;
    let mut shape = QueryShape::new(QueryApi::ClientMethod, name, operation);
    if is_count(first) {
        shape.operation = Operation::Count;
    }
    shape.model = model.and_then(crate::syntax::last_name).map(str::to_owned);
    let model = model.map_or(Value::Unknown, |model| cx.value(model));
    Some(Pending { receiver: Value::Unknown, model, shape, stage: Stage::Statement, entity, limit: None })
}

/// A session's own methods: `session.query(User)`, `session.execute(stmt)`, `session.get(User, id)`.
fn session_call(cx: &dyn Context, session: &Expr, method: &str, call: &ExprCall) -> Option<Pending> {
    let args = &call.arguments.args;
    let receiver = || Some(cx.value(session)).filter(|value| !value.is_unknown());
    match method {
        "query" => {
            let first = args.first()?;
            let (model, entity) = selected(first)?;
            let entity = entity && args.len() == 1;
            let mut shape = QueryShape::new(QueryApi::ClientMethod, method, Operation::ReadMany);
            if is_count(first) {
                shape.operation = Operation::Count;
            }
            shape.model = model.and_then(crate::syntax::last_name).map(str::to_owned);
            let model = model.map_or(Value::Unknown, |model| cx.value(model));
            Some(Pending { receiver: receiver()?, model, shape, stage: Stage::Query, entity, limit: None })
        }
        "execute" | "scalars" | "scalar" | "exec" => {
            let statement = read(cx, args.first()?)?.pending?;
            if statement.stage != Stage::Statement {
                return None;
            }
            let mut pending =
                Pending { receiver: receiver()?, stage: Stage::Result { scalars: method != "execute" }, ..statement };
            if method == "scalar" {
                one(&mut pending.shape);
            }
            Some(pending)
        }
        // `session.get(User, id)`: one row by primary key.
        "get" | "get_one" if args.len() >= 2 && is_dotted(&args[0]) => {
            let mut shape = QueryShape::new(QueryApi::ClientMethod, method, Operation::ReadOne);
            shape.model = crate::syntax::last_name(&args[0]).map(str::to_owned);
            shape.filters.push(Filter::new("id", FilterOp::Equals));
            shape.bounded = true;
            let model = cx.value(&args[0]);
            Some(Pending {
                receiver: receiver()?,
                model,
                shape,
                stage: Stage::Result { scalars: true },
                entity: true,
                limit: None,
            })
        }
        // Reloads one object: a SELECT each time.
        "refresh" if args.len() == 1 => {
            let mut shape = QueryShape::new(QueryApi::ClientMethod, method, Operation::ReadOne);
            shape.bounded = true;
            Some(Pending {
                receiver: receiver()?,
                model: Value::Unknown,
                shape,
                stage: Stage::Result { scalars: false },
                entity: false,
                limit: None,
            })
        }
        _ => None,
    }
}

/// What one more method does to a statement, query or result; `None` for a method that makes
/// something else of it (`subquery()`, `cte()`). The flag says the method runs the query.
fn refine(mut pending: Pending, method: &str, call: &ExprCall) -> Option<(Pending, bool)> {
    let shape = &mut pending.shape;
    let building = matches!(pending.stage, Stage::Statement | Stage::Query);
    match (pending.stage, method) {
        (_, "where" | "filter") if building => {
            let model = shape.model.clone();
            for argument in &call.arguments.args {
                condition(shape, model.as_deref(), argument, false);
            }
        }
        (_, "filter_by") if building => {
            for keyword in call.arguments.keywords.iter() {
                match &keyword.arg {
                    Some(column) => shape.filters.push(Filter::new(column.as_str(), FilterOp::Equals)),
                    None => shape.opaque = true,
                }
            }
            if !call.arguments.args.is_empty() {
                shape.opaque = true;
            }
        }
        (_, "order_by") if building => {
            let model = shape.model.clone();
            shape.sorts.extend(call.arguments.args.iter().filter_map(|argument| sort(model.as_deref(), argument)));
        }
        (_, "limit" | "fetch") if building => {
            shape.bounded = true;
            pending.limit = match call.arguments.args.first() {
                Some(Expr::NumberLiteral(number)) => {
                    number.value.as_int().and_then(|int| int.as_u64()).map(|n| n.min(u64::from(u32::MAX)) as u32)
                }
                _ => None,
            };
        }
        (_, "offset") if building => {
            shape.offset |= !matches!(call.arguments.args.first(), Some(Expr::NumberLiteral(_)))
        }
        (_, "options") if building => shape.includes.extend(call.arguments.args.iter().flat_map(loader_paths)),
        (_, "values") if pending.stage == Stage::Statement => {
            if matches!(call.arguments.args.first(), Some(Expr::List(_))) && shape.operation == Operation::Create {
                shape.operation = Operation::BulkWrite;
            }
        }
        (
            _,
            "join" | "outerjoin" | "join_from" | "outerjoin_from" | "select_from" | "group_by" | "having" | "distinct"
            | "execution_options" | "with_for_update" | "correlate" | "add_columns" | "with_only_columns" | "returning"
            | "params" | "enable_eagerloads" | "populate_existing" | "yield_per" | "autoflush" | "with_entities"
            | "prefix_with" | "suffix_with" | "set_label_style",
        ) if building => {}
        // 1.x: the methods that run a query.
        (Stage::Query, "all") => return Some((ran(pending, method, None), true)),
        (Stage::Query, "first" | "one" | "one_or_none" | "scalar" | "first_or_404" | "one_or_404") => {
            return Some((ran(pending, method, Some(Operation::ReadOne)), true));
        }
        (Stage::Query, "get" | "get_or_404") => {
            shape.filters.push(Filter::new("id", FilterOp::Equals));
            return Some((ran(pending, method, Some(Operation::ReadOne)), true));
        }
        (Stage::Query, "count") => return Some((ran(pending, method, Some(Operation::Count)), true)),
        (Stage::Query, "delete") => return Some((ran(pending, method, Some(Operation::Delete)), true)),
        (Stage::Query, "update") => return Some((ran(pending, method, Some(Operation::Update)), true)),
        (Stage::Query, "paginate") => {
            shape.bounded = true;
            return Some((ran(pending, method, None), true));
        }
        // What a result hands back.
        (Stage::Result { .. }, "scalars") => pending.stage = Stage::Result { scalars: true },
        (Stage::Result { .. }, "mappings" | "tuples") => pending.stage = Stage::Result { scalars: false },
        (Stage::Result { .. }, "all" | "fetchall" | "unique" | "partitions" | "columns") => {}
        (
            Stage::Result { .. },
            "first" | "one" | "one_or_none" | "scalar_one" | "scalar_one_or_none" | "scalar" | "fetchone",
        ) => one(shape),
        _ => return None,
    }
    Some((pending, false))
}

/// A query run by its terminal `method`: a result of the query's rows, doing `operation`.
fn ran(mut pending: Pending, method: &str, operation: Option<Operation>) -> Pending {
    pending.shape.method = method.to_owned();
    if let Some(operation) = operation {
        pending.shape.operation = operation;
    }
    if matches!(pending.shape.operation, Operation::ReadOne | Operation::Count) {
        pending.shape.bounded = true;
    }
    pending.stage = Stage::Result { scalars: pending.entity };
    pending
}

/// A read of one row: `first()`, `scalar_one()`.
fn one(shape: &mut QueryShape) {
    if shape.operation == Operation::ReadMany {
        shape.operation = Operation::ReadOne;
    }
    shape.bounded = true;
}

/// One condition of `where`/`filter`: `User.email == x`, `User.id.in_(ids)`, `and_(...)`,
/// `or_(...)`, `~cond`. Conditions on another model's columns are on a related table; anything
/// else is a condition this reader cannot take apart.
fn condition(shape: &mut QueryShape, model: Option<&str>, expr: &Expr, alternative: bool) {
    let push = |shape: &mut QueryShape, column: Option<(&str, bool)>, op: FilterOp| match column {
        Some((column, own)) => {
            let op = if own { op } else { FilterOp::Relation };
            shape.filters.push(Filter { column: column.to_owned(), op, alternative });
        }
        None => shape.opaque = true,
    };
    match expr {
        Expr::Compare(compare) if compare.ops.len() == 1 => {
            let right = &compare.comparators[0];
            let column = match (column_of(model, &compare.left), column_of(model, right)) {
                (Some(column), None) | (None, Some(column)) => Some(column),
                // `User.org_id == Org.id`: a join condition.
                (Some((column, _)), Some(_)) => Some((column, false)),
                (None, None) => None,
            };
            let op = match compare.ops[0] {
                CmpOp::Eq | CmpOp::Is => FilterOp::Equals,
                CmpOp::Lt | CmpOp::LtE | CmpOp::Gt | CmpOp::GtE => FilterOp::Range,
                _ => FilterOp::Other,
            };
            push(shape, column, op);
        }
        Expr::BinOp(binary) if matches!(binary.op, Operator::BitAnd | Operator::BitOr) => {
            let alternative = alternative || binary.op == Operator::BitOr;
            condition(shape, model, &binary.left, alternative);
            condition(shape, model, &binary.right, alternative);
        }
        Expr::UnaryOp(unary) if matches!(unary.op, UnaryOp::Invert | UnaryOp::Not) => {
            negated(shape, model, &unary.operand, alternative);
        }
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(method) if column_of(model, &method.value).is_some() => {
                let column = column_of(model, &method.value);
                let op = match method.attr.as_str() {
                    "in_" => {
                        if !matches!(call.arguments.args.first(), Some(Expr::List(_) | Expr::Tuple(_) | Expr::Set(_))) {
                            shape.batched = true;
                        }
                        FilterOp::In
                    }
                    "is_" => FilterOp::Equals,
                    "between" => FilterOp::Range,
                    "like" | "ilike" => call.arguments.args.first().map_or(FilterOp::Other, pattern),
                    "startswith" | "istartswith" => FilterOp::Prefix,
                    "contains" | "icontains" | "endswith" | "iendswith" => FilterOp::Unanchored,
                    "any" | "has" => FilterOp::Relation,
                    _ => FilterOp::Other,
                };
                push(shape, column, op);
            }
            func => match crate::syntax::last_name(func) {
                Some("and_") => {
                    call.arguments.args.iter().for_each(|argument| condition(shape, model, argument, alternative));
                }
                Some("or_") => call.arguments.args.iter().for_each(|argument| condition(shape, model, argument, true)),
                Some("not_") => {
                    call.arguments.args.iter().for_each(|argument| negated(shape, model, argument, alternative));
                }
                _ => shape.opaque = true,
            },
        },
        _ => shape.opaque = true,
    }
}

/// `~cond`, `not_(cond)`: its columns compared in a way no index serves.
fn negated(shape: &mut QueryShape, model: Option<&str>, expr: &Expr, alternative: bool) {
    let known = shape.filters.len();
    condition(shape, model, expr, alternative);
    for filter in &mut shape.filters[known..] {
        if filter.op != FilterOp::Relation {
            filter.op = FilterOp::Other;
        }
    }
}

/// The pattern of `like(...)`: `'%x%'` or `f"%{q}%"` is unanchored, `'x%'` a prefix, one built
/// elsewhere unknown.
fn pattern(expr: &Expr) -> FilterOp {
    let first = match expr {
        Expr::StringLiteral(literal) => literal.value.to_str().chars().next(),
        Expr::FString(fstring) => fstring.value.iter().next().and_then(|part| match part {
            ruff_python_ast::FStringPart::Literal(literal) => literal.value.chars().next(),
            ruff_python_ast::FStringPart::FString(fstring) => {
                fstring.elements.iter().next().and_then(|element| match element {
                    ruff_python_ast::InterpolatedStringElement::Literal(literal) => literal.value.chars().next(),
                    ruff_python_ast::InterpolatedStringElement::Interpolation(_) => None,
                })
            }
        }),
        Expr::BinOp(binary) if binary.op == Operator::Add => return pattern(&binary.left),
        _ => None,
    };
    match first {
        Some('%' | '_') => FilterOp::Unanchored,
        Some(_) => FilterOp::Prefix,
        None => FilterOp::Other,
    }
}

/// A sort key: `User.created_at`, `User.created_at.desc()`, `desc(User.created_at)`, `'name'`.
fn sort(model: Option<&str>, expr: &Expr) -> Option<String> {
    match expr {
        Expr::StringLiteral(literal) => Some(literal.value.to_str().to_owned()),
        Expr::Call(call) => match call.func.as_ref() {
            Expr::Attribute(method)
                if matches!(method.attr.as_str(), "desc" | "asc" | "nulls_last" | "nulls_first") =>
            {
                sort(model, &method.value)
            }
            func if matches!(crate::syntax::last_name(func), Some("desc" | "asc")) => {
                sort(model, call.arguments.args.first()?)
            }
            _ => None,
        },
        expr => match column_of(model, expr)? {
            (column, true) => Some(column.to_owned()),
            _ => None,
        },
    }
}

/// The relations a loader option loads: `selectinload(User.posts)` is `posts`,
/// `joinedload(User.org).selectinload(Org.members)` `org` and `org__members`,
/// `selectinload('*')` everything.
fn loader_paths(expr: &Expr) -> Vec<String> {
    let Expr::Call(call) = expr else { return Vec::new() };
    let (prefix, loader) = match call.func.as_ref() {
        Expr::Attribute(method) => (loader_paths(&method.value), method.attr.as_str()),
        Expr::Name(name) => (Vec::new(), name.id.as_str()),
        _ => return Vec::new(),
    };
    // `noload` and `raiseload` load nothing, and nothing loads later either.
    if !matches!(
        loader,
        "selectinload" | "joinedload" | "subqueryload" | "contains_eager" | "immediateload" | "noload" | "raiseload"
    ) {
        return prefix;
    }
    let steps: Vec<&str> = call
        .arguments
        .args
        .iter()
        .filter_map(|argument| match argument {
            Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
            Expr::StringLiteral(literal) => Some(literal.value.to_str()),
            _ => None,
        })
        .collect();
    if steps.is_empty() {
        return prefix;
    }
    let mut path = prefix.last().cloned();
    let mut paths = prefix;
    for step in steps {
        let next = match path {
            Some(path) => format!("{path}__{step}"),
            None => step.to_owned(),
        };
        paths.push(next.clone());
        path = Some(next);
    }
    paths
}

/// `User.email` when `User` is the query's model: `("email", true)`; a column of another
/// model: `("email", false)`.
fn column_of<'a>(model: Option<&str>, expr: &'a Expr) -> Option<(&'a str, bool)> {
    let Expr::Attribute(attribute) = expr else { return None };
    let owner = crate::syntax::last_name(&attribute.value)?;
    // A model is a class: `User.email`, not `self.email` or `data.email`; a column is no
    // constant (`Status.ACTIVE`).
    if !owner.starts_with(|c: char| c.is_ascii_uppercase()) || !attribute.attr.chars().any(|c| c.is_ascii_lowercase()) {
        return None;
    }
    Some((attribute.attr.as_str(), Some(owner) == model))
}

/// What `select(...)`/`session.query(...)` selects: a model (`User`: whole rows), a column
/// (`User.id`: its model, not whole rows), or a count (`func.count(User.id)`).
fn selected(expr: &Expr) -> Option<(Option<&Expr>, bool)> {
    match expr {
        Expr::Name(_) => Some((Some(expr), true)),
        Expr::Attribute(attribute) => {
            if attribute.attr.starts_with(|c: char| c.is_ascii_uppercase()) {
                Some((Some(expr), true))
            } else {
                Some((Some(attribute.value.as_ref()), false))
            }
        }
        Expr::Call(call) => Some((call.arguments.args.first().and_then(|argument| selected(argument)?.0), false)),
        _ => None,
    }
}

/// `func.count(...)`.
fn is_count(expr: &Expr) -> bool {
    matches!(expr, Expr::Call(call) if crate::syntax::last_name(&call.func) == Some("count"))
}

/// `a`, `a.b.c`: names and attributes only.
fn is_dotted(expr: &Expr) -> bool {
    match expr {
        Expr::Name(_) => true,
        Expr::Attribute(attribute) => is_dotted(&attribute.value),
        _ => false,
    }
}

fn imported_from_sqlalchemy(value: &Value) -> bool {
    matches!(value, Value::Import { module, .. } if ceiling_facts::package_orm(module) == Some(ceiling_facts::Orm::SqlAlchemy))
}

/// `session.add(User(...))`: a row added to the session's unit of work, written with the others
/// at the next flush (deferred: not a round trip of its own); `add_all` many rows.
pub fn added(cx: &dyn Context, call: &ExprCall) -> Option<(Value, QueryShape)> {
    let Expr::Attribute(method) = call.func.as_ref() else { return None };
    let operation = match method.attr.as_str() {
        "add" => Operation::Create,
        "add_all" => Operation::BulkWrite,
        _ => return None,
    };
    let [argument] = call.arguments.args.as_ref() else { return None };
    let receiver = cx.value(&method.value);
    if receiver.is_unknown() {
        return None;
    }
    let mut shape = QueryShape::new(QueryApi::ClientMethod, method.attr.as_str(), operation);
    if let Expr::Call(constructed) = argument {
        shape.model = crate::syntax::last_name(&constructed.func).map(str::to_owned);
    }
    Some((receiver, shape))
}

/// The relationships of a model class that load on access, by attribute, with the callee that
/// declares them (`relationship`, `db.relationship`, SQLModel's `Relationship`): the project
/// confirms the callee. Relations loaded with their rows (`lazy="selectin"`, `"joined"`...) or
/// never (`"raise"`, `"noload"`) are left out, and so is a strategy chosen at run time.
pub fn lazy_relationships(class: &ruff_python_ast::StmtClassDef) -> Vec<(&str, &Expr)> {
    use ruff_python_ast::Stmt;
    class
        .body
        .iter()
        .filter_map(|statement| {
            let (target, value) = match statement {
                Stmt::Assign(assign) => (assign.targets.first()?, assign.value.as_ref()),
                Stmt::AnnAssign(assign) => (assign.target.as_ref(), assign.value.as_deref()?),
                _ => return None,
            };
            let (Expr::Name(name), Expr::Call(call)) = (target, value) else { return None };
            if !matches!(crate::syntax::last_name(&call.func), Some("relationship" | "Relationship")) {
                return None;
            }
            let sqlmodel_options =
                crate::syntax::keyword(call, "sa_relationship_kwargs").and_then(|options| match options {
                    Expr::Dict(dict) => dict.items.iter().find_map(|item| {
                        (item.key.as_ref().and_then(crate::syntax::string) == Some("lazy")).then_some(&item.value)
                    }),
                    _ => None,
                });
            let lazy = match crate::syntax::keyword(call, "lazy").or(sqlmodel_options) {
                None => true,
                Some(Expr::StringLiteral(strategy)) => {
                    matches!(strategy.value.to_str(), "select" | "dynamic" | "write_only")
                }
                Some(Expr::BooleanLiteral(literal)) => literal.value,
                Some(_) => false,
            };
            lazy.then_some((name.id.as_str(), call.func.as_ref()))
        })
        .collect()
}
