//! A pool's life around the event loop (a submodule of `pool`): who may use it (only the
//! process that created it; other processes get a stand-in that says so), `close`, `join`
//! and `terminate`, keeping a pool the script let go of until its tasks are done, finishing
//! every unjoined pool at the end of a script, and what Ctrl-C does to pools in a session that
//! goes on.

use std::io::Write;
use std::rc::Rc;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use serde::{Deserialize, Serialize};

use super::schedule;
use super::{AsyncResult, Outcome, Pool, ResultCell, Task, TaskKind, pool_counts};
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::os::sys;
use crate::runtime::process;
use crate::runtime::reactor;
use crate::runtime::wire::{Wire, encode_one};
use crate::syntax::Span;

const NOT_MINE: &str = "a pool can only be used by the process that created it";

/// A pool or result handle as another process sees it: it prints as the original did and
/// raises "a pool can only be used by the process that created it" when used.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ForeignHandle {
    owner: i32,
    size: u32,
    /// A result handle of the pool, rather than the pool.
    result: Option<String>,
}

/// The stand-in another process gets for a pool or result handle it reads from a global (the
/// handle itself cannot cross).
pub fn to_foreign(value: &Value) -> Option<Wire> {
    let Value::Handle(h) = value else { return None };
    let any = h.as_any();
    if let Some(pool) = any.downcast_ref::<Rc<Pool>>() {
        return Some(Wire::Foreign(ForeignHandle {
            owner: pool.owner,
            size: pool.size as u32,
            result: None,
        }));
    }
    let result = any.downcast_ref::<Rc<AsyncResult>>()?;
    Some(Wire::Foreign(ForeignHandle {
        owner: result.pool.owner,
        size: result.pool.size as u32,
        result: Some(result.cell.description.clone()),
    }))
}

/// The stand-in's value in the receiving process.
pub fn from_foreign(handle: &ForeignHandle) -> Value {
    let pool = Rc::new(Pool::new(
        handle.size as usize,
        handle.owner,
        crate::runtime::StartMethod::default(),
    ));
    match &handle.result {
        None => Value::handle(pool),
        Some(description) => Value::handle(Rc::new(AsyncResult {
            cell: Rc::new(ResultCell {
                outcome: std::cell::RefCell::new(Outcome::Pending),
                observed: std::cell::Cell::new(true),
                description: description.clone(),
                partial: Default::default(),
            }),
            pool,
        })),
    }
}

/// Fails unless this process created the pool.
pub fn check_mine(pool: &Pool, span: Span) -> RtResult<()> {
    if pool.mine() {
        Ok(())
    } else {
        Err(RtError::new(NOT_MINE, span))
    }
}

/// The error of a task whose values could not be encoded when it was handed to a worker
/// (for a chunk of `map`, naming the item).
pub fn unsendable_message(task: &Task, message: &str) -> String {
    let item = match &task.kind {
        TaskKind::Chunk { items, range, .. } => items[range.clone()]
            .iter()
            .position(|v| encode_one(v).is_err())
            .map(|i| format!(", item {}", range.start + i))
            .unwrap_or_default(),
        TaskKind::Call { .. } => String::new(),
    };
    format!("{message} (in {}{item})", task.result.description)
}

/// True when nothing of the pool is left for the script to see: no task unfinished, no
/// error unread; or it was joined or terminated.
fn done_with(pool: &Pool) -> bool {
    let st = pool.state.borrow();
    st.terminated
        || st.released
        || (st.tasks.is_empty() && st.failed.iter().all(|c| c.observed.get()))
}

/// `close p`.
pub(in crate::runtime) fn close_pool(pool: &Pool, span: Span) -> RtResult<()> {
    check_mine(pool, span)?;
    pool.state.borrow_mut().closed = true;
    Ok(())
}

/// `join p`: waits for every task, runs every callback, reports errors nobody read, and
/// lets the workers go.
pub(in crate::runtime) fn join_pool(
    interp: &mut Interp,
    pool: &Rc<Pool>,
    span: Span,
) -> RtResult<()> {
    check_mine(pool, span)?;
    if !pool.state.borrow().closed {
        return Err(RtError::new(
            "cannot join a pool that is still open: `close` it first (`close p`)",
            span,
        ));
    }
    let progress = crate::runtime::os::progress::Progress::new(interp.runtime.progress, "tasks");
    let result = reactor::wait_until(interp, None, span, |_| {
        progress.tick(pool_counts(pool));
        pool.is_idle()
    });
    progress.finish();
    note_interrupt(pool, result)?;
    reactor::run_callbacks(interp, span)?;
    let mut failed = std::mem::take(&mut pool.state.borrow_mut().failed);
    if pool.state.borrow().broken.is_some() {
        // Every task failed of the one initializer error: reported once, unless the script
        // already met it.
        if failed.iter().any(|c| c.observed.get()) {
            failed.clear();
        } else {
            failed.truncate(1);
        }
    }
    let mut report = String::new();
    for cell in failed {
        if !cell.observed.get() {
            if let Outcome::Error(message) = &*cell.outcome.borrow() {
                report.push_str(&format!(
                    "error in pool task {}: {message}\n",
                    cell.description
                ));
            }
        }
    }
    if !report.is_empty() {
        let _ = std::io::stderr().write_all(report.as_bytes());
    }
    release_workers(pool);
    Ok(())
}

