//! Starting programs that reach a worker elsewhere (`ssh host mpscript worker`, `srun ...`,
//! `kubectl exec -i ...`) and the handshake with the worker at the far end.
//!
//! A launcher is any command that runs a program somewhere and connects its standard input and
//! output: the worker's link is the launcher's stdin and stdout (two pipes), and its stderr
//! carries the launcher's and the worker's diagnostics. Many launchers start at once and are
//! waited for together, with one deadline, so the launchers' connection set-ups overlap instead
//! of adding up.
//!
//! The handshake is two lines of text before the first framed message, so that it survives a
//! change of the message format: the worker says `mpscript-worker PROTOCOL VERSION`, the parent
//! answers `mpscript-pool PROTOCOL VERSION`, and each side refuses a different version with a
//! message that names both. Lines the far side prints before its greeting (a login banner,
//! a shell's start-up noise) are skipped and quoted if no greeting comes.

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::time::{Duration, Instant};

use super::channel::LinkEnds;
use super::sys;

/// The version of the handshake and of the messages after it.
pub const PROTOCOL: u32 = 1;

/// What the worker says first.
const WORKER_GREETING: &str = "mpscript-worker";
/// What the parent answers.
const POOL_GREETING: &str = "mpscript-pool";

/// The most the far side may print before its greeting.
const MAX_NOISE: usize = 64 * 1024;
/// How much of a launcher's stderr an error quotes.
const MAX_QUOTED: usize = 2000;

/// This build's version, as the handshake compares it.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The worker's greeting line: the protocol, the version, and how many CPUs the worker's
/// machine has (`pool(nil, hosts = ...)` starts one worker per CPU of each host).
pub fn worker_greeting() -> String {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{WORKER_GREETING} {PROTOCOL} {} cpus={cpus}\n", version())
}

/// The parent's answer.
fn pool_greeting() -> String {
    format!("{POOL_GREETING} {PROTOCOL} {}\n", version())
}

/// A launcher started, not yet greeted.
pub struct Launching {
    pid: i32,
    stdin: Option<OwnedFd>,
    stdout: OwnedFd,
    stderr: OwnedFd,
    seen: Vec<u8>,
    errors: Vec<u8>,
    stdout_open: bool,
    stderr_open: bool,
    cpus: Option<usize>,
}

/// A worker that answered: the launcher's pid (the process to signal and reap here), its link
/// and its stderr (to relay).
pub struct Launched {
    pub pid: i32,
    pub link: LinkEnds,
    pub stderr: OwnedFd,
    /// The far machine's CPUs, as the worker counted them.
    pub cpus: Option<usize>,
}

/// Why a worker did not answer.
#[derive(Debug)]
pub struct LaunchError {
    pub message: String,
}

/// Starts `argv` with its standard input, output and error on pipes, in its own process
/// group, dying with this process.
pub fn launch(argv: &[OsString]) -> Result<Launching, LaunchError> {
    let fail = |what: &str, e: io::Error| LaunchError {
        message: format!("{what}: {e}"),
    };
    let cloexec = nix::fcntl::OFlag::O_CLOEXEC;
    let (in_read, in_write) =
        nix::unistd::pipe2(cloexec).map_err(|e| fail("cannot create a pipe", e.into()))?;
    let (out_read, out_write) =
        nix::unistd::pipe2(cloexec).map_err(|e| fail("cannot create a pipe", e.into()))?;
    let (err_read, err_write) =
        nix::unistd::pipe2(cloexec).map_err(|e| fail("cannot create a pipe", e.into()))?;
    let mut plan = sys::ProgramPlan::new(argv, None, None).map_err(|e| LaunchError {
        message: spawn_message(argv, e),
    })?;
    plan.redirect(0, in_read.as_raw_fd());
    plan.redirect(1, out_write.as_raw_fd());
    plan.redirect(2, err_write.as_raw_fd());
    let pid = plan.spawn().map_err(|e| LaunchError {
        message: spawn_message(argv, e),
    })? as i32;
    drop((in_read, out_write, err_write));
    for fd in [&out_read, &err_read] {
        let _ = nix::fcntl::fcntl(
            fd,
            nix::fcntl::FcntlArg::F_SETFL(nix::fcntl::OFlag::O_NONBLOCK),
        );
    }
    Ok(Launching {
        pid,
        stdin: Some(in_write),
        stdout: out_read,
        stderr: err_read,
        seen: Vec::new(),
        errors: Vec::new(),
        stdout_open: true,
        stderr_open: true,
        cpus: None,
    })
}

