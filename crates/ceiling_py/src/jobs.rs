//! Work that repeats on a clock: Celery beat schedules, APScheduler jobs, `schedule` jobs.
//!
//! - Celery beat: entries of a `beat_schedule` dict (`app.conf.beat_schedule = {...}`, Django's
//!   `CELERY_BEAT_SCHEDULE`, `app.conf.update(beat_schedule={...})`, `beat_schedule.update({...})`), whose `'task'` names the
//!   task by its module path (`'shop.tasks.sync'`, resolved like an import), and
//!   `add_periodic_task(schedule, task.s())`. Beat sends a task on every tick whether or not the
//!   last one is done, and workers run them side by side: nothing guards them here.
//! - APScheduler: `add_job(fn, 'interval' | 'cron', ...)`, with a trigger object too, and
//!   `@scheduler.scheduled_job(...)`. Its `max_instances` defaults to 1, which skips a run while
//!   the last is going: only `max_instances` above 1 leaves a job unguarded.
//! - `schedule.every(5).seconds.do(job)`: `run_pending()` runs jobs one after the other in its
//!   own loop, so a slow run delays the next instead of overlapping it: always guarded.
//!
//! A `while True: work(); time.sleep(5)` loop is not a timer: each run starts when the last ends.

use ceiling_facts::schedule::{DAY, HOUR, MINUTE, SECOND, WEEK, cron};
use ceiling_facts::{ImportedName, TimerKind, Value};
use ruff_python_ast::{Expr, ExprCall, StmtFunctionDef};

use crate::syntax::{dotted, keyword, last_name, string};

/// A timer, before the extractor places it.
pub(crate) struct Found<'e> {
    /// Where it is declared: the schedule entry, the call or the decorator.
    pub at: &'e Expr,
    pub kind: TimerKind,
    pub period_ms: Option<u64>,
    pub callback: Value,
    pub guarded: bool,
}

/// Names a Celery beat schedule is assigned to.
const BEAT_SCHEDULES: &[&str] = &["beat_schedule", "CELERY_BEAT_SCHEDULE", "CELERYBEAT_SCHEDULE"];

/// The entries of a Celery beat schedule assigned to `target`.
pub(crate) fn beat_schedule<'e>(target: &Expr, value: &'e Expr) -> Vec<Found<'e>> {
    if !last_name(target).is_some_and(|name| BEAT_SCHEDULES.contains(&name)) {
        return Vec::new();
    }
    beat_entries(value)
}

/// `{'sync': {'task': 'shop.tasks.sync', 'schedule': 30.0}, ...}`.
fn beat_entries(schedule: &Expr) -> Vec<Found<'_>> {
    let Expr::Dict(entries) = schedule else { return Vec::new() };
    entries
        .items
        .iter()
        .filter_map(|entry| {
            let Expr::Dict(options) = &entry.value else { return None };
            let option = |name: &str| {
                options
                    .items
                    .iter()
                    .find(|item| item.key.as_ref().and_then(string) == Some(name))
                    .map(|item| &item.value)
            };
            let (module, task) = string(option("task")?)?.rsplit_once('.')?;
            let (kind, period_ms) = celery_schedule(option("schedule")?);
            Some(Found {
                at: &entry.value,
                kind,
                period_ms,
                callback: Value::Import { module: module.to_owned(), name: ImportedName::Named(task.to_owned()) },
                guarded: false,
            })
        })
        .collect()
}

/// A Celery schedule: seconds, a `timedelta`, or a `crontab`.
fn celery_schedule(schedule: &Expr) -> (TimerKind, Option<u64>) {
    match schedule {
        Expr::Call(call) if last_name(&call.func) == Some("crontab") => (TimerKind::Cron, crontab(call)),
        schedule => (TimerKind::Interval, duration(schedule)),
    }
}

