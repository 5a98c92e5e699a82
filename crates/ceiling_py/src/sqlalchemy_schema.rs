//! SQLAlchemy tables as code declares them, and the changes Alembic migrations make.
//!
//! Models: classes with a `__tablename__` (declarative, 1.x `Column` or 2.0 `mapped_column`),
//! SQLModel's `class Hero(SQLModel, table=True)` (`Field(...)`, table named after the class in
//! lower case), Flask-SQLAlchemy's `class User(db.Model)` with `db.Column`s (table named after
//! the class in snake case), and `Table('name', metadata, Column(...))`. Indexes: primary keys,
//! `unique=True`, `index=True` and `Index`/`UniqueConstraint`/`PrimaryKeyConstraint` in
//! `__table_args__` or a `Table`. Neither SQLAlchemy nor PostgreSQL indexes a foreign key by
//! itself, so a `ForeignKey` is a foreign key and nothing more.
//!
//! Alembic: the `upgrade()` of a revision (`op.create_table`, `op.create_index`,
//! `op.drop_index`, `op.add_column`, `op.create_foreign_key`, `op.create_unique_constraint`,
//! `batch_alter_table` blocks), applied across files in revision order by the project.

use ceiling_facts::{
    Column, ForeignKey, Index, IndexKey, IndexKind, LineIndex, Migration, MigrationStep, Origin, SchemaSource, Table,
};
use ruff_python_ast::{Expr, ExprCall, ModModule, Stmt, StmtClassDef};
use ruff_text_size::Ranged;

use crate::syntax::{called_name, is_true, keyword, list, string};

/// Where the declarations are, for origins.
struct Place<'a> {
    path: &'a str,
    lines: &'a LineIndex<'a>,
    source: SchemaSource,
}

impl Place<'_> {
    fn origin(&self, node: &dyn Ranged) -> Origin {
        let start = node.range().start().to_u32();
        Origin {
            file: self.path.to_owned(),
            line: self.lines.range(start, start).line,
            offset: start,
            source: self.source,
        }
    }
}

/// The tables the SQLAlchemy and SQLModel models of `module` (one that imports them) declare.
pub fn tables(module: &ModModule, path: &str, lines: &LineIndex<'_>) -> Vec<Table> {
    let place = Place { path, lines, source: SchemaSource::SqlAlchemy };
    let classes: Vec<(&StmtClassDef, String)> = module
        .body
        .iter()
        .filter_map(|statement| match statement {
            Stmt::ClassDef(class) => Some((class, table_name(class)?)),
            _ => None,
        })
        .collect();
    // `ForeignKey(Org.id)`: the table of a model of this file.
    let table_of =
        |model: &str| classes.iter().find(|(class, _)| class.name.as_str() == model).map(|(_, table)| table.clone());
    let mut tables = Vec::new();
    for (class, name) in &classes {
        let mut table = Table::new(name.clone(), place.origin(*class));
        table.bindings.push(class.name.to_string());
        let mut primary = Vec::new();
        for statement in &class.body {
            let (attribute, annotation, value) = match statement {
                Stmt::Assign(assign) => match assign.targets.as_slice() {
                    [Expr::Name(name)] => (name.id.as_str(), None, Some(assign.value.as_ref())),
                    _ => continue,
                },
                Stmt::AnnAssign(assign) => match assign.target.as_ref() {
                    Expr::Name(name) => (name.id.as_str(), Some(assign.annotation.as_ref()), assign.value.as_deref()),
                    _ => continue,
                },
                _ => continue,
            };
            if attribute == "__table_args__" {
                if let Some(value) = value {
                    for element in list(value) {
                        table_constraint(&mut table, element, &place);
                    }
                }
                continue;
            }
            if attribute.starts_with("__") {
                continue;
            }
            let Some(declared) = column(attribute, annotation, value) else { continue };
            add_column(&mut table, &declared, statement, &place, &table_of, &mut primary);
        }
        add_primary_key(&mut table, primary, &place, *class);
        tables.push(table);
    }
    // `users = Table('users', metadata, Column(...), ...)`.
    for statement in &module.body {
        let Stmt::Assign(assign) = statement else { continue };
        let Expr::Call(call) = assign.value.as_ref() else { continue };
        if callee(call) != Some("Table") {
            continue;
        }
        let Some(table) = core_table(call, &place, &table_of) else { continue };
        tables.push(table);
    }
    tables
}

