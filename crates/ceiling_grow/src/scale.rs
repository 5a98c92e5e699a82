//! How many rows each table gets at each step.
//!
//! A table's rows follow its parents': a child has `fan-out` rows per row of its largest parent
//! (10 by default, 20 for comments and messages, 1 for a one-to-one relation), up to 200 times a
//! root's rows, and a table without parents is a root. The step size is the row count of the largest table; every other table is
//! scaled to it, and has at least one row.

use crate::model::{Kind, Model, TableModel};

pub const DEFAULT_FAN_OUT: f64 = 10.0;
/// No table is more than this many times the size of a root: fan-outs multiply along a chain
/// of foreign keys, and five levels of 10 would leave 1M messages with 5 users. Two levels of
/// fan-out (200 with comments) is what a feed or an order history holds.
const MAX_WEIGHT: f64 = 200.0;

/// Rows per table (in model order) when the largest table has `largest` rows.
pub fn row_counts(model: &Model, largest: u64, fan_outs: &[(String, f64)]) -> Vec<u64> {
    let weights = weights(model, fan_outs);
    let heaviest = weights.iter().cloned().fold(1.0, f64::max);
    let mut rows: Vec<u64> =
        weights.iter().map(|weight| ((largest as f64 * weight / heaviest).round() as u64).max(1)).collect();
    // Caps that keep every row possible: a one-to-one child has at most one row per parent, and a
    // table unique on its parents (a join table) at most half the pairs there are.
    for (at, table) in model.tables.iter().enumerate() {
        // A smallint key holds 32,767 rows.
        if let [key] = table.primary_key[..]
            && table.columns[key].kind == Kind::Int2
        {
            rows[at] = rows[at].min(i16::MAX as u64);
        }
        for fk in &table.foreign_keys {
            if table.is_unique(&fk.columns) && fk.parent != at {
                rows[at] = rows[at].min(rows[fk.parent]);
            }
        }
        for unique in &table.uniques {
            if let Some(space) = combinations(model, table, unique, &rows) {
                rows[at] = rows[at].min((space / 2).max(1));
            }
        }
    }
    rows
}

/// The number of distinct tuples a unique constraint can take, when only a few are possible:
/// every member a foreign key, an enum or a boolean.
fn combinations(model: &Model, table: &TableModel, unique: &[usize], rows: &[u64]) -> Option<u64> {
    let mut space: u64 = 1;
    for &column in unique {
        let fk = table.foreign_keys.iter().find(|fk| fk.columns.contains(&column) && !table.is_unique(&fk.columns));
        let count = match (fk, &table.columns[column].kind) {
            (Some(fk), _) if fk.parent != position(model, table) => rows[fk.parent],
            (None, Kind::Enum(labels)) => labels.len() as u64,
            (None, Kind::Bool) => 2,
            _ => return None,
        };
        space = space.saturating_mul(count);
    }
    Some(space)
}

fn position(model: &Model, table: &TableModel) -> usize {
    model.tables.iter().position(|t| t.name == table.name).expect("a table of the model")
}

/// Each table's size relative to a root's, walking parents depth first; a cycle's back edge
/// counts as a root.
fn weights(model: &Model, fan_outs: &[(String, f64)]) -> Vec<f64> {
    fn visit(
        model: &Model,
        at: usize,
        fan_outs: &[(String, f64)],
        state: &mut [Option<f64>],
        visiting: &mut [bool],
    ) -> f64 {
        if let Some(weight) = state[at] {
            return weight;
        }
        if visiting[at] {
            return 1.0;
        }
        visiting[at] = true;
        let table = &model.tables[at];
        let mut weight: f64 = 1.0;
        for fk in &table.foreign_keys {
            if fk.parent == at {
                continue;
            }
            let parent = visit(model, fk.parent, fan_outs, state, visiting);
            let ratio = if table.is_unique(&fk.columns) { 1.0 } else { fan_out(&table.name, fan_outs) };
            weight = weight.max(parent * ratio).min(MAX_WEIGHT);
        }
        visiting[at] = false;
        state[at] = Some(weight);
        weight
    }
    let mut state = vec![None; model.tables.len()];
    let mut visiting = vec![false; model.tables.len()];
    (0..model.tables.len()).map(|at| visit(model, at, fan_outs, &mut state, &mut visiting)).collect()
}

/// Rows of `table` per row of its parent: `--fan-out table=N`, else a default by name.
fn fan_out(table: &str, fan_outs: &[(String, f64)]) -> f64 {
    if let Some((_, ratio)) = fan_outs.iter().find(|(name, _)| name.eq_ignore_ascii_case(table)) {
        return *ratio;
    }
    let name = table.to_ascii_lowercase();
    if ["comment", "message", "reply", "replies"].iter().any(|word| name.contains(word)) {
        20.0
    } else {
        DEFAULT_FAN_OUT
    }
}
