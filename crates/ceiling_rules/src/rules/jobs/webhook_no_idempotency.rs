//! `webhook-no-idempotency`: a webhook receiver that inserts rows without deduplicating
//! deliveries.

use ceiling_facts::{Operation, Project};

use crate::webhooks::{DEPTH, receivers};
use crate::{ChainLink, Check, Docs, Family, Finding, Rule, Severity, Status};

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
            "An upsert of the same model or table anywhere in what the handler runs: its writes are keyed by the provider's ids. An upsert of another model says nothing of this insert: one event type of a dispatcher can upsert while another creates.",
            "A lookup whose filter names an event or idempotency key (`eventId`, `stripeEventId`, `webhookId`, `idempotencyKey`, `deliveryId`).",
            "An insert into a table of processed events (its name contains `webhook`, `idempot`, `processed`, `eventlog` or `inbox`): the usual dedup table with a unique key; an insert that skips conflicts (`onConflictDoNothing`, `ON CONFLICT DO NOTHING`) or a bulk upsert.",
            "Receivers that only update or delete (`updateMany` and `deleteMany` included): applying the same change twice leaves the same rows.",
            "A create into a table the handler also reads: a find-or-create, or rows skipped when their hash or key already exists, deduplicate by content.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (row, handler) in receivers(project) {
        let mut inserts = Vec::new();
        // Deduplication of whole deliveries: a lookup by event id, a processed-events table.
        let mut deduplicated = false;
        // Models written by upsert, or read: a create into one of them is keyed by the provider's
        // ids, or follows a lookup of its own rows (find-or-create, skipping rows whose hash
        // exists), which deduplicates by content.
        let mut keyed_models = Vec::new();
        let mut upserts_any = false;
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
                let method = shape.method.to_ascii_lowercase();
                // `updateMany` and `deleteMany` are bulk writes too, but set a state: a replay sets it again.
                let creates = shape.operation == Operation::Create
                    || (shape.operation == Operation::BulkWrite
                        && (method.contains("create") || method.contains("insert")));
                let upserts = shape.operation == Operation::Upsert || (creates && method.contains("upsert"));
                // A table of processed events, written plainly or skipping conflicts.
                let event_table = (creates || upserts)
                    && ["webhook", "idempot", "processed", "handledevent", "eventlog", "inbox"]
                        .iter()
                        .any(|word| model.contains(word));
                if event_table || keyed {
                    deduplicated = true;
                } else if upserts || (shape.operation.is_read() && !model.is_empty()) {
                    upserts_any |= upserts;
                    keyed_models.push(model);
                } else if creates {
                    inserts.push((function.file, facts.queries[query as usize].span, shape.method.clone(), model));
                }
            }
        }
        if deduplicated {
            continue;
        }
        // An insert whose model is unknown (raw SQL the frontend could not name) is covered by
        // any upsert, not by reads: nothing tells which table it writes.
        let Some((file, span, method, _)) = inserts
            .into_iter()
            .find(|(_, _, _, model)| if model.is_empty() { !upserts_any } else { !keyed_models.contains(model) })
        else {
            continue;
        };
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