fn spawn_message(argv: &[OsString], e: sys::SpawnError) -> String {
    let program = argv
        .first()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    match e {
        sys::SpawnError::Exec(e) if e.kind() == io::ErrorKind::NotFound => {
            format!("{program}: command not found")
        }
        sys::SpawnError::Exec(e) | sys::SpawnError::Cwd(e) | sys::SpawnError::Other(e) => {
            format!("cannot run {program}: {e}")
        }
    }
}

/// What one read of a launcher's output gave.
enum Progress {
    Waiting,
    Greeted,
    Failed(String),
}

impl Launching {
    /// If the launcher has exited: why, with what it said on stderr. Does not wait.
    pub fn ended(&mut self) -> Option<String> {
        if !sys::has_exited(self.pid) {
            return None;
        }
        self.read_stderr();
        Some(self.ended_message())
    }

    /// Keeps the launcher running past this value (its owner ends it with
    /// [`end_launcher`]); returns its pid.
    pub fn keep(mut self) -> i32 {
        std::mem::replace(&mut self.pid, -1)
    }

    /// Keeps what the launcher wrote on stderr so far (for an error message).
    fn read_stderr(&mut self) {
        let mut buf = [0u8; 8192];
        while self.stderr_open {
            match nix::unistd::read(&self.stderr, &mut buf) {
                Ok(0) => self.stderr_open = false,
                Ok(n) => self.errors.extend_from_slice(&buf[..n]),
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => break,
            }
        }
    }

    /// Reads what stdout and stderr have; looks for the greeting on stdout.
    fn pump(&mut self) -> Progress {
        self.read_stderr();
        let mut buf = [0u8; 1];
        while self.stdout_open {
            match nix::unistd::read(&self.stdout, &mut buf) {
                Ok(0) => self.stdout_open = false,
                Ok(_) => {
                    self.seen.push(buf[0]);
                    if buf[0] == b'\n' {
                        if let Some(progress) = self.check_line() {
                            return progress;
                        }
                    }
                    if self.seen.len() > MAX_NOISE {
                        return Progress::Failed(format!(
                            "the far side printed more than {MAX_NOISE} bytes and no greeting: \
                             is the worker command `mpscript worker`?"
                        ));
                    }
                }
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => break,
            }
        }
        if !self.stdout_open {
            return Progress::Failed(self.ended_message());
        }
        Progress::Waiting
    }

    /// Looks at the last whole line of stdout.
    fn check_line(&mut self) -> Option<Progress> {
        let text = String::from_utf8_lossy(&self.seen);
        let line = text
            .trim_end_matches('\n')
            .rsplit('\n')
            .next()?
            .trim_end_matches('\r');
        let mut words = line.split_whitespace();
        if words.next() != Some(WORKER_GREETING) {
            return None;
        }
        let protocol = words.next().unwrap_or("");
        let their_version = words.next().unwrap_or("?");
        if protocol != PROTOCOL.to_string() || their_version != version() {
            return Some(Progress::Failed(format!(
                "the far side runs mpscript {their_version} (protocol {protocol}), this is \
                 mpscript {} (protocol {PROTOCOL}): install the same version on both sides",
                version()
            )));
        }
        self.cpus = words
            .find_map(|w| w.strip_prefix("cpus="))
            .and_then(|n| n.parse().ok());
        Some(Progress::Greeted)
    }

