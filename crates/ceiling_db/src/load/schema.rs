//! Tables, columns, indexes and foreign keys, with their usage statistics.

use ceiling_facts::catalog::{Catalog, Column, ForeignKey, Index, PLATFORM_SCHEMAS, RelationKind, Table, TableStats};

use super::{SYSTEM_SCHEMAS, oid, read};
use crate::session::Session;

/// Sizes come from `relpages`, not `pg_relation_size()`, which would wait for the lock of a table
/// being altered.
fn tables_sql() -> String {
    format!(
        "select c.oid::int8, n.nspname::text, c.relname::text, c.relkind::text, c.reltuples::float8, \
         c.relpages::int8 * current_setting('block_size')::int8, c.relispartition, c.relrowsecurity, \
         exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid \
                 and d.deptype = 'e'), \
         coalesce(s.seq_scan, 0)::int8, coalesce(s.seq_tup_read, 0)::int8, coalesce(s.idx_scan, 0)::int8, \
         coalesce(s.idx_tup_fetch, 0)::int8, coalesce(s.n_live_tup, 0)::int8, coalesce(s.n_dead_tup, 0)::int8, \
         s.last_autovacuum::text, coalesce(s.autovacuum_count, 0)::int8, \
         coalesce(io.heap_blks_hit, 0)::int8, coalesce(io.heap_blks_read, 0)::int8, \
         coalesce(io.idx_blks_hit, 0)::int8, coalesce(io.idx_blks_read, 0)::int8, \
         w.width, c.relnatts::int8, \
         coalesce((select substr(o, 12)::int8 from unnest(c.reloptions) o where o like 'fillfactor=%'), 100), \
         coalesce('autovacuum_enabled=false' = any(c.reloptions), false) \
         from pg_class c join pg_namespace n on n.oid = c.relnamespace \
         left join (select s.schemaname, s.tablename, sum((1 - s.null_frac) * s.avg_width)::float8 as width \
                    from pg_stats s where not s.inherited group by 1, 2) w \
           on w.schemaname = n.nspname and w.tablename = c.relname \
         left join pg_stat_user_tables s on s.relid = c.oid \
         left join pg_statio_user_tables io on io.relid = c.oid \
         where c.relkind in ('r', 'p', 'v', 'm', 'f') and {SYSTEM_SCHEMAS} order by 2, 3"
    )
}

fn columns_sql() -> String {
    format!(
        "select a.attrelid::int8, a.attnum, a.attname::text, format_type(a.atttypid, a.atttypmod) \
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace \
         where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f') and {SYSTEM_SCHEMAS}"
    )
}

/// `indkey` is an `int2vector`, 0-based once cast to an array; its first `indnkeyatts` entries
/// are the key, the rest `INCLUDE` columns.
fn indexes_sql() -> String {
    format!(
        "select i.indexrelid::int8, i.indrelid::int8, n.nspname::text, ic.relname::text, \
         (i.indkey::int2[])[0:i.indnkeyatts - 1], am.amname::text, i.indisunique, i.indisprimary, \
         i.indisvalid and i.indisready, pg_get_expr(i.indpred, i.indrelid), pg_get_indexdef(i.indexrelid), \
         concat_ws(' | ', i.indkey::text, i.indnkeyatts::text, i.indclass::text, i.indcollation::text, \
                   pg_get_expr(i.indexprs, i.indrelid), pg_get_expr(i.indpred, i.indrelid), am.amname::text), \
         exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.conrelid = i.indrelid \
                 and k.contype in ('p', 'u', 'x')), \
         ic.relpages::int8 * current_setting('block_size')::int8, coalesce(s.idx_scan, 0)::int8 \
         from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam \
         join pg_namespace n on n.oid = ic.relnamespace \
         left join pg_stat_user_indexes s on s.indexrelid = i.indexrelid \
         where {SYSTEM_SCHEMAS} order by 3, 4"
    )
}

fn foreign_keys_sql() -> String {
    format!(
        "select k.conname::text, k.conrelid::int8, k.conkey, k.confrelid::int8, k.conindid::int8 \
         from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace \
         where k.contype = 'f' and {SYSTEM_SCHEMAS} order by 2, 1"
    )
}

pub fn load(session: &mut Session, catalog: &mut Catalog) {
    catalog.tables = read(session, catalog, "tables", &tables_sql(), |row| Table {
        oid: oid(row, 0),
        schema: row.get(1),
        name: row.get(2),
        kind: match row.get::<_, &str>(3) {
            "p" => RelationKind::PartitionedTable,
            "v" => RelationKind::View,
            "m" => RelationKind::MaterializedView,
            "f" => RelationKind::ForeignTable,
            _ => RelationKind::Table,
        },
        estimated_rows: row.get(4),
        size_bytes: row.get(5),
        is_partition: row.get(6),
        rls_enabled: row.get(7),
        managed: row.get::<_, bool>(8) || PLATFORM_SCHEMAS.contains(&row.get::<_, &str>(1)),
        stats: TableStats {
            seq_scan: row.get(9),
            seq_tup_read: row.get(10),
            idx_scan: row.get(11),
            idx_tup_fetch: row.get(12),
            live_tuples: row.get(13),
            dead_tuples: row.get(14),
            last_autovacuum: row.get(15),
            autovacuum_count: row.get(16),
            heap_blocks_hit: row.get(17),
            heap_blocks_read: row.get(18),
            index_blocks_hit: row.get(19),
            index_blocks_read: row.get(20),
        },
        row_width: row.get(21),
        column_count: row.get(22),
        fillfactor: row.get(23),
        autovacuum_disabled: row.get(24),
    });
    catalog.columns = read(session, catalog, "columns", &columns_sql(), |row| Column {
        table_oid: oid(row, 0),
        number: row.get(1),
        name: row.get(2),
        type_name: row.get(3),
    });
    catalog.indexes = read(session, catalog, "indexes", &indexes_sql(), |row| Index {
        oid: oid(row, 0),
        table_oid: oid(row, 1),
        schema: row.get(2),
        name: row.get(3),
        keys: row.get(4),
        method: row.get(5),
        unique: row.get(6),
        primary: row.get(7),
        valid: row.get(8),
        predicate: row.get(9),
        definition: row.get(10),
        signature: row.get(11),
        backs_constraint: row.get(12),
        size_bytes: row.get(13),
        scans: row.get(14),
    });
    catalog.foreign_keys = read(session, catalog, "foreign keys", &foreign_keys_sql(), |row| ForeignKey {
        name: row.get(0),
        table_oid: oid(row, 1),
        columns: row.get(2),
        referenced_oid: oid(row, 3),
        referenced_index_oid: oid(row, 4),
    });
}
