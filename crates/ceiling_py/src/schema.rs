//! Django models as tables: fields as columns, and the indexes Django creates for them.
//!
//! A model is a class whose base is `models.Model` (or `Model` from `django.db.models`, or a
//! project's own base named like one, `BaseModel`), in a models module. Its
//! table is `Meta.db_table`, or `<app>_<model>` where the app is the package that holds
//! `models.py` (or the `models/` package). Indexes: the primary key (`id` unless a field says
//! `primary_key=True`), `db_index=True`, `unique=True`, every `ForeignKey` (Django indexes them
//! unless `db_index=False`; a `OneToOneField` is unique), `Meta.indexes`, `Meta.unique_together`
//! and `UniqueConstraint`s in `Meta.constraints`.

use ceiling_facts::{Column, ForeignKey, Index, IndexKey, IndexKind, LineIndex, Origin, SchemaSource, Table};
use ruff_python_ast::{Expr, ExprCall, ModModule, Stmt, StmtClassDef};
use ruff_text_size::Ranged;

use crate::syntax::{is_false, is_true, keyword, list, string};

const SOURCE: SchemaSource = SchemaSource::Django;

/// The tables the models of `module` declare.
pub fn tables(module: &ModModule, path: &str, lines: &LineIndex<'_>) -> Vec<Table> {
    let Some(app) = app_label(path) else { return Vec::new() };
    let models: Vec<&StmtClassDef> = module
        .body
        .iter()
        .filter_map(|statement| match statement {
            Stmt::ClassDef(class) if is_model(class) => Some(class),
            _ => None,
        })
        .collect();
    let table_of = |name: &str| -> String {
        models
            .iter()
            .find(|class| class.name.as_str() == name)
            .and_then(|class| db_table(class))
            .unwrap_or_else(|| format!("{app}_{}", name.to_ascii_lowercase()))
    };
    let origin = |node: &dyn Ranged| {
        let start = node.range().start().to_u32();
        Origin { file: path.to_owned(), line: lines.range(start, start).line, offset: start, source: SOURCE }
    };
    let mut tables = Vec::new();
    for class in &models {
        let mut table = Table::new(table_of(class.name.as_str()), origin(*class));
        table.bindings.push(class.name.to_string());
        let mut primary_key = None;
        for statement in &class.body {
            let Stmt::Assign(assign) = statement else { continue };
            let [Expr::Name(target)] = assign.targets.as_slice() else { continue };
            let Expr::Call(call) = assign.value.as_ref() else { continue };
            let Some(kind) = field_kind(call) else { continue };
            let field = target.id.to_string();
            if kind == "ManyToManyField" {
                continue;
            }
            let relation = matches!(kind, "ForeignKey" | "OneToOneField");
            let name = keyword_string(call, "db_column")
                .map(str::to_owned)
                .unwrap_or_else(|| if relation { format!("{field}_id") } else { field.clone() });
            let here = origin(statement);
            table.add_column(Column {
                name: name.clone(),
                field: (name != field).then(|| field.clone()),
                ty: kind.to_owned(),
                enumerated: kind == "BooleanField" || keyword(call, "choices").is_some(),
                origin: here.clone(),
            });
            let key = || vec![IndexKey::Column { name: name.clone(), opclass: None }];
            let index =
                |kind| Index { name: None, kind, keys: key(), method: None, predicate: None, origin: here.clone() };
            if is_true(keyword(call, "primary_key")) {
                primary_key = Some(name.clone());
            } else if is_true(keyword(call, "unique")) || kind == "OneToOneField" {
                table.add_index(index(IndexKind::Unique));
            } else if is_true(keyword(call, "db_index")) || (relation && !is_false(keyword(call, "db_index"))) {
                table.add_index(index(IndexKind::Index));
            }
            if relation
                && let Some(target) =
                    call.arguments.args.first().and_then(|target| related_table(target, &app, &table_of, module))
            {
                table.add_foreign_key(ForeignKey {
                    columns: vec![name.clone()],
                    references_table: target,
                    references_columns: vec!["id".to_owned()],
                    enforced: !is_false(keyword(call, "db_constraint")),
                    origin: here.clone(),
                });
            }
        }
        let primary_key = primary_key.unwrap_or_else(|| {
            table.add_column(Column {
                name: "id".to_owned(),
                field: None,
                ty: "AutoField".to_owned(),
                enumerated: false,
                origin: table.origin.clone(),
            });
            "id".to_owned()
        });
        let keys = vec![IndexKey::Column { name: primary_key, opclass: None }];
        let origin_of_table = table.origin.clone();
        table.add_index(Index {
            name: None,
            kind: IndexKind::PrimaryKey,
            keys,
            method: None,
            predicate: None,
            origin: origin_of_table,
        });
        meta_indexes(class, &mut table, lines, &origin);
        tables.push(table);
    }
    tables
}

