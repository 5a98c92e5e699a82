//! One step of load: a constant arrival rate (the open model) or a fixed number of users who each send
//! their next request when the last one returns (the closed model, what wrk, oha and ab do).
//!
//! In the open model a pacing thread emits each request's *intended* send time, `start + i / rate`, and
//! workers, one per connection, send them. Latency is measured from the intended time, so a request that
//! waited for a free connection or a stalled server carries that wait: a stall shows as latency rather
//! than as requests that were never sent (no coordinated omission).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::client::{Connection, Connector, ErrorKind, Failure, RequestTemplate};
use crate::wire::{self, WireConnection};

/// The load of one step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Load {
    /// Requests per second, scheduled at a constant interval.
    Rate(f64),
    /// Users in a closed loop, each with its own connection.
    Concurrency(usize),
}

#[derive(Debug, Clone)]
pub struct StepSpec {
    pub load: Load,
    pub duration: Duration,
    /// A request with no response this long after its intended send time is a timeout.
    pub timeout: Duration,
    /// Connections of the open model; requests beyond them wait their turn, and the wait counts.
    pub connections: usize,
    /// How long requests still in flight when the schedule ends may take before they are counted
    /// unfinished.
    pub drain: Duration,
    /// When the backlog shows the mean latency above this (Little's law: in flight / rate), the step
    /// stops early: the SLO is badly broken and more load only queues.
    pub abort_latency: Option<Duration>,
    /// Threads that send (see [`default_threads`]).
    pub threads: usize,
}

/// Half the cores, at least one: the server under test runs on this machine too by default (loopback),
/// and a load generator that takes every core slows the server it measures. On two cores, one sending
/// thread gets more answers from a local nginx than two (wrk `-t1` against `-t2` shows the same).
pub fn default_threads() -> usize {
    (std::thread::available_parallelism().map_or(1, usize::from) / 2).max(1)
}

/// What one step measured. Latencies are in microseconds.
pub struct StepOutcome {
    pub load: Load,
    pub planned: u64,
    pub elapsed: Duration,
    pub latency: Histogram<u64>,
    /// Responses by status code.
    pub statuses: BTreeMap<u16, u64>,
    pub errors: BTreeMap<ErrorKind, u64>,
    /// Requests still waiting or in flight when the step ended; their latency is recorded as their
    /// age then, a lower bound.
    pub unfinished: u64,
    /// Why the step stopped before its time.
    pub aborted: Option<String>,
    /// The user stopped it (Ctrl-C).
    pub interrupted: bool,
}

impl StepOutcome {
    pub fn responses(&self) -> u64 {
        self.statuses.values().sum()
    }
}

/// Sets when the user asks to stop (Ctrl-C): no new request is sent, and what was measured is kept.
pub type StopFlag = Arc<AtomicBool>;

/// Runs one step; failed requests are counted, never returned.
pub async fn run_step(
    connector: &Connector,
    template: &Arc<RequestTemplate>,
    spec: &StepSpec,
    stop: &StopFlag,
) -> StepOutcome {
    match spec.load {
        Load::Rate(rate) => open_step(connector, template, spec, rate, stop).await,
        Load::Concurrency(users) => closed_step(connector, template, spec, users, stop).await,
    }
}

/// Per-worker tallies, merged at the end so the hot path takes no lock.
struct Tally {
    latency: Histogram<u64>,
    statuses: BTreeMap<u16, u64>,
    errors: BTreeMap<ErrorKind, u64>,
    unfinished: u64,
}

impl Tally {
    fn new() -> Tally {
        // 1 µs to one hour at three significant digits.
        let latency = Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid histogram bounds");
        Tally { latency, statuses: BTreeMap::new(), errors: BTreeMap::new(), unfinished: 0 }
    }

    fn record(&mut self, latency: Duration) {
        self.latency.saturating_record(latency.as_micros().max(1) as u64);
    }

    fn response(&mut self, status: u16, latency: Duration) {
        self.record(latency);
        *self.statuses.entry(status).or_default() += 1;
    }

    fn error(&mut self, kind: ErrorKind) {
        *self.errors.entry(kind).or_default() += 1;
    }

    /// A timeout has a latency too: at least the timeout, which the percentiles must see.
    fn timeout(&mut self, latency: Duration) {
        self.record(latency);
        self.error(ErrorKind::Timeout);
    }

    fn unfinished(&mut self, age: Duration) {
        self.record(age);
        self.unfinished += 1;
    }

    fn into_outcome(
        self,
        load: Load,
        planned: u64,
        elapsed: Duration,
        aborted: Option<String>,
        stop: &StopFlag,
    ) -> StepOutcome {
        StepOutcome {
            load,
            planned,
            elapsed,
            latency: self.latency,
            statuses: self.statuses,
            errors: self.errors,
            unfinished: self.unfinished,
            interrupted: stop.load(Ordering::Relaxed),
            aborted,
        }
    }