/// A `Table('name', metadata, Column(...), Index(...))` call, as Alembic's `create_table` is too.
fn core_table(call: &ExprCall, place: &Place, table_of: &dyn Fn(&str) -> Option<String>) -> Option<Table> {
    let name = call.arguments.args.first().and_then(string)?;
    let mut table = Table::new(name, place.origin(call));
    let mut primary = Vec::new();
    for argument in &call.arguments.args[1..] {
        let Expr::Call(inner) = argument else { continue };
        if callee(inner) == Some("Column") {
            let Some(declared) = column("", None, Some(argument)) else { continue };
            add_column(&mut table, &declared, argument, place, table_of, &mut primary);
        } else {
            table_constraint(&mut table, argument, place);
        }
    }
    add_primary_key(&mut table, primary, place, call);
    Some(table)
}

/// A column as declared: `Column(...)`, `mapped_column(...)`, `db.Column(...)`, SQLModel's
/// `Field(...)` (or `sa_column=Column(...)`), or an annotation alone (`name: Mapped[str]`, a
/// SQLModel `name: str`).
struct Declared<'a> {
    name: String,
    field: String,
    ty: String,
    call: Option<&'a ExprCall>,
    foreign_key: Option<ForeignTarget<'a>>,
}

enum ForeignTarget<'a> {
    /// `'orgs.id'`.
    Text(&'a str),
    /// `Org.id`.
    Attribute(&'a str, &'a str),
}

fn column<'a>(attribute: &str, annotation: Option<&'a Expr>, value: Option<&'a Expr>) -> Option<Declared<'a>> {
    let annotated = annotation.and_then(annotation_type);
    let call = match value {
        Some(Expr::Call(call)) => call,
        // `name: Mapped[str]`, `name: str` (SQLModel), `name: str = 'x'`.
        Some(_) | None => {
            let ty = annotated?;
            return Some(Declared {
                name: attribute.to_owned(),
                field: attribute.to_owned(),
                ty: ty.to_owned(),
                call: None,
                foreign_key: None,
            });
        }
    };
    let call = match callee(call)? {
        "Column" | "mapped_column" => call,
        // SQLModel: `Field(sa_column=Column(...))` declares the column itself.
        "Field" => match keyword(call, "sa_column") {
            Some(Expr::Call(column)) => column,
            _ => {
                annotated?;
                let foreign_key = keyword(call, "foreign_key").and_then(string).map(ForeignTarget::Text);
                return Some(Declared {
                    name: attribute.to_owned(),
                    field: attribute.to_owned(),
                    ty: annotated.unwrap_or_default().to_owned(),
                    call: Some(call),
                    foreign_key,
                });
            }
        },
        _ => return None,
    };
    let mut name = attribute.to_owned();
    let mut ty = annotated.unwrap_or_default().to_owned();
    let mut foreign_key = None;
    for argument in &call.arguments.args {
        match argument {
            Expr::StringLiteral(literal) => name = literal.value.to_str().to_owned(),
            Expr::Call(inner) if callee(inner) == Some("ForeignKey") => {
                foreign_key = inner.arguments.args.first().and_then(|target| match target {
                    Expr::StringLiteral(literal) => Some(ForeignTarget::Text(literal.value.to_str())),
                    Expr::Attribute(attribute) => match attribute.value.as_ref() {
                        Expr::Name(model) => Some(ForeignTarget::Attribute(model.id.as_str(), attribute.attr.as_str())),
                        _ => None,
                    },
                    _ => None,
                });
            }
            Expr::Name(_) | Expr::Attribute(_) | Expr::Call(_) => {
                if let Some(type_name) = called_name(argument) {
                    ty = type_name.to_owned();
                }
            }
            _ => {}
        }
    }
    if name.is_empty() {
        return None;
    }
    Some(Declared { name, field: attribute.to_owned(), ty, call: Some(call), foreign_key })
}

