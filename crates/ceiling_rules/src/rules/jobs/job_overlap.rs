//! `job-overlap`: a server-side interval or cron job that does I/O with nothing to stop a run
//! from starting while the previous one is still going.

use ceiling_facts::{ChainStep, FileId, FileRole, FnRef, Project, ReachKind, Resolved, Span, Timer, TimerKind, Value};

use crate::loops::describe;
use crate::outbound::{from_any, owners};
use crate::{ChainLink, Check, Docs, Family, Finding, Rule, Severity, Status};

pub static RULE: Rule = Rule {
    id: "job-overlap",
    family: Family::Jobs,
    severity: Severity::Warning,
    status: Status::Preview,
    summary: "A server interval or cron job does I/O and nothing stops its runs from piling up.",
    docs: Docs {
        what: "A timer in server code, `setInterval` or a cron schedule (node-cron, cron, croner, \
node-schedule, NestJS `@Cron` and `@Interval`; in Python, Celery beat entries and `add_periodic_task`, \
APScheduler jobs with `max_instances` above 1), whose callback (or the functions it calls) queries \
the database or sends an HTTP request (`fetch`, axios, got, Stripe, an email or AI SDK), and that guards \
against none of: a run still in progress (an `isRunning` flag checked and set), another instance \
running the same job (a lock: `pg_try_advisory_lock`, Redis `SET key value NX`, redlock, \
async-mutex, a function of the app named like `acquireLock`), or the library's own option \
(node-cron `noOverlap`, croner `protect`, cron `waitForCompletion`).",
        why: "A timer fires on the clock, not when the last run is done. A job that takes a second \
today takes minutes once its tables grow or an API slows down, and each tick starts another copy \
on top of the running ones: they hold database connections, repeat the same writes, and send the \
same emails twice. A job that ran fine once a minute now runs 800 instances, and the pool runs \
dry for the requests of real users. Every server instance also runs its own copy: scaling out to \
three replicas runs the job three times.",
        fix: "Skip a tick while a run is in progress (`if (running) return; running = true; try { \
... } finally { running = false }`), and take a distributed lock when more than one instance runs \
(`SELECT pg_try_advisory_lock(42)`, Redis `SET job:sync 1 NX PX 60000`, redlock). Or move the \
work to a queue with concurrency 1 (a BullMQ repeatable job), or reschedule with `setTimeout` \
after each run ends.",
        fires: "```ts\ncron.schedule('* * * * *', async () => {\n  const due = await prisma.invoice.findMany({ where: { status: 'due' } });\n  for (const invoice of due) await charge(invoice);\n});\n```",
        passes: "```ts\nlet running = false;\ncron.schedule('* * * * *', async () => {\n  if (running) return;\n  running = true;\n  try {\n    const due = await prisma.invoice.findMany({ where: { status: 'due' } });\n    for (const invoice of due) await charge(invoice);\n  } finally {\n    running = false;\n  }\n});\n```",
        guards: &[
            "A guard in the callback or the functions of its file it calls: a flag tested and set, a call named like a lock, Redis `SET ... NX`, SQL that takes an advisory lock or `FOR UPDATE SKIP LOCKED`; or the scheduler's own option (`noOverlap`, `protect`, `waitForCompletion`).",
            "A lock taken further away: a locking package (redlock, async-mutex, redis-semaphore, async-lock, celery_once, python-redis-lock) or a package's method named like a lock (`redis.lock(...)`, `cache.lock(...)`, Django's `cache.add(key, ...)`) called within two calls, or a function of the app named like a lock (`withLock`, `acquireJobLock`) within three.",
            "APScheduler jobs unless `max_instances` is above 1 (its default, 1, skips a run while the last is going), and `schedule` jobs, which `run_pending()` runs one after the other.",
            "A `while True:` loop that sleeps between runs: each run starts when the last one ends.",
            "Daily and slower schedules (`0 3 * * *`, `@daily`, `CronExpression.EVERY_DAY_AT_MIDNIGHT`, weekly, monthly): a run rarely outlasts a day.",
            "`setTimeout` chains: the next run is scheduled when the last one ends.",
            "Callbacks that do no I/O the project can see: a cache cleanup of an in-memory `Map`, a log line.",
            "Client code: timers in the browser are `client-polling`'s concern.",
            "Tests, scripts and generated files.",
        ],
    },
    splinter: None,
    check: Check::Code(check),
};

