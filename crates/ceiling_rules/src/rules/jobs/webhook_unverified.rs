//! `webhook-unverified`: a webhook receiver that never checks the sender's signature.

use ceiling_facts::Project;

use crate::webhooks::{receivers, verified};
use crate::{Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "webhook-unverified",
    family: Family::Jobs,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A webhook route never verifies the sender's signature: anyone can post forged events.",
    docs: Docs {
        what: "A route whose path names a webhook (`/api/webhooks/stripe`, `/webhook`) and that \
takes a body, whose handler (or the functions it calls, three calls deep) never verifies a \
signature: no `stripe.webhooks.constructEvent`, Svix or Standard Webhooks `verify`, \
`@octokit/webhooks` `verify`, Clerk's `verifyWebhook`, QStash's `verifySignatureAppRouter`, \
Twilio's `validateRequest`, no `crypto.createHmac`/`timingSafeEqual`, and no function of the app \
named like `verifySignature`.",
        why: "The URL of a webhook is no secret: it shows up in logs, dashboards and browser \
history. Without a signature check anyone can post a `checkout.session.completed` event and get \
an order marked paid, an account upgraded, or thousands of fake events processed.",
        fix: "Verify the signature on the raw body before doing anything: \
`stripe.webhooks.constructEvent(rawBody, req.headers['stripe-signature'], secret)`, \
`new Webhook(secret).verify(payload, headers)` (Svix, Standard Webhooks), or an HMAC of the raw \
body compared with `crypto.timingSafeEqual`. Reject with 400 when it fails.",
        fires: "```ts\nexport async function POST(req: Request) {\n  const event = await req.json();\n  if (event.type === 'checkout.session.completed') await markPaid(event.data.object.id);\n  return new Response('ok');\n}\n```",
        passes: "```ts\nexport async function POST(req: Request) {\n  const event = stripe.webhooks.constructEvent(await req.text(), req.headers.get('stripe-signature')!, secret);\n  // ...\n}\n```",
        guards: &[
            "A route is a receiver only when it names whose events it takes: a sender in its path (`/webhooks/stripe`, `/api/github-webhook`) or a sender's package used by its handler. `POST /api/webhooks` that manages the app's own webhooks names none.",
            "A verifying call anywhere in the functions the handler runs, three calls deep (`constructEvent`, `parseThinEvent`, svix `verify`, an HMAC from `crypto`; in Python stripe's `Webhook.construct_event`, `hmac.compare_digest`), or a verifying wrapper or middleware on the route (`verifySignatureAppRouter(handler)`).",
            "A function of the app named like a signature check (`verifySignature`, `validateWebhook`, `verifyHmac`): a hand-written verification.",
            "Reads (`GET`): subscription handshakes that echo a challenge.",
            "Tests, scripts and generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (row, handler) in receivers(project) {
        if verified(project, &row, handler) {
            continue;
        }
        findings.push(
            RULE.finding(
                row.file.clone(),
                row.span,
                format!(
                    "webhook receiver {} {} never verifies the sender's signature: anyone can post forged events",
                    row.method, row.path
                ),
                "A webhook URL is no secret: without a signature check, anyone who finds it can post events \
that the app trusts."
                    .to_owned(),
                "Verify the signature on the raw body first (`stripe.webhooks.constructEvent`, Svix \
`Webhook.verify`, an HMAC compared with `crypto.timingSafeEqual`) and answer 400 when it fails."
                    .to_owned(),
            ),
        );
    }
}
