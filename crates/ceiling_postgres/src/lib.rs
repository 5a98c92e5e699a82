//! A real, throwaway PostgreSQL server, started from the binaries installed on this machine.
//!
//! ceiling's tests and benchmarks use it, and so will `ceiling grow`, which measures queries on a
//! database it made and may destroy. `TempPostgres::start()` runs `initdb` into a fresh temp dir, starts the server on a free port of
//! 127.0.0.1 with its socket in that dir, and waits until it accepts connections. Dropping the value
//! stops the server (`pg_ctl stop -m immediate`) and removes the dir.
//!
//! A signal does not run destructors, and the postmaster runs in a session of its own, so a Ctrl-C
//! in the terminal does not reach it: without help, an interrupted program would leave the server
//! running and its dir behind. [`TempPostgres::cleanup_handle`] gives a [`Cleanup`], which does
//! what dropping does, at most once, from any thread; [`Cleanup::run_on_signal`] runs it from a
//! handler for SIGINT, SIGTERM and SIGHUP (one per process, through `ctrlc`), which then ends the
//! process with exit code 130, even while the main thread is blocked in a long query.
//!
//! `initdb` refuses to run as root, so when the tests run as root the server tools run as an
//! unprivileged user (`postgres` if it exists, else `nobody`) through `runuser`, and the temp dir is
//! chowned to that user. `psql` is only a client: it always runs as the current user and connects
//! over TCP as the `ceiling` superuser, which `-A trust` lets in without a password.
//!
//! When no PostgreSQL is installed, `start()` fails with an error starting with [`NOT_INSTALLED`].
//! Tests should then fail, not pass quietly; [`start_or_skip`] allows a skip only when
//! `CEILING_SKIP_POSTGRES=1` is set.
//!
//! The server runs with `fsync` off (`-F`): its data is thrown away, and durability would only
//! slow loading it.

use std::fs;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How the error of `start()` begins when no PostgreSQL binaries are found.
pub const NOT_INSTALLED: &str = "PostgreSQL not installed";
/// Names the directory of the server binaries to use, when several versions are installed (or to
/// prove, in a test, what happens when there are none).
pub const BINDIR_ENV: &str = "CEILING_PG_BINDIR";
/// Set to `1` to let tests skip when PostgreSQL is not installed.
pub const SKIP_ENV: &str = "CEILING_SKIP_POSTGRES";
/// The superuser `initdb` creates, and the role every connection uses.
pub const SUPERUSER: &str = "ceiling";

/// Connection settings from the environment that would point our tools somewhere else.
const FOREIGN_ENV: &[&str] = &[
    "PGDATA",
    "PGHOST",
    "PGHOSTADDR",
    "PGPORT",
    "PGUSER",
    "PGDATABASE",
    "PGPASSWORD",
    "PGPASSFILE",
    "PGOPTIONS",
    "PGSERVICE",
    "PGSERVICEFILE",
    "PGSSLMODE",
    "PGTZ",
    "PGCLIENTENCODING",
];

/// Start attempts; a retry happens only when the picked port was taken in the meantime.
const START_ATTEMPTS: usize = 3;
/// Lines of the server log quoted in errors.
const LOG_TAIL_LINES: usize = 40;
/// The exit code after a signal: 128 + SIGINT, what shells report for a Ctrl-C.
const INTERRUPTED_EXIT_CODE: i32 = 130;
/// How long a thread that meets the signal's cleanup waits for the handler to end the process.
const HANDLER_EXIT_WAIT: Duration = Duration::from_secs(30);

/// Set by the signal handler before it cleans up; see [`interrupted`].
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Set by the first [`Cleanup::run_on_signal`]: `ctrlc` takes one handler per process.
static HANDLER_INSTALLED: AtomicBool = AtomicBool::new(false);

pub struct TempPostgres {
    port: u16,
    socket: PathBuf,
    log: PathBuf,
    /// Server settings given at start (`-c name=value`).
    settings: Vec<(String, String)>,
    /// The dir, the tools and the user: what stopping and removing needs, shared with [`Cleanup`]s.
    scratch: Arc<Scratch>,
}