/// The timers a call declares: `add_periodic_task`, `add_job`, `schedule.every(...).do(job)`,
/// `app.conf.update(beat_schedule=...)`.
pub(crate) fn scheduled<'e>(call: &'e ExprCall, value: &dyn Fn(&Expr) -> Value) -> Vec<Found<'e>> {
    let Expr::Attribute(method) = call.func.as_ref() else { return Vec::new() };
    let at = || -> &'e Expr { method.value.as_ref() };
    let positional = |index: usize| call.arguments.args.get(index);
    let found = match method.attr.as_str() {
        // `app.conf.update(beat_schedule={...})`, `app.conf.beat_schedule.update({...})`.
        "update" => {
            let schedule = match positional(0) {
                Some(entries) if last_name(&method.value).is_some_and(|name| BEAT_SCHEDULES.contains(&name)) => {
                    Some(entries)
                }
                _ => keyword(call, "beat_schedule"),
            };
            return schedule.map(beat_entries).unwrap_or_default();
        }
        // `sender.add_periodic_task(30.0, sync.s())`.
        "add_periodic_task" => {
            let Some(Expr::Call(signature)) = positional(1).or_else(|| keyword(call, "sig")) else {
                return Vec::new();
            };
            let Expr::Attribute(task) = signature.func.as_ref() else { return Vec::new() };
            if !matches!(task.attr.as_str(), "s" | "si" | "signature") {
                return Vec::new();
            }
            let Some(schedule) = positional(0).or_else(|| keyword(call, "schedule")) else { return Vec::new() };
            let (kind, period_ms) = celery_schedule(schedule);
            Found { at: at(), kind, period_ms, callback: value(&task.value), guarded: false }
        }
        // `scheduler.add_job(sync, 'interval', minutes=5)`.
        "add_job" => {
            let Some(job) = positional(0).or_else(|| keyword(call, "func")) else { return Vec::new() };
            let Some(trigger) = positional(1).or_else(|| keyword(call, "trigger")) else { return Vec::new() };
            let Some((kind, period_ms)) = apscheduler_trigger(trigger, call) else { return Vec::new() };
            Found { at: at(), kind, period_ms, callback: value(job), guarded: !overlaps(call) }
        }
        // `schedule.every(5).seconds.do(job)`.
        "do" => {
            let Some(period_ms) = every(&method.value, value) else { return Vec::new() };
            let Some(job) = positional(0) else { return Vec::new() };
            Found { at: at(), kind: TimerKind::Interval, period_ms, callback: value(job), guarded: true }
        }
        _ => return Vec::new(),
    };
    vec![found]
}

/// `@scheduler.scheduled_job('interval', minutes=1)` on a function.
pub(crate) fn decorated<'e>(def: &'e StmtFunctionDef, callback: Value) -> Option<Found<'e>> {
    def.decorator_list.iter().find_map(|decorator| {
        let Expr::Call(call) = &decorator.expression else { return None };
        if last_name(&call.func) != Some("scheduled_job") {
            return None;
        }
        let trigger = call.arguments.args.first().or_else(|| keyword(call, "trigger"))?;
        let (kind, period_ms) = apscheduler_trigger(trigger, call)?;
        Some(Found { at: &decorator.expression, kind, period_ms, callback: callback.clone(), guarded: !overlaps(call) })
    })
}

/// `max_instances=3`: APScheduler lets that many runs of the job overlap (1 by default).
fn overlaps(call: &ExprCall) -> bool {
    match keyword(call, "max_instances") {
        None => false,
        Some(max) => number(max).is_none_or(|max| max > 1.0),
    }
}

/// An APScheduler trigger, with the options of the call that gives it by name:
/// `'interval', seconds=5`, `'cron', minute='*/5'`, `IntervalTrigger(...)`, `CronTrigger(...)`,
/// `CronTrigger.from_crontab('* * * * *')`.
fn apscheduler_trigger(trigger: &Expr, call: &ExprCall) -> Option<(TimerKind, Option<u64>)> {
    match trigger {
        Expr::StringLiteral(_) => match string(trigger)? {
            "interval" => Some((TimerKind::Interval, interval(call))),
            "cron" => Some((TimerKind::Cron, apscheduler_cron(call))),
            _ => None,
        },
        Expr::Call(trigger) => match last_name(&trigger.func)? {
            "IntervalTrigger" => Some((TimerKind::Interval, interval(trigger))),
            "CronTrigger" => Some((TimerKind::Cron, apscheduler_cron(trigger))),
            "from_crontab" => Some((TimerKind::Cron, trigger.arguments.args.first().and_then(string).and_then(cron))),
            _ => None,
        },
        _ => None,
    }
}

/// `every(5).seconds`, `every().minute`, `every(10).minutes.at(':00')`: the period, when the
/// chain starts at `schedule.every`; `Some(None)` when its count is not a constant.
fn every(chain: &Expr, value: &dyn Fn(&Expr) -> Value) -> Option<Option<u64>> {
    let mut unit = None;
    let mut current = chain;
    loop {
        match current {
            Expr::Attribute(attribute) => {
                unit = unit.or_else(|| unit_ms(attribute.attr.trim_end_matches('s')));
                current = &attribute.value;
            }
            Expr::Call(call) if dotted(&value(&call.func)).as_deref() == Some("schedule.every") => {
                let count = match call.arguments.args.first() {
                    None => Some(1.0),
                    Some(count) => number(count),
                };
                return Some(count.zip(unit).map(|(count, unit)| (count * unit as f64) as u64));
            }
            Expr::Call(call) => current = &call.func,
            _ => return None,
        }
    }
}

