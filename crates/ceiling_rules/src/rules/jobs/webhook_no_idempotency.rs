//! `webhook-no-idempotency`: a webhook receiver that inserts rows without deduplicating
//! deliveries.

use ceiling_facts::{Operation, Project};

use crate::webhooks::{DEPTH, receivers};
use crate::{ChainLink, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "webhook-no-idempotency",
    family: Family::Jobs,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A webhook receiver inserts rows on every delivery: a retried or replayed event creates duplicates.",
    docs: Docs {
        what: "A webhook route whose handler (or the functions it calls, three calls deep) inserts \
rows (`create`, `insert`) and shows no deduplication: no upsert, no lookup by an event or \
idempotency key (a filter on a column named like `eventId`, `stripeEventId`, `idempotencyKey`), \
and no insert into a table of processed events (`webhook_events`, `ProcessedEvent`).",
        why: "Providers deliver at least once: Stripe, GitHub and Clerk retry on any timeout or \
5xx, for days, and an attacker can replay a captured request. Each delivery of the same event \
then creates another order, credit or email: duplicates that grow with traffic and retries.",
        fix: "Record each event id once and skip events already seen, in the same transaction as \
the work: a `processed_events(event_id primary key)` table inserted with `ON CONFLICT DO \
NOTHING` (skip when nothing was inserted), or an `upsert` keyed by the provider's object id \
(`where: { stripeSessionId }`).",
        fires: "```ts\nconst event = stripe.webhooks.constructEvent(body, sig, secret);\nawait prisma.order.create({ data: { sessionId: event.data.object.id } });\n```",
        passes: "```ts\nawait prisma.order.upsert({ where: { sessionId }, create: { sessionId }, update: {} });\n```",
        guards: &[
            "A route is a receiver only when it names whose events it takes: a sender in its path (`/webhooks/stripe`, `/api/github-webhook`) or a sender's package used by its handler. `POST /api/webhooks` that manages the app's own webhooks names none.",
            "An upsert anywhere in what the handler runs: writes keyed by the provider's ids.",
            "A lookup whose filter names an event or idempotency key (`eventId`, `stripeEventId`, `webhookId`, `idempotencyKey`, `deliveryId`).",
            "An insert into a table of processed events (its name contains `webhook`, `idempot`, `processed`, `eventlog` or `inbox`): the usual dedup table with a unique key; an insert that skips conflicts (`onConflictDoNothing`, `ON CONFLICT DO NOTHING`) or a bulk upsert.",
            "Receivers that only update or delete: applying the same change twice leaves the same rows.",
        ],
    },
    check,
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (row, handler) in receivers(project) {
        let mut insert = None;
        let mut deduplicated = false;
        for function in project.functions_within(handler, DEPTH) {
            let Some(items) = project.items(function) else { continue };
            let facts = project.file(function.file);
            for &query in &items.queries {
                if project.query_orm(function.file, query).is_none() {
                    continue;
                }
                let shape = &facts.queries[query as usize].shape;
                let model = shape.model.as_deref().unwrap_or_default().to_ascii_lowercase();
                let keyed = shape.filters.iter().any(|filter| is_event_key(&filter.column));
                match shape.operation {
                    Operation::Upsert => deduplicated = true,
                    // A table of processed events, or a bulk upsert (`.upsert(rows)`).
                    Operation::Create | Operation::BulkWrite
                        if ["webhook", "idempot", "processed", "handledevent", "eventlog", "inbox"]
                            .iter()
                            .any(|word| model.contains(word))
                            || shape.method.to_ascii_lowercase().contains("upsert") =>
                    {
                        deduplicated = true;
                    }
                    Operation::Create | Operation::BulkWrite => {
                        insert =
                            insert.or(Some((function.file, facts.queries[query as usize].span, shape.method.clone())));
                    }
                    _ if keyed => deduplicated = true,
                    _ => {}
                }
            }
        }
        let Some((file, span, method)) = insert else { continue };
        if deduplicated {
            continue;
        }
        findings.push(Finding {
chain: vec![ChainLink { file: project.file(file).path.clone(), span, note: format!("inserts (`{method}`)") }],
..RULE.finding(
    row.file.clone(),
    row.span,
    format!(
                "webhook receiver {} {} inserts rows on every delivery with no check for an event already processed",
                row.method, row.path
            ),
    "Providers deliver at least once and retry for days: each retry or replay of one event inserts \
its rows again."
                .to_owned(),
    "Record each event id once (a processed-events table with the event id as primary key, \
`ON CONFLICT DO NOTHING`) in the same transaction as the work, or upsert by the provider's object id."
                .to_owned(),
)
});
    }
}

/// A column that holds an event's or delivery's id: `eventId`, `stripe_event_id`, `idempotencyKey`.
fn is_event_key(column: &str) -> bool {
    let column = column.to_ascii_lowercase().replace('_', "");
    column.contains("eventid")
        || column.contains("idempotency")
        || column.contains("deliveryid")
        || column.contains("webhookid")
}