    fn merge(&mut self, other: Tally) {
        self.latency.add(&other.latency).expect("histograms share their bounds");
        for (status, count) in other.statuses {
            *self.statuses.entry(status).or_default() += count;
        }
        for (kind, count) in other.errors {
            *self.errors.entry(kind).or_default() += count;
        }
        self.unfinished += other.unfinished;
    }
}

/// A worker's connection, opened on first use and again after a failure.
struct Lane {
    connector: Connector,
    /// The request's bytes, when the connection is plain HTTP/1.1 ([`crate::wire`]).
    wire_request: Option<Bytes>,
    link: Option<Link>,
}

enum Link {
    Wire(WireConnection),
    Hyper(Connection),
}

impl Lane {
    fn new(connector: &Connector, template: &RequestTemplate) -> Lane {
        let wire_request = connector.speaks_wire().then(|| wire::serialize(connector.origin(), template));
        Lane { connector: connector.clone(), wire_request, link: None }
    }

    async fn send(&mut self, template: &RequestTemplate) -> Result<u16, Failure> {
        let reusable = match &mut self.link {
            Some(Link::Wire(connection)) => connection.reusable(),
            Some(Link::Hyper(connection)) => connection.reusable(),
            None => true,
        };
        if !reusable {
            self.link = None;
        }
        if self.link.is_none() {
            self.link = Some(match &self.wire_request {
                Some(_) => Link::Wire(self.connector.connect_wire().await?),
                None => Link::Hyper(self.connector.connect().await?),
            });
        }
        let result = match (&mut self.link, &self.wire_request) {
            (Some(Link::Wire(connection)), Some(request)) => {
                connection.send(request, template.method == http::Method::HEAD).await
            }
            (Some(Link::Hyper(connection)), _) => connection.send(template).await,
            _ => unreachable!("a wire connection has its request's bytes"),
        };
        if result.is_err() {
            self.link = None;
        }
        result
    }

    /// Drops the connection, after a timeout: its answer may still arrive and would be read as the next one's.
    fn reset(&mut self) {
        self.link = None;
    }
}

