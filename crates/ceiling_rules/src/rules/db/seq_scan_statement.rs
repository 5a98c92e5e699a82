//! `seq-scan-statement`: a statement whose plan filters a large table by scanning all of it.

use ceiling_facts::catalog::{Catalog, SeqScan, Statement, Table};

use crate::tables::suggest_live;
use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "seq-scan-statement",
    family: Family::Db,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A frequent statement's plan reads a large table from end to end to filter it: an index on the filter's columns would read only the matching rows.",
    docs: Docs {
        what: "A plain SELECT of `pg_stat_statements` whose generic plan (the plan for any \
parameter values: `EXPLAIN (GENERIC_PLAN)`, or `PREPARE` under `plan_cache_mode = \
force_generic_plan` before PostgreSQL 16) has a `Seq Scan` with a `Filter` on a table of 10,000 \
estimated rows or more. The finding suggests an index on the filter's columns (equalities first, \
then one range). Where the HypoPG extension is installed in the database, the index is created \
hypothetically (in memory, never on disk) and the statement planned again: the finding gives the \
cost before and after. Without HypoPG, the suggestion is marked unverified.",
        why: "A sequential scan reads every row to return a few: its cost grows with the table, not \
with the result, so a query that takes a millisecond at ten thousand rows takes a second at ten \
million, and each run evicts useful pages from the cache.",
        fix: "Create the suggested index without locking writes (`CREATE INDEX CONCURRENTLY`), in a \
migration of the app; then check that the plan uses it.",
        fires: "`select * from orders where customer_id = $1`, run 20 times on a table of 20,000 rows \
with no index on `customer_id`.",
        passes: "The same statement with `orders (customer_id)` indexed, or on a table of 100 rows.",
        guards: &[
            "Only plain SELECTs are planned: no data-modifying CTE, no `FOR UPDATE`/`FOR SHARE`, no call of a volatile function (`nextval`, `random`); nothing is executed (`EXPLAIN` without `ANALYZE`, inside a read-only transaction that is rolled back).",
            "Tables of fewer than 10,000 estimated rows: scanning them is as cheap as an index.",
            "Statements run fewer than 10 times since the statistics reset: a one-off query is not a scaling problem.",
            "A filter no btree index serves (`LIKE '%x'`, a function of a column, `OR`) suggests nothing and is not reported.",
            "A table with a valid btree index led by the first suggested column: the planner chose the scan over it, so another index on the same column would not help.",
            "With HypoPG: a suggestion that does not cut the plan's cost by at least a tenth is dropped.",
            "Only the 50 heaviest plain SELECTs by total time are planned.",
            "`--analyze` runs only the statements whose plan has such a scan, with NULL for each parameter, inside the read-only transaction that is rolled back, under `--statement-timeout`: the measure is the scan's (rows and buffers read), not the statement's usual result.",
        ],
    },
    splinter: None,
    check: Check::Database(check),
};

const LARGE_TABLE_ROWS: f64 = 10_000.0;

const MIN_CALLS: i64 = 10;

/// A hypothetical index must bring the cost below this fraction of the plan's to be worth creating.
const WORTHWHILE: f64 = 0.9;

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    for statement in catalog.workload.statements.iter().filter(|statement| statement.calls >= MIN_CALLS) {
        let mut reported: Vec<u32> = Vec::new();
        for scan in &statement.seq_scans {
            if reported.contains(&scan.table_oid) {
                continue;
            }
            let Some(table) = worth_an_index(catalog, scan) else { continue };
            reported.push(scan.table_oid);
            findings.push(finding(catalog, statement, table, scan));
        }
    }
}

/// The scanned table, when an index on the filter's columns is worth suggesting.
fn worth_an_index<'a>(catalog: &'a Catalog, scan: &SeqScan) -> Option<&'a Table> {
    let table = catalog.table(scan.table_oid)?;
    let &first = scan.index_columns.first()?;
    if table.managed || table.estimated_rows < LARGE_TABLE_ROWS {
        return None;
    }
    let led_by_first = catalog
        .indexes_of(table.oid)
        .any(|index| index.valid && index.method == "btree" && index.keys.first() == Some(&first));
    let helps = scan.cost_with_index.is_none_or(|with| with < scan.cost * WORTHWHILE);
    (!led_by_first && helps).then_some(table)
}

fn finding(catalog: &Catalog, statement: &Statement, table: &Table, scan: &SeqScan) -> Finding {
    let columns = catalog.column_names(table.oid, &scan.index_columns);
    let index = suggest_live(&table.schema, &table.name, &columns);
    let verdict = match scan.cost_with_index {
        Some(with) => format!("HypoPG: plan cost {:.0} → {:.0} with the index", scan.cost, with),
        None => "unverified: HypoPG is not installed in this database".to_owned(),
    };
    let measured = scan.measured.as_ref().map_or_else(String::new, |measured| {
        format!(
            "; run with NULL parameters (`--analyze`), it read {} rows ({} buffers) in {:.1} ms",
            measured.rows_read, measured.blocks, measured.ms
        )
    });
    Finding {
        index: Some(index.clone()),
        ..RULE.db_finding(
            DbObject { kind: ObjectKind::Statement, name: statement.short() },
            format!(
                "`{}` ({} calls, {:.2} ms on average) scans all of `{}` ({} rows estimated) to filter `{}`; \
suggested index on ({}), {verdict}{measured}",
                statement.short(),
                statement.calls,
                statement.mean_ms,
                table.qualified(),
                table.estimated_rows.max(0.0) as i64,
                scan.filter,
                columns.join(", "),
            ),
            "A sequential scan reads every row to return a few: its time grows with the table, not with the \
result, and each run pushes useful pages out of the cache."
                .to_owned(),
            format!("Create the index without locking writes, in a migration: `{}`", index.sql),
        )
    }
}