fn add_column(
    table: &mut Table,
    declared: &Declared,
    node: &dyn Ranged,
    place: &Place,
    table_of: &dyn Fn(&str) -> Option<String>,
    primary: &mut Vec<String>,
) {
    let origin = place.origin(node);
    let enumerated = matches!(declared.ty.as_str(), "Boolean" | "bool" | "Enum");
    table.add_column(Column {
        name: declared.name.clone(),
        field: (declared.field != declared.name && !declared.field.is_empty()).then(|| declared.field.clone()),
        ty: declared.ty.clone(),
        enumerated,
        origin: origin.clone(),
    });
    let key = || vec![IndexKey::column(declared.name.clone())];
    let index = |kind| Index { name: None, kind, keys: key(), method: None, predicate: None, origin: origin.clone() };
    if let Some(call) = declared.call {
        if is_true(keyword(call, "primary_key")) {
            primary.push(declared.name.clone());
        } else if is_true(keyword(call, "unique")) {
            table.add_index(index(IndexKind::Unique));
        } else if is_true(keyword(call, "index")) {
            table.add_index(index(IndexKind::Index));
        }
    }
    let target = match &declared.foreign_key {
        Some(ForeignTarget::Text(text)) => {
            text.rsplit_once('.').map(|(table, column)| (table.to_owned(), column.to_owned()))
        }
        Some(ForeignTarget::Attribute(model, column)) => table_of(model).map(|table| (table, (*column).to_owned())),
        None => None,
    };
    if let Some((references_table, references_column)) = target {
        table.add_foreign_key(ForeignKey {
            columns: vec![declared.name.clone()],
            references_table,
            references_columns: vec![references_column],
            enforced: true,
            origin,
        });
    }
}

fn add_primary_key(table: &mut Table, primary: Vec<String>, place: &Place, node: &dyn Ranged) {
    if primary.is_empty() {
        return;
    }
    table.add_index(Index {
        name: None,
        kind: IndexKind::PrimaryKey,
        keys: primary.into_iter().map(IndexKey::column).collect(),
        method: None,
        predicate: None,
        origin: place.origin(node),
    });
}

/// An element of `__table_args__` or a `Table(...)`: `Index('ix', 'a', 'b')`,
/// `UniqueConstraint('a', 'b')`, `PrimaryKeyConstraint('id')`, `ForeignKeyConstraint(['a'], ['t.id'])`.
fn table_constraint(table: &mut Table, element: &Expr, place: &Place) {
    let Expr::Call(call) = element else { return };
    let columns_of = |arguments: &[Expr]| -> Vec<String> {
        arguments
            .iter()
            .filter_map(|argument| match argument {
                Expr::StringLiteral(literal) => Some(literal.value.to_str().to_owned()),
                // `Index('ix', User.email)` or a `Column` object's attribute in `Table`.
                Expr::Attribute(attribute) => Some(attribute.attr.to_string()),
                _ => None,
            })
            .collect()
    };
    let origin = place.origin(element);
    match callee(call) {
        Some("Index") => {
            let Some((name, columns)) = call.arguments.args.split_first() else { return };
            if columns.iter().any(|column| !matches!(column, Expr::StringLiteral(_) | Expr::Attribute(_))) {
                return;
            }
            let kind = if is_true(keyword(call, "unique")) { IndexKind::Unique } else { IndexKind::Index };
            add_index(table, string(name).map(str::to_owned), kind, columns_of(columns), call, origin);
        }
        Some(constraint @ ("UniqueConstraint" | "PrimaryKeyConstraint")) => {
            let kind = if constraint == "UniqueConstraint" { IndexKind::Unique } else { IndexKind::PrimaryKey };
            let name = keyword(call, "name").and_then(string).map(str::to_owned);
            add_index(table, name, kind, columns_of(&call.arguments.args), call, origin);
        }
        Some("ForeignKeyConstraint") => {
            let [local, remote, ..] = call.arguments.args.as_ref() else { return };
            let columns: Vec<String> = list(local).into_iter().filter_map(string).map(str::to_owned).collect();
            let targets: Vec<&str> = list(remote).into_iter().filter_map(string).collect();
            let Some((references_table, _)) = targets.first().and_then(|target| target.rsplit_once('.')) else {
                return;
            };
            let references_columns = targets
                .iter()
                .filter_map(|target| target.rsplit_once('.'))
                .map(|(_, column)| column.to_owned())
                .collect();
            if !columns.is_empty() {
                table.add_foreign_key(ForeignKey {
                    columns,
                    references_table: references_table.to_owned(),
                    references_columns,
                    enforced: true,
                    origin,
                });
            }
        }
        _ => {}
    }
}

