//! Webhook receivers: which routes receive webhooks, and whether they check the sender.

use ceiling_facts::{FileRole, FnRef, Project, RouteRow, in_package};

/// How deep the webhook rules follow calls from the handler.
pub const DEPTH: u32 = 3;

/// Calls that verify a webhook's signature: `(package, a name on the member path)`.
const VERIFIERS: &[(&str, &str)] = &[
    ("stripe", "constructEvent"),
    ("stripe", "constructEventAsync"),
    ("stripe", "parseThinEvent"),
    ("svix", "verify"),
    ("standardwebhooks", "verify"),
    ("@octokit/webhooks", "verify"),
    ("@octokit/webhooks", "verifyAndReceive"),
    ("@clerk/nextjs", "verifyWebhook"),
    ("@clerk/backend", "verifyWebhook"),
    ("@upstash/qstash", "verify"),
    ("@upstash/qstash", "verifySignatureAppRouter"),
    ("@upstash/qstash", "verifySignature"),
    ("@paddle/paddle-node-sdk", "unmarshal"),
    ("twilio", "validateRequest"),
    ("@polar-sh/sdk", "validateEvent"),
    ("standardwebhooks", "verify"),
    ("resend", "verify"),
    ("crypto", "createHmac"),
    ("crypto", "timingSafeEqual"),
    ("node:crypto", "createHmac"),
    ("node:crypto", "timingSafeEqual"),
    // Python: stripe's `Webhook.construct_event`, the standard library's HMAC.
    ("stripe", "construct_event"),
    ("hmac", "compare_digest"),
    ("hmac", "new"),
];

/// Senders of webhooks, as route paths name them (`/api/webhooks/stripe`).
const SENDERS: &[&str] = &[
    "stripe",
    "github",
    "clerk",
    "svix",
    "paddle",
    "lemonsqueezy",
    "lemon-squeezy",
    "resend",
    "twilio",
    "shopify",
    "slack",
    "discord",
    "sendgrid",
    "postmark",
    "mailgun",
    "paypal",
    "polar",
    "razorpay",
    "mux",
    "linear",
    "calendly",
    "typeform",
    "hubspot",
    "intercom",
    "zoom",
    "square",
    "plaid",
    "qstash",
    "inngest",
    "revenuecat",
    "coinbase",
    "docusign",
    "gitlab",
    "bitbucket",
    "vercel",
    "supabase",
    "workos",
    "dodo",
    "creem",
    "telegram",
];

/// Packages whose presence in a handler shows it receives their events.
const SENDER_PACKAGES: &[&str] = &[
    "stripe",
    "svix",
    "standardwebhooks",
    "@octokit/webhooks",
    "@clerk/nextjs",
    "@clerk/backend",
    "@paddle/paddle-node-sdk",
    "@lemonsqueezy/lemonsqueezy.js",
    "twilio",
    "resend",
    "@shopify/shopify-api",
    "@slack/bolt",
    "@upstash/qstash",
    "@polar-sh/sdk",
    "razorpay",
    "@mux/mux-node",
    "@linear/sdk",
];

/// A webhook receiver: a route of app code whose path names a webhook (`/api/webhooks/stripe`,
/// `/webhook`) and shows whose events it takes: a sender in its path, or a sender's package used
/// by its handler. Routes that manage the app's own webhooks (`POST /api/webhooks` creating
/// one) name no sender.
pub fn receivers(project: &Project) -> Vec<(RouteRow, FnRef)> {
    project
        .route_table()
        .iter()
        .filter(|row| project.file(row.file_id).role == FileRole::App)
        .filter(|row| !matches!(row.method.as_str(), "GET" | "HEAD" | "OPTIONS"))
        .filter(|row| row.path.to_ascii_lowercase().split('/').any(|segment| segment.contains("webhook")))
        .filter_map(|row| row.handler.map(|handler| (row.clone(), handler)))
        .filter(|(row, handler)| {
            let path = row.path.to_ascii_lowercase();
            SENDERS.iter().any(|sender| path.split(['/', '-', '_', '.']).any(|word| word == *sender))
                || project.package_called_by(*handler, SENDER_PACKAGES, 0).is_some()
        })
        .collect()
}

/// Whether only the app's own machinery calls the route, not users: it checks a signature (a
/// queue such as QStash, a webhook sender), or it is a scheduled job's endpoint (a `cron`
/// segment: Vercel Cron, which sends `CRON_SECRET`). Its load is the app's choice, and nobody
/// outside can run up its cost.
pub fn internal(project: &Project, row: &RouteRow) -> bool {
    row.path.split('/').any(|segment| segment.eq_ignore_ascii_case("cron") || segment.eq_ignore_ascii_case("crons"))
        || row.handler.is_some_and(|handler| verified(project, row, handler))
}

/// Whether the route checks the sender: a verifying call in the functions its handler runs, a
/// verifying wrapper or middleware (`verifySignatureAppRouter(handler)`), or a function of the
/// app whose name says it verifies a signature.
pub fn verified(project: &Project, row: &RouteRow, handler: FnRef) -> bool {
    let facts = project.file(row.file_id);
    let route = facts.routes.iter().find(|route| route.span == row.span);
    let wrapper_verifies = route.is_some_and(|route| {
        std::iter::once(&route.handler).chain(&route.middleware).any(|value| is_verifier(project, row.file_id, value))
    });
    // The handler and the middleware the app defines in front of it (`app.post(path, verify, h)`).
    let mut functions = project.functions_within(handler, DEPTH);
    for middleware in route.map(|route| route.middleware.as_slice()).unwrap_or_default() {
        if let Some(function) = project.function_of(row.file_id, middleware) {
            functions.extend(project.functions_within(function, DEPTH));
        }
    }
    wrapper_verifies
        || functions.into_iter().any(|function| {
            let name = project.function_name(function).to_ascii_lowercase();
            (name.contains("verify") || name.contains("validate"))
                && (name.contains("signature") || name.contains("webhook") || name.contains("hmac"))
                || project.items(function).is_some_and(|items| {
                    let facts = project.file(function.file);
                    items
                        .calls
                        .iter()
                        .any(|&call| is_verifier(project, function.file, &facts.calls[call as usize].callee))
                })
        })
}

fn is_verifier(project: &Project, file: ceiling_facts::FileId, value: &ceiling_facts::Value) -> bool {
    project.package_origin(file, value, 0).is_some_and(|(module, path)| {
        VERIFIERS
            .iter()
            .any(|(package, name)| in_package(&module, package) && path.iter().any(|segment| segment == name))
    })
}
