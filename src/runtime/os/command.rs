//! Running one external program to its end (the OS side of `run`): the program in its own
//! process group, its input written and its output drained at once (threads, so that neither
//! side can block the other whatever the sizes), a deadline after which the whole group is
//! ended (SIGTERM, a grace period, SIGKILL), and Ctrl-C ending the group too. Knows nothing of
//! the interpreter or its values.

// On Windows only the types and the stand-in `run` are used.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[cfg(not(unix))]
#[path = "../unsupported/command.rs"]
mod unsupported;
#[cfg(not(unix))]
pub use unsupported::run;

/// How long a group told to end (SIGTERM) has before it is killed (SIGKILL).
pub const GRACE: Duration = Duration::from_secs(1);

/// False in children and pool workers: there the script's standard streams are not the
/// terminal's (a worker's may be its link to the parent), so commands get no standard input
/// and their output is collected and printed through the interpreter's output.
static HAND_OVER_STDIO: AtomicBool = AtomicBool::new(true);

/// Called as a child or a pool worker starts: see [`HAND_OVER_STDIO`].
pub fn keep_stdio_from_commands() {
    HAND_OVER_STDIO.store(false, Ordering::Relaxed);
}

/// Whether commands that capture nothing may use this process's standard streams.
pub fn stdio_handed_over() -> bool {
    HAND_OVER_STDIO.load(Ordering::Relaxed)
}

/// What to run and how.
#[derive(Debug, Default)]
pub struct Spec {
    /// The program, then its arguments.
    pub argv: Vec<String>,
    pub cwd: Option<PathBuf>,
    /// Variables to set (`Some`) or remove (`None`) in the inherited environment.
    pub env: Vec<(String, Option<String>)>,
    /// Collect standard output and error (otherwise they are inherited).
    pub capture: bool,
    /// Bytes fed to standard input, which is then closed (otherwise: inherited, or /dev/null
    /// when `null_stdin`).
    pub input: Option<Vec<u8>>,
    pub null_stdin: bool,
    pub timeout: Option<Duration>,
}

/// How a program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Exited(i32),
    Signaled(i32),
}

/// A program that ran.
#[derive(Debug)]
pub struct Finished {
    pub pid: u32,
    pub ending: Ending,
    /// Ended by us because its deadline passed.
    pub timed_out: bool,
    pub stdout: Option<Vec<u8>>,
    pub stderr: Option<Vec<u8>>,
    pub elapsed: Duration,
}

/// Why a program did not run to its end.
#[derive(Debug)]
pub enum Failure {
    /// The program does not exist (no such file, or not on `PATH`).
    NotFound(std::io::Error),
    /// It exists but cannot be executed (permissions, not a program).
    NotExecutable(std::io::Error),
    /// The working directory cannot be entered.
    BadCwd(std::io::Error),
    /// Anything else the system refused (out of processes, descriptors...).
    Other(std::io::Error),
    /// Ctrl-C (or SIGTERM) arrived while it ran; its group was ended.
    Interrupted,
    /// The platform cannot run programs yet.
    #[cfg_attr(unix, allow(dead_code))]
    Unsupported,
}