    fn ended_message(&mut self) -> String {
        let status = sys::reap(self.pid, Instant::now() + Duration::from_secs(2));
        let how = match status {
            Some(sys::ExitStatus::Exited(c)) => format!("exited with code {c}"),
            Some(sys::ExitStatus::Signaled(s)) => format!("was killed by signal {s}"),
            None => "closed its output".into(),
        };
        self.pid = -1;
        let mut message = format!("the launcher {how}");
        let quoted = quote(&self.errors, &self.seen);
        if !quoted.is_empty() {
            message.push_str(": ");
            message.push_str(&quoted);
        }
        message
    }
}

/// The last part of what a launcher said (stderr, else stdout), trimmed, on one line.
fn quote(errors: &[u8], seen: &[u8]) -> String {
    let source = if errors.iter().any(|b| !b.is_ascii_whitespace()) {
        errors
    } else {
        seen
    };
    let text = String::from_utf8_lossy(source);
    let text = text.trim();
    let start = text
        .char_indices()
        .rev()
        .nth(MAX_QUOTED)
        .map(|(i, _)| i)
        .unwrap_or(0);
    let lines: Vec<&str> = text[start..]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" / ")
}

impl Drop for Launching {
    fn drop(&mut self) {
        if self.pid > 0 {
            end_launcher(self.pid);
        }
    }
}

/// Kills a launcher and reaps it.
pub fn end_launcher(pid: i32) {
    sys::send_signal(pid, sys::Signal::SIGTERM);
    if sys::reap(pid, Instant::now() + Duration::from_millis(500)).is_none() {
        sys::send_signal(pid, sys::Signal::SIGKILL);
        let _ = sys::reap(pid, Instant::now() + Duration::from_secs(5));
    }
}

/// Waits, until `deadline`, for every launcher's worker to greet; answers each greeting.
/// One result per launcher, in order.
pub fn greet_all(
    mut pending: Vec<Launching>,
    deadline: Instant,
    timeout: Duration,
) -> Vec<Result<Launched, LaunchError>> {
    let mut results: Vec<Option<Result<Launched, LaunchError>>> =
        pending.iter().map(|_| None).collect();
    let mut slots: Vec<Option<Launching>> = pending.drain(..).map(Some).collect();
    loop {
        let mut fds = Vec::new();
        for (i, slot) in slots.iter_mut().enumerate() {
            let Some(launching) = slot else { continue };
            match launching.pump() {
                Progress::Waiting => {
                    if launching.stdout_open {
                        fds.push(launching.stdout.as_raw_fd());
                    }
                    if launching.stderr_open {
                        fds.push(launching.stderr.as_raw_fd());
                    }
                }
                Progress::Greeted => {
                    let launching = slot.take().expect("present");
                    results[i] = Some(answer(launching));
                }
                Progress::Failed(message) => {
                    let launching = slot.take().expect("present");
                    results[i] = Some(Err(LaunchError { message }));
                    drop(launching);
                }
            }
        }
        if slots.iter().all(Option::is_none) {
            break;
        }
        let now = Instant::now();
        if now >= deadline {
            for (i, slot) in slots.iter_mut().enumerate() {
                if let Some(launching) = slot.take() {
                    let quoted = quote(&launching.errors, &launching.seen);
                    let mut message = format!(
                        "the worker did not answer within {} seconds",
                        timeout.as_secs_f64()
                    );
                    if !quoted.is_empty() {
                        message.push_str(": ");
                        message.push_str(&quoted);
                    }
                    results[i] = Some(Err(LaunchError { message }));
                }
            }
            break;
        }
        // A launcher whose output is already closed is looked at again after a short wait
        // (its exit is collected in `pump`).
        let wait = if fds.is_empty() {
            Duration::from_millis(20)
        } else {
            deadline - now
        };
        sys::wait_for_event(&fds, &[], Some(wait.min(Duration::from_millis(500))));
    }
    results
        .into_iter()
        .map(|r| r.expect("every launcher has a result"))
        .collect()
}

