//! The scratch database's schema as the loader needs it, read back from the catalog after the
//! app's schema was applied. Whatever the source (migrations, DDL from models, a dump), the
//! synthesis is driven by what PostgreSQL actually holds: one code path, exact types.

use crate::db::Db;

#[derive(Debug, Clone)]
pub struct Model {
    /// The scratch schema, where the app's tables are.
    pub schema: String,
    pub tables: Vec<TableModel>,
}

#[derive(Debug, Clone)]
pub struct TableModel {
    /// The scratch schema, or another one a foreign key reaches (Supabase's `auth.users`): such a
    /// parent is filled too, so that its children's keys exist.
    pub schema: String,
    pub name: String,
    /// A partitioned table: COPY routes its rows to the partitions, and cannot `FREEZE` them.
    pub partitioned: bool,
    pub columns: Vec<ColumnModel>,
    /// Column positions (into `columns`) of the primary key.
    pub primary_key: Vec<usize>,
    /// Every unique constraint and unique index on plain columns, the primary key included.
    pub uniques: Vec<Vec<usize>>,
    /// The primary key and unique constraints, dropped during a load like the indexes: a key
    /// checked row by row doubles the cost of a COPY.
    pub keys: Vec<Definition>,
    pub foreign_keys: Vec<ForeignKeyModel>,
    /// Indexes that are not constraints, and non-unique ones: dropped during a load and rebuilt
    /// after, which is faster than maintaining them row by row.
    pub secondary_indexes: Vec<Definition>,
    /// Check constraints, dropped during a load and re-added `NOT VALID` after.
    pub checks: Vec<Definition>,
}

impl Model {
    /// The app's table `name` (in the scratch schema, not a parent elsewhere).
    pub fn table(&self, name: &str) -> Option<usize> {
        self.tables.iter().position(|table| table.schema == self.schema && table.name == name)
    }
}

impl TableModel {
    /// `"schema"."name"`.
    pub fn sql_name(&self) -> String {
        ceiling_facts::catalog::sql_name(&self.schema, &self.name)
    }

    /// Whether some unique constraint is exactly `columns` (in any order).
    pub fn is_unique(&self, columns: &[usize]) -> bool {
        self.uniques.iter().any(|unique| unique.len() == columns.len() && unique.iter().all(|c| columns.contains(c)))
    }
}

#[derive(Debug, Clone)]
pub struct Definition {
    pub name: String,
    /// `pg_get_indexdef` / `pg_get_constraintdef`.
    pub sql: String,
}

#[derive(Debug, Clone)]
pub struct ColumnModel {
    pub name: String,
    /// `format_type`: `character varying(255)`, `"OrderStatus"`.
    pub type_sql: String,
    pub kind: Kind,
    pub not_null: bool,
    /// A default or identity that PostgreSQL fills when the column is left out of a COPY.
    pub has_default: bool,
    /// Generated (`GENERATED ALWAYS AS (...) STORED`): PostgreSQL computes it; never copied.
    pub generated: bool,
    /// The sequence behind a serial or identity column, moved past the loaded keys after a load.
    pub sequence: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ForeignKeyModel {
    pub name: String,
    pub columns: Vec<usize>,
    /// Index into `Model::tables`.
    pub parent: usize,
    pub parent_columns: Vec<usize>,
    /// `pg_get_constraintdef`, to re-add it after the load.
    pub sql: String,
}

/// A column type as the binary COPY encoder knows it.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric {
        precision: Option<u32>,
        scale: u32,
    },
    Bool,
    /// text, varchar(n), char(n), citext, name: UTF-8 on the wire.
    Text {
        max_chars: Option<usize>,
    },
    Enum(Vec<String>),
    Uuid,
    Timestamp,
    Timestamptz,
    Date,
    Time,
    /// A duration: microseconds, days and months on the wire.
    Interval,
    /// An IPv4 address (`inet`, `cidr`).
    Inet,
    Json,
    Jsonb,
    Bytea,
    /// A one-dimensional array of a supported element type.
    Array {
        element: Box<Kind>,
        element_oid: u32,
    },
    /// A type the encoder cannot write: such a column is left to its default or NULL.
    Other,
}