/// Stops the server and removes its dir, once: what dropping a [`TempPostgres`] does, available
/// to other threads and to a signal handler. `Send + Sync`; clones share the one cleanup.
///
/// It does not keep the server alive: dropping the `TempPostgres` still cleans up, and a
/// `Cleanup` run afterwards (or again) does nothing more and returns the first run's outcome.
#[derive(Clone, Debug)]
pub struct Cleanup {
    scratch: Arc<Scratch>,
}

#[derive(Debug)]
struct Scratch {
    /// The temp dir holding `data`, the socket dir and the log.
    dir: PathBuf,
    data: PathBuf,
    /// The directory holding `initdb`, `pg_ctl`, `postgres` (symlinks resolved).
    bin: PathBuf,
    /// The unprivileged user the server runs as when we are root; `None` runs it as ourselves.
    user: Option<String>,
    /// Whether `pg_ctl start` was called since the last stop, so that there is something to stop.
    started: AtomicBool,
    /// The outcome of the one cleanup; a second caller waits for the first to finish.
    cleaned: OnceLock<Result<(), String>>,
}

impl TempPostgres {
    /// Initialise and start a server; `Err` carries the failing tool's output and the log's tail.
    pub fn start() -> Result<TempPostgres, String> {
        TempPostgres::start_with(&[])
    }

    /// Start with server settings, such as `("shared_preload_libraries", "pg_stat_statements")`.
    pub fn start_with(settings: &[(&str, &str)]) -> Result<TempPostgres, String> {
        let bin = find_bindir().ok_or_else(|| {
            format!(
                "{NOT_INSTALLED}: no initdb and pg_ctl found via {BINDIR_ENV}, `pg_config --bindir`, \
                 /usr/lib/postgresql/*/bin or PATH (install the `postgresql` package, \
                 or set {SKIP_ENV}=1 to skip these tests)"
            )
        })?;
        let user = if running_as_root() { Some(unprivileged_user()) } else { None };

        let dir = tempfile::Builder::new()
            .prefix("ceiling-pg-")
            .tempdir_in(temp_root())
            .map_err(|err| format!("cannot create a temp dir for PostgreSQL: {err}"))?;
        let data = dir.path().join("data");
        let socket = dir.path().join("socket");
        let log = dir.path().join("log");
        fs::create_dir(&data).map_err(|err| format!("cannot create {}: {err}", data.display()))?;
        fs::create_dir(&socket).map_err(|err| format!("cannot create {}: {err}", socket.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&data, fs::Permissions::from_mode(0o700))
                .map_err(|err| format!("cannot chmod {}: {err}", data.display()))?;
        }
        if let Some(user) = &user {
            let output = Command::new("chown")
                .arg("-R")
                .arg(user)
                .arg(dir.path())
                .output()
                .map_err(|err| format!("cannot run chown: {err}"))?;
            check("chown", &output)?;
        }

        let settings = settings.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
        // From here on the dir is ours to remove: `Drop` does it, through the same cleanup as signals.
        let scratch = Arc::new(Scratch {
            dir: dir.keep(),
            data,
            bin,
            user,
            started: AtomicBool::new(false),
            cleaned: OnceLock::new(),
        });
        let mut server = TempPostgres { port: 0, socket, log, settings, scratch };
        server.initdb()?;
        server.start_server()?;
        Ok(server)
    }

