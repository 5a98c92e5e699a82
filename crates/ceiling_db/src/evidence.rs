//! `ceiling db --code`: what the live database says about the findings of the app's code.

use ceiling_facts::catalog::{Catalog, Table};
use ceiling_rules::Finding;

/// The statements named as scanning a table, at most.
const SCANS_SHOWN: usize = 2;

/// Adds to each code finding that suggests an index what the live database shows of its table:
/// the index that already serves the columns there, or the table's size and the statements whose
/// plans scan it.
pub fn attach_live_evidence(findings: &mut [Finding], catalog: &Catalog) {
    for finding in findings.iter_mut().filter(|finding| finding.object.is_none()) {
        let Some(index) = &finding.index else { continue };
        let Some(table) = live_table(catalog, &index.table) else { continue };
        let numbers: Option<Vec<i16>> = index
            .columns
            .iter()
            .map(|name| catalog.columns.iter().find(|c| c.table_oid == table.oid && c.name == *name).map(|c| c.number))
            .collect();
        let evidence = match numbers {
            None => format!("`{}` has no column of that name", table.qualified()),
            Some(numbers) => match catalog.indexes_of(table.oid).find(|live| catalog.serves_key(live, &numbers)) {
                Some(live) => format!("`{}.{}` already serves these columns", live.schema, live.name),
                None => {
                    let mut text = format!(
                        "`{}` has {} rows estimated and no index on these columns",
                        table.qualified(),
                        table.estimated_rows.max(0.0) as i64
                    );
                    let scanning = catalog
                        .workload
                        .statements
                        .iter()
                        .filter(|statement| statement.seq_scans.iter().any(|scan| scan.table_oid == table.oid))
                        .take(SCANS_SHOWN);
                    for statement in scanning {
                        text.push_str(&format!("; `{}` ({} calls) scans it", statement.short(), statement.calls));
                    }
                    text
                }
            },
        };
        finding.message.push_str(&format!(" (live database: {evidence})"));
    }
}

/// The table the code names, as the live database's search path would find it: `public` first,
/// else the one schema that has it.
fn live_table<'a>(catalog: &'a Catalog, name: &str) -> Option<&'a Table> {
    let named: Vec<&Table> = catalog.tables.iter().filter(|table| table.name == name).collect();
    named.iter().find(|table| table.schema == "public").or(if named.len() == 1 { named.first() } else { None }).copied()
}

#[cfg(test)]
mod tests {
    use ceiling_facts::Span;
    use ceiling_facts::catalog::{Column, Index, SeqScan, Statement};
    use ceiling_rules::SuggestedIndex;

    use super::*;

    fn catalog() -> Catalog {
        let mut catalog = Catalog::default();
        for (oid, name) in [(1, "orders"), (2, "users")] {
            catalog.tables.push(Table {
                oid,
                schema: "public".into(),
                name: name.into(),
                estimated_rows: 20_000.0,
                ..Table::default()
            });
        }
        for (table_oid, number, name) in [(1, 1, "id"), (1, 2, "customer_id"), (2, 1, "id"), (2, 2, "email")] {
            catalog.columns.push(Column { table_oid, number, name: name.into(), type_name: "int4".into() });
        }
        catalog.indexes.push(Index {
            oid: 10,
            table_oid: 2,
            schema: "public".into(),
            name: "users_email".into(),
            keys: vec![2],
            method: "btree".into(),
            valid: true,
            ..Index::default()
        });
        catalog.workload.statements.push(Statement {
            query: "select * from orders where customer_id = $1".into(),
            calls: 20,
            seq_scans: vec![SeqScan { table_oid: 1, ..SeqScan::default() }],
            ..Statement::default()
        });
        catalog
    }

    fn code_finding(table: &str, column: &str) -> Finding {
        let rule = ceiling_rules::rule("unindexed-filter").unwrap();
        Finding {
            index: Some(SuggestedIndex {
                table: table.into(),
                columns: vec![column.into()],
                name: format!("{table}_{column}_idx"),
                sql: String::new(),
                declaration: None,
            }),
            ..rule.finding("src/app.ts".into(), Span::default(), "filter".into(), String::new(), String::new())
        }
    }

    #[test]
    fn code_findings_learn_what_the_live_table_has() {
        let mut findings = vec![
            code_finding("orders", "customer_id"),
            code_finding("users", "email"),
            code_finding("users", "emailAddress"),
            code_finding("invoices", "number"),
        ];
        attach_live_evidence(&mut findings, &catalog());
        assert_eq!(
            findings[0].message,
            "filter (live database: `public.orders` has 20000 rows estimated and no index on these columns; \
`select * from orders where customer_id = $1` (20 calls) scans it)"
        );
        assert_eq!(findings[1].message, "filter (live database: `public.users_email` already serves these columns)");
        assert_eq!(findings[2].message, "filter (live database: `public.users` has no column of that name)");
        assert_eq!(findings[3].message, "filter", "a table the live database does not have says nothing");
    }
}