/// The tables of the schema, and those their foreign keys reference elsewhere.
const TABLES: &str = "(
  select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = $1 and c.relkind in ('r', 'p') and not c.relispartition
  union
  select k.confrelid from pg_constraint k join pg_class c on c.oid = k.conrelid
   join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and k.contype = 'f')";

const COLUMNS: &str = "
select n.nspname::text, c.relname::text, a.attnum::int4, a.attname::text, format_type(a.atttypid, a.atttypmod),
       a.attnotnull, a.atthasdef or a.attidentity <> '', a.attgenerated <> '',
       pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname),
       coalesce(nullif(t.typbasetype, 0), t.oid)::oid::int8, coalesce(nullif(a.atttypmod, -1), t.typtypmod),
       c.relkind = 'p'
from pg_attribute a
join pg_class c on c.oid = a.attrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_type t on t.oid = a.atttypid
where c.oid in $TABLES and a.attnum > 0 and not a.attisdropped
order by n.nspname <> $1, n.nspname, c.relname, a.attnum";

/// Type names and enum labels by oid, for every type a column of the schema uses.
const TYPES: &str = "
select t.oid::int8, t.typname::text, t.typtype::text, t.typelem::int8,
       array(select e.enumlabel::text from pg_enum e where e.enumtypid = t.oid order by e.enumsortorder)
from pg_type t
where t.oid in (select coalesce(nullif(t2.typbasetype, 0), t2.oid) from pg_attribute a
                join pg_type t2 on t2.oid = a.atttypid where a.attrelid in $TABLES and a.attnum > 0)
   or t.oid in (select t3.typelem from pg_type t3 join pg_attribute a on a.atttypid = t3.oid
                where a.attrelid in $TABLES and a.attnum > 0)";

const CONSTRAINTS: &str = "
select n.nspname::text, c.relname::text, k.conname::text, k.contype::text, k.conkey::int4[],
       coalesce(k.confkey, '{}')::int4[], coalesce(pn.nspname, '')::text, coalesce(p.relname, '')::text,
       pg_get_constraintdef(k.oid)
from pg_constraint k
join pg_class c on c.oid = k.conrelid
join pg_namespace n on n.oid = c.relnamespace
left join pg_class p on p.oid = k.confrelid
left join pg_namespace pn on pn.oid = p.relnamespace
where c.oid in $TABLES and k.contype in ('p', 'u', 'f', 'c')
order by n.nspname, c.relname, k.contype, k.conname";

/// Indexes that no constraint owns; unique ones on plain columns also count as uniques.
const INDEXES: &str = "
select n.nspname::text, c.relname::text, i.relname::text, x.indisunique and x.indpred is null and x.indexprs is null,
       x.indkey::int2[]::int4[], pg_get_indexdef(x.indexrelid)
from pg_index x
join pg_class i on i.oid = x.indexrelid
join pg_class c on c.oid = x.indrelid
join pg_namespace n on n.oid = c.relnamespace
where c.oid in $TABLES and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid)
order by n.nspname, c.relname, i.relname";

