//! Timers read from small sources.

use ceiling_facts::{FileFacts, Timer, TimerKind, Value};

use super::period::nest_expression;
use crate::extract;
use ceiling_facts::schedule::cron;

fn facts(path: &str, source: &str) -> FileFacts {
    extract(path, source).unwrap()
}

fn timers(path: &str, source: &str) -> Vec<Timer> {
    facts(path, source).timers
}

fn one(path: &str, source: &str) -> Timer {
    let found = timers(path, source);
    assert_eq!(found.len(), 1, "{source}\n{found:#?}");
    found.into_iter().next().unwrap()
}

/// The name of the function a timer's callback is, when it is one of the file.
fn callback_name(path: &str, source: &str) -> String {
    let facts = facts(path, source);
    let timer = &facts.timers[0];
    match timer.callback {
        Value::Function(id) => facts.functions[id as usize].name.clone(),
        ref other => format!("{other:?}"),
    }
}

#[test]
fn set_interval_with_a_constant_period() {
    let source = "import { db } from './db';\nsetInterval(async () => {\n  await db.job.deleteMany({});\n}, 5_000);\n";
    let timer = one("src/worker.ts", source);
    assert_eq!(timer.kind, TimerKind::Interval);
    assert_eq!(timer.period_ms, Some(5_000));
    assert!(matches!(timer.callback, Value::Function(_)));
    assert!(!timer.guarded && !timer.client);
    assert_eq!(timer.span.line, 2);
    assert_eq!(&source[timer.span.start as usize..timer.span.start as usize + 12], "setInterval(");
}

#[test]
fn periods_from_constants() {
    let cases = [
        ("setInterval(tick, 5 * 1000);", Some(5_000)),
        ("setInterval(tick, 60 * 60 * 1000);", Some(3_600_000)),
        ("const POLL_MS = 30_000;\nsetInterval(tick, POLL_MS);", Some(30_000)),
        ("const SECONDS = 10;\nconst MS = SECONDS * 1000;\nsetInterval(tick, MS);", Some(10_000)),
        ("const config = { pollMs: 2500 };\nsetInterval(tick, config.pollMs);", Some(2_500)),
        ("setInterval(tick, (2 * 1000) as number);", Some(2_000)),
        ("setInterval(tick, Number(process.env.POLL_MS) || 5000);", None),
        ("setInterval(tick, fast ? 1000 : 60000);", Some(1_000)),
        ("let ms = 1000;\nms = 2000;\nsetInterval(tick, ms);", None),
        ("setInterval(tick, ms);", None),
        ("setInterval(tick);", None),
    ];
    for (source, period) in cases {
        let source = format!("function tick() {{}}\n{source}\n");
        assert_eq!(one("src/a.ts", &source).period_ms, period, "{source}");
    }
}

#[test]
fn global_set_interval_only() {
    assert_eq!(one("src/a.ts", "globalThis.setInterval(() => {}, 1000);").period_ms, Some(1000));
    assert_eq!(
        one("src/a.ts", "import { setInterval } from 'node:timers';\nsetInterval(() => {}, 1000);").kind,
        TimerKind::Interval
    );
    let browser = one("src/a.ts", "window.setInterval(() => {}, 1000);");
    assert!(browser.client);
    // A function of the app that happens to be called `setInterval`, a method of some object.
    assert!(timers("src/a.ts", "function setInterval(a, b) {}\nsetInterval(() => {}, 1000);").is_empty());
    assert!(timers("src/a.ts", "scheduler.setInterval(() => {}, 1000);").is_empty());
    // `setTimeout` chains are not intervals.
    assert!(timers("src/a.ts", "function loop() { setTimeout(loop, 1000); }\nloop();\n").is_empty());
}

#[test]
fn callbacks_by_name_and_method() {
    let source = "async function syncOrders() {}\nsetInterval(syncOrders, 60000);\n";
    assert_eq!(callback_name("src/a.ts", source), "syncOrders");
    let source = "class Poller {\n  start() { setInterval(this.tick.bind(this), 1000); }\n  tick() {}\n}\n";
    let facts = facts("src/poller.ts", source);
    assert!(
        matches!(&facts.timers[0].callback, Value::Member(object, name) if **object == Value::This(0) && name == "tick")
    );
}

