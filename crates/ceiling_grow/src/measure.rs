//! Timing one query: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`, a warm-up and then several runs,
//! the median execution time, and what the plan did on the query's table.

use serde_json::Value;

use crate::db::Db;

/// Runs after the warm-up; the median of these is reported.
pub const RUNS: usize = 5;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Timing {
    /// Median `Execution Time` of the runs, in milliseconds.
    pub exec_ms: f64,
    /// Median `Planning Time`.
    pub plan_ms: f64,
    /// How the plan reads the query's table: `Seq Scan`, `Index Scan`, `Bitmap Heap Scan`...,
    /// with `+ Sort` when it sorts what it read.
    pub node: String,
    /// Rows the access node returned (per loop, times loops).
    pub node_rows: f64,
    /// The table the access node reads (for hand-given SQL, the first one the plan scans).
    pub relation: Option<String>,
    /// Shared buffers the whole plan touched (hit and read), in the first measured run.
    pub buffers: i64,
}

/// Times `sql`, whose table is `table` (empty when not known), within `timeout_ms` per run. Each
/// run is inside a read-only transaction that is rolled back: `EXPLAIN ANALYZE` executes what
/// it explains, and a hand-given `DELETE` must neither change the data later steps read nor
/// touch a shared database.
pub fn time(db: &Db, sql: &str, table: &str, runs: usize, timeout_ms: u64) -> Result<Timing, String> {
    let explain = format!("explain (analyze, buffers, format json) {sql}");
    let mut plans = Vec::with_capacity(runs);
    let mut first = Value::Null;
    for run in 0..=runs.max(1) {
        db.execute(&format!("begin transaction read only; set local statement_timeout = {timeout_ms}"))?;
        let text = db.texts(&explain);
        db.execute("rollback")?;
        let json: Value =
            serde_json::from_str(&text?.join("\n")).map_err(|err| format!("cannot read the plan: {err}"))?;
        // The first run warms the cache and is not counted.
        if run == 1 {
            first = json.clone();
        }
        if run > 0 {
            plans.push(json[0].clone());
        }
    }
    let median = |key: &str| {
        let mut values: Vec<f64> = plans.iter().filter_map(|plan| plan[key].as_f64()).collect();
        values.sort_by(f64::total_cmp);
        values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
    };
    let nodes = ceiling_db::plan_nodes(&first);
    // Hand-given SQL names no table: its first scanned relation stands for it.
    let access = nodes.iter().find(|node| match node["Relation Name"].as_str() {
        Some(name) => table.is_empty() || name == table,
        None => false,
    });
    let mut node = access.and_then(|node| node["Node Type"].as_str()).unwrap_or("Result").to_owned();
    if nodes.iter().any(|node| matches!(node["Node Type"].as_str(), Some("Sort" | "Incremental Sort"))) {
        node.push_str(" + Sort");
    }
    let relation = access.and_then(|node| node["Relation Name"].as_str()).map(str::to_owned);
    let node_rows = access
        .map_or(0.0, |node| node["Actual Rows"].as_f64().unwrap_or(0.0) * node["Actual Loops"].as_f64().unwrap_or(1.0));
    let top = &first[0]["Plan"];
    let buffers = ["Shared Hit Blocks", "Shared Read Blocks"].iter().filter_map(|key| top[*key].as_i64()).sum();
    Ok(Timing {
        exec_ms: median("Execution Time"),
        plan_ms: median("Planning Time"),
        node,
        node_rows,
        relation,
        buffers,
    })
}
