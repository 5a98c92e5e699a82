//! `pg_stat_statements`: the statements of this database, their shape, and the generic plans of the
//! heaviest plain SELECTs.
//!
//! Plans are generic (no parameter values are known): `EXPLAIN (GENERIC_PLAN)` from PostgreSQL 16,
//! and before it `PREPARE` under `plan_cache_mode = force_generic_plan` then `EXPLAIN EXECUTE` with
//! a NULL per parameter. Nothing is executed: `EXPLAIN` without `ANALYZE` only plans, except with
//! `--analyze`, which runs the plain SELECTs whose plan scans a table, inside the read-only
//! transaction. Where HypoPG is installed, an index suggested for a sequential scan is made
//! hypothetically (in the backend's memory, never on disk) and the statement planned again.

use ceiling_facts::catalog::{Catalog, Measured, SeqScan, Statement, Unchecked, quote_ident};
use rustc_hash::FxHashSet;
use serde_json::Value;

use super::read;
use super::statement::{index_columns, parameters, shape};
use crate::session::Session;

/// The heaviest plain SELECTs (by total time) whose plans are read: where the time goes, at a
/// bounded cost of round trips.
const EXPLAINED: usize = 50;

/// Statements read, heaviest first; `pg_stat_statements.max` is 5,000 by default.
const READ_LIMIT: usize = 5_000;

/// `EXECUTE` needs a name; ours is deallocated in the same transaction.
const PLAN_NAME: &str = "ceiling_plan";

const EXTENSIONS: &str = "select e.extname::text, n.nspname::text from pg_extension e \
    join pg_namespace n on n.oid = e.extnamespace where e.extname in ('pg_stat_statements', 'hypopg')";

pub fn load(session: &mut Session, catalog: &mut Catalog, analyze: bool) {
    let extensions = read(session, catalog, "installed extensions", EXTENSIONS, |row| {
        (row.get::<_, String>(0), row.get::<_, String>(1))
    });
    let schema_of = |name: &str| extensions.iter().find(|(ext, _)| ext == name).map(|(_, schema)| schema.clone());
    let hypopg = schema_of("hypopg");
    catalog.workload.hypopg = hypopg.clone();
    let Some(schema) = schema_of("pg_stat_statements") else { return };
    catalog.workload.extension_schema = Some(schema.clone());
    let Some(sql) = statements_sql(session, catalog, &schema) else { return };
    let rows = match session.read(&sql) {
        Ok(rows) => rows,
        Err(reason) => {
            catalog.unchecked.push(Unchecked { what: "pg_stat_statements".to_owned(), reason });
            return;
        }
    };
    let volatile: FxHashSet<String> =
        read(session, catalog, "volatile functions", VOLATILE, |row| row.get::<_, String>(0)).into_iter().collect();
    let mut hidden = false;
    for row in &rows {
        let query: String = row.get(1);
        if query == "<insufficient privilege>" {
            hidden = true;
            continue;
        }
        let shape = shape(catalog, &query, &volatile);
        catalog.workload.statements.push(Statement {
            query_id: row.get::<_, Option<i64>>(0).unwrap_or_default(),
            query,
            calls: row.get(2),
            rows: row.get(3),
            total_ms: row.get(4),
            mean_ms: row.get(5),
            share: row.get::<_, Option<f64>>(6).unwrap_or(0.0),
            shape,
            seq_scans: Vec::new(),
        });
    }
    if hidden {
        catalog.unchecked.push(Unchecked {
            what: "the statements of other roles in pg_stat_statements".to_owned(),
            reason: format!(
                "their text reads `<insufficient privilege>` (the role needs `pg_read_all_stats`: `GRANT pg_read_all_stats TO {}`)",
                catalog.server.user
            ),
        });
    }
    catalog.workload.statements_available = true;
    // Every server has volatile functions: none read means the list could not be read, and a
    // statement that calls one must not be taken for plain.
    if !volatile.is_empty() {
        explain_heaviest(session, catalog, hypopg.as_deref(), analyze);
    }
}

/// The names of volatile functions: a statement that calls one is never explained.
const VOLATILE: &str = "select distinct proname::text from pg_proc where provolatile = 'v'";

