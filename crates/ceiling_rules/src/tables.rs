//! Queries joined to the tables of the app's schema, and the index that would serve them: what
//! the schema-aware rules share.

use ceiling_facts::{
    Column, FileId, FileRole, FilterOp, Operation, Origin, Orm, Project, Query, SchemaSource, Span, Table,
};
use rustc_hash::FxHashSet;

use crate::{Declaration, SuggestedIndex};

/// A query of the app's code and the table it runs on.
pub struct TableQuery<'p> {
    pub file: FileId,
    pub query: &'p Query,
    pub orm: Orm,
    pub table: &'p Table,
}

/// The queries of app code (not tests, scripts or generated files) whose table the schema
/// declares. Queries on tables the schema does not know are left alone: nothing can be said of
/// their indexes.
pub fn table_queries(project: &Project) -> Vec<TableQuery<'_>> {
    let mut found = Vec::new();
    if project.schema.is_empty() {
        return found;
    }
    for (file, facts) in project.files() {
        if facts.role != FileRole::App {
            continue;
        }
        for (at, query) in facts.queries.iter().enumerate() {
            let Some(orm) = project.query_orm(file, at as u32) else { continue };
            let Some(model) = query.shape.model.as_deref() else { continue };
            let table = match orm {
                Orm::Prisma => project.schema.table_of_model(model),
                _ => project.schema.table_for(model),
            };
            if let Some(table) = table {
                found.push(TableQuery { file, query, orm, table });
            }
        }
    }
    found
}

/// Tables the app's code adds rows to.
pub fn written_tables<'p>(queries: &[TableQuery<'p>]) -> FxHashSet<&'p str> {
    queries
        .iter()
        .filter(|found| {
            matches!(found.query.shape.operation, Operation::Create | Operation::Upsert | Operation::BulkWrite)
        })
        .map(|found| found.table.name.as_str())
        .collect()
}

/// A table that stays small: a lookup table, filled by the migrations themselves and never
/// written by the app, or one the project's config declares small.
pub fn is_lookup(table: &Table, written: &FxHashSet<&str>) -> bool {
    table.small || (table.seeded && !written.contains(table.name.as_str()))
}

/// The columns of the filter that an index could serve, in the order an index should list them:
/// equalities first, then one range. `None` when the filter cannot be judged: part of it is built
/// elsewhere, it names a column the schema does not know, or it goes through a relation
/// (`author: { email }`), which Prisma turns into a condition on the foreign key.
pub fn indexable_columns<'t>(table: &'t Table, query: &Query) -> Option<Vec<&'t Column>> {
    if query.shape.opaque {
        return None;
    }
    let mut equal = Vec::new();
    let mut range = Vec::new();
    for filter in &query.shape.filters {
        if filter.op == FilterOp::Relation {
            if filter.alternative {
                continue;
            }
            return None;
        }
        let column = table.column(&filter.column)?;
        if filter.alternative || !filter.op.indexable() {
            continue;
        }
        let into = if matches!(filter.op, FilterOp::Equals | FilterOp::In) { &mut equal } else { &mut range };
        if !into.iter().any(|known: &&Column| known.name == column.name) {
            into.push(column);
        }
    }
    equal.extend(range.into_iter().take(1));
    Some(equal)
}

/// Whether the filter scopes the read to one owner's rows: an equality (or set) on a key, a
/// foreign key or an indexed column, or a condition on a related record. `None` when the filter
/// names a column the schema does not know.
pub fn scoped(table: &Table, query: &Query) -> Option<bool> {
    if query.shape.opaque {
        return None;
    }
    let mut scoped = false;
    for filter in query.shape.filters.iter().filter(|filter| !filter.alternative) {
        match filter.op {
            FilterOp::Relation => scoped = true,
            FilterOp::Equals | FilterOp::In => {
                let column = table.column(&filter.column)?;
                scoped |= table.index_leading_with(&column.name).is_some()
                    || table.foreign_keys.iter().any(|key| key.columns.first() == Some(&column.name));
            }
            _ => {}
        }
    }
    Some(scoped)
}