/// Schedules this slow or slower are left alone.
const DAY_MS: u64 = 86_400_000;

/// Packages whose calls go out over the network from a job.
const OUTBOUND: &[&str] = &[
    "axios",
    "got",
    "node-fetch",
    "undici",
    "ky",
    "ofetch",
    "superagent",
    "stripe",
    "resend",
    "nodemailer",
    "@sendgrid/mail",
    "postmark",
    "twilio",
    "openai",
    "@anthropic-ai/sdk",
    "@slack/web-api",
    "@octokit/rest",
    // Python (modules spelled as paths, `django/core/mail`): email and cloud SDKs (HTTP clients
    // are requests the frontend records).
    "django/core/mail",
    "smtplib",
    "boto3",
    "anthropic",
    "sendgrid",
];

/// Packages that take a lock.
const LOCKS: &[&str] = &[
    "redlock",
    "@sesamecare-oss/redlock",
    "async-mutex",
    "redis-semaphore",
    "async-lock",
    "@upstash/lock",
    "proper-lockfile",
    "celery_once",
    "redis_lock",
    "pottery",
    "filelock",
];

/// Methods of packages' objects that take a lock besides those named like one (`redis.lock()`,
/// `cache.lock()`): Django's `cache.add(key, ...)`, which stores only if the key is absent, is
/// the lock Celery's documentation recommends for tasks.
const LOCK_METHODS: &[(&str, &str)] = &[("django/core/cache", "add")];

fn check(project: &Project, findings: &mut Vec<Finding>) {
    for (file, facts) in project.files() {
        if facts.role != FileRole::App {
            continue;
        }
        for timer in &facts.timers {
            if timer.client || timer.guarded || !matches!(timer.kind, TimerKind::Interval | TimerKind::Cron) {
                continue;
            }
            // A run rarely outlasts a day.
            if timer.period_ms.is_some_and(|ms| ms >= DAY_MS) {
                continue;
            }
            let Some(callback) = callback_function(project, file, &timer.callback) else { continue };
            let Some((action, chain)) = io(project, callback) else { continue };
            if locked(project, callback) {
                continue;
            }
            findings.push(Finding {
                chain,
                ..RULE.finding(
                    facts.path.clone(),
                    timer.span,
                    format!(
                        "{} {action} with no guard against overlapping runs: a slow run, or a second server \
instance, starts another copy on top of it",
                        what(project, timer, callback)
                    ),
                    "The timer fires on the clock, not when the last run is done: once the job slows down, \
copies pile up (a job that ran fine once a minute now runs 800 instances), each holding a connection and \
repeating the same work, and every server instance runs its own."
                        .to_owned(),
                    "Skip a tick while a run is in progress (an `isRunning` flag), take a distributed lock when \
several instances run (`pg_try_advisory_lock`, Redis `SET key value NX PX ttl`), or move the work to a \
queue with concurrency 1 (BullMQ) or reschedule with `setTimeout` after each run."
                        .to_owned(),
                )
            });
        }
    }
}

/// The function a timer runs, when the project defines it.
fn callback_function(project: &Project, file: FileId, callback: &Value) -> Option<FnRef> {
    match callback {
        Value::Function(id) | Value::Wrap(_, id) => Some(FnRef { file, id: *id }),
        Value::Unknown => None,
        value => match project.resolve(file, value) {
            Resolved::Function(function) | Resolved::Wrapped(function) => Some(function),
            _ => None,
        },
    }
}

/// "interval job `syncOrders` (every 5 min)", "cron job (every minute)".
fn what(project: &Project, timer: &Timer, callback: FnRef) -> String {
    let mut what = match timer.kind {
        TimerKind::Interval => "interval job".to_owned(),
        _ => "cron job".to_owned(),
    };
    let name = project.function_name(callback);
    if !name.starts_with('<') {
        what.push_str(&format!(" `{name}`"));
    }
    if let Some(ms) = timer.period_ms {
        what.push_str(&format!(" ({})", every(ms)));
    }
    what
}

