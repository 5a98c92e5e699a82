//! The app's queries, as the scan read them, turned into SQL on the scratch schema.
//!
//! A query's shape (table, filters, sorts, limit) is what decides its plan, so that is what is
//! rebuilt: `prisma.post.findMany({ where: { authorId }, orderBy: { createdAt: 'desc' } })`
//! becomes `select * from "public"."Post" where "authorId" = $1 order by "createdAt" desc`.
//! Parameter values are drawn from the synthetic data at each step (see [`Query::sql`]).

use ceiling_facts::catalog::quote_ident;
use ceiling_facts::{FileRole, FilterOp, Operation, QueryShape, Schema};
use ceiling_scan::ScanResult;

use crate::model::Model;
use crate::synth::Synth;

/// Rows a bounded list reads when the code's limit is not known.
const PAGE: u64 = 20;
/// Keys in an `IN` list.
const IN_KEYS: u64 = 100;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Query {
    /// `Post.findMany where authorId order by createdAt`.
    pub label: String,
    /// `src/app/api/posts/route.ts:12`, the first place the query is written.
    pub location: String,
    /// Where else the same SQL is written.
    pub also_at: Vec<String>,
    pub table: String,
    /// Index into the model's tables; `None` for hand-given SQL.
    #[serde(skip)]
    pub table_at: Option<usize>,
    /// With `$n` placeholders, as shown to the user.
    pub sql: String,
    #[serde(skip)]
    conditions: Vec<Condition>,
    #[serde(skip)]
    tail: Tail,
    /// Database columns the query filters or sorts on, in order: what an index would cover.
    pub columns: Vec<String>,
}

#[derive(Debug, Clone)]
struct Condition {
    column: usize,
    op: FilterOp,
    alternative: bool,
}

#[derive(Debug, Clone, Default)]
struct Tail {
    count: bool,
    sorts: Vec<usize>,
    limit: Option<u64>,
    offset: bool,
}

/// Which parameter values a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// A middle row's values: a typical user, a typical post.
    Typical,
    /// The first row's: the parent with the most children under the Zipf skew.
    Hot,
}

/// A query of the code that could not be rebuilt, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unmeasured {
    pub location: String,
    pub reason: String,
}

/// Every read the app's code makes, rebuilt where its shape is known; duplicates merged.
pub fn from_scan(scan: &ScanResult, model: &Model) -> (Vec<Query>, Vec<Unmeasured>) {
    let mut queries: Vec<Query> = Vec::new();
    let mut unmeasured = Vec::new();
    for (_, file) in scan.project.files() {
        if file.role != FileRole::App {
            continue;
        }
        for query in &file.queries {
            if !query.shape.operation.is_read() {
                continue;
            }
            let location = format!("{}:{}", file.path, query.span.line);
            match build(&query.shape, &scan.project.schema, model, &location) {
                // One call read as two facts (a builder chain): keep the fuller reading.
                Ok(built) if queries.iter().any(|known| known.location == location && known.table == built.table) => {
                    let known = queries.iter_mut().find(|known| known.location == location).expect("found above");
                    if built.conditions.len() + built.tail.sorts.len() > known.conditions.len() + known.tail.sorts.len()
                    {
                        *known = built;
                    }
                }
                Ok(built) => match queries.iter_mut().find(|known| known.sql == built.sql) {
                    Some(known) => known.also_at.push(location),
                    None => queries.push(built),
                },
                // A call whose receiver is no table of the schema is not a query we know of.
                Err(Skip::NotATable) => {}
                Err(Skip::Because(reason)) => unmeasured.push(Unmeasured { location, reason }),
            }
        }
    }
    (queries, unmeasured)
}

enum Skip {
    NotATable,
    Because(String),
}

impl From<String> for Skip {
    fn from(reason: String) -> Skip {
        Skip::Because(reason)
    }
}