/// The index that serves `columns` of `table`, declared in the app's source of truth.
pub fn suggest(table: &Table, columns: &[&Column]) -> SuggestedIndex {
    let names: Vec<String> = columns.iter().map(|column| column.name.clone()).collect();
    let name = index_name(&table.name, &names);
    let sql = format!(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS {} ON {} ({});",
        quote(&name),
        quote(&table.name),
        names.iter().map(|name| quote(name)).collect::<Vec<_>>().join(", ")
    );
    let fields: Vec<&str> = columns.iter().map(|column| column.field.as_deref().unwrap_or(&column.name)).collect();
    let binding = table.bindings.first().map_or(table.name.as_str(), String::as_str);
    let text = match table.origin.source {
        SchemaSource::Prisma => Some((format!("@@index([{}])", fields.join(", ")), format!("model {binding}"))),
        SchemaSource::Drizzle => Some((
            format!(
                "index('{name}').on({})",
                fields.iter().map(|field| format!("t.{field}")).collect::<Vec<_>>().join(", ")
            ),
            format!("the indexes of pgTable('{}')", table.name),
        )),
        SchemaSource::TypeOrm => Some((
            format!("@Index([{}])", fields.iter().map(|field| format!("'{field}'")).collect::<Vec<_>>().join(", ")),
            format!("entity {binding}"),
        )),
        SchemaSource::Sequelize => Some((
            format!("{{ fields: [{}] }}", names.iter().map(|name| format!("'{name}'")).collect::<Vec<_>>().join(", ")),
            format!("the indexes of model {binding}"),
        )),
        SchemaSource::Mongoose => Some((
            format!(
                "schema.index({{ {} }})",
                fields.iter().map(|field| format!("{field}: 1")).collect::<Vec<_>>().join(", ")
            ),
            format!("the schema of model {binding}"),
        )),
        SchemaSource::Django => Some((
            format!(
                "models.Index(fields=[{}])",
                fields.iter().map(|field| format!("'{field}'")).collect::<Vec<_>>().join(", ")
            ),
            format!("`Meta.indexes` of model {binding} (then `makemigrations`)"),
        )),
        SchemaSource::SqlAlchemy => Some(match fields.as_slice() {
            [field] => ("index=True".to_owned(), format!("the `{field}` column of model {binding}")),
            _ => (
                format!(
                    "Index('{name}', {})",
                    fields.iter().map(|field| format!("'{field}'")).collect::<Vec<_>>().join(", ")
                ),
                format!("`__table_args__` of model {binding} (then an Alembic revision)"),
            ),
        }),
        SchemaSource::Alembic => Some((
            format!(
                "op.create_index('{name}', '{}', [{}])",
                table.name,
                names.iter().map(|name| format!("'{name}'")).collect::<Vec<_>>().join(", ")
            ),
            "the `upgrade()` of a new Alembic revision".to_owned(),
        )),
        SchemaSource::SqlMigration => None,
    };
    SuggestedIndex {
        table: table.name.clone(),
        columns: names,
        name,
        sql,
        declaration: text.map(|(text, within)| Declaration {
            file: table.origin.file.clone(),
            // `index=True` goes on the column's own line.
            line: match (table.origin.source, columns) {
                (SchemaSource::SqlAlchemy, [column]) if column.origin.file == table.origin.file => column.origin.line,
                _ => table.origin.line,
            },
            text,
            within,
        }),
    }
}

/// The fix text of an index finding: the declaration, then the migration.
pub fn fix_text(index: &SuggestedIndex) -> String {
    let migration = format!("a migration: `{}` (`ceiling scan --fix-indexes` writes it)", index.sql);
    match &index.declaration {
        Some(declaration) => {
            format!("Add `{}` ({}:{}), or {migration}.", declaration.text, declaration.file, declaration.line)
        }
        None => format!("Add {migration}."),
    }
}

/// `{table}_{columns}_idx`, as Prisma names indexes, cut to PostgreSQL's 63 bytes.
/// The index for `columns` of a live database's table: no schema file declares it, so the fix is
/// the statement alone.
pub fn suggest_live(schema: &str, table: &str, columns: &[String]) -> SuggestedIndex {
    let name = index_name(table, columns);
    let sql = format!(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS {} ON {}.{} ({});",
        quote(&name),
        quote(schema),
        quote(table),
        columns.iter().map(|name| quote(name)).collect::<Vec<_>>().join(", ")
    );
    SuggestedIndex { table: table.to_owned(), columns: columns.to_vec(), name, sql, declaration: None }
}

fn index_name(table: &str, columns: &[String]) -> String {
    let mut name = format!("{table}_{}_idx", columns.join("_"));
    if name.len() > 63 {
        let mut cut = 63;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    name
}

/// A double-quoted SQL identifier: the name exactly as the schema has it.
pub use ceiling_facts::catalog::quote_ident as quote;

/// The span of a schema declaration, for findings that point into a schema file.
pub fn span_of(origin: &Origin) -> Span {
    Span { start: origin.offset, end: origin.offset, line: origin.line, col: 1 }
}

/// `author_id`, `(team_id, created_at)`.
pub fn column_list(columns: &[String]) -> String {
    match columns {
        [one] => one.clone(),
        many => format!("({})", many.join(", ")),
    }
}