/// "every 5 s", "every minute", "every 2 h".
fn every(ms: u64) -> String {
    const UNITS: &[(u64, &str, &str)] =
        &[(86_400_000, "day", "days"), (3_600_000, "hour", "h"), (60_000, "minute", "min"), (1_000, "second", "s")];
    for &(unit, one, many) in UNITS {
        if ms >= unit && ms.is_multiple_of(unit) {
            return match ms / unit {
                1 => format!("every {one}"),
                n => format!("every {n} {many}"),
            };
        }
    }
    format!("every {ms} ms")
}

/// What the callback does that takes time outside the process: a query it reaches, or a call to
/// an outside API. The note, and the chain from the callback to it.
fn io(project: &Project, callback: FnRef) -> Option<(String, Vec<ChainLink>)> {
    for kind in [ReachKind::Write, ReachKind::Read] {
        if project.reach(callback, kind).is_none() {
            continue;
        }
        let steps = project.chain(callback, kind);
        let Some(ChainStep::Query { file, query }) = steps.last().copied() else { continue };
        let query = &project.file(file).queries[query as usize];
        let chain = steps
            .iter()
            .map(|step| {
                let (file, span) = project.span_of(step);
                let note = match *step {
                    ChainStep::Call { callee, .. } => format!("calls {}()", project.function_name(callee)),
                    _ => format!("runs {}", describe(query)),
                };
                ChainLink { file: project.file(file).path.clone(), span, note }
            })
            .collect();
        return Some(("queries the database".to_owned(), chain));
    }
    // Queries that are not single-row reads or writes (`deleteMany`, bulk inserts).
    for function in project.functions_within(callback, 3) {
        let Some(items) = project.items(function) else { continue };
        let facts = project.file(function.file);
        for &query in &items.queries {
            let found = &facts.queries[query as usize];
            if found.fallback || project.query_orm(function.file, query).is_none() {
                continue;
            }
            return Some((
                "queries the database".to_owned(),
                vec![link(project, function.file, found.span, describe(found))],
            ));
        }
    }
    // An HTTP request of its own (`fetch`), in the callback or the functions it calls.
    for function in project.functions_within(callback, 2) {
        let facts = project.file(function.file);
        let request = facts
            .requests
            .iter()
            .find(|request| owners(facts, function.file, request.func).any(|owner| owner == function));
        if let Some(request) = request {
            let note = format!("calls `{}`", request.client);
            return Some((note.clone(), vec![link(project, function.file, request.span, note)]));
        }
    }
    let (package, file, span) = project.package_called_by(callback, OUTBOUND, 0)?;
    let note = format!("calls `{package}`");
    Some((note.clone(), vec![link(project, file, span, note)]))
}

fn link(project: &Project, file: FileId, span: Span, note: String) -> ChainLink {
    let note = if note.starts_with('`') { format!("runs {note}") } else { note };
    ChainLink { file: project.file(file).path.clone(), span, note }
}

/// A lock taken in the functions the callback runs: a locking package, or a function of the app
/// named like a lock.
fn locked(project: &Project, callback: FnRef) -> bool {
    let takes_lock = |module: &str, path: &[String]| {
        let method = path.last().map(String::as_str).unwrap_or_default();
        (from_any(module, LOCKS)
            || (path.len() > 1 && is_lock_name(method))
            || LOCK_METHODS.iter().any(|(package, name)| module == *package && method == *name))
        .then(String::new)
    };
    project.call_made_by(callback, 0, &takes_lock).is_some()
        || project
            .functions_within(callback, 3)
            .into_iter()
            .any(|function| is_lock_name(project.function_name(function)))
}

/// `acquireLock`, `withAdvisoryLock`, `tryLock`, `runExclusive`.
fn is_lock_name(name: &str) -> bool {
    let lower = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase();
    (lower.contains("lock") && !lower.contains("block") && !lower.contains("clock"))
        || lower.contains("mutex")
        || lower == "runexclusive"
}