fn build(shape: &QueryShape, schema: &Schema, model: &Model, location: &str) -> Result<Query, Skip> {
    if shape.operation == Operation::Raw {
        return Err(Skip::Because("raw SQL whose text could not be read".to_owned()));
    }
    let written = shape.model.as_deref().ok_or(Skip::NotATable)?;
    let declared = schema.table_for(written).ok_or(Skip::NotATable)?;
    if shape.opaque {
        return Err(Skip::Because("part of the query is built elsewhere (a variable, a helper, a spread)".to_owned()));
    }
    let table_at = model
        .table(&declared.name)
        .ok_or_else(|| format!("table {} is not in the migrated database", declared.name))?;
    let table = &model.tables[table_at];
    let column_at = |written: &str| -> Result<usize, String> {
        let name = declared.column(written).map_or(written, |column| column.name.as_str());
        table
            .columns
            .iter()
            .position(|column| column.name == name)
            .ok_or_else(|| format!("no column {name} in {}", table.name))
    };
    let mut conditions = Vec::new();
    for filter in &shape.filters {
        if matches!(filter.op, FilterOp::Relation | FilterOp::Other) {
            return Err(Skip::Because(format!(
                "the condition on `{}` is on a related table or not comparable",
                filter.column
            )));
        }
        conditions.push(Condition {
            column: column_at(&filter.column)?,
            op: filter.op,
            alternative: filter.alternative,
        });
    }
    let sorts = shape.sorts.iter().map(|sort| column_at(sort)).collect::<Result<Vec<_>, _>>()?;
    let count = matches!(shape.operation, Operation::Count | Operation::Aggregate);
    let limit = match shape.operation {
        Operation::ReadOne => Some(1),
        _ if count => None,
        _ => shape.bounded.then_some(PAGE),
    };
    let tail = Tail { count, sorts, limit, offset: shape.offset && !count };
    let mut columns: Vec<String> = Vec::new();
    for column in conditions.iter().map(|c| c.column).chain(tail.sorts.iter().copied()) {
        let name = &table.columns[column].name;
        if !columns.contains(name) {
            columns.push(name.clone());
        }
    }
    let mut query = Query {
        label: label(written, shape),
        location: location.to_owned(),
        also_at: Vec::new(),
        table: table.name.clone(),
        table_at: Some(table_at),
        sql: String::new(),
        conditions,
        tail,
        columns,
    };
    query.sql = query.render(model, &mut |_, _, _| None);
    Ok(query)
}

fn label(model: &str, shape: &QueryShape) -> String {
    let mut label = format!("{model}.{}", shape.method);
    let filters: Vec<&str> = shape.filters.iter().map(|f| f.column.as_str()).collect();
    if !filters.is_empty() {
        label.push_str(&format!(" where {}", filters.join(", ")));
    }
    if !shape.sorts.is_empty() {
        label.push_str(&format!(" order by {}", shape.sorts.join(", ")));
    }
    label
}

impl Query {
    /// `--query "SQL"`: measured as written, its literals as they are.
    pub fn hand_given(at: usize, sql: &str) -> Query {
        Query {
            label: format!("--query {}", at + 1),
            location: "--query".to_owned(),
            also_at: Vec::new(),
            table: String::new(),
            table_at: None,
            sql: sql.trim().trim_end_matches(';').to_owned(),
            conditions: Vec::new(),
            tail: Tail::default(),
            columns: Vec::new(),
        }
    }

    /// The SQL to run at the current step, with values drawn from the data: `rows` is the row
    /// count of each table now.
    pub fn sql(&self, model: &Model, synth: &Synth, rows: &[u64], keys: Keys) -> String {
        let Some(table) = self.table_at else { return self.sql.clone() };
        self.render(model, &mut |column, op, slot| Some(literal(model, synth, rows, table, column, op, keys, slot)))
    }

    /// The same query for many keys at once (`= any(...)` on its first equality), as a batched
    /// loader sends it; `None` when it has no equality to batch on.
    pub fn batched_sql(&self, model: &Model, synth: &Synth, rows: &[u64], keys: u64) -> Option<String> {
        let table = self.table_at?;
        let first = self.conditions.iter().position(|c| c.op == FilterOp::Equals)?;
        let mut batched = self.clone();
        batched.conditions = vec![Condition { op: FilterOp::In, ..batched.conditions[first].clone() }];
        batched.tail.limit = None;
        batched.tail.offset = false;
        Some(batched.render(model, &mut |column, _, _| Some(in_list(model, synth, rows, table, column, keys))))
    }

