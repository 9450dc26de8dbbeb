//! The one event loop. Every blocking operation of a script (`join`, `result.get()`, `sleep`,
//! `wait`, a queue's `get`, ...) runs it: it passes on children's output, runs callbacks of
//! finished tasks and feeds pool workers until its condition holds.
//!
//! One turn: each event source registers what it waits for in an [`Interest`] (file
//! descriptors to read or write, and deadlines), the reactor makes one wait over all of them
//! plus the signal wake pipe (which a child's exit and Ctrl-C write to), and each source then
//! handles what became ready. The sources today: pools (worker links, task time limits),
//! output relays and external commands (their pipes and deadlines; a program's end arrives as
//! SIGCHLD on the wake pipe, and every running command is looked at after each turn); spawned
//! children (whose exits write to the wake pipe) and IPC waits are conditions re-checked after
//! every turn; timers are the deadline of the wait. A new kind of source (a remote link) adds a
//! [`Source`] variant, registers before the wait and serves after it.

use std::time::{Duration, Instant};

#[cfg(unix)]
use std::os::fd::RawFd;

use super::os::sys;
use super::process::Process;
use crate::interp::{Interp, RtError, RtResult};
#[cfg(unix)]
use crate::runtime::pool;
use crate::syntax::Span;

/// Who asked to be woken for a file descriptor.
#[cfg(unix)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// The link of worker `worker` of the `pool`-th pool of this turn.
    Worker { pool: usize, worker: usize },
    /// A pipe children print into (see `relay`).
    Relay,
    /// A pipe of a running external command.
    Command,
}

/// What the sources wait for in one turn.
#[derive(Default)]
pub(crate) struct Interest {
    #[cfg(unix)]
    reads: Vec<RawFd>,
    #[cfg(unix)]
    read_sources: Vec<Source>,
    #[cfg(unix)]
    writes: Vec<RawFd>,
    #[cfg(unix)]
    write_sources: Vec<Source>,
    deadline: Option<Instant>,
}

/// What became ready in one turn.
#[derive(Default)]
pub(crate) struct Ready {
    #[cfg(unix)]
    pub reads: Vec<Source>,
    #[cfg(unix)]
    pub writes: Vec<Source>,
}

impl Interest {
    /// Wake when `fd` has something to read (or is closed).
    #[cfg(unix)]
    pub(crate) fn read(&mut self, fd: RawFd, source: Source) {
        self.reads.push(fd);
        self.read_sources.push(source);
    }

    /// Wake when `fd` can take more bytes.
    #[cfg(unix)]
    pub(crate) fn write(&mut self, fd: RawFd, source: Source) {
        self.writes.push(fd);
        self.write_sources.push(source);
    }

    /// Wake no later than `at`.
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) fn deadline(&mut self, at: Instant) {
        self.deadline = Some(self.deadline.map_or(at, |d| d.min(at)));
    }

    /// The one wait of a turn: until something registered is ready, a signal arrives, the
    /// earliest deadline or `timeout` passes.
    fn wait(self, timeout: Option<Duration>) -> Ready {
        let mut wait = timeout;
        if let Some(d) = self.deadline {
            let until = d.saturating_duration_since(Instant::now());
            wait = Some(wait.map_or(until, |w| w.min(until)));
        }
        #[cfg(unix)]
        {
            let (ready_reads, ready_writes) = sys::wait_for_event(&self.reads, &self.writes, wait);
            Ready {
                reads: ready_reads
                    .into_iter()
                    .map(|i| self.read_sources[i])
                    .collect(),
                writes: ready_writes
                    .into_iter()
                    .map(|i| self.write_sources[i])
                    .collect(),
            }
        }
        // No descriptors to wait on here (relays are read by threads, and pools do not exist):
        // waiting is sleeping in short slices, so that a child ending or Ctrl-C is noticed soon.
        #[cfg(not(unix))]
        {
            let slice = Duration::from_millis(5);
            std::thread::sleep(wait.map_or(slice, |t| t.min(slice)));
            Ready::default()
        }
    }
}

