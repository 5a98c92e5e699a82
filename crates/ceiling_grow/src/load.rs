//! Loading one step: from the rows already there to the step's row counts.
//!
//! Foreign keys, keys, secondary indexes and checks are dropped first and re-created after the
//! COPY: building an index once is several times faster than maintaining it row by row (a primary
//! key checked per row doubles a COPY's time), and re-adding each constraint validates every row
//! (the proof that the data is consistent: a generator that repeated a key fails there, naming
//! the constraint). A table's first load truncates it in the COPY's transaction, with `FREEZE`:
//! under `wal_level=minimal` such a COPY writes no WAL, and its rows need no later freezing.
//! Then sequences move past the loaded keys and `VACUUM (ANALYZE)` gives the planner statistics
//! and the visibility map a production table has.

use std::time::{Duration, Instant};

use bytes::BytesMut;
use ceiling_facts::catalog::{quote_ident, sql_name};

use crate::db::Db;
use crate::model::Model;
use crate::synth::Synth;

/// COPY data goes to the server in chunks of this size.
const CHUNK: usize = 64 * 1024;

/// What loading one step did.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub rows: u64,
    pub copy: Duration,
    /// Re-creating indexes and constraints, `VACUUM (ANALYZE)`.
    pub rebuild: Duration,
    /// Checks the data broke (re-added `NOT VALID`) and unique indexes it broke (left out).
    pub unchecked: Vec<String>,
}

pub struct Loader {
    /// Rows present per table.
    pub loaded: Vec<u64>,
}

impl Loader {
    pub fn new(model: &Model) -> Loader {
        Loader { loaded: vec![0; model.tables.len()] }
    }

    /// Appends rows until each table has `target` rows; `progress` hears rows written so far.
    pub fn grow(
        &mut self,
        db: &Db,
        model: &Model,
        synth: &mut Synth,
        target: &[u64],
        progress: &mut dyn FnMut(u64),
    ) -> Result<Loaded, String> {
        let started = Instant::now();
        synth.set_rows(target);
        let mut drop = Vec::new();
        for table in &model.tables {
            let name = table.sql_name();
            for fk in &table.foreign_keys {
                drop.push(format!("alter table {name} drop constraint if exists {}", quote_ident(&fk.name)));
            }
            for check in &table.checks {
                drop.push(format!("alter table {name} drop constraint if exists {}", quote_ident(&check.name)));
            }
        }
        // Keys after every foreign key, which may depend on them.
        for table in &model.tables {
            for key in &table.keys {
                drop.push(format!(
                    "alter table {} drop constraint if exists {}",
                    table.sql_name(),
                    quote_ident(&key.name)
                ));
            }
            for index in &table.secondary_indexes {
                drop.push(format!("drop index if exists {}", sql_name(&table.schema, &index.name)));
            }
        }
        // The app's triggers (an audit row per insert, a counter kept up to date) would fire per
        // copied row: they would slow the load, write where they please, and break on
        // synthetic data. They are off while loading.
        for table in &model.tables {
            drop.push(format!("alter table {} disable trigger user", table.sql_name()));
        }
        if !drop.is_empty() {
            db.execute(&drop.join(";\n"))?;
        }

        let mut written = 0u64;
        for (at, table) in model.tables.iter().enumerate() {
            let from = self.loaded[at] + 1;
            let to = target[at];
            if from > to {
                continue;
            }
            let columns: Vec<String> =
                synth.tables[at].copied.iter().map(|&c| quote_ident(&table.columns[c].name)).collect();
            // The first load of a table may truncate it (it is empty) and so skip the WAL.
            let first = self.loaded[at] == 0 && !table.partitioned;
            let freeze = if first { ", freeze" } else { "" };
            let statement =
                format!("copy {} ({}) from stdin (format binary{freeze})", table.sql_name(), columns.join(", "));
            if first {
                db.execute(&format!("begin; truncate only {}", table.sql_name()))?;
            }
            let mut n = from;
            let mut header = true;
            let mut done = false;
            let mut buffer = BytesMut::with_capacity(CHUNK * 2);
            db.copy_in(&statement, || {
                if done {
                    return Ok(None);
                }
                if header {
                    buffer.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
                    buffer.extend_from_slice(&[0; 8]);
                    header = false;
                }
                while buffer.len() < CHUNK && n <= to {
                    synth.write_row(model, at, n, &mut buffer);
                    n += 1;
                    written += 1;
                }
                if n > to {
                    buffer.extend_from_slice(&(-1i16).to_be_bytes());
                    done = true;
                }
                progress(written);
                Ok(Some(buffer.split().freeze()))
            })
            .map_err(|err| {
                if first {
                    let _ = db.execute("rollback");
                }
                format!("loading {}: {err}", table.name)
            })?;
            if first {
                db.execute("commit")?;
            }
            self.loaded[at] = to;
        }
        let copy = started.elapsed();

        let rebuilt = Instant::now();
        let mut unchecked = Vec::new();
        for table in &model.tables {
            for key in &table.keys {
                db.execute(&format!(
                    "alter table {} add constraint {} {}",
                    table.sql_name(),
                    quote_ident(&key.name),
                    key.sql
                ))
                .map_err(|err| format!("re-adding {} of {}: {err}", key.name, table.name))?;
            }
        }
        for table in &model.tables {
            let name = table.sql_name();
            for index in &table.secondary_indexes {
                // A partial or expression unique index (`(user_id) where is_default`) constrains
                // rows in a way the generators do not read: it is left out rather than the run.
                if let Err(err) = db.execute(&index.sql) {
                    if !index.sql.starts_with("CREATE UNIQUE") {
                        return Err(format!("re-creating index {}: {err}", index.name));
                    }
                    unchecked.push(format!("unique index {} of {} ({err})", index.name, table.name));
                }
            }
            db.execute(&format!("alter table {name} enable trigger user"))?;
            for fk in &table.foreign_keys {
                db.execute(&format!("alter table {name} add constraint {} {}", quote_ident(&fk.name), fk.sql))
                    .map_err(|err| format!("re-adding foreign key {} of {}: {err}", fk.name, table.name))?;
            }
            for check in &table.checks {
                let add = format!("alter table {name} add constraint {} {}", quote_ident(&check.name), check.sql);
                if db.execute(&add).is_err() {
                    db.execute(&format!("{add} not valid"))
                        .map_err(|err| format!("re-adding check {} of {}: {err}", check.name, table.name))?;
                    unchecked.push(format!("check {} of {} (re-added NOT VALID)", check.name, table.name));
                }
            }
            for column in &table.columns {
                if let Some(sequence) = &column.sequence {
                    db.execute(&format!(
                        "select setval('{}', greatest((select max({}) from {name}), 1))",
                        sequence.replace('\'', "''"),
                        quote_ident(&column.name)
                    ))?;
                }
            }
        }
        let tables: Vec<String> = model.tables.iter().map(|table| table.sql_name()).collect();
        if !tables.is_empty() {
            db.execute(&format!("vacuum (analyze) {}", tables.join(", ")))?;
        }
        Ok(Loaded { rows: written, copy, rebuild: rebuilt.elapsed(), unchecked })
    }
}
