//! Real HTTP servers on 127.0.0.1 for the load tests, each with a known behaviour: a fixed capacity, or a
//! pause every hundredth request.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// How a test server answers.
#[derive(Clone)]
pub enum Behaviour {
    /// `workers` requests at a time, each taking `service`: a capacity of workers / service.
    FixedCapacity { workers: usize, service: Duration },
    /// The whole server stops for `pause` on every `every`-th request, as a stop-the-world GC pause does.
    PauseEvery { every: u64, pause: Duration },
}

/// A server on its own thread and runtime; dropped, it stops.
pub struct TestServer {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Starts a server. `PauseEvery` runs on one thread, so that a pause stops every connection at once.
pub fn start(behaviour: Behaviour) -> TestServer {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (shutdown_tx, mut shutdown_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = match behaviour {
            Behaviour::PauseEvery { .. } => tokio::runtime::Builder::new_current_thread().enable_all().build(),
            Behaviour::FixedCapacity { .. } => {
                tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()
            }
        }
        .expect("a runtime");
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
            ready_tx.send(listener.local_addr().unwrap()).unwrap();
            let permits = match &behaviour {
                Behaviour::FixedCapacity { workers, .. } => Arc::new(Semaphore::new(*workers)),
                Behaviour::PauseEvery { .. } => Arc::new(Semaphore::new(1)),
            };
            let count = Arc::new(AtomicU64::new(0));
            loop {
                let (stream, _) = tokio::select! {
                    accepted = listener.accept() => accepted.expect("accept"),
                    _ = &mut shutdown_rx => break,
                };
                let _ = stream.set_nodelay(true);
                let (behaviour, permits, count) = (behaviour.clone(), Arc::clone(&permits), Arc::clone(&count));
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                        let (behaviour, permits, count) = (behaviour.clone(), Arc::clone(&permits), Arc::clone(&count));
                        async move {
                            drop(request);
                            answer(&behaviour, &permits, &count).await;
                            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from_static(b"ok\n"))))
                        }
                    });
                    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    let _ = builder.serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
    });
    let addr = ready_rx.recv().expect("the server started");
    TestServer { addr, shutdown: Some(shutdown_tx), thread: Some(thread) }
}

async fn answer(behaviour: &Behaviour, permits: &Semaphore, count: &AtomicU64) {
    match behaviour {
        Behaviour::FixedCapacity { service, .. } => {
            let _permit = permits.acquire().await.expect("the semaphore is never closed");
            tokio::time::sleep(*service).await;
        }
        Behaviour::PauseEvery { every, pause } => {
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            if n.is_multiple_of(*every) {
                // Blocking on purpose: the one thread stops, and with it every connection.
                std::thread::sleep(*pause);
            }
        }
    }
}
