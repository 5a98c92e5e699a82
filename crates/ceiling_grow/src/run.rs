//! One `ceiling grow` run: schema in, data grown step by step, every query timed at every step,
//! growth fitted, suggested indexes measured, N+1 pages priced.

use ceiling_facts::catalog::{quote_ident, sql_name};
use ceiling_scan::ScanResult;

use crate::db::Db;
use crate::fit::{Fit, fit};
use crate::load::Loader;
use crate::measure::{self, Timing};
use crate::model::{self, Model};
use crate::query::{self, Keys, Query, Unmeasured};
use crate::scale::row_counts;
use crate::scratch::{Scratch, fingerprint, rows_written_outside};
use crate::source::{self, Source};
use crate::synth::Synth;

/// What `ceiling grow` was asked to do.
#[derive(Debug, Clone)]
pub struct GrowOptions {
    /// Rows of the largest table at each step, ascending.
    pub scales: Vec<u64>,
    /// The table size each query's time is projected to.
    pub target_rows: u64,
    /// A query's share of a request's time budget, in ms: the report says at what size it is spent.
    pub budget_ms: f64,
    /// `--fan-out table=N`: rows of `table` per row of its parent.
    pub fan_outs: Vec<(String, f64)>,
    pub skew: f64,
    pub seed: u64,
    /// Hand-given SQL, measured as it is (`--query`).
    pub queries: Vec<String>,
    /// A network round trip, added per query when pricing N+1 pages.
    pub round_trip_ms: f64,
    pub runs: usize,
    /// Let PostgreSQL use parallel workers (off by default: on a laptop they make timings noisy
    /// and flip plans between steps).
    pub parallel: bool,
    /// Each statement's time limit, in seconds; a slower run counts as "over the limit".
    pub statement_timeout: f64,
    /// `--from-db`: take the schema from this live database (read-only) instead of the app's files.
    pub from_db: Option<String>,
}

impl GrowOptions {
    /// `statement_timeout` in whole milliseconds, at least one.
    fn timeout_ms(&self) -> u64 {
        (self.statement_timeout * 1000.0).max(1.0) as u64
    }
}

impl Default for GrowOptions {
    fn default() -> GrowOptions {
        GrowOptions {
            scales: vec![1_000, 10_000, 100_000, 1_000_000],
            target_rows: 1_000_000,
            budget_ms: 100.0,
            fan_outs: Vec::new(),
            skew: crate::synth::DEFAULT_SKEW,
            seed: 42,
            queries: Vec::new(),
            round_trip_ms: 1.0,
            runs: measure::RUNS,
            parallel: false,
            statement_timeout: 30.0,
            from_db: None,
        }
    }
}

/// What the run tells the caller as it goes (a progress bar, a log line).
pub trait Progress {
    fn stage(&mut self, _text: &str) {}
    /// A step starts loading `rows` rows in total.
    fn load_started(&mut self, _step: u64, _rows: u64) {}
    fn rows_loaded(&mut self, _rows: u64) {}
    fn load_finished(&mut self) {}
}