#[test]
fn flags_guard_against_overlap() {
    let guarded = [
        "let running = false;\nsetInterval(async () => {\n  if (running) return;\n  running = true;\n  try { await work(); } finally { running = false; }\n}, 1000);",
        "let busy = false;\nsetInterval(async () => {\n  if (!busy) {\n    busy = true;\n    await work();\n    busy = false;\n  }\n}, 1000);",
        "let isSyncing = false;\nasync function sync() {\n  if (isSyncing) { console.log('skip'); return; }\n  isSyncing = true;\n  await work();\n  isSyncing = false;\n}\nsetInterval(() => sync(), 1000);",
        "let current = null;\nsetInterval(() => {\n  if (current) return;\n  current = work().finally(() => { current = null; });\n}, 1000);",
        "class Job {\n  running = false;\n  start() { setInterval(() => this.tick(), 1000); }\n  async tick() {\n    if (this.running) return;\n    this.running = true;\n    await work();\n    this.running = false;\n  }\n}",
    ];
    for source in guarded {
        assert!(one("src/a.ts", source).guarded, "{source}");
    }
    let unguarded = [
        // Lazy initialisation is no guard.
        "let cache;\nsetInterval(async () => {\n  if (!cache) cache = await load();\n  await work(cache);\n}, 1000);",
        // A flag local to each run guards nothing.
        "setInterval(async () => {\n  let done = false;\n  if (done) return;\n  done = true;\n}, 1000);",
        // Tested, never set.
        "let enabled = true;\nsetInterval(async () => {\n  if (!enabled) return;\n  await work();\n}, 1000);",
    ];
    for source in unguarded {
        assert!(!one("src/a.ts", source).guarded, "{source}");
    }
}

#[test]
fn locks_guard_against_overlap() {
    let guarded = [
        "setInterval(async () => {\n  const lock = await acquireLock('sync');\n  if (!lock) return;\n  await work();\n}, 60000);",
        "setInterval(async () => {\n  if (!(await tryLock('sync'))) return;\n}, 60000);",
        "setInterval(() => withLock('sync', async () => work()), 60000);",
        "setInterval(() => mutex.runExclusive(() => work()), 60000);",
        "setInterval(async () => {\n  const ok = await redis.set('lock:sync', '1', 'NX', 'PX', 30000);\n  if (!ok) return;\n}, 60000);",
        "setInterval(async () => {\n  const ok = await redis.set('lock:sync', '1', { NX: true, PX: 30000 });\n}, 60000);",
        "setInterval(async () => {\n  const { rows } = await pool.query('SELECT pg_try_advisory_lock(42) AS locked');\n}, 60000);",
        "setInterval(async () => {\n  await sql`SELECT id FROM jobs WHERE status = 'queued' FOR UPDATE SKIP LOCKED LIMIT 10`;\n}, 60000);",
    ];
    for source in guarded {
        assert!(one("src/a.ts", source).guarded, "{source}");
    }
    assert!(!one("src/a.ts", "setInterval(() => clock.tick(), 1000);").guarded);
}

#[test]
fn node_cron() {
    let cases = [
        "import cron from 'node-cron';\ncron.schedule('*/5 * * * *', async () => { await work(); });",
        "import * as cron from 'node-cron';\ncron.schedule('*/5 * * * *', async () => { await work(); });",
        "const cron = require('node-cron');\ncron.schedule('*/5 * * * *', async () => { await work(); });",
        "import { schedule } from 'node-cron';\nschedule('*/5 * * * *', async () => { await work(); });",
    ];
    for source in cases {
        let timer = one("src/jobs.ts", source);
        assert_eq!((timer.kind, timer.period_ms, timer.guarded), (TimerKind::Cron, Some(300_000), false), "{source}");
        assert_eq!(timer.span.line, 2);
    }
    let source = "import cron from 'node-cron';\ncron.schedule('* * * * *', work, { noOverlap: true });";
    assert!(one("src/jobs.ts", source).guarded);
    // Something else called `schedule`.
    assert!(
        timers("src/jobs.ts", "import agenda from './agenda';\nagenda.schedule('in 5 minutes', 'send');").is_empty()
    );
}