    /// `postgres://ceiling@127.0.0.1:<port>/postgres`
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// The URL of another database of this server.
    pub fn url_of(&self, database: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{database}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The temp dir holding the data dir, the socket dir and the log; gone after the cleanup.
    pub fn dir(&self) -> &Path {
        &self.scratch.dir
    }

    /// A handle that stops this server and removes its dir, for another thread or a signal
    /// handler ([`Cleanup::run_on_signal`]). Dropping the server runs the same cleanup.
    pub fn cleanup_handle(&self) -> Cleanup {
        Cleanup { scratch: Arc::clone(&self.scratch) }
    }

    /// Run an SQL file with psql, statement by statement and outside a transaction (as
    /// `CREATE INDEX CONCURRENTLY` needs), stopping at the first error. Ok(stdout) or Err(stderr).
    pub fn psql_file(&self, path: &Path) -> Result<String, String> {
        self.psql_file_in("postgres", path)
    }

    /// `psql_file` in another database of this server.
    pub fn psql_file_in(&self, database: &str, path: &Path) -> Result<String, String> {
        self.run_psql(database, |command| {
            command.arg("-f").arg(path);
        })
    }

    /// Run SQL text with `psql -At -c`; Ok(stdout: tuples only, unaligned, `|` between columns).
    pub fn psql(&self, sql: &str) -> Result<String, String> {
        self.psql_in("postgres", sql)
    }

    /// `psql` in another database of this server.
    pub fn psql_in(&self, database: &str, sql: &str) -> Result<String, String> {
        self.run_psql(database, |command| {
            command.arg("-At").arg("-c").arg(sql);
        })
    }

    /// Waits (up to 30 s) until `database` has no session but psql's own. A session's statistics
    /// reach the shared views when it ends, which happens after the client has returned: read
    /// them before, and the counts may still move.
    pub fn wait_for_sessions_to_end(&self, database: &str) -> Result<(), String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let others = self.psql(&format!(
                "select count(*) from pg_stat_activity where datname = '{database}' and pid <> pg_backend_pid()"
            ))?;
            if others.trim() == "0" {
                return Ok(());
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("the sessions of {database} did not end"));
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// The last lines of the server log.
    pub fn log_tail(&self) -> String {
        let text = fs::read(&self.log).map(|bytes| String::from_utf8_lossy(&bytes).into_owned()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n")
    }

    /// A session left idle inside a transaction until the returned child is killed: a `psql`
    /// that ran `begin; select 1;` and waits on its open stdin.
    pub fn idle_transaction(&self, database: &str) -> Result<std::process::Child, String> {
        let mut child = self
            .psql_command(database)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|err| format!("cannot run psql: {err}"))?;
        let stdin = child.stdin.as_mut().expect("piped stdin");
        stdin.write_all(b"begin;\nselect 1;\n").map_err(|err| format!("cannot talk to psql: {err}"))?;
        stdin.flush().map_err(|err| format!("cannot talk to psql: {err}"))?;
        Ok(child)
    }

    fn psql_command(&self, database: &str) -> Command {
        let psql = self.scratch.bin.join("psql");
        let mut command = Command::new(if psql.is_file() { psql } else { PathBuf::from("psql") });
        command.args(["-v", "ON_ERROR_STOP=1", "-X", "-q", "-h", "127.0.0.1", "-p"]);
        command.arg(self.port.to_string()).args(["-U", SUPERUSER, "-d", database]);
        clear_foreign_env(&mut command).env("PGCONNECT_TIMEOUT", "10");
        command
    }

    fn run_psql(&self, database: &str, add_args: impl FnOnce(&mut Command)) -> Result<String, String> {
        let mut command = self.psql_command(database);
        add_args(&mut command);
        let output = command.output().map_err(|err| format!("cannot run psql: {err}"))?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).into_owned())
        } else {
            // A signal cancels psql's query or stops the server under it: the error is the
            // interruption's, and the handler is about to end the process with its own message.
            wait_for_the_signal_handler();
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            Err(if stderr.trim().is_empty() { format!("psql failed ({})", output.status) } else { stderr })
        }
    }

    fn initdb(&self) -> Result<(), String> {
        let scratch = &self.scratch;
        let output = scratch
            .tool("initdb")
            .arg("-D")
            .arg(&scratch.data)
            .args(["-A", "trust", "-U", SUPERUSER, "--no-sync", "-E", "UTF8", "--locale=C"])
            .output()
            .map_err(|err| format!("cannot run initdb: {err}"))?;
        check("initdb", &output)
    }

    fn start_server(&mut self) -> Result<(), String> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let port = free_port()?;
            // pg_ctl hands these to a shell, hence the quotes around the socket dir.
            let mut options = format!("-F -p {port} -k '{}' -c listen_addresses=127.0.0.1", self.socket.display());
            for (name, value) in &self.settings {
                options.push_str(&format!(" -c {name}={value}"));
            }
            let scratch = &self.scratch;
            scratch.started.store(true, Ordering::SeqCst);
            let output = scratch
                .tool("pg_ctl")
                .arg("-D")
                .arg(&scratch.data)
                .arg("-o")
                .arg(options)
                .args(["-w", "-t", "30", "start", "-l"])
                .arg(&self.log)
                .output()
                .map_err(|err| format!("cannot run pg_ctl: {err}"))?;
            if output.status.success() {
                self.port = port;
                return Ok(());
            }
            let tail = self.log_tail();
            if attempt < START_ATTEMPTS && tail.contains("Address already in use") {
                scratch.stop_server();
                continue;
            }
            return Err(format!(
                "{}\n--- server log ({}) ---\n{tail}",
                describe_failure("pg_ctl start", &output),
                self.log.display()
            ));
        }
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        // An error here (a dir that would not go) has no one to go to.
        let _ = self.cleanup_handle().run();
    }
}