/// Tells the workers there is no more work (they exit when their link closes) and reaps them.
fn release_workers(pool: &Pool) {
    pool.state.borrow_mut().released = true;
    let workers = std::mem::take(&mut pool.state.borrow_mut().workers);
    let pids: Vec<i32> = workers.iter().map(|w| w.pid).collect();
    drop(workers);
    for pid in pids {
        if sys::reap(pid, Instant::now() + Duration::from_secs(2)).is_none() {
            // A worker exits as soon as its link closes; one that does not is stuck.
            sys::send_signal(pid, Signal::SIGKILL);
            let _ = sys::reap(pid, Instant::now() + Duration::from_secs(2));
            let _ = std::io::stderr().write_all(
                format!(
                    "warning: pool worker {pid} did not exit when the pool was joined; killed it\n"
                )
                .as_bytes(),
            );
        }
    }
    pool.end_masters();
}

/// `p.terminate()`: stops the workers now; unfinished results raise when read.
pub(in crate::runtime) fn terminate_pool(pool: &Rc<Pool>) {
    {
        let mut st = pool.state.borrow_mut();
        st.terminated = true;
        st.closed = true;
        st.queue.clear();
    }
    pool.kill_workers();
    let tasks: Vec<Task> = pool
        .state
        .borrow_mut()
        .tasks
        .drain()
        .map(|(_, t)| t)
        .collect();
    for task in tasks {
        // A chunk of `map_async` ends its whole result.
        let result = match &task.group {
            Some((group, _)) => group.result.clone(),
            None => task.result.clone(),
        };
        result.observed.set(true);
        if matches!(*result.outcome.borrow(), Outcome::Pending) {
            *result.outcome.borrow_mut() = Outcome::Error(format!(
                "the pool was terminated before {} finished",
                result.description
            ));
        }
    }
}

/// Keeps a pool that has work alive even if the script lets go of it, so that its tasks
/// finish and its errors are reported (at the latest at the end of the script).
pub(super) fn keep_pool(interp: &mut Interp, pool: &Rc<Pool>) {
    if !interp
        .runtime
        .kept_pools
        .iter()
        .any(|p| Rc::ptr_eq(p, pool))
    {
        interp.runtime.kept_pools.push(pool.clone());
    }
}

/// Lets go of kept pools that are done.
pub(super) fn release_kept_pools(interp: &mut Interp) {
    if interp.runtime.kept_pools.iter().any(|p| done_with(p)) {
        let kept = std::mem::take(&mut interp.runtime.kept_pools);
        let (done, busy): (Vec<_>, Vec<_>) = kept.into_iter().partition(|p| done_with(p));
        interp.runtime.kept_pools = busy;
        drop(done);
    }
}

/// At the end of a script (or of a spawned child): every pool it made and did not join or
/// terminate is closed and joined, so its queued tasks run, its callbacks run and its
/// unread errors are reported.
pub(in crate::runtime) fn finish_pools(interp: &mut Interp, span: Span) -> RtResult<()> {
    for pool in schedule::live_pools(interp) {
        let open = {
            let st = pool.state.borrow();
            !st.terminated && !st.released
        };
        if open {
            pool.state.borrow_mut().closed = true;
            join_pool(interp, &pool, span)?;
        }
    }
    interp.runtime.kept_pools.clear();
    Ok(())
}

/// After Ctrl-C interrupted an input in a session that goes on: the child processes are
/// ended, and the pools that input was waiting for are terminated (they say so when printed
/// and when used); the other pools keep working.
pub(crate) fn end_interrupted(interp: &mut Interp) {
    for pool in schedule::live_pools(interp) {
        if pool.interrupted.replace(false) {
            terminate_pool(&pool);
        }
    }
    release_kept_pools(interp);
    // Child processes are all ended, as before; the pools are set aside meanwhile.
    let pools = std::mem::take(&mut interp.runtime.pools);
    let kept = std::mem::take(&mut interp.runtime.kept_pools);
    process::terminate_children(interp);
    interp.runtime.pools = pools;
    interp.runtime.kept_pools = kept;
}

/// Every pool this process made: terminated (Ctrl-C, SIGTERM, SIGHUP).
pub(in crate::runtime) fn terminate_all_pools(interp: &mut Interp) {
    for pool in schedule::live_pools(interp) {
        terminate_pool(&pool);
    }
    interp.runtime.kept_pools.clear();
}

/// Marks the pool a wait was interrupted in, for [`end_interrupted`].
pub fn note_interrupt<T>(pool: &Pool, result: RtResult<T>) -> RtResult<T> {
    if matches!(&result, Err(e) if e.kind == crate::ErrorKind::Interrupted) {
        pool.interrupted.set(true);
    }
    result
}
