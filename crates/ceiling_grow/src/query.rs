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

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
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
        // A builder chain can be read as several facts of one call (`from().select()` and the
        // whole chain): the call is timed once, as its fullest reading, and not at all when a
        // reading could not be rebuilt, since a partial one would be another query.
        let mut calls: Vec<Call> = Vec::new();
        for query in &file.queries {
            if !query.shape.operation.is_read() || writes(&query.shape.method) {
                continue;
            }
            let location = format!("{}:{}", file.path, query.span.line);
            let built = build(&query.shape, &scan.project.schema, model, &location);
            let call = (query.span.line, query.span.col);
            match calls.iter_mut().find(|(at, _, _)| *at == call) {
                Some((_, _, readings)) => readings.push(built),
                None => calls.push((call, location, vec![built])),
            }
        }
        for (_, location, readings) in calls {
            let mut fullest: Option<Query> = None;
            let mut skipped = None;
            for reading in readings {
                match reading {
                    Ok(built) if fullest.as_ref().is_none_or(|known| built.weight() > known.weight()) => {
                        fullest = Some(built)
                    }
                    Ok(_) | Err(Skip::NotATable) => {}
                    Err(Skip::Because(reason)) => skipped = Some(reason),
                }
            }
            if let Some(reason) = skipped {
                unmeasured.push(Unmeasured { location, reason });
                continue;
            }
            let Some(built) = fullest else { continue };
            match queries.iter_mut().find(|known| known.sql == built.sql) {
                Some(known) => known.also_at.push(location),
                None => queries.push(built),
            }
        }
    }
    (queries, unmeasured)
}

/// The readings of one call: its line and column, its location, each fact rebuilt or skipped.
type Call = ((u32, u32), String, Vec<Result<Query, Skip>>);

/// A method that writes, whatever the chain ends with (`upsert(rows).select()` returns rows, but
/// timing it as a read of the table would time another statement).
fn writes(method: &str) -> bool {
    let method = method.to_ascii_lowercase();
    ["insert", "upsert", "update", "delete", "create", "destroy", "remove", "save"]
        .iter()
        .any(|verb| method.contains(verb))
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
    query.sql = query.render(model, &mut |_| None);
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
    /// How much of the query a reading holds: conditions, sorts and limits.
    fn weight(&self) -> usize {
        self.conditions.len()
            + self.tail.sorts.len()
            + usize::from(self.tail.limit.is_some())
            + usize::from(self.tail.count)
    }

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
        let conditions = &self.conditions;
        self.render(model, &mut |slot| {
            Some(match slot {
                Slot::Offset => (rows[table] / 2 / PAGE * PAGE).to_string(),
                Slot::Condition(at) => {
                    // A second range on the same column is its other end: `between`.
                    let upper =
                        conditions[..at].iter().any(|c| c.op == FilterOp::Range && c.column == conditions[at].column);
                    literal(model, synth, rows, table, &conditions[at], upper, keys)
                }
            })
        })
    }

    /// The same query for many keys at once (`= any(...)` in place of its first equality, its
    /// other conditions kept), as a batched loader sends it; `None` when it has no equality.
    pub fn batched_sql(&self, model: &Model, synth: &Synth, rows: &[u64], keys: u64) -> Option<String> {
        let table = self.table_at?;
        let first = self.conditions.iter().position(|c| c.op == FilterOp::Equals)?;
        let mut batched = self.clone();
        batched.conditions[first].op = FilterOp::In;
        batched.tail.limit = None;
        batched.tail.offset = false;
        let conditions = batched.conditions.clone();
        Some(batched.render(model, &mut |slot| match slot {
            Slot::Condition(at) if at == first => Some(in_list(model, synth, rows, table, conditions[at].column, keys)),
            Slot::Condition(at) => Some(literal(model, synth, rows, table, &conditions[at], false, Keys::Typical)),
            Slot::Offset => None,
        }))
    }

    /// Writes the SQL; `value` gives a condition's literal, or `None` for a `$n` placeholder.
    fn render(&self, model: &Model, value: &mut dyn FnMut(Slot) -> Option<String>) -> String {
        let Some(table) = self.table_at else { return self.sql.clone() };
        let table = &model.tables[table];
        let column = |at: usize| quote_ident(&table.columns[at].name);
        let mut sql = if self.tail.count { "select count(*)".to_owned() } else { "select *".to_owned() };
        sql.push_str(&format!(" from {}", table.sql_name()));
        let mut required = Vec::new();
        let mut alternatives = Vec::new();
        for (slot, condition) in self.conditions.iter().enumerate() {
            let param = value(Slot::Condition(slot)).unwrap_or_else(|| format!("${}", slot + 1));
            let upper = self.conditions[..slot].iter().any(|c| c.op == FilterOp::Range && c.column == condition.column);
            let text = match condition.op {
                FilterOp::In => format!("{} = any({param})", column(condition.column)),
                FilterOp::Range if upper => format!("{} <= {param}", column(condition.column)),
                FilterOp::Range => format!("{} >= {param}", column(condition.column)),
                FilterOp::Prefix => format!("{} like {param}", column(condition.column)),
                FilterOp::Unanchored => format!("{} ilike {param}", column(condition.column)),
                _ if param == "null" => format!("{} is null", column(condition.column)),
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
            let offset = value(Slot::Offset).unwrap_or_else(|| format!("${}", self.conditions.len() + 1));
            sql.push_str(&format!(" offset {offset}"));
        }
        sql
    }
}