/// Runs `spec` to its end.
#[cfg(unix)]
pub fn run(spec: &Spec) -> Result<Finished, Failure> {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};

    if let Some(cwd) = &spec.cwd {
        if let Err(e) = std::fs::read_dir(cwd) {
            return Err(Failure::BadCwd(e));
        }
    }
    let mut command = Command::new(&spec.argv[0]);
    command.args(&spec.argv[1..]).process_group(0);
    if let Some(cwd) = &spec.cwd {
        command.current_dir(cwd);
    }
    for (name, value) in &spec.env {
        match value {
            Some(v) => command.env(name, v),
            None => command.env_remove(name),
        };
    }
    command.stdin(if spec.input.is_some() {
        Stdio::piped()
    } else if spec.null_stdin {
        Stdio::null()
    } else {
        Stdio::inherit()
    });
    let output = || {
        if spec.capture {
            Stdio::piped()
        } else {
            Stdio::inherit()
        }
    };
    command.stdout(output()).stderr(output());
    super::sys::init_child_signals();
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Failure::NotFound(e),
        std::io::ErrorKind::PermissionDenied => Failure::NotExecutable(e),
        _ if e.raw_os_error() == Some(nix::libc::ENOEXEC) => Failure::NotExecutable(e),
        _ => Failure::Other(e),
    })?;
    let pid = child.id();
    let writer = child.stdin.take().map(|mut stdin| {
        let input = spec.input.clone().unwrap_or_default();
        // A program that exits without reading all of it closes the pipe: not an error.
        std::thread::spawn(move || drop(stdin.write_all(&input)))
    });
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        pipe.map(|mut p| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = p.read_to_end(&mut bytes);
                bytes
            })
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    drop(child); // waited for by pid below, like every child of the runtime
    // A command that reads the script's terminal gets it, as a shell's job control does:
    // otherwise, in its own process group, its first read would stop it (SIGTTIN).
    let foreground = if spec.input.is_none() && !spec.null_stdin {
        Foreground::give(pid)
    } else {
        None
    };

    let deadline = spec.timeout.map(|t| started + t);
    let mut timed_out = false;
    let mut interrupted = false;
    let status = match super::sys::wait_pid(pid as i32, deadline) {
        Ok(Some(status)) => status,
        Ok(None) => {
            timed_out = true;
            end_group(pid)
        }
        Err(_) => {
            interrupted = true;
            end_group(pid)
        }
    };
    // The group's other members may still hold the pipes: the group leader's end is the
    // command's end, so they go too (a background `sleep` of a shell must not linger).
    kill_group(pid, nix::sys::signal::Signal::SIGKILL);
    if foreground.is_some() {
        drop(foreground);
        // Ctrl-C at the terminal went to the command alone (its group had the terminal):
        // the script is interrupted as if it had received it too.
        if status == super::sys::ExitStatus::Signaled(nix::libc::SIGINT) {
            interrupted = true;
            super::sys::set_interrupted(true);
        }
    }
    let collect =
        |t: Option<std::thread::JoinHandle<Vec<u8>>>| t.map(|t| t.join().unwrap_or_default());
    let stdout = collect(stdout);
    let stderr = collect(stderr);
    if let Some(w) = writer {
        let _ = w.join();
    }
    if interrupted {
        return Err(Failure::Interrupted);
    }
    let ending = match status {
        super::sys::ExitStatus::Exited(code) => Ending::Exited(code),
        super::sys::ExitStatus::Signaled(sig) => Ending::Signaled(sig),
    };
    Ok(Finished {
        pid,
        ending,
        timed_out,
        stdout,
        stderr,
        elapsed: started.elapsed(),
    })
}

/// The terminal's foreground process group handed to a command while it runs (see `run`);
/// dropping it takes the terminal back.
#[cfg(unix)]
struct Foreground {
    ours: nix::unistd::Pid,
}

#[cfg(unix)]
impl Foreground {
    /// Gives the terminal on standard input to the group led by `pid`, if standard input is a
    /// terminal whose foreground group is this process's.
    fn give(pid: u32) -> Option<Foreground> {
        let stdin = std::io::stdin();
        let ours = nix::unistd::getpgrp();
        if nix::unistd::tcgetpgrp(&stdin).ok()? != ours {
            return None;
        }
        let group = nix::unistd::Pid::from_raw(pid as i32);
        with_sigttou_blocked(|| nix::unistd::tcsetpgrp(&stdin, group)).ok()?;
        // It may have tried to read before it had the terminal, and been stopped for it.
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGCONT);
        Some(Foreground { ours })
    }
}

#[cfg(unix)]
impl Drop for Foreground {
    fn drop(&mut self) {
        let stdin = std::io::stdin();
        // From the background, taking the terminal back would stop us (SIGTTOU) unless the
        // signal is blocked.
        let _ = with_sigttou_blocked(|| nix::unistd::tcsetpgrp(&stdin, self.ours));
    }
}

/// Runs `f` with SIGTTOU blocked in this thread.
#[cfg(unix)]
fn with_sigttou_blocked<T>(f: impl FnOnce() -> T) -> T {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
    let mut block = SigSet::empty();
    block.add(Signal::SIGTTOU);
    let mut old = SigSet::empty();
    let _ = pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&block), Some(&mut old));
    let result = f();
    let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
    result
}

/// Ends the process group led by `pid`: SIGTERM, up to [`GRACE`] to end, then SIGKILL; reaps
/// the leader and returns how it ended.
#[cfg(unix)]
fn end_group(pid: u32) -> super::sys::ExitStatus {
    use nix::sys::signal::Signal;
    kill_group(pid, Signal::SIGTERM);
    if let Some(status) = super::sys::reap(pid as i32, Instant::now() + GRACE) {
        return status;
    }
    kill_group(pid, Signal::SIGKILL);
    super::sys::reap(pid as i32, Instant::now() + Duration::from_secs(3600))
        .unwrap_or(super::sys::ExitStatus::Signaled(Signal::SIGKILL as i32))
}

#[cfg(unix)]
fn kill_group(pid: u32, signal: nix::sys::signal::Signal) {
    // ESRCH (the group is gone already) is the common, harmless case.
    let _ = nix::sys::signal::killpg(nix::unistd::Pid::from_raw(pid as i32), signal);
}

/// The conventional name of a signal, like `SIGTERM`.
pub fn signal_name(signal: i32) -> String {
    #[cfg(unix)]
    if let Ok(s) = nix::sys::signal::Signal::try_from(signal) {
        return s.as_str().to_string();
    }
    format!("signal {signal}")
}