#[test]
fn cron_croner_and_node_schedule() {
    let source =
        "import { CronJob } from 'cron';\nnew CronJob('0 * * * *', async () => { await work(); }, null, true);";
    let timer = one("src/jobs.ts", source);
    assert_eq!((timer.kind, timer.period_ms), (TimerKind::Cron, Some(3_600_000)));
    let source =
        "const { CronJob } = require('cron');\nconst job = new CronJob('*/10 * * * * *', tick);\nfunction tick() {}";
    assert_eq!(one("src/jobs.js", source).period_ms, Some(10_000));
    let source = "import { CronJob } from 'cron';\nCronJob.from({ cronTime: '* * * * *', onTick: async () => {}, start: true, waitForCompletion: true });";
    let timer = one("src/jobs.ts", source);
    assert_eq!((timer.period_ms, timer.guarded), (Some(60_000), true));
    let source = "import { Cron } from 'croner';\nCron('*/30 * * * * *', async () => { await work(); });";
    assert_eq!(one("src/jobs.ts", source).period_ms, Some(30_000));
    let source =
        "import { Cron } from 'croner';\nnew Cron('* * * * *', { protect: true }, async () => { await work(); });";
    let timer = one("src/jobs.ts", source);
    assert_eq!((timer.period_ms, timer.guarded), (Some(60_000), true));
    assert!(matches!(timer.callback, Value::Function(_)));
    let source = "import schedule from 'node-schedule';\nschedule.scheduleJob('digest', '0 9 * * *', async () => { await work(); });";
    assert_eq!(one("src/jobs.ts", source).period_ms, Some(86_400_000));
    let source = "import schedule from 'node-schedule';\nschedule.scheduleJob({ hour: 9, minute: 0 }, async () => {});";
    assert_eq!(one("src/jobs.ts", source).period_ms, None);
    // A date runs once.
    let source = "import schedule from 'node-schedule';\nschedule.scheduleJob(new Date(2030, 1, 1), async () => {});";
    assert!(timers("src/jobs.ts", source).is_empty());
}

#[test]
fn nest_schedule_decorators() {
    let source = "import { Injectable } from '@nestjs/common';\nimport { Cron, CronExpression, Interval } from '@nestjs/schedule';\n@Injectable()\nexport class TasksService {\n  constructor(private prisma: PrismaService) {}\n  @Cron(CronExpression.EVERY_5_MINUTES)\n  async cleanup() { await this.prisma.session.deleteMany({}); }\n  @Interval('poll', 10000)\n  async poll() {}\n  @Cron('0 0 * * *')\n  nightly() {}\n}\n";
    let facts = facts("src/tasks/tasks.service.ts", source);
    let found: Vec<(u32, Option<u64>, String)> = facts
        .timers
        .iter()
        .map(|timer| {
            let Value::Function(id) = timer.callback else { panic!("{:?}", timer.callback) };
            (timer.span.line, timer.period_ms, facts.functions[id as usize].name.clone())
        })
        .collect();
    assert_eq!(
        found,
        vec![
            (6, Some(300_000), "TasksService.cleanup".to_owned()),
            (8, Some(10_000), "TasksService.poll".to_owned()),
            (10, Some(86_400_000), "TasksService.nightly".to_owned()),
        ]
    );
    assert!(facts.timers.iter().all(|timer| timer.kind == TimerKind::Cron && !timer.client && !timer.guarded));
    let source = "import { Cron } from '@nestjs/schedule';\nexport class Jobs {\n  private running = false;\n  @Cron('* * * * *')\n  async run() {\n    if (this.running) return;\n    this.running = true;\n  }\n}\n";
    assert!(one("src/jobs.ts", source).guarded);
}