impl Cleanup {
    /// The temp dir it removes (the server's data dir, socket dir and log are inside).
    pub fn dir(&self) -> &Path {
        &self.scratch.dir
    }

    /// Stop the server (`pg_ctl stop -m immediate`, else kill the postmaster) and remove the dir.
    /// Runs once per server, whichever handle or thread comes first; a caller that comes while it
    /// runs waits for it, and every caller gets its outcome: `Err` only when the dir could not be
    /// removed. A dir already gone is fine. As root the files belong to the server's unprivileged
    /// user, which does not stop root from removing them.
    ///
    /// After a signal reached the handler of [`Cleanup::run_on_signal`], this does not return
    /// (unless the handler fails to end the process within 30 s): the handler exits with 130.
    pub fn run(&self) -> Result<(), String> {
        let outcome = self.scratch.clean_up();
        wait_for_the_signal_handler();
        outcome
    }

    /// Install a handler for SIGINT (Ctrl-C), SIGTERM and SIGHUP that runs this cleanup, prints
    /// one line to stderr (`ceiling: interrupted; removed the scratch PostgreSQL at <dir>`) and
    /// ends the process with exit code 130, whichever the signal. The handler runs on a thread of
    /// its own, so it works while the main thread is blocked in a query; when the main thread
    /// then fails (its query was cancelled, or its server stopped), this crate's calls wait for
    /// the handler instead of returning the error, and so does [`Cleanup::run`] (and the drop of
    /// the `TempPostgres`). Other errors can be recognised with [`interrupted`].
    ///
    /// The handler goes through the `ctrlc` crate, which allows one handler per process: call this
    /// once, for the one server that must not outlive the program. A second call, or a call after
    /// something else installed a `ctrlc` handler, returns `Err` and changes nothing.
    ///
    /// A signal before this call (say, during [`TempPostgres::start`]) still has its default
    /// effect: the process ends without cleaning up.
    pub fn run_on_signal(self) -> Result<(), String> {
        if HANDLER_INSTALLED.swap(true, Ordering::SeqCst) {
            return Err("a signal handler is already installed: Cleanup::run_on_signal works once per \
                        process (ctrlc allows one handler)"
                .to_owned());
        }
        let installed = ctrlc::set_handler(move || {
            INTERRUPTED.store(true, Ordering::SeqCst);
            let dir = self.dir().display();
            let line = match self.scratch.clean_up() {
                Ok(()) => format!("ceiling: interrupted; removed the scratch PostgreSQL at {dir}"),
                Err(err) => format!("ceiling: interrupted; could not remove the scratch PostgreSQL at {dir}: {err}"),
            };
            // Not eprintln!: it panics when stderr is gone, and the exit below must happen.
            let _ = writeln!(std::io::stderr(), "{line}");
            std::process::exit(INTERRUPTED_EXIT_CODE);
        });
        installed.map_err(|err| {
            HANDLER_INSTALLED.store(false, Ordering::SeqCst);
            match err {
                ctrlc::Error::MultipleHandlers => "cannot install the cleanup on signals: another ctrlc handler is \
                                                   already installed in this process (ctrlc allows one)"
                    .to_owned(),
                err => format!("cannot install the cleanup on signals: {err}"),
            }
        })
    }
}