/// `Meta.indexes`, `Meta.unique_together`, `Meta.constraints` of a model.
fn meta_indexes(class: &StmtClassDef, table: &mut Table, lines: &LineIndex, origin: &dyn Fn(&dyn Ranged) -> Origin) {
    let Some(meta) = meta(class) else { return };
    for statement in &meta.body {
        let Stmt::Assign(assign) = statement else { continue };
        let [Expr::Name(target)] = assign.targets.as_slice() else { continue };
        let elements = list(&assign.value);
        let columns_of = |fields: &[&str], table: &Table| -> Vec<IndexKey> {
            fields
                .iter()
                .map(|field| field.trim_start_matches('-'))
                .map(|field| {
                    let name = table.column(field).map_or_else(|| field.to_owned(), |column| column.name.clone());
                    IndexKey::Column { name, opclass: None }
                })
                .collect()
        };
        match target.id.as_str() {
            "indexes" | "constraints" => {
                for element in elements {
                    let Expr::Call(call) = element else { continue };
                    let Some((kind, method)) = callee_name(call).and_then(index_class) else { continue };
                    let fields: Vec<&str> =
                        keyword(call, "fields").map(list).unwrap_or_default().into_iter().filter_map(string).collect();
                    if fields.is_empty() {
                        continue;
                    }
                    let mut keys = columns_of(&fields, table);
                    // `opclasses=['gin_trgm_ops']`, one per field.
                    let opclasses = keyword(call, "opclasses").map(list).unwrap_or_default();
                    for (key, opclass) in keys.iter_mut().zip(opclasses) {
                        if let (IndexKey::Column { opclass: slot, .. }, Some(opclass)) = (key, string(opclass)) {
                            *slot = Some(opclass.to_owned());
                        }
                    }
                    let first = match keys.first() {
                        Some(IndexKey::Column { name, .. }) => name.clone(),
                        _ => String::new(),
                    };
                    let predicate = match keyword(call, "condition") {
                        None => None,
                        // `condition=Q(user__isnull=False)` on the leading column: every row an
                        // equality, a join or a cascade looks for is in the index.
                        Some(condition) if not_null_only(condition, table).is_some_and(|column| column == first) => {
                            None
                        }
                        Some(condition) => Some(
                            lines.text(condition.range().start().to_u32(), condition.range().end().to_u32()).to_owned(),
                        ),
                    };
                    let name = keyword_string(call, "name").map(str::to_owned);
                    table.add_index(Index { name, kind, keys, method, predicate, origin: origin(statement) });
                }
            }
            "unique_together" | "index_together" => {
                let kind = if target.id.as_str() == "unique_together" { IndexKind::Unique } else { IndexKind::Index };
                // `('a', 'b')` or `[('a', 'b'), ...]`.
                let groups: Vec<Vec<&str>> = if elements.iter().all(|element| string(element).is_some()) {
                    vec![elements.iter().filter_map(|element| string(element)).collect()]
                } else {
                    elements.iter().map(|group| list(group).into_iter().filter_map(string).collect()).collect()
                };
                for fields in groups.into_iter().filter(|fields| !fields.is_empty()) {
                    let keys = columns_of(&fields, table);
                    table.add_index(Index {
                        name: None,
                        kind,
                        keys,
                        method: None,
                        predicate: None,
                        origin: origin(statement),
                    });
                }
            }
            _ => {}
        }
    }
}

/// The app of a models module: the package holding `models.py`, or holding the `models/` package.
fn app_label(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('/').collect();
    let (file, dirs) = parts.split_last()?;
    let app = match (*file, dirs) {
        ("models.py", [.., app]) => app,
        (_, [.., app, "models"]) if file.ends_with(".py") => app,
        _ => return None,
    };
    Some(app.to_ascii_lowercase())
}

/// `class Order(models.Model)`, `class Order(Model)`, or on a project's own abstract base
/// (`class Order(BaseModel)`, `TimeStampedModel`): not the abstract base itself
/// (`Meta: abstract = True`).
fn is_model(class: &StmtClassDef) -> bool {
    let based = class.arguments.as_ref().is_some_and(|arguments| {
        arguments.args.iter().any(|base| match base {
            Expr::Attribute(attribute) => attribute.attr.as_str().ends_with("Model"),
            Expr::Name(name) => name.id.as_str().ends_with("Model"),
            _ => false,
        })
    });
    let abstract_ = meta(class).is_some_and(|meta| {
        meta.body.iter().any(|statement| match statement {
            Stmt::Assign(assign) => {
                matches!(assign.targets.as_slice(), [Expr::Name(name)] if name.id.as_str() == "abstract")
                    && is_true(Some(&assign.value))
            }
            _ => false,
        })
    });
    based && !abstract_
}