pub fn read(db: &Db, schema: &str) -> Result<Model, String> {
    let param = |sql: &str| sql.replace("$TABLES", TABLES).replace("$1", &format!("'{}'", schema.replace('\'', "''")));
    let types: Vec<(i64, String, String, i64, Vec<String>)> = db
        .query(&param(TYPES))?
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)))
        .collect();
    let mut tables: Vec<TableModel> = Vec::new();
    // Column numbers (attnum) per table, to map constraint keys to positions.
    let mut attnums: Vec<Vec<i32>> = Vec::new();
    for row in db.query(&param(COLUMNS))? {
        let (table_schema, table): (String, String) = (row.get(0), row.get(1));
        if tables.last().is_none_or(|last| last.name != table || last.schema != table_schema) {
            tables.push(TableModel {
                schema: table_schema,
                name: table,
                partitioned: row.get(11),
                columns: Vec::new(),
                primary_key: Vec::new(),
                uniques: Vec::new(),
                keys: Vec::new(),
                foreign_keys: Vec::new(),
                secondary_indexes: Vec::new(),
                checks: Vec::new(),
            });
            attnums.push(Vec::new());
        }
        let type_oid: i64 = row.get(9);
        let typmod: i32 = row.get(10);
        let column = ColumnModel {
            name: row.get(3),
            type_sql: row.get(4),
            kind: kind_of(type_oid, typmod, &types),
            not_null: row.get(5),
            has_default: row.get(6),
            generated: row.get(7),
            sequence: row.get(8),
        };
        tables.last_mut().expect("pushed above").columns.push(column);
        attnums.last_mut().expect("pushed above").push(row.get(2));
    }
    let position = |tables: &[TableModel], schema: &str, name: &str| {
        tables.iter().position(|table| table.schema == schema && table.name == name)
    };
    let columns_of = |table: usize, keys: &[i32]| -> Option<Vec<usize>> {
        keys.iter().map(|key| attnums[table].iter().position(|attnum| attnum == key)).collect()
    };
    for row in db.query(&param(CONSTRAINTS))? {
        let Some(at) = position(&tables, row.get(0), row.get(1)) else { continue };
        let name: String = row.get(2);
        let kind: String = row.get(3);
        let keys: Vec<i32> = row.get(4);
        let sql: String = row.get(8);
        let Some(columns) = columns_of(at, &keys) else { continue };
        match kind.as_str() {
            "p" => {
                tables[at].primary_key = columns.clone();
                tables[at].uniques.push(columns);
                tables[at].keys.push(Definition { name, sql });
            }
            "u" => {
                tables[at].uniques.push(columns);
                tables[at].keys.push(Definition { name, sql });
            }
            "c" => tables[at].checks.push(Definition { name, sql }),
            _ => {
                let Some(parent) = position(&tables, row.get(6), row.get(7)) else { continue };
                let parent_keys: Vec<i32> = row.get(5);
                let Some(parent_columns) = columns_of(parent, &parent_keys) else { continue };
                tables[at].foreign_keys.push(ForeignKeyModel { name, columns, parent, parent_columns, sql });
            }
        }
    }
    for row in db.query(&param(INDEXES))? {
        let Some(at) = position(&tables, row.get(0), row.get(1)) else { continue };
        let unique: bool = row.get(3);
        let keys: Vec<i32> = row.get(4);
        if unique && let Some(columns) = columns_of(at, &keys) {
            tables[at].uniques.push(columns);
        }
        tables[at].secondary_indexes.push(Definition { name: row.get(2), sql: row.get(5) });
    }
    Ok(Model { schema: schema.to_owned(), tables })
}

fn kind_of(oid: i64, typmod: i32, types: &[(i64, String, String, i64, Vec<String>)]) -> Kind {
    let Some((_, name, typtype, element, labels)) = types.iter().find(|entry| entry.0 == oid) else {
        return Kind::Other;
    };
    if typtype == "e" {
        return Kind::Enum(labels.clone());
    }
    // varchar(n) and char(n) carry n + 4 in their typmod; numeric carries (precision << 16 | scale) + 4.
    let modifier = (typmod >= 4).then(|| (typmod - 4) as u32);
    match name.as_str() {
        "int2" => Kind::Int2,
        "int4" => Kind::Int4,
        "int8" => Kind::Int8,
        "float4" => Kind::Float4,
        "float8" => Kind::Float8,
        "numeric" => Kind::Numeric { precision: modifier.map(|m| m >> 16), scale: modifier.map_or(2, |m| m & 0xffff) },
        "bool" => Kind::Bool,
        "text" | "citext" | "name" => Kind::Text { max_chars: None },
        "varchar" | "bpchar" => Kind::Text { max_chars: modifier.map(|m| m as usize) },
        "uuid" => Kind::Uuid,
        "timestamp" => Kind::Timestamp,
        "timestamptz" => Kind::Timestamptz,
        "date" => Kind::Date,
        "time" => Kind::Time,
        "interval" => Kind::Interval,
        "inet" | "cidr" => Kind::Inet,
        "json" => Kind::Json,
        "jsonb" => Kind::Jsonb,
        "bytea" => Kind::Bytea,
        _ if *element != 0 && name.starts_with('_') => match kind_of(*element, -1, types) {
            Kind::Other | Kind::Array { .. } => Kind::Other,
            kind => Kind::Array { element: Box::new(kind), element_oid: *element as u32 },
        },
        _ => Kind::Other,
    }
}
