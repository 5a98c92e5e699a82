//! Synthetic rows, written straight into PostgreSQL's binary COPY format.
//!
//! Every value is a function of (seed, table, column, row number): a child never looks up its
//! parent's key, it draws a parent row number and computes that row's key. Loading order
//! therefore does not matter, and growing from one size to the next only appends rows
//! `loaded + 1 ..= target`. The exception is a unique key that no row number makes unique (a
//! join table's pair): its rows are checked against a hash set of the tuples written (memory
//! grows with such tables), and a colliding row is redrawn; a key that references such a
//! table's redrawn columns could then miss its row, and the foreign key's re-creation says so.
//!
//! Values follow the column's type first, then its name (`email`, `created_at`, `status`,
//! `price_cents`...), so that plans see realistic distributions: foreign keys with Zipf skew (a
//! few hot parents), enums with one dominant label, timestamps that grow with the row number.

use std::collections::HashSet;
use std::fmt::Write as _;

use bytes::{BufMut, BytesMut};

use crate::model::{ColumnModel, Kind, Model, TableModel};

/// How skewed foreign keys are: 0 is uniform, 1 is classic Zipf. At 0.8 the hottest of 100k
/// parents owns about 1.6% of the children and the median parent has 4 of 10 (measured).
pub const DEFAULT_SKEW: f64 = 0.8;
/// The latest timestamp written: rows spread over the year before it.
const END_MICROS: i64 = 820_540_800_000_000; // 2026-01-01 in microseconds since 2000-01-01
const YEAR_MICROS: i64 = 365 * 86_400_000_000;
/// A row of a table guarded by a unique constraint is redrawn at most this many times.
const UNIQUE_ATTEMPTS: u64 = 32;
/// From this attempt on, the guarded columns that can carry the row number do (`word 12345`, a
/// number n): a row is never left out for want of values, since its children may point at it.
/// Only a key made of foreign keys, enums and booleans can still run out, and `scale` keeps such
/// a table to half of its combinations.
const INJECTIVE_AFTER: u64 = 4;

/// One column's generator, chosen once per table from its type and name.
#[derive(Debug, Clone, PartialEq)]
enum Generator {
    /// A key that is a function of the row number alone: unique by construction.
    Key,
    /// A member of a foreign key: the value of the parent's column at a drawn parent row.
    Parent {
        fk: usize,
        position: usize,
    },
    Email,
    Words {
        unique: bool,
    },
    Slug,
    Body,
    Url,
    Secret,
    Label(Vec<String>),
    Flag {
        share_true: f64,
    },
    Money,
    Quantity,
    Counter,
    Number,
    Moment {
        offset: Offset,
    },
    Document,
    Blob,
    /// An IPv4 address from a private range.
    Address,
    /// Left out of the COPY: generated, or a type we cannot encode (its default or NULL applies).
    Skipped,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Offset {
    /// When the row was created: grows with the row number.
    Created,
    /// A while after creation (`updated_at`, `last_login`).
    Later,
    /// Ahead (`expires_at`, `due_date`).
    Ahead,
    /// A birth date: decades back.
    Birth,
}

#[derive(Debug, Clone)]
struct ColumnPlan {
    generator: Generator,
    /// The share of rows left NULL.
    nulls: f64,
}

#[derive(Debug, Clone)]
struct ForeignPlan {
    parent: usize,
    parent_columns: Vec<usize>,
    /// The child's key columns are unique on their own: row n takes parent row n.
    one_to_one: bool,
    self_reference: bool,
    nulls: f64,
}

/// What a table's rows are made of.
#[derive(Debug)]
pub struct TablePlan {
    columns: Vec<ColumnPlan>,
    foreign: Vec<ForeignPlan>,
    /// Positions of the columns in the COPY, in order.
    pub copied: Vec<usize>,
    /// Unique constraints that no row-number key makes unique by construction, with the
    /// hashes of the tuples written so far: such rows are redrawn on a collision.
    guards: Vec<(Vec<usize>, HashSet<u64>)>,
    /// Columns of a guarded unique constraint.
    guarded: Vec<bool>,
    hash: u64,
    /// Rows the last load gave up on (a guarded tuple that kept colliding).
    pub dropped: u64,
}

pub struct Synth {
    seed: u64,
    skew: f64,
    pub tables: Vec<TablePlan>,
    /// Rows per table at the current step: the range foreign keys draw from.
    rows: Vec<u64>,
    /// Rows per table at the last step: timestamps spread over it, so a row keeps its time
    /// whichever step loads it.
    final_rows: Vec<u64>,
}

impl Synth {
    /// Plans every table; fails on a NOT NULL column without default whose type we cannot write.
    pub fn new(model: &Model, seed: u64, skew: f64, final_rows: Vec<u64>) -> Result<Synth, String> {
        let tables =
            model.tables.iter().enumerate().map(|(at, table)| plan_table(at, table)).collect::<Result<_, _>>()?;
        Ok(Synth { seed, skew, tables, rows: vec![0; model.tables.len()], final_rows })
    }

    /// Sets the row counts foreign keys draw parents from: the counts the current step loads to.
    pub fn set_rows(&mut self, rows: &[u64]) {
        self.rows = rows.to_vec();
    }