    /// Writes the SQL; `value` gives a condition's literal, or `None` for a `$n` placeholder.
    fn render(&self, model: &Model, value: &mut dyn FnMut(usize, FilterOp, usize) -> Option<String>) -> String {
        let Some(table) = self.table_at else { return self.sql.clone() };
        let table = &model.tables[table];
        let column = |at: usize| quote_ident(&table.columns[at].name);
        let mut sql = if self.tail.count { "select count(*)".to_owned() } else { "select *".to_owned() };
        sql.push_str(&format!(" from {}", table.sql_name()));
        let mut required = Vec::new();
        let mut alternatives = Vec::new();
        for (slot, condition) in self.conditions.iter().enumerate() {
            let param = value(condition.column, condition.op, slot).unwrap_or_else(|| format!("${}", slot + 1));
            let text = match condition.op {
                FilterOp::In => format!("{} = any({param})", column(condition.column)),
                FilterOp::Range => format!("{} >= {param}", column(condition.column)),
                FilterOp::Prefix => format!("{} like {param}", column(condition.column)),
                FilterOp::Unanchored => format!("{} ilike {param}", column(condition.column)),
                _ => format!("{} = {param}", column(condition.column)),
            };
            if condition.alternative { alternatives.push(text) } else { required.push(text) }
        }
        if !alternatives.is_empty() {
            required.push(format!("({})", alternatives.join(" or ")));
        }
        if !required.is_empty() {
            sql.push_str(&format!(" where {}", required.join(" and ")));
        }
        if !self.tail.sorts.is_empty() && !self.tail.count {
            let sorts: Vec<String> = self.tail.sorts.iter().map(|&at| format!("{} desc", column(at))).collect();
            sql.push_str(&format!(" order by {}", sorts.join(", ")));
        }
        if let Some(limit) = self.tail.limit {
            sql.push_str(&format!(" limit {limit}"));
        }
        if self.tail.offset {
            // The middle page: deep pages are what offset pagination makes slow.
            let offset = value(usize::MAX, FilterOp::Other, usize::MAX).unwrap_or_else(|| "$offset".to_owned());
            sql.push_str(&format!(" offset {offset}"));
        }
        sql
    }
}

/// The literal a condition compares with at this step. Values of plain columns come from a row
/// present at every step (the first), so that a curve compares one query at growing sizes, not
/// different values; ranges take the newest 1% of rows, which grows with the table.
#[allow(clippy::too_many_arguments)]
fn literal(
    model: &Model,
    synth: &Synth,
    rows: &[u64],
    table: usize,
    column: usize,
    op: FilterOp,
    keys: Keys,
    slot: usize,
) -> String {
    if slot == usize::MAX {
        return (rows[table] / 2 / PAGE * PAGE).to_string();
    }
    match op {
        FilterOp::In => in_list(model, synth, rows, table, column, IN_KEYS),
        FilterOp::Range => {
            let row = ((rows[table] as f64 * 0.99) as u64).max(1);
            typed(model, table, column, synth.text_value(model, table, column, row))
        }
        // A search for the first two words of one row's value: what a user types matches few rows.
        FilterOp::Unanchored => {
            let text = value_of(model, synth, rows, table, column, keys).unwrap_or_default();
            let words: Vec<&str> = text.split(' ').take(2).collect();
            quote(&format!("%{}%", words.join(" ")))
        }
        FilterOp::Prefix => {
            let text = value_of(model, synth, rows, table, column, keys).unwrap_or_default();
            quote(&format!("{}%", text.chars().take(8).collect::<String>()))
        }
        _ => typed(model, table, column, value_of(model, synth, rows, table, column, keys)),
    }
}

fn in_list(model: &Model, synth: &Synth, rows: &[u64], table: usize, column: usize, keys: u64) -> String {
    let values: Vec<String> = (1..=keys)
        .map(|at| {
            let row = (rows[table] * at / keys).max(1);
            let value = synth.text_value(model, table, column, row);
            value.map_or("null".to_owned(), |value| quote(&value))
        })
        .collect();
    format!("array[{}]::{}[]", values.join(", "), model.tables[table].columns[column].type_sql)
}

/// The value of `column` in a representative row. For a foreign key that is the parent's key:
/// a middle parent for typical keys, the first (and, under the Zipf skew, hottest) for hot ones.
/// Other columns have no hot value: both kinds read the first row.
fn value_of(model: &Model, synth: &Synth, rows: &[u64], table: usize, column: usize, keys: Keys) -> Option<String> {
    let definition = &model.tables[table];
    if let Some(fk) = definition.foreign_keys.iter().find(|fk| fk.columns.contains(&column) && fk.parent != table) {
        let position = fk.columns.iter().position(|&c| c == column).expect("a member");
        let parent_row = match keys {
            Keys::Typical => (rows[fk.parent] / 2).max(1),
            Keys::Hot => 1,
        };
        return synth.text_value(model, fk.parent, fk.parent_columns[position], parent_row);
    }
    synth.text_value(model, table, column, 1)
}

fn typed(model: &Model, table: usize, column: usize, value: Option<String>) -> String {
    match value {
        Some(value) => format!("{}::{}", quote(&value), model.tables[table].columns[column].type_sql),
        None => "null".to_owned(),
    }
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
