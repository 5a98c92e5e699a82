//! The scratch server goes away however the program ends: dropped, cleaned up by hand, or
//! interrupted by a signal while blocked in a query.
//!
//! The signal tests need a process of their own to interrupt, one that holds a server and waits in
//! `select pg_sleep(60)`: they run this test binary again, with [`CHILD_ENV`] set, on the single
//! test [`hold_child`], which does nothing in an ordinary run.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use ceiling_postgres::start_or_skip;

/// Set in the child's environment: it makes `hold_child` hold a server.
const CHILD_ENV: &str = "CEILING_HOLD_CHILD";
/// What the child prints once its query is running, followed by the server's dir.
const READY: &str = "scratch cluster: ";
/// The query the child is blocked in when the signal comes.
const BLOCKING_QUERY: &str = "select pg_sleep(60)";

/// Not a test of its own: the body of the child process the signal tests interrupt.
#[test]
fn hold_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let Some(server) = start_or_skip("hold_child") else {
        eprintln!("skipping: PostgreSQL is not installed");
        return;
    };
    let cleanup = server.cleanup_handle();
    cleanup.clone().run_on_signal().expect("installing the signal handler");
    match cleanup.run_on_signal() {
        Ok(()) => eprintln!("second installation: Ok"),
        Err(err) => eprintln!("second installation: {err}"),
    }
    std::thread::scope(|scope| {
        // Announce the dir once the query is running, so that the signal finds us blocked in it.
        scope.spawn(|| {
            let deadline = Instant::now() + Duration::from_secs(60);
            let running =
                format!("select count(*) from pg_stat_activity where state = 'active' and query = '{BLOCKING_QUERY}'");
            while server.psql(&running).expect("watching pg_stat_activity").trim() != "1" {
                assert!(Instant::now() < deadline, "the blocking query never showed in pg_stat_activity");
                std::thread::sleep(Duration::from_millis(20));
            }
            eprintln!("{READY}{}", server.dir().display());
            std::io::stderr().flush().unwrap();
        });
        let result = server.psql(BLOCKING_QUERY);
        eprintln!("the blocking query returned: {result:?}");
    });
    drop(server);
    // Only reached when no signal ended the process.
    std::process::exit(3);
}

#[test]
fn sigint_stops_the_server_and_removes_its_dir() {
    interrupt_a_child_blocked_in_a_query("INT", Target::Process);
}

/// A Ctrl-C in a terminal reaches the whole foreground process group, psql included: psql cancels
/// its query and fails while the handler is still stopping the server.
#[test]
fn ctrl_c_to_the_process_group_stops_the_server_and_removes_its_dir() {
    interrupt_a_child_blocked_in_a_query("INT", Target::ProcessGroup);
}

#[test]
fn sigterm_stops_the_server_and_removes_its_dir() {
    interrupt_a_child_blocked_in_a_query("TERM", Target::Process);
}

#[test]
fn sighup_stops_the_server_and_removes_its_dir() {
    interrupt_a_child_blocked_in_a_query("HUP", Target::Process);
}

#[test]
fn dropping_the_server_stops_it_and_removes_its_dir() {
    let Some(server) = start_or_skip("dropping_the_server_stops_it_and_removes_its_dir") else {
        return;
    };
    assert_eq!(server.psql("select 1").unwrap(), "1\n");
    let dir = server.dir().to_path_buf();
    assert!(dir.join("data").is_dir());
    assert!(!processes_mentioning(&dir).is_empty(), "the postmaster's command line names its data dir");
    drop(server);
    assert_gone(&dir);
}

#[test]
fn running_the_cleanup_twice_is_harmless() {
    let Some(server) = start_or_skip("running_the_cleanup_twice_is_harmless") else {
        return;
    };
    let dir = server.dir().to_path_buf();
    let cleanup = server.cleanup_handle();
    assert_eq!(cleanup.dir(), dir);
    // Two threads at once: one cleans up, the other waits for it; both see it succeed.
    let other = cleanup.clone();
    let thread = std::thread::spawn(move || other.run());
    assert_eq!(cleanup.run(), Ok(()));
    assert_eq!(thread.join().unwrap(), Ok(()));
    assert_gone(&dir);
    assert_eq!(cleanup.run(), Ok(()), "again, after the dir is gone");
    assert!(server.psql("select 1").is_err(), "the server is stopped");
    drop(server);
    assert_eq!(cleanup.run(), Ok(()), "and after the server was dropped");
    assert_gone(&dir);
}

enum Target {
    Process,
    /// The process and everything it runs, as a terminal's Ctrl-C does.
    ProcessGroup,
}

