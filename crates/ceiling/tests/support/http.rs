//! Real HTTP servers on 127.0.0.1 for the `load` and `probe` tests: a small keep-alive server of the
//! test's own, and the runnable example app (`examples/express-load-app`, Node.js) on a throwaway
//! PostgreSQL.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::postgres::TempPostgres;

/// An HTTP/1.1 keep-alive server answering `200 ok` to every request but those under `/busy`, which get
/// `503`, a thread per connection. Bytes that are not HTTP (a TLS handshake) get a plain-text 400 and a
/// close, as real servers answer them.
pub struct OkServer {
    pub addr: SocketAddr,
}

impl OkServer {
    pub fn start() -> OkServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || serve(stream));
            }
        });
        OkServer { addr }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn serve(stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone().expect("clone the stream");
    let mut reader = BufReader::new(stream);
    loop {
        let mut first = String::new();
        match reader.read_line(&mut first) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if !first.starts_with(|c: char| c.is_ascii_uppercase()) {
            let _ = writer.write_all(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let busy = first.split_whitespace().nth(1).is_some_and(|path| path.starts_with("/busy"));
        let status = if busy { "503 Service Unavailable" } else { "200 OK" };
        let response = format!("HTTP/1.1 {status}\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\nok\n");
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// A loopback port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `examples/express-load-app`, seeded and running; the server process ends with this value.
pub struct ExampleApp {
    pub url: String,
    child: Child,
    _database: TempPostgres,
}

impl Drop for ExampleApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/express-load-app")
}

/// Starts the example app on a fresh database with `posts` posts; `None` (the test skips) only when
/// CEILING_SKIP_NODE=1 says Node.js or the example's packages are knowingly absent.
pub fn example_app(test: &str, posts: u32) -> Option<ExampleApp> {
    let dir = example_dir();
    if !dir.join("node_modules/express").is_dir() || Command::new("node").arg("--version").output().is_err() {
        if std::env::var_os("CEILING_SKIP_NODE").is_some() {
            eprintln!("{test}: skipped (CEILING_SKIP_NODE is set)");
            return None;
        }
        panic!("{test} needs Node.js and `npm ci` in {} (or set CEILING_SKIP_NODE=1)", dir.display());
    }
    let database = super::postgres::start_or_skip(test)?;
    let url = database.url();
    let seeded = Command::new("node")
        .args(["seed.js", "--posts", &posts.to_string(), "--users", "200"])
        .current_dir(&dir)
        .env("DATABASE_URL", &url)
        .output()
        .expect("run node seed.js");
    assert!(seeded.status.success(), "seed.js failed: {}", String::from_utf8_lossy(&seeded.stderr));
    let port = closed_port();
    let child = Command::new("node")
        .arg("server.js")
        .current_dir(&dir)
        .env("DATABASE_URL", &url)
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start node server.js");
    let app = ExampleApp { url: format!("http://127.0.0.1:{port}"), child, _database: database };
    let began = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(began.elapsed() < Duration::from_secs(20), "the example app did not start listening");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(app)
}