/// What `render` asks a literal for.
enum Slot {
    Condition(usize),
    Offset,
}

/// The literal a condition compares with at this step. Values of plain columns come from a row
/// present at every step (the first with a value), so that a curve compares one query at growing
/// sizes, not different values; a range takes the newest 1% of rows (rows are created in row
/// order), which grows with the table, and its second end (`upper`) the newest row.
fn literal(
    model: &Model,
    synth: &Synth,
    rows: &[u64],
    table: usize,
    condition: &Condition,
    upper: bool,
    keys: Keys,
) -> String {
    let column = condition.column;
    match condition.op {
        FilterOp::In => in_list(model, synth, rows, table, column, IN_KEYS),
        FilterOp::Range => {
            let row = if upper { rows[table] } else { ((rows[table] as f64 * 0.99) as u64).max(1) };
            typed(model, table, column, first_value(model, synth, table, column, row, rows[table]))
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

/// `keys` distinct, non-NULL values spread over the table: for a foreign key, the keys of
/// parents spread over the parent table (child rows would repeat the hot parents).
fn in_list(model: &Model, synth: &Synth, rows: &[u64], table: usize, column: usize, keys: u64) -> String {
    let definition = &model.tables[table];
    let (source, position_of) =
        match definition.foreign_keys.iter().find(|fk| fk.columns.contains(&column) && fk.parent != table) {
            Some(fk) => (fk.parent, fk.parent_columns[fk.columns.iter().position(|&c| c == column).expect("a member")]),
            None => (table, column),
        };
    let count = rows[source].max(1);
    let mut values: Vec<String> = Vec::new();
    for at in 0..keys.min(count) {
        let row = 1 + at * count / keys.min(count);
        if let Some(value) = first_value(model, synth, source, position_of, row, count) {
            let value = quote(&value);
            if !values.contains(&value) {
                values.push(value);
            }
        }
    }
    format!("array[{}]::{}[]", values.join(", "), definition.columns[column].type_sql)
}

/// The value of `column` at `row`, or at the next rows when it is NULL there (a NULL literal
/// would make `=` match nothing, and the plan a constant).
fn first_value(model: &Model, synth: &Synth, table: usize, column: usize, row: u64, rows: u64) -> Option<String> {
    (row..=rows.max(row)).take(64).find_map(|row| synth.text_value(model, table, column, row))
}

/// The value of `column` in a representative row. For a foreign key that is the parent's key:
/// a middle parent for typical keys, the first (and, under the Zipf skew, hottest) for hot ones.
/// Other columns have no hot value: both kinds read the first row that has one.
fn value_of(model: &Model, synth: &Synth, rows: &[u64], table: usize, column: usize, keys: Keys) -> Option<String> {
    let definition = &model.tables[table];
    if let Some(fk) = definition.foreign_keys.iter().find(|fk| fk.columns.contains(&column) && fk.parent != table) {
        let position = fk.columns.iter().position(|&c| c == column).expect("a member");
        let parent_row = match keys {
            Keys::Typical => (rows[fk.parent] / 2).max(1),
            Keys::Hot => 1,
        };
        return first_value(model, synth, fk.parent, fk.parent_columns[position], parent_row, rows[fk.parent]);
    }
    first_value(model, synth, table, column, 1, rows[table])
}

fn typed(model: &Model, table: usize, column: usize, value: Option<String>) -> String {
    match value {
        Some(value) => format!("{}::{}", quote(&value), model.tables[table].columns[column].type_sql),
        // Every row nearby is NULL there: `render` writes `is null`, what the rows hold.
        None => "null".to_owned(),
    }
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