/// Whether a signal reached the handler of [`Cleanup::run_on_signal`], which is then stopping the
/// server and about to end the process: an error seen now is most likely the interruption's, and
/// not worth reporting.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// After a signal, give the handler time to end the process rather than let this thread go on
/// (and report errors, or exit with another code).
fn wait_for_the_signal_handler() {
    if interrupted() {
        std::thread::sleep(HANDLER_EXIT_WAIT);
    }
}

impl Scratch {
    /// A server tool from the bin dir, run as the unprivileged user when there is one.
    fn tool(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        let mut command = match &self.user {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        };
        // The unprivileged user may not be able to enter our working directory.
        command.current_dir(&self.dir);
        clear_foreign_env(&mut command);
        command
    }

    /// Stop the server and remove the dir, the first time; later calls return the first outcome.
    fn clean_up(&self) -> Result<(), String> {
        self.cleaned
            .get_or_init(|| {
                self.stop_server();
                self.remove_dir()
            })
            .clone()
    }

    /// Stop the server if one was started since the last stop.
    fn stop_server(&self) {
        if !self.started.swap(false, Ordering::SeqCst) {
            return;
        }
        let stopped = self
            .tool("pg_ctl")
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w", "-t", "10", "stop"])
            .output()
            .is_ok_and(|output| output.status.success());
        if !stopped {
            // Last resort: the postmaster's pid is the first line of its lock file.
            let pid = fs::read_to_string(self.data.join("postmaster.pid"))
                .ok()
                .and_then(|text| text.lines().next().and_then(|line| line.trim().parse::<u32>().ok()));
            if let Some(pid) = pid {
                let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).output();
            }
        }
    }

    /// Remove the dir, which may already be gone. A few tries: a server killed a moment ago may
    /// still be writing into it.
    fn remove_dir(&self) -> Result<(), String> {
        const ATTEMPTS: usize = 3;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match fs::remove_dir_all(&self.dir) {
                Ok(()) => return Ok(()),
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
                Err(err) if attempt >= ATTEMPTS => {
                    return Err(format!("cannot remove {}: {err}", self.dir.display()));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }
}

/// A server for a test, or `None` (after saying why) when PostgreSQL is not installed and
/// `CEILING_SKIP_POSTGRES=1` allows skipping. Every other failure panics: CI proves the real thing.
pub fn start_or_skip(test: &str) -> Option<TempPostgres> {
    start_with_or_skip(test, &[])
}

/// `start_or_skip` with server settings.
pub fn start_with_or_skip(test: &str, settings: &[(&str, &str)]) -> Option<TempPostgres> {
    match TempPostgres::start_with(settings) {
        Ok(server) => Some(server),
        Err(err) if err.starts_with(NOT_INSTALLED) && std::env::var(SKIP_ENV).is_ok_and(|value| value == "1") => {
            println!("skipping {test}: {err}");
            None
        }
        Err(err) => panic!("{test}: cannot start PostgreSQL: {err}"),
    }
}

/// `pg_config --bindir` if it holds the server tools, else the highest `/usr/lib/postgresql/*/bin`,
/// else the directory `initdb` on PATH really lives in (it is often a symlink into the versioned dir).
/// The directory of the local PostgreSQL server binaries (`initdb`, `pg_ctl`, `pg_dump`), if any.
pub fn bin_dir() -> Option<PathBuf> {
    find_bindir()
}

fn find_bindir() -> Option<PathBuf> {
    fn has_tools(dir: &Path) -> bool {
        dir.join("initdb").is_file() && dir.join("pg_ctl").is_file()
    }

    if let Some(dir) = std::env::var_os(BINDIR_ENV) {
        let dir = PathBuf::from(dir);
        return has_tools(&dir).then_some(dir);
    }

    if let Ok(output) = Command::new("pg_config").arg("--bindir").output()
        && output.status.success()
    {
        let dir = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
        if has_tools(&dir) {
            return Some(dir);
        }
    }

    let versioned = fs::read_dir("/usr/lib/postgresql").ok().and_then(|entries| {
        entries
            .filter_map(|entry| {
                let entry = entry.ok()?;
                let version = entry
                    .file_name()
                    .to_str()?
                    .split('.')
                    .map(|part| part.parse::<u32>().ok())
                    .collect::<Option<Vec<u32>>>()?;
                let bin = entry.path().join("bin");
                has_tools(&bin).then_some((version, bin))
            })
            .max()
            .map(|(_, bin)| bin)
    });
    if versioned.is_some() {
        return versioned;
    }

    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        let initdb = dir.join("initdb");
        if !initdb.is_file() {
            return None;
        }
        match initdb.canonicalize().ok().and_then(|real| real.parent().map(Path::to_path_buf)) {
            Some(real_dir) if has_tools(&real_dir) => Some(real_dir),
            _ => has_tools(&dir).then_some(dir),
        }
    })
}