/// The statements query for the installed version of the extension: the time columns were renamed
/// in 1.8 (PostgreSQL 13), `toplevel` came in 1.9 (PostgreSQL 14). Rows of several roles for one
/// statement are summed; the share is of the whole database's time.
fn statements_sql(session: &mut Session, catalog: &mut Catalog, schema: &str) -> Option<String> {
    let view = format!("{}.pg_stat_statements", quote_ident(schema));
    let columns_sql = format!(
        "select attname::text from pg_attribute where attrelid = {}::regclass and attnum > 0 and not attisdropped",
        quote_literal(&view)
    );
    let columns = read(session, catalog, "pg_stat_statements", &columns_sql, |row| row.get::<_, String>(0));
    if columns.is_empty() {
        return None;
    }
    let total = if columns.iter().any(|c| c == "total_exec_time") { "total_exec_time" } else { "total_time" };
    let toplevel = if columns.iter().any(|c| c == "toplevel") { "and toplevel" } else { "" };
    let marker = crate::session::MARKER;
    Some(format!(
        "select queryid, query, calls, rows, total, total / greatest(calls, 1), \
         total / nullif(sum(total) over (), 0) from ( \
           select queryid, min(query) as query, sum(calls)::int8 as calls, sum(rows)::int8 as rows, \
           sum({total})::float8 as total from {view} \
           where dbid = (select oid from pg_database where datname = current_database()) {toplevel} \
           and strpos(query, {marker}) = 0 \
           and query !~* '^\\s*(begin|start|commit|end|rollback|abort|savepoint|release|set|show|reset|discard|deallocate|prepare transaction|commit prepared|rollback prepared)\\M' \
           group by queryid) s \
         order by total desc limit {READ_LIMIT}",
        marker = quote_literal(marker)
    ))
}

/// How a statement is planned.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Plan {
    /// `EXPLAIN (GENERIC_PLAN)`, PostgreSQL 16 and later.
    Generic,
    /// `PREPARE` under `force_generic_plan`, then `EXPLAIN EXECUTE` with NULLs: before 16.
    Prepared,
    /// The prepared generic plan run under `EXPLAIN (ANALYZE, BUFFERS)`: `--analyze` only.
    Analyzed,
}

/// Plans the heaviest plain SELECTs that read tables, and records their filtered sequential scans;
/// with `analyze`, runs those that have one to measure it.
fn explain_heaviest(session: &mut Session, catalog: &mut Catalog, hypopg: Option<&str>, analyze: bool) {
    let plan = if catalog.server.version_num >= 160_000 { Plan::Generic } else { Plan::Prepared };
    let chosen: Vec<usize> = (0..catalog.workload.statements.len())
        .filter(|&at| {
            let statement = &catalog.workload.statements[at];
            statement.shape.plain_select && !statement.shape.tables.is_empty()
        })
        .take(EXPLAINED)
        .collect();
    for at in chosen {
        let query = catalog.workload.statements[at].query.clone();
        let Some(json) = explain(session, &query, plan, &[]) else { continue };
        let mut scans = Vec::new();
        seq_scans(catalog, &json, &mut scans);
        let cost = total_cost(&json);
        for scan in &mut scans {
            scan.cost = cost;
            if let Some(schema) = hypopg
                && !scan.index_columns.is_empty()
            {
                scan.cost_with_index = with_hypothetical_index(
                    session,
                    catalog,
                    schema,
                    scan.table_oid,
                    &scan.index_columns,
                    &query,
                    plan,
                );
            }
        }
        // Only statements with a scan an index could serve are run: the measure is the scan's.
        if analyze
            && scans.iter().any(|scan| !scan.index_columns.is_empty())
            && let Some(json) = explain(session, &query, Plan::Analyzed, &[])
        {
            for scan in &mut scans {
                scan.measured = measure(catalog, &json, scan.table_oid);
            }
        }
        catalog.workload.statements[at].seq_scans = scans;
    }
}

/// The plan of `query` as JSON, with `before` run first in the same transaction (HypoPG's index). A
/// statement that does not plan (a parameter whose type cannot be inferred) is skipped.
pub(super) fn explain(session: &mut Session, query: &str, plan: Plan, before: &[&str]) -> Option<Value> {
    // The statement names its tables as the app's `search_path` finds them, not ours (empty): the
    // role's own default is the closest to the app's.
    let mut statements = vec!["set local search_path to default".to_owned()];
    statements.extend(before.iter().map(|s| (*s).to_owned()));
    if plan == Plan::Generic {
        statements.push(format!("explain (generic_plan, verbose, format json) {query}"));
    } else {
        let params = parameters(query);
        let nulls = if params == 0 { String::new() } else { format!("({})", vec!["null"; params].join(", ")) };
        let options =
            if plan == Plan::Analyzed { "analyze, buffers, verbose, format json" } else { "verbose, format json" };
        statements.push("set local plan_cache_mode = force_generic_plan".to_owned());
        statements.push(format!("prepare {PLAN_NAME} as {query}"));
        statements.push(format!("explain ({options}) execute {PLAN_NAME}{nulls}"));
        statements.push(format!("deallocate {PLAN_NAME}"));
    }
    let borrowed: Vec<&str> = statements.iter().map(String::as_str).collect();
    match session.script(&borrowed) {
        Ok(results) => results
            .iter()
            .flatten()
            .filter_map(|row| row.first().cloned().flatten())
            .find_map(|text| serde_json::from_str::<Value>(&text).ok().filter(Value::is_array)),
        Err(_) => {
            // Prepared statements outlive a rolled-back transaction: drop ours, if it was made.
            let _ = session.script(&["deallocate all"]);
            None
        }
    }
}