/// Runs queued callbacks, one at a time, in completion order.
pub(super) fn run_callbacks(interp: &mut Interp, span: Span) -> RtResult<()> {
    while let Some((callback, arg)) = interp.runtime.callbacks.pop_front() {
        interp.call_value(callback, vec![arg], Vec::new(), span)?;
    }
    Ok(())
}

/// Waits (running callbacks and serving pools meanwhile) until `done` holds or the
/// deadline passes. Returns whether `done` held.
pub(crate) fn wait_until(
    interp: &mut Interp,
    deadline: Option<Instant>,
    span: Span,
    done: impl FnMut(&mut Interp) -> bool,
) -> RtResult<bool> {
    // Wake at least every second to re-check conditions that have no fd (a process
    // ending is signalled through the wake pipe, so this is only a safety net).
    wait_until_checking(interp, deadline, Duration::from_secs(1), span, done)
}

/// Like [`wait_until`], re-checking `done` at least every `every` even when no
/// event arrives (for conditions signalled outside the event loop, like queue items).
pub(super) fn wait_until_checking(
    interp: &mut Interp,
    deadline: Option<Instant>,
    every: Duration,
    span: Span,
    mut done: impl FnMut(&mut Interp) -> bool,
) -> RtResult<bool> {
    interp.flush_output();
    loop {
        run_callbacks(interp, span)?;
        if !interp.runtime.relays.is_empty() {
            interp.pump_relays();
        }
        if done(interp) {
            return Ok(true);
        }
        if sys::interrupted() {
            return Err(RtError::interrupted(span));
        }
        let now = Instant::now();
        let timeout = match deadline {
            Some(d) if now >= d => return Ok(false),
            Some(d) => Some(d - now),
            None => None,
        };
        let timeout = Some(timeout.map_or(every, |t| t.min(every)));
        turn(interp, timeout, span)?;
    }
}

/// Waits until a child process ends or the deadline passes; whether it ended. With nothing
/// else to serve (no pools, callbacks or relays), the wait is the platform's own wait for
/// that child, which needs no turns at all.
pub(super) fn wait_for_exit(
    interp: &mut Interp,
    process: &Process,
    deadline: Option<Instant>,
    span: Span,
) -> RtResult<bool> {
    if !interp.runtime.pools.is_empty()
        || !interp.runtime.callbacks.is_empty()
        || !interp.runtime.relays.is_empty()
        || !interp.runtime.commands.is_empty()
    {
        return wait_until(interp, deadline, span, |_| process.poll().is_some());
    }
    interp.flush_output();
    match process.wait(deadline) {
        Ok(status) => Ok(status.is_some()),
        Err(sys::Interrupted) => Err(RtError::interrupted(span)),
    }
}

/// One turn of the event loop: the sources register, one wait of up to `timeout`, and the
/// sources handle what became ready (results, worker exits, output, time limits).
#[cfg(unix)]
pub(super) fn turn(interp: &mut Interp, timeout: Option<Duration>, span: Span) -> RtResult<()> {
    let mut interest = Interest::default();
    let pools = pool::register_pools(interp, &mut interest, span)?;
    for relay in &interp.runtime.relays {
        interest.read(relay.raw(), Source::Relay);
    }
    crate::runtime::command::register(interp, &mut interest);
    let ready = interest.wait(timeout);
    pool::pools_writable(&pools, &ready);
    if ready.reads.contains(&Source::Relay) {
        interp.pump_relays();
    }
    // Commands are few and cheap to look at: each is served every turn (a program's end comes
    // as a wake-up, not as a ready descriptor).
    crate::runtime::command::serve(interp)?;
    pool::serve_pools(interp, &pools, &ready, span)
}

/// One turn where there are no pools and relays are read by threads: only the wait.
#[cfg(not(unix))]
pub(super) fn turn(_interp: &mut Interp, timeout: Option<Duration>, _span: Span) -> RtResult<()> {
    Interest::default().wait(timeout);
    Ok(())
}