/// Adds an index over `columns` (database names or attribute names), with the PostgreSQL
/// options that change what it serves: `postgresql_using`, `postgresql_ops`, `postgresql_where`.
fn add_index(
    table: &mut Table,
    name: Option<String>,
    kind: IndexKind,
    columns: Vec<String>,
    call: &ExprCall,
    origin: Origin,
) {
    if columns.is_empty() {
        return;
    }
    let opclass_of = |column: &str| -> Option<String> {
        let Some(Expr::Dict(ops)) = keyword(call, "postgresql_ops") else { return None };
        ops.items.iter().find_map(|item| {
            (item.key.as_ref().and_then(string) == Some(column))
                .then(|| string(&item.value).map(str::to_owned))
                .flatten()
        })
    };
    let keys = columns
        .iter()
        .map(|written| {
            let name = table.column(written).map_or_else(|| written.clone(), |column| column.name.clone());
            IndexKey::Column { opclass: opclass_of(written), name }
        })
        .collect();
    let method = keyword(call, "postgresql_using").and_then(string).map(str::to_ascii_lowercase);
    // A partial index serves only the rows its predicate keeps: its text is not read here.
    let predicate = keyword(call, "postgresql_where").or_else(|| keyword(call, "sqlite_where")).map(|_| "…".to_owned());
    table.add_index(Index { name, kind, keys, method, predicate, origin });
}

/// The table a model class declares: `__tablename__ = 'users'`, SQLModel's `table=True` (the class
/// name in lower case), or a Flask-SQLAlchemy model (`db.Model`, the class name in snake case).
fn table_name(class: &StmtClassDef) -> Option<String> {
    let declared = class.body.iter().find_map(|statement| match statement {
        Stmt::Assign(assign)
            if matches!(assign.targets.as_slice(), [Expr::Name(name)] if name.id.as_str() == "__tablename__") =>
        {
            Some(string(&assign.value).map(str::to_owned))
        }
        _ => None,
    });
    if let Some(declared) = declared {
        // `__tablename__` computed at run time: unknown.
        return declared;
    }
    let arguments = class.arguments.as_ref()?;
    let table_keyword = arguments.keywords.iter().any(|keyword| {
        keyword.arg.as_ref().is_some_and(|arg| arg.as_str() == "table") && is_true(Some(&keyword.value))
    });
    if table_keyword {
        return Some(class.name.to_ascii_lowercase());
    }
    let flask = arguments.args.iter().any(|base| {
        matches!(base, Expr::Attribute(attribute) if attribute.attr.as_str() == "Model" && matches!(attribute.value.as_ref(), Expr::Name(_)))
    });
    let has_columns = class.body.iter().any(|statement| match statement {
        Stmt::Assign(assign) => matches!(assign.value.as_ref(), Expr::Call(call) if callee(call) == Some("Column")),
        _ => false,
    });
    (flask && has_columns).then(|| snake_case(class.name.as_str()))
}

/// `OrderItem` -> `order_item`, as Flask-SQLAlchemy names tables.
fn snake_case(name: &str) -> String {
    let mut snake = String::new();
    for (at, c) in name.char_indices() {
        if c.is_ascii_uppercase() && at > 0 {
            snake.push('_');
        }
        snake.push(c.to_ascii_lowercase());
    }
    snake
}

/// The column type an annotation says: `Mapped[int]` is `int`, `Optional[str]`/`str | None` is
/// `str`; `Mapped[list['Post']]` (a relationship) is no column.
fn annotation_type(annotation: &Expr) -> Option<&str> {
    match annotation {
        Expr::Name(name) => {
            let ty = name.id.as_str();
            matches!(ty, "int" | "str" | "bool" | "float" | "datetime" | "date" | "UUID" | "uuid" | "Decimal" | "bytes")
                .then_some(ty)
        }
        Expr::Attribute(attribute) => {
            matches!(attribute.attr.as_str(), "datetime" | "date" | "UUID").then(|| attribute.attr.as_str())
        }
        Expr::Subscript(subscript) => match called_name(&subscript.value)? {
            "Mapped" | "Optional" => annotation_type(&subscript.slice),
            _ => None,
        },
        Expr::BinOp(binary) => match (binary.left.as_ref(), binary.right.as_ref()) {
            (Expr::NoneLiteral(_), other) | (other, Expr::NoneLiteral(_)) => annotation_type(other),
            _ => None,
        },
        _ => None,
    }
}

