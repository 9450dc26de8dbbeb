//! The operating-system edge: starting, waiting for and signalling processes, Ctrl-C, and
//! (on Unix) fork and shared memory. Every `unsafe` block of the crate is in this module, each
//! with the reason it is sound.
//!
//! The rest of the runtime sees one interface; `sys/unix.rs` and `sys/windows.rs` implement
//! it. Windows has no fork, so there only the spawn start method exists, and pools and IPC
//! handles (which are built on Unix sockets, `poll` and futexes) report that they are not
//! available.

#![allow(unsafe_code)]

use std::sync::atomic::{AtomicBool, Ordering};

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub use unix::*;

#[cfg(unix)]
mod spawn;
#[cfg(unix)]
pub use spawn::{ProgramPlan, SpawnError};

#[cfg(windows)]
mod windows;
#[cfg(windows)]
pub use windows::*;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The last signal that interrupted the process (SIGINT, SIGTERM or SIGHUP); 0 if none did.
static INTERRUPT_SIGNAL: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// The exit status after an interruption: 128 + the signal, as a shell reports it (130 for
/// Ctrl-C, 143 for SIGTERM, 129 for SIGHUP).
pub fn interrupt_status() -> i32 {
    match INTERRUPT_SIGNAL.load(Ordering::Relaxed) {
        0 => 130,
        sig => 128 + sig,
    }
}

/// True if the last interruption asks the whole process to end (SIGTERM or SIGHUP), not only
/// the code that runs (Ctrl-C).
pub fn interrupted_to_end() -> bool {
    !matches!(INTERRUPT_SIGNAL.load(Ordering::Relaxed), 0 | 2)
}

/// True once Ctrl-C arrived and was not cleared.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

pub fn set_interrupted(value: bool) {
    INTERRUPTED.store(value, Ordering::Relaxed);
}

/// How a child process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    Exited(i32),
    Signaled(i32),
}

impl ExitStatus {
    /// As `p.exitcode` shows it: the exit code, or `-N` for signal N.
    pub fn code(self) -> i64 {
        match self {
            ExitStatus::Exited(c) => c as i64,
            ExitStatus::Signaled(s) => -(s as i64),
        }
    }
}

/// Ctrl-C arrived while waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interrupted;

/// Sets an environment variable of this process, which commands and children started later
/// inherit (`os.setenv`).
pub fn set_env(name: &str, value: &str) {
    // SAFETY: setting a variable races only with a concurrent read of the environment by
    // another thread through libc (std's own readers take its environment lock). The script
    // runs on one thread; the crate's helper threads (command output drains, the progress
    // bar) read and write pipes and a terminal, never the environment.
    unsafe { std::env::set_var(name, value) }
}

/// Removes an environment variable of this process (`os.setenv(name, nil)`).
pub fn remove_env(name: &str) {
    // SAFETY: as in `set_env`.
    unsafe { std::env::remove_var(name) }
}

/// The host's name (`os.hostname()`).
pub fn hostname() -> std::io::Result<String> {
    #[cfg(unix)]
    {
        let name = nix::unistd::gethostname().map_err(std::io::Error::from)?;
        Ok(name.to_string_lossy().into_owned())
    }
    #[cfg(not(unix))]
    {
        std::env::var("COMPUTERNAME").map_err(|_| std::io::Error::other("COMPUTERNAME is not set"))
    }
}
