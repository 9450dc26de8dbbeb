//! The operating-system layer under the runtime: everything here works on processes, file
//! descriptors, pipes, sockets and shared memory, and knows nothing of the interpreter or its
//! values (nothing here imports `crate::interp`, `Value` or the rest of `runtime`).
//!
//! `sys` is the platform edge and holds every `unsafe` of the crate; above it, `channel`
//! frames messages over a link, `shm` keeps named shared-memory segments, `mailbox` is the
//! message log of a queue or pipe, `outlock` keeps long writes whole across processes, `relay`
//! passes children's output on, and `progress` draws the `join` progress bar; `command` and
//! `job` run external programs (pipelines in their own process groups, drained without
//! blocking), and `joblog` writes and reads GNU parallel's job log.

#[cfg(unix)]
pub mod channel;
pub mod command;
#[cfg(unix)]
pub mod job;
pub mod joblog;
#[cfg(unix)]
pub mod launch;
#[cfg(unix)]
pub mod mailbox;
#[cfg(unix)]
pub mod outlock;
pub mod progress;
pub mod relay;
#[cfg(unix)]
pub mod shm;
pub mod sys;

/// Forks, keeping the count of every shared-memory segment's holders right: the child holds a
/// copy of each segment this process holds, so it is counted before the child exists (and
/// uncounted if the fork fails), so that no segment is freed under the child. The only way the
/// crate forks.
#[cfg(unix)]
pub fn fork() -> Result<sys::Forked, nix::errno::Errno> {
    shm::before_fork();
    sys::fork().inspect_err(|_| shm::fork_failed())
}