async fn open_step(
    connector: &Connector,
    template: &Arc<RequestTemplate>,
    spec: &StepSpec,
    rate: f64,
    stop: &StopFlag,
) -> StepOutcome {
    let planned = (rate * spec.duration.as_secs_f64()).round().max(1.0) as u64;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let (queue, intended) = async_channel::unbounded::<Instant>();
    let cancel = CancellationToken::new();
    let finished = Arc::new(AtomicU64::new(0));
    let start = Instant::now() + Duration::from_millis(5);

    let mut workers = Vec::with_capacity(spec.connections);
    for _ in 0..spec.connections.max(1) {
        let intended = intended.clone();
        let cancel = cancel.clone();
        let finished = Arc::clone(&finished);
        let template = Arc::clone(template);
        let mut lane = Lane::new(connector, &template);
        let timeout = spec.timeout;
        workers.push(tokio::spawn(async move {
            let mut tally = Tally::new();
            loop {
                let due = tokio::select! {
                    biased;
                    () = cancel.cancelled() => break,
                    next = intended.recv() => match next {
                        Ok(due) => due,
                        Err(_) => break,
                    },
                };
                let deadline = due + timeout;
                if Instant::now() >= deadline {
                    tally.timeout(Instant::now() - due);
                    finished.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                tokio::select! {
                    biased;
                    () = cancel.cancelled() => {
                        tally.unfinished(Instant::now() - due);
                        break;
                    }
                    result = tokio::time::timeout_at(deadline.into(), lane.send(&template)) => match result {
                        Ok(Ok(status)) => tally.response(status, Instant::now() - due),
                        Ok(Err(failure)) => tally.error(failure.kind),
                        Err(_) => {
                            lane.reset();
                            tally.timeout(Instant::now() - due);
                        }
                    },
                }
                finished.fetch_add(1, Ordering::Relaxed);
            }
            tally
        }));
    }

    // The pacer is an OS thread: its sleeps are accurate to tens of microseconds, where the async
    // timer's are a millisecond, which at a few hundred requests per second would shape the load.
    let pacer = {
        let cancel = cancel.clone();
        let stop = Arc::clone(stop);
        std::thread::spawn(move || {
            let mut sent = 0u64;
            while sent < planned && !cancel.is_cancelled() && !stop.load(Ordering::Relaxed) {
                let due = start + interval.mul_f64(sent as f64);
                let now = Instant::now();
                if due > now {
                    std::thread::sleep(due - now);
                }
                if queue.send_blocking(due).is_err() {
                    break;
                }
                sent += 1;
            }
            sent
        })
    };

    // Watch the backlog while the schedule runs, then give what is in flight `drain` to finish.
    let mut aborted = None;
    let schedule_end = start + spec.duration;
    // The backlog can show a mean latency only once that much time has passed.
    let warmup = spec.abort_latency.map(|latency| latency.max(Duration::from_millis(250)));
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let now = Instant::now();
        if stop.load(Ordering::Relaxed) {
            aborted = Some("stopped by the user".to_owned());
            break;
        }
        if now >= schedule_end || pacer.is_finished() {
            break;
        }
        if let (Some(latency), Some(warmup)) = (spec.abort_latency, warmup)
            && now > start + warmup
        {
            let scheduled = ((now - start).as_secs_f64() * rate).min(planned as f64);
            let in_flight = scheduled - finished.load(Ordering::Relaxed) as f64;
            let mean_latency = in_flight / rate;
            if in_flight > 10.0 && mean_latency > latency.as_secs_f64() {
                aborted = Some(format!(
                    "stopped early: {in_flight:.0} requests waiting, a mean latency over {} ms",
                    latency.as_millis()
                ));
                break;
            }
        }
    }
    if aborted.is_some() {
        cancel.cancel();
    } else {
        let drain_end = tokio::time::Instant::now() + spec.drain;
        while finished.load(Ordering::Relaxed) < planned && tokio::time::Instant::now() < drain_end {
            if stop.load(Ordering::Relaxed) {
                aborted = Some("stopped by the user".to_owned());
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        cancel.cancel();
    }
    let sent = pacer.join().unwrap_or(planned);
    let ended = Instant::now();
    let mut tally = Tally::new();
    for worker in workers {
        if let Ok(worker_tally) = worker.await {
            tally.merge(worker_tally);
        }
    }
    // Requests the workers never picked up waited from their intended time until now.
    while let Ok(due) = intended.try_recv() {
        tally.unfinished(ended.saturating_duration_since(due));
    }
    // The schedule's length, or its part that ran: responses that arrive while draining belong to it.
    let elapsed = if aborted.is_some() { ended.saturating_duration_since(start) } else { spec.duration };
    tally.into_outcome(Load::Rate(rate), sent, elapsed, aborted, stop)
}

/// The closed model runs as wrk does: `threads` OS threads, each with its own single-threaded runtime
/// and its share of the users, so that a connection's request, response and next request stay on one
/// thread with no cross-thread wake-up.
async fn closed_step(
    connector: &Connector,
    template: &Arc<RequestTemplate>,
    spec: &StepSpec,
    users: usize,
    stop: &StopFlag,
) -> StepOutcome {
    let start = Instant::now();
    let end = start + spec.duration;
    let users = users.max(1);
    let threads = spec.threads.clamp(1, users);
    let mut handles = Vec::with_capacity(threads);
    for thread in 0..threads {
        // Users spread evenly: the first `users % threads` threads take one more.
        let share = users / threads + usize::from(thread < users % threads);
        let (connector, template, stop, timeout) =
            (connector.clone(), Arc::clone(template), Arc::clone(stop), spec.timeout);
        handles.push(std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            runtime.block_on(async move {
                let workers: Vec<_> = (0..share)
                    .map(|_| {
                        let lane = Lane::new(&connector, &template);
                        tokio::spawn(closed_user(lane, Arc::clone(&template), end, timeout, Arc::clone(&stop)))
                    })
                    .collect();
                let mut tally = Tally::new();
                let mut sent = 0;
                for worker in workers {
                    if let Ok((worker_tally, worker_sent)) = worker.await {
                        tally.merge(worker_tally);
                        sent += worker_sent;
                    }
                }
                (tally, sent)
            })
        }));
    }
    let joined = tokio::task::spawn_blocking(move || {
        handles.into_iter().filter_map(|handle| handle.join().ok()).collect::<Vec<_>>()
    })
    .await
    .unwrap_or_default();
    let mut tally = Tally::new();
    let mut planned = 0;
    for (thread_tally, sent) in joined {
        tally.merge(thread_tally);
        planned += sent;
    }
    let aborted = stop.load(Ordering::Relaxed).then(|| "stopped by the user".to_owned());
    tally.into_outcome(Load::Concurrency(users), planned, start.elapsed(), aborted, stop)
}

/// One user of the closed model: the next request as soon as the last answer is read.
async fn closed_user(
    mut lane: Lane,
    template: Arc<RequestTemplate>,
    end: Instant,
    timeout: Duration,
    stop: StopFlag,
) -> (Tally, u64) {
    let mut tally = Tally::new();
    let mut sent = 0u64;
    loop {
        let begin = Instant::now();
        if begin >= end || stop.load(Ordering::Relaxed) {
            break;
        }
        sent += 1;
        // A request still out a second past the step's end is counted unfinished rather than waited for.
        let cut = tokio::time::sleep_until((end + Duration::from_secs(1)).into());
        let result = tokio::select! {
            result = tokio::time::timeout(timeout, lane.send(&template)) => result,
            () = cut => {
                tally.unfinished(begin.elapsed());
                break;
            }
        };
        match result {
            Ok(Ok(status)) => tally.response(status, begin.elapsed()),
            Ok(Err(failure)) => {
                tally.error(failure.kind);
                // A refused connection fails at once; without a pause the loop would spin.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(_) => {
                lane.reset();
                tally.timeout(begin.elapsed());
            }
        }
    }
    (tally, sent)
}