    /// Appends one COPY tuple for row `n` of `table`; false when a guarded unique tuple kept
    /// colliding and the row was left out.
    pub fn write_row(&mut self, model: &Model, table: usize, n: u64, out: &mut BytesMut) -> bool {
        let mut attempt = 0;
        loop {
            let start = out.len();
            out.put_i16(self.tables[table].copied.len() as i16);
            let mut fields = Vec::with_capacity(self.tables[table].copied.len());
            for position in 0..self.tables[table].copied.len() {
                let column = self.tables[table].copied[position];
                fields.push((column, out.len() - start));
                self.write_value(model, table, column, n, attempt, 0, out);
            }
            if self.accept(table, &fields, &out[start..]) {
                return true;
            }
            out.truncate(start);
            attempt += 1;
            if attempt == UNIQUE_ATTEMPTS {
                self.tables[table].dropped += 1;
                return false;
            }
        }
    }

    /// The value row `n` has in `column`, as COPY text (NULL as `None`): the parameters of the
    /// measured queries ("the author of the median post") come from here, not from the database.
    pub fn text_value(&self, model: &Model, table: usize, column: usize, n: u64) -> Option<String> {
        let mut out = BytesMut::new();
        self.write_value(model, table, column, n, 0, 0, &mut out);
        let length = i32::from_be_bytes(out[..4].try_into().ok()?);
        if length < 0 {
            return None;
        }
        Some(decode_text(&model.tables[table].columns[column].kind, &out[4..]))
    }

    /// The parent row that row `n`'s foreign key `fk` points to (0 when NULL).
    pub fn parent_row(&self, table: usize, fk: usize, n: u64) -> u64 {
        let foreign = &self.tables[table].foreign[fk];
        let stream = self.stream(table, 0xf0 + fk as u64, n, 0);
        if foreign.nulls > 0.0 && unit(stream) < foreign.nulls {
            return 0;
        }
        if foreign.one_to_one {
            return n;
        }
        let parents = if foreign.self_reference { n - 1 } else { self.rows[foreign.parent] };
        if parents == 0 {
            return if foreign.self_reference { n } else { 0 };
        }
        zipf(unit(mix(stream)), parents, self.skew)
    }

    fn accept(&mut self, table: usize, fields: &[(usize, usize)], tuple: &[u8]) -> bool {
        let plan = &mut self.tables[table];
        if plan.guards.is_empty() {
            return true;
        }
        // `fields` holds each copied column with the offset of its field in `tuple`.
        let field_bytes = |column: usize| -> &[u8] {
            let at = fields.iter().position(|(c, _)| *c == column).expect("guarded columns are copied");
            let end = fields.get(at + 1).map_or(tuple.len(), |next| next.1);
            &tuple[fields[at].1..end]
        };
        let hashes: Vec<Option<u64>> = plan
            .guards
            .iter()
            .map(|(columns, _)| {
                let mut hash = 0xcbf2_9ce4_8422_2325u64;
                for &column in columns {
                    let bytes = field_bytes(column);
                    // A NULL never collides.
                    if bytes[..4] == (-1i32).to_be_bytes() {
                        return None;
                    }
                    hash = mix(hash ^ fnv(bytes));
                }
                Some(hash)
            })
            .collect();
        let fresh =
            plan.guards.iter().zip(&hashes).all(|((_, seen), hash)| hash.is_none_or(|hash| !seen.contains(&hash)));
        if fresh {
            for ((_, seen), hash) in plan.guards.iter_mut().zip(hashes) {
                if let Some(hash) = hash {
                    seen.insert(hash);
                }
            }
        }
        fresh
    }

    #[allow(clippy::too_many_arguments)]
    fn write_value(
        &self,
        model: &Model,
        table: usize,
        column: usize,
        n: u64,
        attempt: u64,
        depth: u32,
        out: &mut BytesMut,
    ) {
        let plan = &self.tables[table].columns[column];
        let kind = &model.tables[table].columns[column].kind;
        // A key is the same whatever attempt wrote its row: children compute it from the row number.
        let stream = self.stream(table, column as u64, n, if plan.generator == Generator::Key { 0 } else { attempt });
        if let Generator::Parent { fk, position } = plan.generator {
            let foreign = &self.tables[table].foreign[fk];
            // A foreign key that points at another foreign key: follow it a few levels at most.
            let row = if depth > 8 { 0 } else { self.parent_row_attempt(table, fk, n, attempt) };
            if row == 0 {
                return out.put_i32(-1);
            }
            return self.write_value(model, foreign.parent, foreign.parent_columns[position], row, 0, depth + 1, out);
        }
        if plan.nulls > 0.0 && unit(mix(stream ^ 0x5eed)) < plan.nulls {
            return out.put_i32(-1);
        }
        let final_rows = self.final_rows[table].max(n);
        let value = if attempt >= INJECTIVE_AFTER && self.tables[table].guarded[column] {
            generate(&injective(&plan.generator), kind, n, stream, final_rows)
        } else {
            generate(&plan.generator, kind, n, stream, final_rows)
        };
        encode(kind, &value, stream, out);
    }