#[test]
fn swr_refresh_interval() {
    let source = "import useSWR from 'swr';\nexport function useStatus() {\n  return useSWR('/api/status', fetcher, {\n    refreshInterval: 1000,\n  });\n}\n";
    let timer = one("src/hooks/useStatus.ts", source);
    assert_eq!(
        (timer.kind, timer.period_ms, timer.guarded, timer.client),
        (TimerKind::Refetch, Some(1000), true, true)
    );
    assert_eq!(timer.span.line, 4);
    let source = "import useSWR from 'swr';\nconst { data } = useSWR('/api/x', { fetcher, refreshInterval: 2000, refreshWhenHidden: true });";
    let timer = one("src/a.ts", source);
    assert_eq!((timer.period_ms, timer.guarded), (Some(2000), false));
    // Off, or no interval at all.
    assert!(timers("src/a.ts", "import useSWR from 'swr';\nuseSWR('/x', f, { refreshInterval: 0 });").is_empty());
    assert!(timers("src/a.ts", "import useSWR from 'swr';\nuseSWR('/x', f);").is_empty());
}

#[test]
fn react_query_refetch_interval() {
    let source = "import { useQuery } from '@tanstack/react-query';\nexport function useJobs() {\n  return useQuery({\n    queryKey: ['jobs'],\n    queryFn: fetchJobs,\n    refetchInterval: 3_000,\n  });\n}\nasync function fetchJobs() {}\n";
    let timer = one("src/hooks/useJobs.ts", source);
    assert_eq!(
        (timer.kind, timer.period_ms, timer.guarded, timer.client),
        (TimerKind::Refetch, Some(3000), true, true)
    );
    assert_eq!(timer.span.line, 6);
    assert_eq!(callback_name("src/hooks/useJobs.ts", source), "fetchJobs");
    let source = "import { useQuery } from '@tanstack/react-query';\nuseQuery({ queryKey: ['x'], queryFn, refetchInterval: 1000, refetchIntervalInBackground: true });";
    assert!(!one("src/a.ts", source).guarded);
    let source = "import { useQuery } from '@tanstack/react-query';\nuseQuery({ queryKey: ['x'], queryFn, refetchInterval: (query) => query.state.data?.done ? false : 2000 });";
    assert_eq!(one("src/a.ts", source).period_ms, None);
    let source = "import { useQuery } from '@tanstack/react-query';\nuseQuery({ queryKey: ['x'], queryFn, refetchInterval: live ? 2000 : false });";
    assert_eq!(one("src/a.ts", source).period_ms, Some(2000));
    assert!(timers("src/a.ts", "useQuery({ queryKey: ['x'], queryFn, refetchInterval: false });").is_empty());
    // v3 positional form, tRPC, Apollo.
    let source = "import { useQuery } from 'react-query';\nuseQuery('todos', fetchTodos, { refetchInterval: 5000 });\nfunction fetchTodos() {}";
    assert_eq!(callback_name("src/a.ts", source), "fetchTodos");
    let source =
        "import { api } from '~/utils/api';\nconst q = api.post.list.useQuery(undefined, { refetchInterval: 4000 });";
    assert_eq!(one("src/a.tsx", source).period_ms, Some(4000));
    let source =
        "import { useQuery } from '@apollo/client';\nconst { data } = useQuery(GET_FEED, { pollInterval: 500 });";
    let timer = one("src/a.tsx", source);
    assert_eq!((timer.period_ms, timer.guarded), (Some(500), false));
}

#[test]
fn which_files_are_client_code() {
    let interval = "setInterval(() => {}, 1000);\n";
    let client = |path: &str, source: &str| one(path, source).client;
    assert!(client("lib/poll.ts", &format!("'use client';\n{interval}")));
    assert!(client("components/Clock.tsx", interval));
    assert!(client("src/app/dashboard/page.tsx", interval));
    assert!(client("src/App.jsx", interval));
    assert!(client(
        "lib/useTicker.ts",
        &format!(
            "import {{ useEffect }} from 'react';\nexport function useTicker() {{ useEffect(() => {{ {interval} }}, []); }}\n"
        )
    ));
    assert!(!client("src/server.ts", interval));
    assert!(!client("app/api/cron/route.tsx", interval));
    assert!(!client("src/index.tsx", &format!("import {{ Hono }} from 'hono';\n{interval}")));
    assert!(!client("lib/jobs.ts", &format!("import {{ useEffect }} from 'react';\n{interval}")));
}