fn meta(class: &StmtClassDef) -> Option<&StmtClassDef> {
    class.body.iter().find_map(|statement| match statement {
        Stmt::ClassDef(meta) if meta.name.as_str() == "Meta" => Some(meta),
        _ => None,
    })
}

fn db_table(class: &StmtClassDef) -> Option<String> {
    meta(class)?.body.iter().find_map(|statement| match statement {
        Stmt::Assign(assign)
            if matches!(assign.targets.as_slice(), [Expr::Name(name)] if name.id.as_str() == "db_table") =>
        {
            string(&assign.value).map(str::to_owned)
        }
        _ => None,
    })
}

/// `models.CharField(...)`: `CharField`, when it names a field class.
fn field_kind(call: &ExprCall) -> Option<&str> {
    callee_name(call).filter(|name| name.ends_with("Field") || *name == "ForeignKey")
}

/// What an entry of `Meta.indexes` or `Meta.constraints` creates: `models.Index`, a
/// `django.contrib.postgres.indexes` class (`GinIndex` is a GIN index), `UniqueConstraint`.
fn index_class(name: &str) -> Option<(IndexKind, Option<String>)> {
    match name {
        "UniqueConstraint" => Some((IndexKind::Unique, None)),
        "Index" | "BTreeIndex" => Some((IndexKind::Index, None)),
        "GinIndex" | "GistIndex" | "BrinIndex" | "HashIndex" | "SpGistIndex" | "BloomIndex" => {
            let method = name.trim_end_matches("Index").to_ascii_lowercase();
            Some((IndexKind::Index, Some(method)))
        }
        _ => None,
    }
}

/// The column of `Q(col__isnull=False)`, a condition that only leaves out nulls.
fn not_null_only(condition: &Expr, table: &Table) -> Option<String> {
    let Expr::Call(q) = condition else { return None };
    if callee_name(q) != Some("Q") || !q.arguments.args.is_empty() {
        return None;
    }
    let [keyword] = &*q.arguments.keywords else { return None };
    let field = keyword.arg.as_ref()?.as_str().strip_suffix("__isnull")?;
    if !is_false(Some(&keyword.value)) {
        return None;
    }
    Some(table.column(field).map_or_else(|| field.to_owned(), |column| column.name.clone()))
}

fn callee_name(call: &ExprCall) -> Option<&str> {
    match call.func.as_ref() {
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        Expr::Name(name) => Some(name.id.as_str()),
        _ => None,
    }
}

/// The table of a relation's target: `Customer`, `'Customer'`, `'shop.Customer'`, `'self'`.
fn related_table(target: &Expr, app: &str, table_of: &dyn Fn(&str) -> String, module: &ModModule) -> Option<String> {
    match target {
        // A model imported from another app's models is that app's table.
        Expr::Name(name) => match imported_from(module, name.id.as_str()) {
            Some(Some(other)) => Some(format!("{other}_{}", name.id.to_ascii_lowercase())),
            Some(None) => None,
            None => Some(table_of(name.id.as_str())),
        },
        expr => match string(expr)? {
            "self" => None,
            text => match text.split_once('.') {
                Some((other, model)) => Some(format!("{}_{}", other.to_ascii_lowercase(), model.to_ascii_lowercase())),
                None if !text.is_empty() => Some(table_of(text)).filter(|_| !app.is_empty()),
                None => None,
            },
        },
    }
}

/// For a name a `from ... import` binds: `Some(app)` when it comes from an app's models
/// (`from ..account.models import User` is `account`'s), `Some(None)` when from elsewhere.
fn imported_from(module: &ModModule, local: &str) -> Option<Option<String>> {
    module.body.iter().find_map(|statement| {
        let Stmt::ImportFrom(from) = statement else { return None };
        from.names.iter().find(|alias| alias.asname.as_ref().unwrap_or(&alias.name).as_str() == local)?;
        let path = from.module.as_ref().map(|module| module.as_str()).unwrap_or_default();
        let segments: Vec<&str> = path.split('.').filter(|segment| !segment.is_empty()).collect();
        let app = segments
            .iter()
            .position(|segment| *segment == "models")
            .and_then(|at| at.checked_sub(1))
            .map(|at| segments[at].to_ascii_lowercase());
        Some(app)
    })
}

fn keyword_string<'a>(call: &'a ExprCall, name: &str) -> Option<&'a str> {
    keyword(call, name).and_then(string)
}