/// The user the server runs as when it is not us (when the tests run as root), for files it must own.
pub fn server_user() -> Option<String> {
    running_as_root().then(unprivileged_user)
}

/// Whether the effective user is root, asked of `id -u` once per test binary.
fn running_as_root() -> bool {
    static ROOT: OnceLock<bool> = OnceLock::new();
    *ROOT.get_or_init(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|output| output.status.success() && String::from_utf8_lossy(&output.stdout).trim() == "0")
    })
}

/// `postgres` (the Debian package creates it) if it exists, else `nobody`.
fn unprivileged_user() -> String {
    let postgres_exists =
        Command::new("id").args(["-u", "postgres"]).output().is_ok_and(|output| output.status.success());
    if postgres_exists { "postgres" } else { "nobody" }.to_owned()
}

/// `/tmp`: every user can traverse it, and its short path keeps the socket path under the limit.
fn temp_root() -> PathBuf {
    let tmp = PathBuf::from("/tmp");
    if tmp.is_dir() { tmp } else { std::env::temp_dir() }
}

/// A port that was free a moment ago (bound to 127.0.0.1:0, then released).
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|err| format!("cannot find a free port: {err}"))
}

fn clear_foreign_env(command: &mut Command) -> &mut Command {
    for name in FOREIGN_ENV {
        command.env_remove(name);
    }
    command
}

fn check(what: &str, output: &Output) -> Result<(), String> {
    if output.status.success() { Ok(()) } else { Err(describe_failure(what, output)) }
}

fn describe_failure(what: &str, output: &Output) -> String {
    format!(
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch_at(dir: PathBuf, started: bool) -> Scratch {
        Scratch {
            data: dir.join("data"),
            dir,
            bin: PathBuf::from("/nonexistent/ceiling-pg-bin"),
            user: None,
            started: AtomicBool::new(started),
            cleaned: OnceLock::new(),
        }
    }

    #[test]
    fn cleaning_up_a_dir_already_gone_is_fine() {
        let dir = tempfile::tempdir().unwrap().path().to_path_buf(); // removed when the TempDir drops
        assert!(!dir.exists());
        assert_eq!(scratch_at(dir.clone(), false).clean_up(), Ok(()));
        // With a server marked started, pg_ctl cannot even run there, and no lock file names a pid.
        assert_eq!(scratch_at(dir, true).clean_up(), Ok(()));
    }

    #[test]
    fn cleaning_up_removes_a_dir_with_contents_once() {
        let dir = tempfile::tempdir().unwrap().keep();
        fs::create_dir_all(dir.join("data/base")).unwrap();
        fs::write(dir.join("log"), "log").unwrap();
        let scratch = scratch_at(dir.clone(), false);
        assert_eq!(scratch.clean_up(), Ok(()));
        assert!(!dir.exists());
        fs::create_dir(&dir).unwrap();
        assert_eq!(scratch.clean_up(), Ok(()), "a second call returns the first outcome");
        assert!(dir.exists(), "and does nothing");
        fs::remove_dir(&dir).unwrap();
    }

    #[test]
    fn cleanup_is_send_sync_and_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Cleanup>();
    }
}