/// The plan with the suggested index made by HypoPG, then HypoPG's indexes dropped: its total cost.
pub(super) fn with_hypothetical_index(
    session: &mut Session,
    catalog: &Catalog,
    schema: &str,
    table_oid: u32,
    index_columns: &[i16],
    query: &str,
    plan: Plan,
) -> Option<f64> {
    let table = catalog.table(table_oid)?;
    let columns: Vec<String> = catalog.column_names(table.oid, index_columns).iter().map(|c| quote_ident(c)).collect();
    let create = format!("create index on {} ({})", table.sql_name(), columns.join(", "));
    let schema = quote_ident(schema);
    let hypothetical = format!("select indexrelid from {schema}.hypopg_create_index({})", quote_literal(&create));
    let json = explain(session, query, plan, &[hypothetical.as_str()]);
    // Hypothetical indexes live in the backend, not the transaction: drop them whether the plan
    // came or not.
    let _ = session.script(&[format!("select {schema}.hypopg_reset()").as_str()]);
    json.as_ref().map(total_cost)
}

/// The `Seq Scan` nodes of `table_oid` in an analyzed plan, summed over their loops.
fn measure(catalog: &Catalog, json: &Value, table_oid: u32) -> Option<Measured> {
    let mut measured: Option<Measured> = None;
    for node in nodes(json) {
        if node["Node Type"].as_str() != Some("Seq Scan") || node_table(catalog, node) != Some(table_oid) {
            continue;
        }
        let loops = node["Actual Loops"].as_f64().unwrap_or(1.0);
        let rows = node["Actual Rows"].as_f64().unwrap_or(0.0) + node["Rows Removed by Filter"].as_f64().unwrap_or(0.0);
        let blocks = node["Shared Hit Blocks"].as_i64().unwrap_or(0) + node["Shared Read Blocks"].as_i64().unwrap_or(0);
        let total = measured.get_or_insert_with(Measured::default);
        total.rows_read += (rows * loops).round() as i64;
        total.blocks += blocks;
        total.ms += node["Actual Total Time"].as_f64().unwrap_or(0.0) * loops;
    }
    measured
}

pub(super) fn total_cost(plan: &Value) -> f64 {
    plan[0]["Plan"]["Total Cost"].as_f64().unwrap_or(0.0)
}

/// `Seq Scan` nodes with a `Filter`, anywhere in the plan, on a table of the catalog.
fn seq_scans(catalog: &Catalog, json: &Value, found: &mut Vec<SeqScan>) {
    for node in nodes(json) {
        if node["Node Type"].as_str() != Some("Seq Scan") {
            continue;
        }
        let (Some(table_oid), Some(filter)) = (node_table(catalog, node), node["Filter"].as_str()) else { continue };
        found.push(SeqScan {
            table_oid,
            filter: filter.to_owned(),
            index_columns: index_columns(catalog, table_oid, filter),
            ..SeqScan::default()
        });
    }
}

/// Every node of an `EXPLAIN (FORMAT JSON)` result, the top one first.
pub fn nodes(json: &Value) -> Vec<&Value> {
    let mut pending: Vec<&Value> = json.as_array().into_iter().flatten().map(|entry| &entry["Plan"]).collect();
    let mut all = Vec::new();
    while let Some(node) = pending.pop() {
        pending.extend(node["Plans"].as_array().into_iter().flatten());
        all.push(node);
    }
    all
}

/// The catalog's table a node scans (`VERBOSE` names its schema).
pub(super) fn node_table(catalog: &Catalog, node: &Value) -> Option<u32> {
    let (schema, name) = (node["Schema"].as_str()?, node["Relation Name"].as_str()?);
    catalog.tables.iter().find(|t| t.schema == schema && t.name == name).map(|t| t.oid)
}
pub(super) fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}
