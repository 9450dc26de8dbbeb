//! A script the test talks to while it runs ([`Running`], from `Test::start`), and helpers for
//! processes: signals, whether a pid is alive, waiting for pids to go.

use std::cell::RefCell;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, ChildStdout, Command, ExitStatus};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::WorkDir;

/// A started script in its own process group. Its stdout is read either line by line
/// ([`lines`](Running::lines)) or raw ([`take_stdout`](Running::take_stdout)); its stderr is
/// collected as it comes. Dropped while the script still runs, it kills the process group.
pub struct Running {
    child: Child,
    stdout: RefCell<Option<ChildStdout>>,
    lines: std::cell::OnceCell<Receiver<String>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<JoinHandle<()>>,
    shown: String,
    timeout: Duration,
    _dir: WorkDir,
}

impl Running {
    pub(super) fn new(mut child: Child, shown: String, timeout: Duration, dir: WorkDir) -> Self {
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let stderr_reader = child.stderr.take().map(|mut pipe| {
            let stderr = stderr.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    stderr.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            })
        });
        Running {
            stdout: RefCell::new(child.stdout.take()),
            child,
            lines: std::cell::OnceCell::new(),
            stderr,
            stderr_reader,
            shown,
            timeout,
            _dir: dir,
        }
    }

    /// The script's pid (also its process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Its stdout, line by line, read by a thread from the first call on.
    pub fn lines(&self) -> &Receiver<String> {
        self.lines.get_or_init(|| {
            let stdout = self
                .stdout
                .borrow_mut()
                .take()
                .expect("stdout was taken raw or redirected");
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
            rx
        })
    }

    /// The next line of stdout within `within`; fails the test with stderr so far otherwise.
    #[track_caller]
    pub fn line(&self, within: Duration) -> String {
        self.lines().recv_timeout(within).unwrap_or_else(|e| {
            panic!(
                "no line from {} ({e}); stderr: {}",
                self.shown,
                self.stderr()
            )
        })
    }

    /// The stdout pipe itself, for a test that reads it raw or closes it (drop it).
    pub fn take_stdout(&mut self) -> ChildStdout {
        assert!(
            self.lines.get().is_none(),
            "stdout is already read by lines"
        );
        self.stdout
            .borrow_mut()
            .take()
            .expect("stdout was redirected")
    }

    /// What it has written to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Waits for the script to exit; past the timeout (from this call on) its process group is
    /// killed and the test fails.
    #[track_caller]
    pub fn wait(&mut self) -> ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            if start.elapsed() > self.timeout {
                kill_group(self.child.id() as i32);
                let _ = self.child.wait();
                panic!("{} hung; stderr: {}", self.shown, self.stderr());
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits for the end and for stderr to close; returns the status as a shell reports it
    /// (the exit code, or 128 + N for signal N) and all of stderr.
    #[track_caller]
    pub fn finish(mut self) -> (i32, String) {
        let status = self.wait();
        if let Some(reader) = self.stderr_reader.take() {
            let start = Instant::now();
            while !reader.is_finished() {
                if start.elapsed() > self.timeout {
                    kill_group(self.child.id() as i32);
                    panic!(
                        "{}: stderr stayed open; stderr: {}",
                        self.shown,
                        self.stderr()
                    );
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = reader.join();
        }
        let code = status
            .code()
            .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
        (code, self.stderr())
    }

    /// SIGKILLs the script itself (not its group), as `Child::kill` does.
    pub fn kill(&mut self) {
        self.child.kill().expect("kill the script");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            kill_group(self.child.id() as i32);
            let _ = self.child.wait();
        }
    }
}

/// The write end of a pipe whose read end is already closed: writing to it fails with
/// `EPIPE` (and SIGPIPE), like `| head -1` after its line.
// `std::io::pipe` is newer than the crate's MSRV; the tests used it before (lint-exempt inside
// `#[test]` functions), so the test suite already needs Rust 1.87.
#[allow(clippy::incompatible_msrv)]
pub fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    writer
}

pub fn kill_group(pgid: i32) {
    let _ = Command::new("kill")
        .args(["-9", "--", &format!("-{pgid}")])
        .status();
}

pub fn alive(pid: i32) -> bool {
    // A zombie has exited; only a running or sleeping process counts.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            let state = s
                .rsplit(')')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .next()
                .unwrap_or("");
            state != "Z" && state != "X"
        })
        .unwrap_or(false)
}

pub fn wait_gone(pids: &[i32], within: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if pids.iter().all(|&p| !alive(p)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Sends a signal with kill(1): `target` is a pid, or `-PGID` for a whole process group.
#[track_caller]
pub fn send_signal(signal: &str, target: &str) {
    assert!(try_signal(signal, target), "kill {signal} {target} failed");
}

/// Like [`send_signal`], for a target that may have gone already: whether it was sent.
pub fn try_signal(signal: &str, target: &str) -> bool {
    Command::new("kill")
        .args([signal, "--", target])
        .status()
        .expect("run kill")
        .success()
}