fn interrupt_a_child_blocked_in_a_query(signal: &str, target: Target) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["hold_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Target::ProcessGroup = target {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn().expect("running the test binary again");
    let lines = read_lines(&mut child);

    let mut seen = Vec::new();
    let dir = match wait_for_ready(&lines, &mut seen) {
        Some(dir) => dir,
        None => {
            let status = wait_with_timeout(&mut child, Duration::from_secs(60));
            if status.is_some_and(|status| status.success()) && seen.iter().any(|line| line.starts_with("skipping")) {
                return;
            }
            kill_hard(&mut child);
            panic!("the child never held a server ({status:?}); its stderr:\n{}", seen.join("\n"));
        }
    };
    assert!(dir.join("data").is_dir());
    assert!(!processes_mentioning(&dir).is_empty(), "the child's server runs");

    let pid = child.id().to_string();
    let group = format!("-{pid}");
    let whom = match target {
        Target::Process => pid.as_str(),
        Target::ProcessGroup => group.as_str(),
    };
    let sent = Command::new("kill").args([&format!("-{signal}"), "--", whom]).status().unwrap();
    assert!(sent.success(), "kill -{signal} -- {whom}");

    let status = wait_with_timeout(&mut child, Duration::from_secs(60));
    drain(&lines, &mut seen);
    let stderr = seen.join("\n");
    let Some(status) = status else {
        kill_hard(&mut child);
        panic!("the child did not end within 60 s of SIGINT; its stderr:\n{stderr}");
    };
    assert_eq!(status.code(), Some(130), "{status}; stderr:\n{stderr}");
    assert_gone(&dir);
    let removed = format!("ceiling: interrupted; removed the scratch PostgreSQL at {}", dir.display());
    assert!(seen.contains(&removed), "stderr:\n{stderr}");
    assert!(
        seen.iter().any(|line| line.starts_with("second installation: a signal handler is already installed")),
        "a second installation is refused with an error; stderr:\n{stderr}"
    );
    // The query fails only once the handler stopped the server, so the main thread meets the
    // interruption and waits for the handler. (Cancelled by its own SIGINT, psql may beat the
    // handler thread to it, in theory: the exit code is 130 all the same.)
    if let Target::Process = target {
        assert!(
            !seen.iter().any(|line| line.starts_with("the blocking query returned")),
            "the main thread waits for the handler instead of going on; stderr:\n{stderr}"
        );
    }
}

/// The child's stderr, line by line, from a thread that reads it to the end.
fn read_lines(child: &mut Child) -> Receiver<String> {
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// The dir from the `scratch cluster:` line, or `None` when stderr ended (or stayed silent for
/// two minutes) without one.
fn wait_for_ready(lines: &Receiver<String>, seen: &mut Vec<String>) -> Option<PathBuf> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines.recv_timeout(left).ok()?;
        seen.push(line.clone());
        if let Some(dir) = line.strip_prefix(READY) {
            return Some(PathBuf::from(dir));
        }
    }
}

fn drain(lines: &Receiver<String>, seen: &mut Vec<String>) {
    loop {
        match lines.recv_timeout(Duration::from_secs(5)) {
            Ok(line) => seen.push(line),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return,
        }
    }
}

fn wait_with_timeout(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn kill_hard(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn assert_gone(dir: &Path) {
    assert!(!dir.exists(), "{} still exists", dir.display());
    let left = processes_mentioning(dir);
    assert!(left.is_empty(), "processes still name {}: {left:#?}", dir.display());
}

/// The command lines (other than ours) that mention `dir`, such as the postmaster's `-D <dir>/data`.
fn processes_mentioning(dir: &Path) -> Vec<String> {
    let needle = dir.to_string_lossy().into_owned();
    let own = std::process::id().to_string();
    let command_lines: Vec<String> = match std::fs::read_dir("/proc") {
        Ok(entries) => entries
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().into_string().ok()?;
                if !name.bytes().all(|byte| byte.is_ascii_digit()) || name == own {
                    return None;
                }
                let bytes = std::fs::read(format!("/proc/{name}/cmdline")).ok()?;
                Some(String::from_utf8_lossy(&bytes).replace('\0', " "))
            })
            .collect(),
        Err(_) => {
            let output = Command::new("ps").args(["-eo", "args"]).output().expect("running ps");
            String::from_utf8_lossy(&output.stdout).lines().map(str::to_owned).collect()
        }
    };
    command_lines.into_iter().filter(|line| line.contains(&needle)).collect()
}