fn unit_ms(unit: &str) -> Option<u64> {
    match unit {
        "second" => Some(SECOND),
        "minute" => Some(MINUTE),
        "hour" => Some(HOUR),
        "day" | "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday" => Some(DAY),
        "week" => Some(WEEK),
        _ => None,
    }
}

/// The length of `seconds=5, minutes=1`-style keywords; `None` when one is not a constant.
fn interval(call: &ExprCall) -> Option<u64> {
    let mut total = 0.0;
    for keyword in &call.arguments.keywords {
        let Some(name) = &keyword.arg else { continue };
        let unit = match name.as_str() {
            "weeks" => WEEK,
            "days" => DAY,
            "hours" => HOUR,
            "minutes" => MINUTE,
            "seconds" => SECOND,
            "milliseconds" => 1,
            _ => continue,
        };
        total += number(&keyword.value)? * unit as f64;
    }
    (total > 0.0).then_some(total as u64)
}

/// Seconds (`30.0`) or a `timedelta(minutes=5)`, in milliseconds.
fn duration(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::Call(call) if last_name(&call.func) == Some("timedelta") => {
            // `timedelta(days, seconds)` by position.
            let positional = call.arguments.args.iter().zip([DAY, SECOND]);
            let by_position: Option<f64> = positional.map(|(arg, unit)| Some(number(arg)? * unit as f64)).sum();
            Some(by_position? as u64 + interval(call).unwrap_or(0)).filter(|ms| *ms > 0)
        }
        expr => number(expr).map(|seconds| (seconds * SECOND as f64) as u64),
    }
}

/// A Celery `crontab(minute='*/5', hour='*')` as a cron expression's shortest gap. Its fields
/// default to `*`.
fn crontab(call: &ExprCall) -> Option<u64> {
    const FIELDS: [&str; 5] = ["minute", "hour", "day_of_week", "day_of_month", "month_of_year"];
    let mut fields = Vec::with_capacity(5);
    for (index, name) in FIELDS.iter().enumerate() {
        let field = match keyword(call, name).or_else(|| call.arguments.args.get(index)) {
            None => "*".to_owned(),
            Some(field) => cron_field(field)?,
        };
        fields.push(field);
    }
    // Cron's order: minute, hour, day of month, month, day of week.
    cron(&[&fields[0], &fields[1], &fields[3], &fields[4], &fields[2]].map(String::as_str).join(" "))
}

/// An APScheduler cron trigger's fields as a cron expression's shortest gap. Fields below the
/// finest one given default to their first value, those above to `*`.
fn apscheduler_cron(call: &ExprCall) -> Option<u64> {
    // Finest first, as a six-field cron expression orders its times.
    const TIMES: [&str; 3] = ["second", "minute", "hour"];
    if keyword(call, "week").is_some() || keyword(call, "year").is_some() {
        return None;
    }
    let given = |name: &str| keyword(call, name).map(cron_field);
    let finest = TIMES.iter().position(|name| keyword(call, name).is_some()).unwrap_or(TIMES.len());
    let mut fields = Vec::with_capacity(6);
    for (index, name) in TIMES.iter().enumerate() {
        fields.push(match given(name) {
            Some(field) => field?,
            None if index < finest => "0".to_owned(),
            None => "*".to_owned(),
        });
    }
    for name in ["day", "month", "day_of_week"] {
        fields.push(given(name).unwrap_or(Some("*".to_owned()))?);
    }
    cron(&fields.join(" "))
}

/// A cron field written as a string or a number.
fn cron_field(field: &Expr) -> Option<String> {
    match field {
        Expr::NumberLiteral(_) => number(field).map(|n| (n as u64).to_string()),
        field => string(field).map(str::to_owned),
    }
}

fn number(expr: &Expr) -> Option<f64> {
    let Expr::NumberLiteral(number) = expr else { return None };
    match &number.value {
        ruff_python_ast::Number::Int(int) => int.as_u64().map(|n| n as f64),
        ruff_python_ast::Number::Float(float) => Some(*float),
        ruff_python_ast::Number::Complex { .. } => None,
    }
}
