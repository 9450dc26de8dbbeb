//! `p.imap(f, xs)` and `p.imap_unordered(f, xs)`: an iterator a `for` loop walks through,
//! whose results come as the workers finish them (in order, or in completion order).
//!
//! Memory stays bounded whatever the number of items: the items go to the pool in chunks, a
//! few chunks per worker at a time, and the next chunks are handed out only as the loop takes
//! results. A loop left early (`break`, an error) leaves the items never handed out unrun.
//! A chunk that failed raises at the iteration that reaches it: the items of the chunk before
//! the failing one first, then the error, naming the task and the item.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::api::{build_task, submit};
use super::life::note_interrupt;
use super::schedule;
use super::{Outcome, Pool, ResultCell, TaskKind, callee_name};
use crate::interp::eval::NamedArgs;
use crate::interp::value::{HandleRef, Value};
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::Handle;
use crate::runtime::os::progress::Progress;
use crate::runtime::reactor;
use crate::syntax::Span;

/// Chunks kept handed out (queued or running, not yet taken by the loop) per worker.
const CHUNKS_PER_WORKER: usize = 4;

/// The largest chunk chosen when the script gives no `chunksize`.
const MAX_AUTO_CHUNK: usize = 1024;

pub struct Imap {
    pool: Rc<Pool>,
    callee: Value,
    /// The globals `callee` uses, as they were at the `imap` call (every chunk sees these).
    globals: super::Globals,
    items: Rc<Vec<Value>>,
    chunk: usize,
    ordered: bool,
    state: RefCell<ImapState>,
}

struct ImapState {
    /// The first item not yet handed out.
    next: usize,
    /// Chunks handed out and not yet taken, in the order they were handed out.
    pending: VecDeque<Rc<ResultCell>>,
    /// Results taken from a finished chunk, not yet yielded.
    ready: VecDeque<Value>,
    /// A failed chunk's error, raised once `ready` (the items before it) is empty.
    error: Option<String>,
    yielded: u64,
    progress: Option<Progress>,
}

