//! External programs, the OS side: what to run ([`Spec`]), how it ended ([`Ending`],
//! [`Failure`]), and the running command itself ([`Job`], in `os/job.rs` on Unix): a pipeline
//! of programs in one process group, with non-blocking pipes the reactor drains. Knows nothing
//! of the interpreter or its values.

// On Windows only the types and the stand-in `Job` are used.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[cfg(unix)]
pub use super::job::Job;
#[cfg(not(unix))]
#[path = "../unsupported/command.rs"]
mod unsupported;
#[cfg(not(unix))]
pub use unsupported::Job;

/// How long a group told to end (SIGTERM) has before it is killed (SIGKILL).
pub const GRACE: Duration = Duration::from_secs(1);

/// False in children and pool workers: there the script's standard streams are not the
/// terminal's (a worker's may be its link to the parent), so commands get no standard input
/// and their output is relayed through the interpreter's output.
static HAND_OVER_STDIO: AtomicBool = AtomicBool::new(true);

/// Called as a child or a pool worker starts: see [`HAND_OVER_STDIO`].
pub fn keep_stdio_from_commands() {
    HAND_OVER_STDIO.store(false, Ordering::Relaxed);
}

/// Whether commands that capture nothing may use this process's standard streams.
pub fn stdio_handed_over() -> bool {
    HAND_OVER_STDIO.load(Ordering::Relaxed)
}

/// Where a command's standard input comes from.
#[derive(Debug, Default, Clone)]
pub enum Stdin {
    /// This process's own.
    #[default]
    Inherit,
    /// `/dev/null`.
    Null,
    /// These bytes, then end of input.
    Bytes(Vec<u8>),
}

/// What to run and how.
#[derive(Debug, Default, Clone)]
pub struct Spec {
    /// The programs of the pipeline, each its argv; one for a single command.
    pub stages: Vec<Vec<String>>,
    pub cwd: Option<PathBuf>,
    /// Variables to set (`Some`) or remove (`None`) in the inherited environment.
    pub env: Vec<(String, Option<String>)>,
    pub stdin: Stdin,
    /// Collect standard output (and error) through pipes; otherwise they are inherited.
    pub pipe_stdout: bool,
    pub pipe_stderr: bool,
    pub timeout: Option<Duration>,
    /// Give the command the terminal (its group becomes the foreground group) when its
    /// standard input is this process's terminal.
    pub foreground: bool,
}

/// How a program ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Exited(i32),
    Signaled(i32),
}

impl Ending {
    /// The exit code, or `-N` for signal N (as Python's `returncode`).
    pub fn code(self) -> i64 {
        match self {
            Ending::Exited(code) => i64::from(code),
            Ending::Signaled(sig) => -i64::from(sig),
        }
    }
}

/// How a command (all of its pipeline) ended.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The last program's pid.
    pub pid: u32,
    pub ending: Ending,
    /// Ended by us because its deadline passed.
    pub timed_out: bool,
    /// Ended by us (`terminate`, `kill`, Ctrl-C, the end of the script).
    pub ended_by_us: bool,
    pub elapsed: Duration,
}

/// Why a command did not start.
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
    /// The platform cannot run programs yet.
    #[cfg_attr(unix, allow(dead_code))]
    Unsupported,
}

impl Failure {
    /// The exit code a shell gives a command that could not start (127 not found, 126
    /// otherwise).
    pub fn shell_code(&self) -> i64 {
        match self {
            Failure::NotFound(_) => 127,
            _ => 126,
        }
    }
}

/// The environment a command gets: this process's, with `changes` applied.
pub fn environment(
    changes: &[(String, Option<String>)],
) -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    let mut env: Vec<(std::ffi::OsString, std::ffi::OsString)> = std::env::vars_os().collect();
    for (name, value) in changes {
        env.retain(|(k, _)| k.as_os_str() != name.as_str());
        if let Some(v) = value {
            env.push((name.into(), v.into()));
        }
    }
    env
}

/// The conventional name of a signal, like `SIGTERM`.
pub fn signal_name(signal: i32) -> String {
    #[cfg(unix)]
    if let Ok(s) = nix::sys::signal::Signal::try_from(signal) {
        return s.as_str().to_string();
    }
    format!("signal {signal}")
}