/// Sends the parent's greeting to a worker that greeted, and hands over its ends.
fn answer(mut launching: Launching) -> Result<Launched, LaunchError> {
    let pid = launching.pid;
    let stdin = launching.stdin.take().expect("stdin kept until the answer");
    let mut writer = std::fs::File::from(stdin);
    if let Err(e) = writer.write_all(pool_greeting().as_bytes()) {
        return Err(LaunchError {
            message: format!("cannot answer the worker: {e}"),
        });
    }
    let stdin = OwnedFd::from(writer);
    let stdout = launching.stdout.try_clone().map_err(|e| LaunchError {
        message: format!("cannot keep the worker's link: {e}"),
    })?;
    let stderr = launching.stderr.try_clone().map_err(|e| LaunchError {
        message: format!("cannot keep the worker's stderr: {e}"),
    })?;
    // The launcher now belongs to the pool: dropping `launching` must not end it.
    launching.pid = -1;
    Ok(Launched {
        pid,
        link: LinkEnds {
            read: stdout,
            write: stdin,
        },
        stderr,
        cpus: launching.cpus,
    })
}

/// The worker's side of the handshake, on its link: greets, then reads the parent's answer.
/// `Err` says why the worker must not go on (for its stderr).
pub fn greet_parent(read: &mut impl Read, write: &mut impl Write) -> Result<(), String> {
    write
        .write_all(worker_greeting().as_bytes())
        .and_then(|()| write.flush())
        .map_err(|e| format!("cannot write to the pool: {e}"))?;
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match read.read(&mut byte) {
            Ok(0) => return Err("the pool closed the link before it answered".into()),
            Ok(_) if byte[0] == b'\n' => break,
            Ok(_) => {
                line.push(byte[0]);
                if line.len() > 256 {
                    return Err("the pool's answer is not an mpscript greeting".into());
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(format!("cannot read from the pool: {e}")),
        }
    }
    let line = String::from_utf8_lossy(&line);
    let mut words = line.split_whitespace();
    if words.next() != Some(POOL_GREETING) {
        return Err(format!(
            "expected the pool's greeting, got {:?}: `mpscript worker` is started by a pool \
             (`pool(n, hosts = [...])` or `launcher = [...]`), not by hand",
            line.chars().take(80).collect::<String>()
        ));
    }
    let protocol = words.next().unwrap_or("");
    let their_version = words.next().unwrap_or("?");
    if protocol != PROTOCOL.to_string() || their_version != version() {
        return Err(format!(
            "the pool runs mpscript {their_version} (protocol {protocol}), this worker is \
             mpscript {} (protocol {PROTOCOL}): install the same version on both sides",
            version()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_the_last_lines_of_stderr_on_one_line() {
        assert_eq!(
            quote(
                b"banner\n\nssh: connect to host x port 22: Connection refused\n",
                b""
            ),
            "banner / ssh: connect to host x port 22: Connection refused"
        );
        assert_eq!(
            quote(b"  \n", b"sh: mpscript: not found\n"),
            "sh: mpscript: not found"
        );
    }

    #[test]
    fn the_worker_refuses_another_version_and_a_stranger() {
        let mut out = Vec::new();
        let mut wrong = &b"mpscript-pool 1 0.0.0-other\n"[..];
        let e = greet_parent(&mut wrong, &mut out).unwrap_err();
        assert!(e.contains("the pool runs mpscript 0.0.0-other"), "{e}");
        assert_eq!(String::from_utf8(out).unwrap(), worker_greeting());
        let mut stranger = &b"hello\n"[..];
        let e = greet_parent(&mut stranger, &mut Vec::new()).unwrap_err();
        assert!(e.contains("not by hand"), "{e}");
        let mut right = pool_greeting();
        right.push_str("rest");
        let mut right = right.as_bytes();
        greet_parent(&mut right, &mut Vec::new()).unwrap();
        assert_eq!(right, b"rest");
    }
}
