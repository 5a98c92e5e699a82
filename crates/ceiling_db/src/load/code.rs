//! The queries of the app's code (`ceiling db --code`), planned by the live database.
//!
//! An index finding of the scan names a table and columns; written as the query it stands for
//! (`WHERE column = $1 ...`, or `ORDER BY column DESC LIMIT 20` for a sort), its generic plan says
//! how the database reads that table today, and HypoPG, where installed, what the suggested index
//! would change. Only planned, never run.

use ceiling_facts::catalog::{Catalog, CodePlan, quote_ident};

use super::workload::{Plan, explain, node_table, nodes, total_cost, with_hypothetical_index};
use crate::CodeQuery;
use crate::session::Session;

/// Rows a "latest N" query takes, for the sort's plan.
const PAGE: usize = 20;

pub fn load(session: &mut Session, catalog: &mut Catalog, queries: &[CodeQuery]) {
    let plan = if catalog.server.version_num >= 160_000 { Plan::Generic } else { Plan::Prepared };
    for query in queries {
        let Some(table) = catalog.app_table(&query.table) else { continue };
        let Some(numbers) = catalog.column_numbers(table.oid, &query.columns) else { continue };
        let (table_oid, name) = (table.oid, table.sql_name());
        let columns: Vec<String> = query.columns.iter().map(|column| quote_ident(column)).collect();
        let sql = if query.sort {
            let order: Vec<String> = columns.iter().map(|column| format!("{column} desc")).collect();
            format!("select * from {name} order by {} limit {PAGE}", order.join(", "))
        } else {
            let conditions: Vec<String> =
                columns.iter().enumerate().map(|(at, column)| format!("{column} = ${}", at + 1)).collect();
            format!("select * from {name} where {}", conditions.join(" and "))
        };
        let Some(json) = explain(session, &sql, plan, &[]) else { continue };
        let Some(access) = nodes(&json)
            .into_iter()
            .find(|node| node_table(catalog, node) == Some(table_oid))
            .and_then(|node| node["Node Type"].as_str().map(str::to_owned))
        else {
            continue;
        };
        let cost_with_index = match (&catalog.workload.hypopg, access.as_str()) {
            (Some(schema), "Seq Scan") => {
                let schema = schema.clone();
                with_hypothetical_index(session, catalog, &schema, table_oid, &numbers, &sql, plan)
            }
            _ => None,
        };
        catalog.workload.code_plans.push(CodePlan {
            table: query.table.clone(),
            columns: query.columns.clone(),
            sort: query.sort,
            access,
            cost: total_cost(&json),
            cost_with_index,
        });
    }
}