/// Progress that says nothing.
pub struct Quiet;
impl Progress for Quiet {}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Report {
    pub source: Source,
    pub server_version: String,
    pub steps: Vec<Step>,
    pub queries: Vec<Measured>,
    pub unmeasured: Vec<Unmeasured>,
    pub n_plus_one: Vec<PageCost>,
    pub target_rows: u64,
    pub budget_ms: f64,
    pub round_trip_ms: f64,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Step {
    /// Rows of the largest table.
    pub largest: u64,
    pub tables: Vec<TableRows>,
    /// Rows this step appended, and the time COPY took.
    pub rows_loaded: u64,
    pub copy_seconds: f64,
    pub rebuild_seconds: f64,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TableRows {
    pub table: String,
    pub rows: u64,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Measured {
    #[serde(flatten)]
    pub query: Query,
    /// One per step: the query's table size then, and the timing.
    pub points: Vec<Point>,
    pub fit: Option<Fit>,
    /// The fitted time when the table has `target_rows` rows.
    pub projected_ms: Option<f64>,
    /// The table size at which the fitted time reaches the budget, when it does below 1e9 rows.
    pub budget_rows: Option<u64>,
    /// The same query with each index the scan suggests for its table.
    pub with_index: Option<WithIndex>,
    /// Rules of the scan that point at this query.
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Point {
    /// Rows of the query's table at this step.
    pub table_rows: u64,
    #[serde(flatten)]
    pub timing: Option<Timing>,
    /// The hottest key's time, where it differs from the typical key's query.
    pub hot_ms: Option<f64>,
    /// Why there is no timing (over the time limit, an error).
    pub error: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct WithIndex {
    pub index: String,
    /// The migration statement, as `ceiling scan --fix-indexes` writes it.
    pub sql: String,
    pub points: Vec<Point>,
    pub fit: Option<Fit>,
    pub projected_ms: Option<f64>,
}

/// An N+1 finding priced at the last step: a page of `items` rows costs one per-item query and
/// a round trip each, against one batched query.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PageCost {
    pub location: String,
    /// The per-item query (its label and location).
    pub query: String,
    pub per_item_ms: f64,
    pub pages: Vec<Page>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Page {
    pub items: u64,
    pub n_plus_one_ms: f64,
    pub batched_ms: Option<f64>,
}

/// Sizes of the N+1 pages priced.
const PAGE_ITEMS: [u64; 3] = [10, 100, 500];

/// Applies the schema, grows the data through every step and times every query.
pub fn run(
    scan: &ScanResult,
    scratch: &Scratch,
    options: &GrowOptions,
    progress: &mut dyn Progress,
) -> Result<Report, String> {
    let schema = scratch.schema();
    let db = Db::connect(&scratch.url())?;
    let parallel = if options.parallel { "2" } else { "0" };
    // The statement timeout applies to the timed queries only (measure.rs): a load or an index
    // build of a large step may take longer.
    db.execute(&format!(
        "set search_path = {}; set timezone = 'UTC'; set jit = off; set max_parallel_workers_per_gather = {parallel}; \
         set statement_timeout = 0; set synchronous_commit = off; set maintenance_work_mem = '256MB'",
        quote_ident(schema),
    ))?;
    let server_version: String = db.query("show server_version")?.first().map(|row| row.get(0)).unwrap_or_default();

    progress.stage("applying the schema");
    let mut notes = Vec::new();
    let dump = options.from_db.as_deref().map(source::dump_schema).transpose()?;
    let source = apply_schema(&db, scan, dump, schema, &mut notes)?;
    // A dump resets the search path; everything after reads unqualified names in our schema.
    db.execute(&format!("set search_path = {}", quote_ident(schema)))?;
    let model = model::read(&db, schema)?;
    if model.tables.is_empty() {
        return Err(format!("the schema ({}) creates no table", source.describe()));
    }

    let known = |name: &str| model.tables.iter().any(|table| table.name.eq_ignore_ascii_case(name));
    if let Some((unknown, _)) = options.fan_outs.iter().find(|(name, _)| !known(name)) {
        return Err(format!("--fan-out names {unknown}, which is no table of the schema"));
    }
    let counts: Vec<Vec<u64>> =
        options.scales.iter().map(|&largest| row_counts(&model, largest, &options.fan_outs)).collect();
    let final_rows = counts.last().cloned().unwrap_or_default();
    let mut synth = Synth::new(&model, options.seed, options.skew, final_rows)?;
    let mut loader = Loader::new(&model);

    let (code_queries, unmeasured) = query::from_scan(scan, &model);
    let hand_given = options.queries.iter().enumerate().map(|(at, sql)| Query::hand_given(at, sql));
    let mut queries: Vec<Measured> = code_queries
        .into_iter()
        .chain(hand_given)
        .map(|query| Measured {
            findings: findings_at(scan, &query),
            query,
            points: Vec::new(),
            fit: None,
            projected_ms: None,
            budget_rows: None,
            with_index: None,
        })
        .collect();
    let suggestions = suggestions(scan, &model, &queries);

    let mut steps = Vec::new();
    for (step, target) in options.scales.iter().zip(&counts) {
        let total: u64 = target.iter().zip(&loader.loaded).map(|(to, from)| to.saturating_sub(*from)).sum();
        progress.load_started(*step, total);
        let loaded = loader.grow(&db, &model, &mut synth, target, &mut |rows| progress.rows_loaded(rows))?;
        progress.load_finished();
        for broken in &loaded.unchecked {
            add_note(&mut notes, format!("the synthetic rows break {broken}"));
        }
        steps.push(Step {
            largest: *step,
            tables: model
                .tables
                .iter()
                .zip(target)
                // A parent in another schema (Supabase's auth.users) is named with it.
                .map(|(t, rows)| TableRows {
                    table: if t.schema == model.schema { t.name.clone() } else { format!("{}.{}", t.schema, t.name) },
                    rows: *rows,
                })
                .collect(),
            rows_loaded: loaded.rows,
            copy_seconds: loaded.copy.as_secs_f64(),
            rebuild_seconds: loaded.rebuild.as_secs_f64(),
        });

        progress.stage(&format!("timing {} queries at {} rows", queries.len(), step));
        for measured in &mut queries {
            let point = point(&db, &model, &synth, target, &measured.query, options, true);
            measured.points.push(point);
        }
        for (index, affected) in &suggestions {
            progress.stage(&format!("timing with {}", index.name));
            let create = format!(
                "create index {} on {} ({})",
                quote_ident(&index.name),
                sql_name(schema, &index.table),
                index.columns.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", ")
            );
            if let Err(err) = db.execute(&create) {
                add_note(&mut notes, format!("the suggested index {} could not be created: {err}", index.name));
                continue;
            }
            for &at in affected {
                let point = point(&db, &model, &synth, target, &queries[at].query, options, false);
                let with = queries[at].with_index.get_or_insert_with(|| WithIndex {
                    index: index.name.clone(),
                    sql: index.sql.clone(),
                    points: Vec::new(),
                    fit: None,
                    projected_ms: None,
                });
                with.points.push(point);
            }
            db.execute(&format!("drop index {}", sql_name(schema, &index.name)))?;
        }
    }

    for measured in &mut queries {
        measured.fit = fit_points(&measured.points);
        measured.projected_ms = measured.fit.map(|fit| fit.at(options.target_rows as f64));
        measured.budget_rows = measured.fit.and_then(|fit| crossing(&fit, options.budget_ms));
        if let Some(with) = &mut measured.with_index {
            with.fit = fit_points(&with.points);
            with.projected_ms = with.fit.map(|fit| fit.at(options.target_rows as f64));
        }
    }
    let last = counts.last().cloned().unwrap_or_default();
    let n_plus_one = price_n_plus_one(scan, &db, &model, &synth, &last, &queries, options);
    for (table, plan) in model.tables.iter().zip(&synth.tables) {
        if plan.dropped > 0 {
            notes.push(format!("{}: {} row(s) left out, their unique keys kept colliding", table.name, plan.dropped));
        }
    }
    Ok(Report {
        source,
        server_version,
        steps,
        queries,
        unmeasured,
        n_plus_one,
        target_rows: options.target_rows,
        budget_ms: options.budget_ms,
        round_trip_ms: options.round_trip_ms,
        notes,
    })
}

/// Notes are said once, however many steps find them.
fn add_note(notes: &mut Vec<String>, note: String) {
    if !notes.contains(&note) {
        notes.push(note);
    }
}

/// Puts the app's schema into the scratch schema: its migrations, else DDL from its models. In a
/// shared database it all happens in one transaction, rolled back if anything outside our schema
/// changed.
fn apply_schema(
    db: &Db,
    scan: &ScanResult,
    dump: Option<(String, String)>,
    schema: &str,
    notes: &mut Vec<String>,
) -> Result<Source, String> {
    let shared = schema != "public";
    let before = if shared { Some(fingerprint(db, schema)?) } else { None };
    if shared {
        db.execute("begin")?;
    }
    if let Some((sql, target)) = dump {
        let sql = source::rewrite(&sql, schema).map_err(|err| format!("cannot read the dump of {target}: {err}"))?;
        let applied =
            db.execute(&sql).map_err(|err| format!("the schema of {target} failed on the scratch database: {err}"));
        return finish_schema(db, schema, before, applied.map(|()| Source::Database { target }));
    }
    let result = (|| {
        if let Some(Source::Migrations { files }) = source::find_migrations(&scan.schema_files) {
            if shared {
                db.execute("savepoint migrations")?;
            }
            match apply_app_migrations(db, scan, &files, schema, shared, notes) {
                Ok(()) => return Ok(Source::Migrations { files }),
                // Migrations often do not replay on an empty database (tables made in a dashboard,
                // data fixes); the models read from all the app's files still describe its tables.
                Err(error) if !scan.project.schema.is_empty() => {
                    notes.push(format!("{error}; the schema was generated from the app's models instead"));
                    if shared {
                        db.execute("rollback to savepoint migrations")?;
                    } else {
                        db.execute(&format!("drop schema {0} cascade; create schema {0}", quote_ident(schema)))?;
                    }
                }
                Err(error) => return Err(error),
            }
        }
        if scan.project.schema.is_empty() {
            return Err("no schema found: no SQL migrations and no models (Prisma, Drizzle, Django...)".to_owned());
        }
        let ddl = crate::ddl::ddl_from_schema(&scan.project.schema);
        notes.extend(ddl.notes.iter().cloned());
        for statement in &ddl.statements {
            db.execute(statement)
                .map_err(|err| format!("the DDL generated from the models failed: {err}\n{statement}"))?;
        }
        Ok(Source::Models)
    })();
    finish_schema(db, schema, before, result)
}

/// The app's migrations in order, after the Supabase platform they expect when they are a
/// Supabase project's.
fn apply_app_migrations(
    db: &Db,
    scan: &ScanResult,
    files: &[String],
    schema: &str,
    shared: bool,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    if source::needs_supabase_platform(files) {
        if shared {
            return Err("a Supabase project's migrations need its platform schemas (auth, storage), which \
                        --scratch-url cannot create outside its own schema"
                .to_owned());
        }
        source::apply_supabase_platform(db)?;
        notes.push("Supabase's auth, storage and extensions schemas were stubbed for the migrations".to_owned());
    }
    source::apply_migrations(db, &scan.root, files, schema, !shared)
}

/// In a shared database: commits the schema when nothing outside ours changed, else rolls back.
fn finish_schema(
    db: &Db,
    schema: &str,
    before: Option<String>,
    result: Result<Source, String>,
) -> Result<Source, String> {
    if let Some(before) = before {
        let outcome = result.and_then(|source| {
            let written = rows_written_outside(db, schema)?;
            if !written.is_empty() {
                return Err(format!(
                    "the schema would write rows outside the schema {schema} ({}); nothing was kept",
                    written.join(", ")
                ));
            }
            if fingerprint(db, schema)? != before {
                return Err(format!(
                    "the schema would change objects outside the schema {schema} (an extension, a type or a table in \
                     another schema); nothing was kept"
                ));
            }
            Ok(source)
        });
        db.execute(if outcome.is_ok() { "commit" } else { "rollback" })?;
        return outcome;
    }
    result
}

/// Times one query at this step; an error (a timeout) is kept in the point, not raised.
fn point(
    db: &Db,
    model: &Model,
    synth: &Synth,
    rows: &[u64],
    query: &Query,
    options: &GrowOptions,
    hot: bool,
) -> Point {
    let timeout_ms = options.timeout_ms();
    let sql = query.sql(model, synth, rows, Keys::Typical);
    let timing = measure::time(db, &sql, &query.table, options.runs, timeout_ms);
    // Hand-given SQL names no table: the one its plan reads stands for it.
    let table_rows = |timing: &Timing| {
        query
            .table_at
            .or_else(|| timing.relation.as_deref().and_then(|name| model.table(name)))
            .map_or(0, |at| rows[at])
    };
    match timing {
        Ok(timing) => {
            let hot_sql = query.sql(model, synth, rows, Keys::Hot);
            let hot_ms = (hot && hot_sql != sql)
                .then(|| measure::time(db, &hot_sql, &query.table, options.runs, timeout_ms).ok().map(|t| t.exec_ms))
                .flatten();
            Point { table_rows: table_rows(&timing), timing: Some(timing), hot_ms, error: None }
        }
        Err(error) => {
            let table_rows = query.table_at.map_or(0, |at| rows[at]);
            Point { table_rows, timing: None, hot_ms: None, error: Some(error) }
        }
    }
}

/// Tables smaller than this are read whole whatever the indexes: their timings say nothing about
/// how the query grows.
const MIN_FIT_ROWS: u64 = 100;

/// The growth of the points that share the last step's plan, on tables of at least
/// [`MIN_FIT_ROWS`]: a curve that changes plan on the way (a seq scan that becomes an index
/// scan as the table grows) cannot be extended past where it was measured.
fn fit_points(points: &[Point]) -> Option<Fit> {
    let last_node = &points.last()?.timing.as_ref()?.node;
    let measured: Vec<(f64, f64)> = points
        .iter()
        .rev()
        .map_while(|p| {
            p.timing
                .as_ref()
                .filter(|t| &t.node == last_node && p.table_rows >= MIN_FIT_ROWS)
                .map(|t| (p.table_rows as f64, t.exec_ms))
        })
        .collect();
    // Two points fit every two-parameter model exactly: a class needs a third.
    if measured.len() < 3 {
        return None;
    }
    fit(&measured)
}

/// The smallest table size (up to a billion rows) at which `fit` reaches `budget_ms`.
fn crossing(fit: &Fit, budget_ms: f64) -> Option<u64> {
    let (mut low, mut high) = (1u64, 1_000_000_000u64);
    if fit.at(high as f64) < budget_ms {
        return None;
    }
    while low < high {
        let middle = low + (high - low) / 2;
        if fit.at(middle as f64) >= budget_ms { high = middle } else { low = middle + 1 }
    }
    Some(low)
}

/// The rules of the scan whose finding sits on one of the query's lines.
fn findings_at(scan: &ScanResult, query: &Query) -> Vec<String> {
    let mut rules: Vec<String> = Vec::new();
    for finding in &scan.findings {
        let here = format!("{}:{}", finding.file, finding.span.line);
        let on_query = here == query.location
            || query.also_at.contains(&here)
            || finding.chain.last().is_some_and(|link| {
                let at = format!("{}:{}", link.file, link.span.line);
                at == query.location || query.also_at.contains(&at)
            });
        if on_query && !rules.iter().any(|rule| rule == finding.rule) {
            rules.push(finding.rule.to_owned());
        }
    }
    rules
}

/// Each index the scan suggests, once, with the queries it could serve: those on its table that
/// filter or sort on its leading column.
fn suggestions(
    scan: &ScanResult,
    model: &Model,
    queries: &[Measured],
) -> Vec<(ceiling_rules::SuggestedIndex, Vec<usize>)> {
    let mut out: Vec<(ceiling_rules::SuggestedIndex, Vec<usize>)> = Vec::new();
    for finding in &scan.findings {
        let Some(index) = &finding.index else { continue };
        if out.iter().any(|(known, _)| known.table == index.table && known.columns == index.columns) {
            continue;
        }
        let Some(table) = model.table(&index.table).map(|at| &model.tables[at]) else { continue };
        if !index.columns.iter().all(|c| table.columns.iter().any(|column| &column.name == c)) {
            continue;
        }
        let affected: Vec<usize> = queries
            .iter()
            .enumerate()
            .filter(|(_, m)| m.query.table == index.table && m.query.columns.first() == index.columns.first())
            .map(|(at, _)| at)
            .collect();
        if !affected.is_empty() {
            out.push((index.clone(), affected));
        }
    }
    // A query served by two suggestions keeps the first.
    let mut taken = Vec::new();
    for (_, affected) in &mut out {
        affected.retain(|at| !taken.contains(at));
        taken.extend(affected.iter().copied());
    }
    out.retain(|(_, affected)| !affected.is_empty());
    out
}

/// Prices each N+1 finding whose per-item query was measured, at the last step.
fn price_n_plus_one(
    scan: &ScanResult,
    db: &Db,
    model: &Model,
    synth: &Synth,
    rows: &[u64],
    queries: &[Measured],
    options: &GrowOptions,
) -> Vec<PageCost> {
    let mut out = Vec::new();
    for finding in scan.findings.iter().filter(|f| f.rule == "n-plus-one") {
        let Some(link) = finding.chain.last() else { continue };
        let at = format!("{}:{}", link.file, link.span.line);
        let Some(measured) = queries.iter().find(|m| m.query.location == at || m.query.also_at.contains(&at)) else {
            continue;
        };
        let Some(per_item) = measured.points.last().and_then(|p| p.timing.as_ref()).map(|t| t.exec_ms) else {
            continue;
        };
        let mut pages = Vec::new();
        for items in PAGE_ITEMS {
            // A batched query that fails or times out leaves its cell empty, not the report.
            let timeout_ms = options.timeout_ms();
            let batched_ms = measured.query.batched_sql(model, synth, rows, items).and_then(|sql| {
                let timing = measure::time(db, &sql, &measured.query.table, options.runs, timeout_ms).ok()?;
                Some(timing.exec_ms + options.round_trip_ms)
            });
            pages.push(Page { items, n_plus_one_ms: items as f64 * (per_item + options.round_trip_ms), batched_ms });
        }
        out.push(PageCost {
            location: format!("{}:{}", finding.file, finding.span.line),
            query: format!("{} ({})", measured.query.label, measured.query.location),
            per_item_ms: per_item,
            pages,
        });
    }
    out
}