    fn parent_row_attempt(&self, table: usize, fk: usize, n: u64, attempt: u64) -> u64 {
        if attempt == 0 {
            return self.parent_row(table, fk, n);
        }
        let foreign = &self.tables[table].foreign[fk];
        if foreign.one_to_one {
            return n;
        }
        let parents = if foreign.self_reference { n - 1 } else { self.rows[foreign.parent] };
        if parents == 0 {
            return 0;
        }
        zipf(unit(self.stream(table, 0xf0 + fk as u64, n, attempt)), parents, self.skew)
    }

    fn stream(&self, table: usize, column: u64, n: u64, attempt: u64) -> u64 {
        mix(self.seed
            ^ self.tables[table].hash
            ^ mix(column.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ n)
            ^ attempt.wrapping_mul(0xd6e8_feb8_6659_fd93))
    }
}

fn plan_table(at: usize, table: &TableModel) -> Result<TablePlan, String> {
    let mut foreign = Vec::new();
    let mut columns: Vec<ColumnPlan> = table.columns.iter().map(|column| plan_column(table, column)).collect();
    for (index, fk) in table.foreign_keys.iter().enumerate() {
        let nullable = fk.columns.iter().any(|&c| !table.columns[c].not_null);
        let self_reference = fk.parent == at;
        // A key that references itself (`users.id -> users.id`) holds whatever the key holds.
        let to_itself = self_reference && fk.columns == fk.parent_columns;
        let one_to_one = table.is_unique(&fk.columns);
        // Optional relations are often unset; a self-reference is a forest, most rows roots.
        let nulls = match (nullable, self_reference) {
            (false, _) => 0.0,
            (true, true) => 0.7,
            (true, false) => 0.2,
        };
        for (position, &column) in fk.columns.iter().enumerate() {
            // A column in two foreign keys follows the first.
            if !to_itself && !matches!(columns[column].generator, Generator::Parent { .. }) {
                columns[column] = ColumnPlan { generator: Generator::Parent { fk: index, position }, nulls: 0.0 };
            }
        }
        foreign.push(ForeignPlan {
            parent: fk.parent,
            parent_columns: fk.parent_columns.clone(),
            one_to_one,
            self_reference,
            nulls,
        });
    }
    let mut copied = Vec::new();
    for (position, column) in table.columns.iter().enumerate() {
        if columns[position].generator == Generator::Skipped {
            if column.not_null && !column.has_default && !column.generated {
                return Err(format!(
                    "cannot fill {}.{}: its type {} has no generator, and it is NOT NULL without a default",
                    table.name, column.name, column.type_sql
                ));
            }
            continue;
        }
        copied.push(position);
    }
    let injective = |column: usize| match &columns[column].generator {
        Generator::Key
        | Generator::Email
        | Generator::Words { unique: true }
        | Generator::Slug
        | Generator::Url
        | Generator::Secret => true,
        &Generator::Parent { fk, .. } => foreign[fk].one_to_one,
        _ => false,
    };
    let guards: Vec<(Vec<usize>, HashSet<u64>)> = table
        .uniques
        .iter()
        .filter(|unique| !unique.iter().any(|&c| injective(c)) && unique.iter().all(|c| copied.contains(c)))
        .map(|unique| (unique.clone(), HashSet::new()))
        .collect();
    let mut guarded = vec![false; table.columns.len()];
    for guard in &guards {
        for &column in &guard.0 {
            guarded[column] = true;
        }
    }
    Ok(TablePlan { columns, foreign, copied, guards, guarded, hash: fnv(table.name.as_bytes()), dropped: 0 })
}

/// The variant of a generator that embeds the row number, where its type allows one.
fn injective(generator: &Generator) -> Generator {
    match generator {
        Generator::Words { .. } | Generator::Body | Generator::Label(_) => Generator::Words { unique: true },
        Generator::Money | Generator::Quantity | Generator::Counter | Generator::Number | Generator::Moment { .. } => {
            Generator::Key
        }
        other => other.clone(),
    }
}

fn plan_column(table: &TableModel, column: &ColumnModel) -> ColumnPlan {
    let position = table.columns.iter().position(|c| c.name == column.name).expect("the table's own column");
    let single_key = table.primary_key == [position];
    let unique = table.uniques.iter().any(|unique| unique == &[position]);
    let name = column.name.to_ascii_lowercase().replace('_', "");
    let has = |words: &[&str]| words.iter().any(|word| name.contains(word));
    let ends = |words: &[&str]| words.iter().any(|word| name.ends_with(word));
    let generator = if column.generated || column.kind == Kind::Other {
        Generator::Skipped
    } else if single_key || (unique && !matches!(column.kind, Kind::Text { .. } | Kind::Bool | Kind::Enum(_))) {
        Generator::Key
    } else {
        match &column.kind {
            Kind::Enum(labels) => Generator::Label(labels.clone()),
            Kind::Bool if has(&["active", "enabled", "verified", "published", "visible", "available"]) => {
                Generator::Flag { share_true: 0.8 }
            }
            Kind::Bool => Generator::Flag { share_true: 0.2 },
            Kind::Timestamp | Kind::Timestamptz | Kind::Date | Kind::Time => Generator::Moment {
                offset: if has(&["birth", "dob"]) {
                    Offset::Birth
                } else if has(&["expire", "due", "until", "ends", "scheduled", "deadline"]) {
                    Offset::Ahead
                } else if has(&[
                    "updated",
                    "modified",
                    "last",
                    "seen",
                    "deleted",
                    "archived",
                    "read",
                    "cancel",
                    "paid",
                    "shipped",
                    "completed",
                    "verified",
                ]) {
                    Offset::Later
                } else {
                    Offset::Created
                },
            },
            Kind::Text { .. } if has(&["email"]) => Generator::Email,
            Kind::Text { .. } if has(&["slug", "handle"]) => Generator::Slug,
            Kind::Text { .. } if has(&["url", "image", "avatar", "link", "website", "photo", "picture", "href"]) => {
                Generator::Url
            }
            Kind::Text { .. } if has(&["password", "hash", "token", "secret", "key", "salt"]) => Generator::Secret,
            Kind::Text { .. } if unique => Generator::Words { unique: true },
            Kind::Text { .. }
                if ends(&[
                    "status", "state", "role", "kind", "type", "category", "level", "plan", "tier", "provider",
                    "currency", "locale", "country",
                ]) =>
            {
                Generator::Label(vec!["active".into(), "pending".into(), "inactive".into(), "archived".into()])
            }
            Kind::Text { .. }
                if has(&[
                    "body",
                    "content",
                    "description",
                    "bio",
                    "text",
                    "message",
                    "comment",
                    "summary",
                    "note",
                    "markdown",
                    "html",
                ]) =>
            {
                Generator::Body
            }
            Kind::Text { .. } => Generator::Words { unique: false },
            Kind::Int2 | Kind::Int4 | Kind::Int8 | Kind::Numeric { .. } | Kind::Float4 | Kind::Float8 => {
                if has(&["price", "amount", "cents", "total", "cost", "balance", "revenue", "salary", "fee"]) {
                    Generator::Money
                } else if has(&["quantity", "qty"]) {
                    Generator::Quantity
                } else if has(&["count", "views", "likes", "score", "votes", "clicks", "visits", "downloads"]) {
                    Generator::Counter
                } else {
                    Generator::Number
                }
            }
            Kind::Uuid => Generator::Key,
            Kind::Json | Kind::Jsonb => Generator::Document,
            Kind::Interval => Generator::Number,
            Kind::Inet => Generator::Address,
            Kind::Bytea => Generator::Blob,
            Kind::Array { .. } => Generator::Words { unique: false },
            Kind::Other => Generator::Skipped,
        }
    };
    let nulls = if column.not_null || matches!(generator, Generator::Key | Generator::Skipped) {
        0.0
    } else if matches!(generator, Generator::Moment { offset: Offset::Later })
        && has(&["deleted", "archived", "cancel", "read"])
    {
        // Soft deletes and read receipts: most rows have none.
        0.9
    } else {
        0.1
    };
    ColumnPlan { generator, nulls }
}

/// A value before encoding.
enum Value {
    Int(i64),
    Float(f64),
    /// `units / 10^scale`.
    Decimal(i64, u32),
    Bool(bool),
    Text(String),
    Uuid([u8; 16]),
    /// Microseconds since 2000-01-01.
    Micros(i64),
    Json(String),
    Bytes(Vec<u8>),
    Words(Vec<String>),
}

const WORDS: &[&str] = &[
    "alpha", "amber", "anchor", "apple", "arrow", "atlas", "autumn", "basil", "beacon", "birch", "blue", "bolt",
    "breeze", "bright", "cactus", "canyon", "cedar", "cherry", "cloud", "cobalt", "comet", "coral", "cotton",
    "crystal", "dawn", "delta", "dune", "eagle", "echo", "ember", "falcon", "fern", "field", "flint", "forest",
    "frost", "garden", "ginger", "glacier", "golden", "granite", "harbor", "hazel", "horizon", "indigo", "iris",
    "island", "ivory", "jade", "jasper", "juniper", "lagoon", "lantern", "lemon", "linen", "lotus", "maple", "marble",
    "meadow", "mint", "moss", "nectar", "nova", "oak", "ocean", "olive", "onyx", "orbit", "pebble", "pepper", "pine",
    "plum", "prairie", "quartz", "rain", "raven", "reef", "river", "rose", "ruby", "sage", "sand", "shadow", "silver",
    "sky", "slate", "snow", "spring", "spruce", "star", "stone", "storm", "summit", "sun", "thunder", "tide", "timber",
    "topaz", "valley", "velvet", "willow", "winter", "zephyr",
];

fn generate(generator: &Generator, kind: &Kind, n: u64, stream: u64, final_rows: u64) -> Value {
    let pick = |salt: u64| WORDS[(mix(stream ^ salt) % WORDS.len() as u64) as usize];
    let text = match generator {
        Generator::Key => {
            return match kind {
                Kind::Uuid => Value::Uuid(uuid(mix(stream ^ n))),
                // Like a cuid, or the row number in base 36 where the column is too short for one.
                Kind::Text { max_chars: Some(max) } if *max < 25 => Value::Text(base36(n)),
                Kind::Text { .. } => Value::Text(format!("c{n:010x}{:014x}", mix(n ^ 0xc0ffee) & 0xff_ffff_ffff_ffff)),
                // A millisecond apart, a day apart for dates, a microsecond apart in a day.
                Kind::Timestamp | Kind::Timestamptz => Value::Micros(END_MICROS - YEAR_MICROS + n as i64 * 1000),
                Kind::Date => Value::Micros(END_MICROS - YEAR_MICROS + n as i64 * 86_400_000_000),
                Kind::Time => Value::Micros(n as i64),
                Kind::Float4 | Kind::Float8 => Value::Float(n as f64),
                Kind::Numeric { .. } => Value::Decimal(n as i64, 0),
                _ => Value::Int(n as i64),
            };
        }
        Generator::Email => format!("user{n}@example.com"),
        Generator::Slug => format!("{}-{}-{n}", pick(1), pick(2)),
        Generator::Url => format!("https://example.com/i/{n}.jpg"),
        Generator::Secret => format!("{:016x}{:016x}{n:x}", mix(stream ^ 3), mix(stream ^ 4)),
        Generator::Words { unique } => {
            if let Kind::Array { .. } = kind {
                let count = mix(stream ^ 9) % 4;
                return Value::Words((0..count).map(|at| pick(10 + at).to_owned()).collect());
            }
            let mut text = pick(1).to_owned();
            if mix(stream ^ 7).is_multiple_of(2) {
                text.push(' ');
                text.push_str(pick(2));
            }
            if *unique {
                let _ = write!(text, " {n}");
            }
            text
        }
        Generator::Body => {
            // Log-normal length, median 200 characters, capped below the TOAST threshold's reach.
            let length = (200.0 * (0.8 * normal(stream)).exp()).clamp(20.0, 2000.0) as usize;
            let mut text = String::with_capacity(length + 12);
            let mut salt = 100;
            while text.len() < length {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(pick(salt));
                salt += 1;
            }
            text
        }
        Generator::Label(labels) => skewed(labels, stream).to_owned(),
        Generator::Flag { share_true } => return Value::Bool(unit(stream) < *share_true),
        Generator::Money => {
            // Log-normal, median 20.00, in cents.
            let cents = (2000.0 * (1.2 * normal(stream)).exp()).clamp(1.0, 10_000_000.0) as i64;
            return number(kind, cents, 2);
        }
        Generator::Quantity => return number(kind, 1 + (mix(stream) % 5) as i64, 0),
        Generator::Counter => return number(kind, zipf(unit(stream), 10_000, 1.0) as i64 - 1, 0),
        Generator::Number => return number(kind, (mix(stream) % 1000) as i64, 0),
        Generator::Moment { offset } => {
            let created = END_MICROS - YEAR_MICROS + (n as f64 / final_rows as f64 * YEAR_MICROS as f64) as i64
                - (mix(stream ^ 11) % 86_400_000_000) as i64;
            let day = 86_400_000_000i64;
            let micros = match offset {
                Offset::Created => created,
                Offset::Later => (created + (mix(stream ^ 12) % (30 * day as u64)) as i64).min(END_MICROS),
                Offset::Ahead => created + (mix(stream ^ 13) % (60 * day as u64)) as i64,
                Offset::Birth => -(20 * 365 * day) + (mix(stream ^ 14) % (40 * 365 * day as u64)) as i64,
            };
            return Value::Micros(micros);
        }
        Generator::Document => return Value::Json(format!("{{\"k\": {n}, \"tag\": \"{}\"}}", pick(5))),
        Generator::Blob => return Value::Bytes(mix(stream).to_be_bytes().to_vec()),
        Generator::Address => {
            let host = mix(stream ^ 15).to_be_bytes();
            return Value::Bytes(vec![10, host[0], host[1], host[2].max(1)]);
        }
        Generator::Parent { .. } | Generator::Skipped => {
            unreachable!("foreign keys and skipped columns are not generated")
        }
    };
    // A unique value too long for its column would lose its row number to the cut: the row
    // number alone, in base 36, keeps it unique (4 characters hold 1.6M rows).
    let unique = matches!(
        generator,
        Generator::Email | Generator::Slug | Generator::Url | Generator::Secret | Generator::Words { unique: true }
    );
    if let Kind::Text { max_chars: Some(max) } = kind
        && unique
        && text.chars().count() > *max
    {
        return Value::Text(base36(n));
    }
    Value::Text(text)
}

/// An integer-valued generator in the column's numeric type; `scale` is the decimals it means.
fn number(kind: &Kind, units: i64, scale: u32) -> Value {
    let whole = units / 10i64.pow(scale);
    match kind {
        Kind::Numeric { precision, scale: column_scale } => {
            // Keep inside numeric(p, s): at most p - s digits before the point.
            let limit =
                precision.map(|p| 10i64.saturating_pow(p.saturating_sub(*column_scale)) - 1).unwrap_or(i64::MAX);
            let units = if whole > limit { limit * 10i64.pow(scale) } else { units };
            Value::Decimal(units, scale)
        }
        Kind::Float4 | Kind::Float8 => Value::Float(units as f64 / 10f64.powi(scale as i32)),
        // A duration of that many minutes.
        Kind::Interval => Value::Micros(units * 60_000_000),
        // Integer money columns are cents already.
        Kind::Int2 => Value::Int(units.min(i16::MAX as i64)),
        _ => Value::Int(units),
    }
}

/// Writes one field: its length, then its bytes in the type's binary format.
fn encode(kind: &Kind, value: &Value, stream: u64, out: &mut BytesMut) {
    let length_at = out.len();
    out.put_i32(0);
    match (kind, value) {
        (Kind::Int2, Value::Int(v)) => out.put_i16(*v as i16),
        (Kind::Int4, Value::Int(v)) => out.put_i32(*v as i32),
        (Kind::Int8, Value::Int(v)) => out.put_i64(*v),
        (Kind::Float4, Value::Float(v)) => out.put_f32(*v as f32),
        (Kind::Float8, Value::Float(v)) => out.put_f64(*v),
        (Kind::Numeric { .. }, Value::Decimal(units, scale)) => put_numeric(out, *units, *scale),
        (Kind::Numeric { .. }, Value::Int(v)) => put_numeric(out, *v, 0),
        (Kind::Bool, Value::Bool(v)) => out.put_u8(u8::from(*v)),
        (Kind::Text { max_chars }, Value::Text(text)) => put_text(out, text, *max_chars),
        (Kind::Enum(labels), Value::Text(text)) => {
            // A text generator on an enum column (a label-like name): any label will do.
            let label = if labels.contains(text) { text.as_str() } else { skewed(labels, stream) };
            out.put_slice(label.as_bytes());
        }
        (Kind::Uuid, Value::Uuid(bytes)) => out.put_slice(bytes),
        (Kind::Timestamp | Kind::Timestamptz, Value::Micros(micros)) => out.put_i64(*micros),
        (Kind::Date, Value::Micros(micros)) => out.put_i32(micros.div_euclid(86_400_000_000) as i32),
        (Kind::Time, Value::Micros(micros)) => out.put_i64(micros.rem_euclid(86_400_000_000)),
        (Kind::Json, Value::Json(text)) => out.put_slice(text.as_bytes()),
        (Kind::Jsonb, Value::Json(text)) => {
            out.put_u8(1);
            out.put_slice(text.as_bytes());
        }
        (Kind::Bytea, Value::Bytes(bytes)) => out.put_slice(bytes),
        (Kind::Interval, Value::Micros(micros)) => {
            out.put_i64(*micros);
            out.put_i32(0);
            out.put_i32(0);
        }
        // PostgreSQL's own address family number for IPv4, 32 bits, not a cidr, 4 bytes.
        (Kind::Inet, Value::Bytes(bytes)) => {
            out.put_slice(&[2, 32, 0, 4]);
            out.put_slice(bytes);
        }
        (Kind::Array { element, element_oid }, value) => put_array(out, element, *element_oid, value, stream),
        // Every generator above matches its kind; anything else is a planning bug, written as NULL.
        _ => {
            out.truncate(length_at);
            return out.put_i32(-1);
        }
    }
    let length = (out.len() - length_at - 4) as i32;
    out[length_at..length_at + 4].copy_from_slice(&length.to_be_bytes());
}

fn put_text(out: &mut BytesMut, text: &str, max_chars: Option<usize>) {
    match max_chars {
        Some(max) if text.chars().count() > max => {
            // Keep the end, where unique generators put the row number.
            let skip = text.chars().count() - max;
            let start = text.char_indices().nth(skip).map_or(text.len(), |(at, _)| at);
            out.put_slice(&text.as_bytes()[start..]);
        }
        _ => out.put_slice(text.as_bytes()),
    }
}

/// A one-dimensional array: dimensions, flags, element type, then each element as a field.
fn put_array(out: &mut BytesMut, element: &Kind, element_oid: u32, value: &Value, stream: u64) {
    let elements: Vec<Value> = match (element, value) {
        (Kind::Text { .. } | Kind::Enum(_), Value::Words(words)) => {
            words.iter().map(|w| Value::Text(w.clone())).collect()
        }
        (Kind::Int2 | Kind::Int4 | Kind::Int8, Value::Words(words)) => {
            (0..words.len() as i64).map(Value::Int).collect()
        }
        _ => Vec::new(),
    };
    out.put_i32(i32::from(!elements.is_empty()));
    out.put_i32(0);
    out.put_u32(element_oid);
    if !elements.is_empty() {
        out.put_i32(elements.len() as i32);
        out.put_i32(1);
        for value in &elements {
            encode(element, value, stream, out);
        }
    }
}

/// PostgreSQL's binary numeric: base-10000 digits, the weight of the first, sign, display scale.
fn put_numeric(out: &mut BytesMut, units: i64, scale: u32) {
    let negative = units < 0;
    let digits = units.unsigned_abs().to_string();
    let scale = scale as usize;
    let (whole, fraction) = if digits.len() > scale {
        (digits[..digits.len() - scale].to_owned(), digits[digits.len() - scale..].to_owned())
    } else {
        (String::new(), format!("{digits:0>scale$}"))
    };
    let whole = format!("{}{whole}", "0".repeat((4 - whole.len() % 4) % 4));
    let fraction = format!("{fraction}{}", "0".repeat((4 - fraction.len() % 4) % 4));
    let mut groups: Vec<i16> = whole
        .as_bytes()
        .chunks(4)
        .chain(fraction.as_bytes().chunks(4))
        .map(|chunk| std::str::from_utf8(chunk).unwrap().parse().unwrap())
        .collect();
    let mut weight = (whole.len() / 4) as i16 - 1;
    while groups.first() == Some(&0) {
        groups.remove(0);
        weight -= 1;
    }
    while groups.last() == Some(&0) {
        groups.pop();
    }
    if groups.is_empty() {
        weight = 0;
    }
    out.put_i16(groups.len() as i16);
    out.put_i16(weight);
    out.put_u16(if negative && !groups.is_empty() { 0x4000 } else { 0 });
    out.put_i16(scale as i16);
    for group in groups {
        out.put_i16(group);
    }
}

/// A value's text as COPY would print it, for the parameters of measured queries.
fn decode_text(kind: &Kind, bytes: &[u8]) -> String {
    let be = |at: usize, len: usize| bytes[at..at + len].iter().fold(0i64, |acc, b| (acc << 8) | i64::from(*b));
    match kind {
        Kind::Int2 => (be(0, 2) as i16).to_string(),
        Kind::Int4 => (be(0, 4) as i32).to_string(),
        Kind::Int8 => be(0, 8).to_string(),
        Kind::Bool => (bytes[0] == 1).to_string(),
        Kind::Uuid => {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
        }
        Kind::Timestamp | Kind::Timestamptz => timestamp_text(be(0, 8)),
        Kind::Date => timestamp_text(i64::from(be(0, 4) as i32) * 86_400_000_000)[..10].to_owned(),
        Kind::Time => timestamp_text(be(0, 8))[11..].to_owned(),
        Kind::Interval => format!("{} microseconds", be(0, 8)),
        Kind::Inet => bytes[4..].iter().map(u8::to_string).collect::<Vec<_>>().join("."),
        Kind::Jsonb => String::from_utf8_lossy(&bytes[1..]).into_owned(),
        Kind::Float8 => f64::from_bits(be(0, 8) as u64).to_string(),
        Kind::Float4 => f32::from_bits(be(0, 4) as u32).to_string(),
        Kind::Numeric { .. } => numeric_text(bytes),
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// `2025-03-14 09:26:53.589793` (UTC) from microseconds since 2000-01-01.
fn timestamp_text(micros: i64) -> String {
    let days = micros.div_euclid(86_400_000_000);
    let micros_of_day = micros.rem_euclid(86_400_000_000);
    // Howard Hinnant's civil_from_days, shifted from 1970 to 2000 (10957 days).
    let z = days + 10957 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let seconds = micros_of_day / 1_000_000;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{:06}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        micros_of_day % 1_000_000
    )
}

fn numeric_text(bytes: &[u8]) -> String {
    let word = |at: usize| i16::from_be_bytes([bytes[at], bytes[at + 1]]);
    let (count, weight, sign) = (word(0) as usize, word(2) as i32, word(4) as u16);
    let mut value = 0f64;
    for at in 0..count {
        value += f64::from(word(8 + at * 2)) * 10000f64.powi(weight - at as i32);
    }
    if sign == 0x4000 { format!("-{value}") } else { value.to_string() }
}

/// One of `labels`, the first for about 60% of rows, the rest geometrically rarer.
fn skewed(labels: &[String], stream: u64) -> &str {
    let mut u = unit(mix(stream ^ 0x1abe1));
    for label in labels {
        if u < 0.6 {
            return label;
        }
        u = (u - 0.6) / 0.4;
    }
    labels.last().map_or("", String::as_str)
}

/// A rank in `1..=count` with Zipf-like skew `s`: the continuous inverse CDF, O(1) per draw.
pub fn zipf(u: f64, count: u64, s: f64) -> u64 {
    let n = count as f64;
    let rank = if (s - 1.0).abs() < 1e-9 {
        (n + 1.0).powf(u)
    } else if s <= 0.0 {
        1.0 + u * n
    } else {
        let a = (n + 1.0).powf(1.0 - s) - 1.0;
        (1.0 + u * a).powf(1.0 / (1.0 - s))
    };
    (rank.floor() as u64).clamp(1, count)
}

fn base36(mut n: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).expect("ASCII digits")
}

/// A uniform number in [0, 1) from a hash.
fn unit(hash: u64) -> f64 {
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// A standard normal draw (Box-Muller) from a hash.
fn normal(stream: u64) -> f64 {
    let u1 = unit(mix(stream ^ 0xb0)).max(1e-12);
    let u2 = unit(mix(stream ^ 0xb1));
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn uuid(hash: u64) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hash.to_be_bytes());
    bytes[8..].copy_from_slice(&mix(hash).to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    bytes
}

/// splitmix64's finaliser: a well-mixed 64-bit hash of a 64-bit input.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ColumnModel, ForeignKeyModel, Kind, Model, TableModel};

    fn column(name: &str, kind: Kind, not_null: bool) -> ColumnModel {
        ColumnModel {
            name: name.to_owned(),
            type_sql: String::new(),
            kind,
            not_null,
            has_default: false,
            generated: false,
            sequence: None,
        }
    }

    fn table(name: &str, columns: Vec<ColumnModel>, uniques: Vec<Vec<usize>>) -> TableModel {
        TableModel {
            schema: "public".to_owned(),
            name: name.to_owned(),
            partitioned: false,
            columns,
            primary_key: vec![0],
            uniques,
            keys: Vec::new(),
            foreign_keys: Vec::new(),
            secondary_indexes: Vec::new(),
            checks: Vec::new(),
        }
    }

    /// users(id, email unique, status enum), posts(id, author_id -> users, created_at).
    fn model() -> Model {
        let users = table(
            "users",
            vec![
                column("id", Kind::Int4, true),
                column("email", Kind::Text { max_chars: None }, true),
                column("status", Kind::Enum(vec!["active".into(), "banned".into()]), true),
            ],
            vec![vec![0], vec![1]],
        );
        let mut posts = table(
            "posts",
            vec![
                column("id", Kind::Uuid, true),
                column("author_id", Kind::Int4, true),
                column("created_at", Kind::Timestamptz, true),
            ],
            vec![vec![0]],
        );
        posts.foreign_keys.push(ForeignKeyModel {
            name: "posts_author_id_fkey".into(),
            columns: vec![1],
            parent: 0,
            parent_columns: vec![0],
            sql: String::new(),
        });
        Model { schema: "public".into(), tables: vec![users, posts] }
    }

    fn rows(seed: u64) -> BytesMut {
        let model = model();
        let mut synth = Synth::new(&model, seed, DEFAULT_SKEW, vec![100, 1_000]).unwrap();
        synth.set_rows(&[100, 1_000]);
        let mut out = BytesMut::new();
        for n in 1..=50 {
            synth.write_row(&model, 1, n, &mut out);
        }
        out
    }

    #[test]
    fn the_same_seed_gives_the_same_rows_and_another_seed_others() {
        assert_eq!(rows(7), rows(7));
        assert_ne!(rows(7), rows(8));
    }

    #[test]
    fn a_foreign_key_holds_the_key_its_parent_row_has() {
        let model = model();
        let mut synth = Synth::new(&model, 1, DEFAULT_SKEW, vec![100, 1_000]).unwrap();
        synth.set_rows(&[100, 1_000]);
        for n in 1..=200 {
            let parent = synth.parent_row(1, 0, n);
            assert!((1..=100).contains(&parent));
            assert_eq!(synth.text_value(&model, 1, 1, n), synth.text_value(&model, 0, 0, parent));
        }
        assert_eq!(synth.text_value(&model, 0, 1, 42).unwrap(), "user42@example.com");
        let status = synth.text_value(&model, 0, 2, 3).unwrap();
        assert!(status == "active" || status == "banned");
    }

    #[test]
    fn zipf_skew_makes_a_few_parents_hot_without_leaving_most_empty() {
        // 1k parents with 10 children each at s = 0.8: the measured shares were 5.3% for the
        // hottest parent and 1% of parents with none.
        let parents = 1_000u64;
        let mut counts = vec![0u32; parents as usize + 1];
        for n in 0..parents * 10 {
            counts[zipf(unit(mix(n)), parents, DEFAULT_SKEW) as usize] += 1;
        }
        let top = counts[1] as f64 / (parents * 10) as f64;
        assert!((0.04..=0.066).contains(&top), "hottest parent's share {top}");
        let empty = counts[1..].iter().filter(|c| **c == 0).count() as f64 / parents as f64;
        assert!(empty < 0.05, "{empty} of parents have no child");
        assert_eq!(zipf(0.0, 5, 1.0), 1);
        assert_eq!(zipf(0.999_999, 5, 0.0), 5);
    }

    #[test]
    fn numerics_are_written_in_base_10000_with_their_scale() {
        for (units, scale, text) in
            [(12_345, 2, "123.45"), (0, 2, "0"), (100_000_000, 0, "100000000"), (-705, 1, "-70.5")]
        {
            let mut out = BytesMut::new();
            put_numeric(&mut out, units, scale);
            assert_eq!(numeric_text(&out), text, "{units} / 10^{scale}");
            assert_eq!(u16::from_be_bytes([out[6], out[7]]), scale as u16);
        }
    }

    #[test]
    fn timestamps_print_as_postgresql_reads_them() {
        assert_eq!(timestamp_text(0), "2000-01-01 00:00:00.000000");
        assert_eq!(timestamp_text(END_MICROS), "2026-01-01 00:00:00.000000");
        assert_eq!(timestamp_text(-86_400_000_000 + 1_500_000), "1999-12-31 00:00:01.500000");
        assert_eq!(timestamp_text(60 * 86_400_000_000), "2000-03-01 00:00:00.000000");
    }

    #[test]
    fn a_unique_value_too_long_for_its_column_becomes_its_row_number() {
        let kind = Kind::Text { max_chars: Some(4) };
        for n in [9_999u64, 19_999, 1_000_000] {
            let Value::Text(text) = generate(&Generator::Words { unique: true }, &kind, n, mix(n), 1_000_000) else {
                panic!("text")
            };
            assert!(text.len() <= 4, "{text}");
            assert_eq!(u64::from_str_radix(&text, 36).unwrap(), n);
        }
    }

    #[test]
    fn text_longer_than_its_column_keeps_its_unique_end() {
        let mut out = BytesMut::new();
        put_text(&mut out, "tag 123456", Some(6));
        assert_eq!(&out[..], b"123456");
    }
}