#[test]
fn client_visibility_checks() {
    let source = "'use client';\nsetInterval(() => {\n  if (document.visibilityState !== 'visible') return;\n  load();\n}, 2000);\n";
    assert!(one("components/Feed.tsx", source).guarded);
    let source = "'use client';\nimport { useEffect } from 'react';\nexport function Feed() {\n  useEffect(() => {\n    let id = setInterval(load, 2000);\n    const onChange = () => { if (document.hidden) clearInterval(id); else id = setInterval(load, 2000); };\n    document.addEventListener('visibilitychange', onChange);\n  }, []);\n}\nfunction load() {}\n";
    let found = timers("components/Feed.tsx", source);
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(|timer| timer.guarded && timer.client));
    // Server code: the page's visibility means nothing there.
    let source = "const visibilityWindow = 5;\nsetInterval(() => work(), 2000);\n";
    assert!(!one("src/worker.ts", source).guarded);
}

#[test]
fn use_interval_hooks() {
    let source = "import { useInterval } from 'usehooks-ts';\nexport function Clock() {\n  useInterval(() => refresh(), 2000);\n  useInterval(() => refresh(), null);\n}\n";
    let timer = one("src/a.ts", source);
    assert_eq!((timer.kind, timer.period_ms, timer.client), (TimerKind::Interval, Some(2000), true));
}

#[test]
fn files_without_timers_are_dismissed() {
    assert!(timers("src/a.ts", "export const interval = 5;\nconsole.log(interval);\n").is_empty());
}

#[test]
fn cron_expressions() {
    let cases = [
        ("* * * * *", Some(60_000)),
        ("*/1 * * * *", Some(60_000)),
        ("*/5 * * * *", Some(300_000)),
        ("0,30 * * * *", Some(1_800_000)),
        ("0,50 * * * *", Some(600_000)),
        ("0-10 * * * *", Some(60_000)),
        ("0 * * * *", Some(3_600_000)),
        ("0 */2 * * *", Some(7_200_000)),
        ("30 9 * * *", Some(86_400_000)),
        ("0 9,17 * * *", Some(28_800_000)),
        ("0 9 * * 1", Some(604_800_000)),
        ("0 9 * * 1-5", Some(86_400_000)),
        ("0 9 * * MON,THU", Some(259_200_000)),
        ("0 12 * * 0,7", Some(604_800_000)),
        ("0 0 1 * *", Some(28 * 86_400_000)),
        ("0 0 1,15 * *", Some(14 * 86_400_000)),
        ("0 0 1,31 * *", Some(86_400_000)),
        ("0 0 1 1 *", None),
        ("0 0 1 * 1", None),
        ("0 0 L * *", None),
        ("* * * * * *", Some(1_000)),
        ("*/5 * * * * *", Some(5_000)),
        ("0 */10 * * * *", Some(600_000)),
        ("0 0 * * * *", Some(3_600_000)),
        ("@hourly", Some(3_600_000)),
        ("@daily", Some(86_400_000)),
        ("@monthly", None),
        ("every 5 minutes", None),
        ("* * *", None),
    ];
    for (expression, period) in cases {
        assert_eq!(cron(expression), period, "{expression}");
    }
}

#[test]
fn nest_cron_expressions() {
    assert_eq!(nest_expression("EVERY_SECOND"), Some(1_000));
    assert_eq!(nest_expression("EVERY_5_SECONDS"), Some(5_000));
    assert_eq!(nest_expression("EVERY_MINUTE"), Some(60_000));
    assert_eq!(nest_expression("EVERY_30_MINUTES"), Some(1_800_000));
    assert_eq!(nest_expression("EVERY_HOUR"), Some(3_600_000));
    assert_eq!(nest_expression("EVERY_DAY_AT_1AM"), Some(86_400_000));
    assert_eq!(nest_expression("EVERY_WEEK"), Some(604_800_000));
    assert_eq!(nest_expression("EVERY_1ST_DAY_OF_MONTH_AT_NOON"), None);
}
