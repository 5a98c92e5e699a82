//! `queue-exposed-in-api`: a Supabase Queues (pgmq) queue table that the API's roles can read
//! and that row-level security does not protect, while `pgmq_public` is served.

use ceiling_facts::catalog::{Catalog, RelationKind};

use crate::{Check, DbObject, Docs, Family, Finding, ObjectKind, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "queue-exposed-in-api",
    family: Family::Auth,
    severity: Severity::Error,
    status: Status::Preview,
    summary: "A pgmq queue table is readable by `anon` or `authenticated` without row-level security while the API serves `pgmq_public`.",
    docs: Docs {
        what: "A queue table of pgmq (`pgmq.q_<queue>`) with row-level security off that `anon` \
or `authenticated` can select, in a database whose `pgrst.db_schemas` includes \
`pgmq_public`, the schema of Supabase Queues' API functions.",
        why: "The functions of `pgmq_public` (`send`, `read`, `pop`, `archive`) run with the \
caller's privileges. With the queue's tables granted to the API roles and no row-level \
security, anyone holding the anon key can read, pop and delete every message of the queue \
over `/rest/v1/rpc/`.",
        fix: "`alter table pgmq.q_<queue> enable row level security;` (and on `pgmq.a_<queue>`, \
its archive) with policies for who may send and read, or revoke the grants of the API roles \
on the queue's tables.",
        fires: "```sql\n-- pgrst.db_schemas = 'public, pgmq_public'\nselect pgmq.create('jobs');\ngrant select, insert, update, delete on pgmq.q_jobs to anon;\n```",
        passes: "```sql\nselect pgmq.create('jobs');\ngrant select, insert, update, delete on pgmq.q_jobs to authenticated;\nalter table pgmq.q_jobs enable row level security;\n```",
        guards: &[
            "Databases whose `pgrst.db_schemas` does not include `pgmq_public`: the queue functions are not served.",
            "Queue tables with row-level security on, or that no API role can select.",
            "Other tables of the `pgmq` schema (`meta`, the archives `a_<queue>` are read through their queue).",
        ],
    },
    splinter: Some("0019_insecure_queue_exposed_in_api"),
    check: Check::Database(check),
};

fn check(catalog: &Catalog, findings: &mut Vec<Finding>) {
    if !catalog.security.exposed_schemas.iter().any(|schema| schema == "pgmq_public") {
        return;
    }
    for table in &catalog.tables {
        if table.schema != "pgmq"
            || !table.name.starts_with("q_")
            || !matches!(table.kind, RelationKind::Table | RelationKind::PartitionedTable)
            || table.rls_enabled
            || !catalog.api_can_select(table)
        {
            continue;
        }
        let roles = catalog.security.selectable_by(table.oid).join("`, `");
        findings.push(RULE.db_finding(
            DbObject { kind: ObjectKind::Table, name: table.qualified() },
            format!(
                "queue table `{}` has no row-level security and `{roles}` can read it through `pgmq_public`",
                table.qualified()
            ),
            "The API serves pgmq_public's functions, which run as the caller: anyone with the anon key can read and \
pop every message of this queue."
                .to_owned(),
            format!(
                "`alter table {} enable row level security;` with policies, or revoke the API roles' grants on it.",
                table.qualified()
            ),
        ));
    }
}