impl Handle for Imap {
    fn type_name(&self) -> &'static str {
        "imap"
    }
    fn describe(&self) -> String {
        let order = if self.ordered {
            "imap"
        } else {
            "imap_unordered"
        };
        format!(
            "<{order} {} over {} items>",
            callee_name(&self.callee),
            self.items.len()
        )
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Drop for Imap {
    /// A loop that stopped early let go of its chunks: their errors are nobody's to report.
    fn drop(&mut self) {
        let st = self.state.get_mut();
        for cell in &st.pending {
            cell.observed.set(true);
        }
        if let Some(progress) = st.progress.take() {
            progress.finish();
        }
    }
}

/// `p.imap(f, xs, chunksize = n)`, `p.imap_unordered(...)`: starts the first chunks and
/// returns the iterator.
pub(super) fn imap(
    interp: &mut Interp,
    pool: &Rc<Pool>,
    callee: Value,
    items: Rc<Vec<Value>>,
    ordered: bool,
    named: NamedArgs,
    span: Span,
) -> RtResult<Value> {
    let name = if ordered { "imap" } else { "imap_unordered" };
    let mut chunk = None;
    for (option, value) in named {
        match (&*option, value) {
            ("chunksize", Value::Int(n)) if n >= 1 => chunk = Some(n as usize),
            ("chunksize", Value::Nil) => {}
            (other, v) => {
                return Err(RtError::new(
                    format!(
                        "pool.{name}: bad option `{other} = {}` (it has: chunksize, an int >= 1)",
                        v.repr()
                    ),
                    span,
                ));
            }
        }
    }
    // Like `map`'s chunks, but never so large that results come in rare bursts.
    let chunk = chunk.unwrap_or_else(|| {
        items
            .len()
            .div_ceil(pool.size * 64)
            .clamp(1, MAX_AUTO_CHUNK)
    });
    super::life::check_mine(pool, span)?;
    let imap = Rc::new(Imap {
        pool: pool.clone(),
        globals: schedule::snapshot_globals(interp, &callee),
        callee,
        items,
        chunk,
        ordered,
        state: RefCell::new(ImapState {
            next: 0,
            pending: VecDeque::new(),
            ready: VecDeque::new(),
            error: None,
            yielded: 0,
            progress: None,
        }),
    });
    // The first chunks start now, as in Python (which hands out every item at once).
    imap.top_up(interp, span)?;
    Ok(Value::handle(imap))
}

impl Imap {
    /// Hands out chunks until the window is full or the items run out.
    fn top_up(&self, interp: &mut Interp, span: Span) -> RtResult<()> {
        let window = self.pool.size.max(1) * CHUNKS_PER_WORKER;
        let mut added = false;
        loop {
            let start = {
                let st = self.state.borrow();
                if st.pending.len() >= window || st.next >= self.items.len() {
                    break;
                }
                st.next
            };
            let end = (start + self.chunk).min(self.items.len());
            let description = if end - start == 1 {
                super::describe_call(&callee_name(&self.callee), &self.items[start..end])
            } else {
                format!(
                    "{}(...) over items {start} to {}",
                    callee_name(&self.callee),
                    end - 1
                )
            };
            let mut task = build_task(
                &self.pool,
                TaskKind::Chunk {
                    callee: self.callee.clone(),
                    items: self.items.clone(),
                    range: start..end,
                    star: false,
                    offset: start,
                },
                Some(description),
                span,
            )?;
            task.globals = Some(self.globals.clone());
            let mut st = self.state.borrow_mut();
            st.pending.push_back(task.result.clone());
            st.next = end;
            drop(st);
            submit(interp, &self.pool, task);
            added = true;
        }
        if added {
            schedule::dispatch(interp, &self.pool, span)?;
        }
        Ok(())
    }

    /// The next result, `None` after the last.
    fn next(&self, interp: &mut Interp, span: Span) -> RtResult<Option<Value>> {
        loop {
            {
                let mut st = self.state.borrow_mut();
                if let Some(v) = st.ready.pop_front() {
                    st.yielded += 1;
                    return Ok(Some(v));
                }
                if let Some(message) = st.error.take() {
                    return Err(RtError::new(message, span));
                }
            }
            self.top_up(interp, span)?;
            if self.state.borrow().pending.is_empty() {
                if let Some(progress) = self.state.borrow_mut().progress.take() {
                    progress.finish();
                }
                return Ok(None);
            }
            if self.state.borrow().progress.is_none() {
                self.state.borrow_mut().progress =
                    Some(Progress::new(interp.runtime.progress, "items"));
            }
            let total = self.items.len() as u64;
            let ready = reactor::wait_until(interp, None, span, |_| {
                let st = self.state.borrow();
                if let Some(progress) = &st.progress {
                    progress.tick((st.yielded, total, 0));
                }
                let done = |c: &Rc<ResultCell>| !matches!(*c.outcome.borrow(), Outcome::Pending);
                if self.ordered {
                    st.pending.front().is_some_and(done)
                } else {
                    st.pending.iter().any(done)
                }
            });
            note_interrupt(&self.pool, ready)?;
            let mut st = self.state.borrow_mut();
            let at = st
                .pending
                .iter()
                .position(|c| !matches!(*c.outcome.borrow(), Outcome::Pending));
            let Some(cell) = at.and_then(|i| st.pending.remove(i)) else {
                continue;
            };
            cell.observed.set(true);
            let outcome = std::mem::replace(&mut *cell.outcome.borrow_mut(), Outcome::Pending);
            match outcome {
                Outcome::Value(Value::List(part)) => match Rc::try_unwrap(part) {
                    Ok(list) => st.ready.extend(std::mem::take(&mut *list.borrow_mut())),
                    Err(shared) => st.ready.extend(shared.borrow().iter().cloned()),
                },
                Outcome::Value(other) => st.ready.push_back(other),
                Outcome::Error(message) => {
                    let partial = std::mem::take(&mut *cell.partial.borrow_mut());
                    st.ready.extend(partial);
                    st.error = Some(message);
                }
                Outcome::Pending => {}
            }
        }
    }
}

/// The next item of a handle a `for` loop walks through: `None` when the handle is not an
/// iterator, `Some(Ok(None))` after its last item.
pub(in crate::runtime) fn next_item(
    interp: &mut Interp,
    handle: &HandleRef,
    span: Span,
) -> Option<RtResult<Option<Value>>> {
    let imap = handle.as_any().downcast_ref::<Rc<Imap>>()?.clone();
    Some(imap.next(interp, span))
}

/// Whether a handle is an iterator `next_item` walks through.
pub(in crate::runtime) fn is_iterator(handle: &HandleRef) -> bool {
    handle.as_any().downcast_ref::<Rc<Imap>>().is_some()
}