fn callee(call: &ExprCall) -> Option<&str> {
    match call.func.as_ref() {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}

/// The module imports SQLAlchemy, SQLModel or Flask-SQLAlchemy.
pub fn imports_sqlalchemy(module: &ModModule) -> bool {
    let ours = |name: &str| matches!(name.split('.').next(), Some("sqlalchemy" | "sqlmodel" | "flask_sqlalchemy"));
    module.body.iter().any(|statement| match statement {
        Stmt::Import(import) => import.names.iter().any(|alias| ours(alias.name.as_str())),
        Stmt::ImportFrom(from) => from.module.as_ref().is_some_and(|module| ours(module.as_str())),
        _ => false,
    })
}

/// An Alembic revision's upgrade: a file under `versions/` that imports `op` from alembic.
pub fn migration(module: &ModModule, path: &str, lines: &LineIndex<'_>) -> Option<Migration> {
    if !path.contains("/versions/") && !path.starts_with("versions/") {
        return None;
    }
    let imports_op = module.body.iter().any(|statement| {
        matches!(statement, Stmt::ImportFrom(from) if from.module.as_ref().is_some_and(|module| module.as_str() == "alembic"))
    });
    if !imports_op {
        return None;
    }
    let place = Place { path, lines, source: SchemaSource::Alembic };
    let mut migration = Migration { revision: None, parents: Vec::new(), steps: Vec::new() };
    for statement in &module.body {
        match statement {
            Stmt::Assign(assign) => {
                let [Expr::Name(target)] = assign.targets.as_slice() else { continue };
                revision_field(&mut migration, target.id.as_str(), &assign.value);
            }
            Stmt::AnnAssign(assign) => {
                let (Expr::Name(target), Some(value)) = (assign.target.as_ref(), assign.value.as_deref()) else {
                    continue;
                };
                revision_field(&mut migration, target.id.as_str(), value);
            }
            Stmt::FunctionDef(def) if def.name.as_str() == "upgrade" => {
                upgrade_steps(&def.body, None, &place, &mut migration.steps);
            }
            _ => {}
        }
    }
    Some(migration)
}

fn revision_field(migration: &mut Migration, name: &str, value: &Expr) {
    match name {
        "revision" => migration.revision = string(value).map(str::to_owned),
        "down_revision" => {
            migration.parents = match value {
                Expr::StringLiteral(literal) => vec![literal.value.to_str().to_owned()],
                other => list(other).into_iter().filter_map(string).map(str::to_owned).collect(),
            }
        }
        _ => {}
    }
}

/// The `op.*` calls of `upgrade()`, in order; in a `with op.batch_alter_table('t') as batch_op:`
/// block, `batch_op.*` calls on table `t`.
fn upgrade_steps(body: &[Stmt], batch: Option<(&str, &str)>, place: &Place, steps: &mut Vec<MigrationStep>) {
    for statement in body {
        match statement {
            Stmt::Expr(expression) => {
                if let Expr::Call(call) = expression.value.as_ref() {
                    operation(call, batch, place, steps);
                }
            }
            Stmt::With(with) => {
                let mut inner = batch;
                for item in &with.items {
                    if let (Expr::Call(call), Some(Expr::Name(variable))) =
                        (&item.context_expr, item.optional_vars.as_deref())
                        && callee(call) == Some("batch_alter_table")
                        && let Some(table) = call
                            .arguments
                            .args
                            .first()
                            .and_then(string)
                            .or_else(|| keyword(call, "table_name").and_then(string))
                    {
                        inner = Some((variable.id.as_str(), table));
                    }
                }
                upgrade_steps(&with.body, inner, place, steps);
            }
            Stmt::If(branch) => {
                upgrade_steps(&branch.body, batch, place, steps);
                for clause in &branch.elif_else_clauses {
                    upgrade_steps(&clause.body, batch, place, steps);
                }
            }
            _ => {}
        }
    }
}

/// One `op.<operation>(...)` (or `batch_op.<operation>(...)`, whose table is the batch's).
fn operation(call: &ExprCall, batch: Option<(&str, &str)>, place: &Place, steps: &mut Vec<MigrationStep>) {
    let Expr::Attribute(method) = call.func.as_ref() else { return };
    let Expr::Name(receiver) = method.value.as_ref() else { return };
    let batch_table = batch.filter(|(variable, _)| receiver.id.as_str() == *variable).map(|(_, table)| table);
    if batch_table.is_none() && receiver.id.as_str() != "op" {
        return;
    }
    let args = &call.arguments.args;
    // Positional or keyword argument, counting the table a batch leaves out.
    let argument =
        |at: usize, name: &str| -> Option<&Expr> { keyword(call, name).or_else(|| args.get(at)).map(unwrap_f) };
    let text = |at: usize, name: &str| argument(at, name).and_then(string).map(str::to_owned);
    let shift = usize::from(batch_table.is_none());
    let table_at = |at: usize, name: &str| batch_table.map(str::to_owned).or_else(|| text(at, name));
    let origin = place.origin(call);
    let names_of = |expr: Option<&Expr>| -> Vec<String> {
        expr.map(list).unwrap_or_default().into_iter().filter_map(string).map(str::to_owned).collect()
    };
    match method.attr.as_str() {
        "create_table" if batch_table.is_none() => {
            if let Some(table) = core_table(call, place, &|_| None) {
                steps.push(MigrationStep::CreateTable(table));
            }
        }
        "drop_table" => {
            if let Some(table) = text(0, "table_name") {
                steps.push(MigrationStep::DropTable(table));
            }
        }
        "create_index" => {
            let Some(table) = table_at(1, "table_name") else { return };
            let columns = names_of(argument(1 + shift, "columns"));
            let kind = if is_true(keyword(call, "unique")) { IndexKind::Unique } else { IndexKind::Index };
            let mut holder = Table::new(table.clone(), origin.clone());
            add_index(&mut holder, text(0, "index_name"), kind, columns, call, origin);
            steps.extend(
                holder.indexes.into_iter().map(|index| MigrationStep::CreateIndex { table: table.clone(), index }),
            );
        }
        "create_unique_constraint" | "create_primary_key" => {
            let Some(table) = table_at(1, "table_name") else { return };
            let columns = names_of(argument(1 + shift, "columns"));
            let kind =
                if method.attr.as_str() == "create_primary_key" { IndexKind::PrimaryKey } else { IndexKind::Unique };
            let mut holder = Table::new(table.clone(), origin.clone());
            add_index(&mut holder, text(0, "constraint_name"), kind, columns, call, origin);
            steps.extend(
                holder.indexes.into_iter().map(|index| MigrationStep::CreateIndex { table: table.clone(), index }),
            );
        }
        "drop_index" => {
            if let Some(name) = text(0, "index_name") {
                steps.push(MigrationStep::DropIndex { table: table_at(1, "table_name"), name });
            }
        }
        "drop_constraint" => {
            if let Some(name) = text(0, "constraint_name") {
                steps.push(MigrationStep::DropIndex { table: table_at(1, "table_name"), name });
            }
        }
        "add_column" => {
            let Some(table) = table_at(0, "table_name") else { return };
            let Some(column_call) = args.get(shift).filter(|column| matches!(column, Expr::Call(_))) else { return };
            let mut holder = Table::new(table.clone(), origin.clone());
            let mut primary = Vec::new();
            let Some(declared) = column("", None, Some(column_call)) else { return };
            add_column(&mut holder, &declared, column_call, place, &|_| None, &mut primary);
            steps.extend(
                holder.columns.into_iter().map(|column| MigrationStep::AddColumn { table: table.clone(), column }),
            );
            steps.extend(
                holder.indexes.into_iter().map(|index| MigrationStep::CreateIndex { table: table.clone(), index }),
            );
            steps.extend(
                holder.foreign_keys.into_iter().map(|key| MigrationStep::AddForeignKey { table: table.clone(), key }),
            );
        }
        "drop_column" => {
            if let (Some(table), Some(column)) = (table_at(0, "table_name"), text(shift, "column_name")) {
                steps.push(MigrationStep::DropColumn { table, column });
            }
        }
        "create_foreign_key" => {
            // op: (name, source, referent, local_cols, remote_cols); batch: (name, referent, local, remote).
            let Some(table) = table_at(1, "source_table") else { return };
            let Some(references_table) = text(1 + shift, "referent_table") else { return };
            let columns = names_of(argument(2 + shift, "local_cols"));
            if columns.is_empty() {
                return;
            }
            let references_columns = names_of(argument(3 + shift, "remote_cols"));
            steps.push(MigrationStep::AddForeignKey {
                table,
                key: ForeignKey { columns, references_table, references_columns, enforced: true, origin },
            });
        }
        _ => {}
    }
}

/// `op.f('ix_users_email')`: the name as given.
fn unwrap_f(expr: &Expr) -> &Expr {
    match expr {
        Expr::Call(call) if callee(call) == Some("f") && call.arguments.args.len() == 1 => &call.arguments.args[0],
        other => other,
    }
}
