//! `wait(handles, timeout)`: the handles that are ready, like Python's
//! `multiprocessing.connection.wait`: processes (spawned or `start`ed) that ended, pool
//! results that are done, queues with an item, pipe ends with a message (or closed).
//!
//! It runs the event loop (so pools are served and a child's end wakes it at once through
//! SIGCHLD); queues and pipe ends are shared memory with no descriptor to wait on, so when
//! the list has any, the loop also looks at them every 2 ms.

use std::rc::Rc;
use std::time::{Duration, Instant};

use super::{PipeEnd, Queue, SERVE_EVERY, handle_of};
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::process::{self, Process, timeout_arg};
use crate::runtime::{command, pool, reactor};
use crate::syntax::Span;

enum Waitable {
    Process(Rc<Process>),
    Started(Value),
    Result(Value),
    Queue(Value),
    Pipe(Value),
}

/// `wait(handles, timeout = nil)`.
pub(crate) fn wait_handles(
    interp: &mut Interp,
    handles: &Value,
    timeout: Option<&Value>,
    span: Span,
) -> RtResult<Value> {
    let Value::List(list) = handles else {
        return Err(RtError::new(
            format!(
                "wait(): expected a list of handles, not {}",
                crate::interp::value::a(handles.type_name())
            ),
            span,
        ));
    };
    let items = list.borrow().clone();
    let mut waitables = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        waitables.push(classify(item).ok_or_else(|| {
            RtError::new(
                format!(
                    "wait(): item {i} is {}; wait() takes processes, results, queues and pipe \
                     ends",
                    crate::interp::value::a(item.type_name())
                ),
                span,
            )
        })?);
    }
    let deadline = match timeout {
        None | Some(Value::Nil) => None,
        Some(t) => Some(Instant::now() + timeout_arg(t, "wait()", span)?),
    };
    let polled = waitables
        .iter()
        .any(|w| matches!(w, Waitable::Queue(_) | Waitable::Pipe(_)));
    let every = if polled {
        SERVE_EVERY
    } else {
        Duration::from_secs(1)
    };
    let mut ready = Vec::new();
    let mut failed = None;
    reactor::wait_until_checking(interp, deadline, every, span, |interp| {
        ready.clear();
        for (w, item) in waitables.iter().zip(&items) {
            match is_ready(interp, w, span) {
                Ok(true) => ready.push(item.clone()),
                Ok(false) => {}
                Err(e) => {
                    failed = Some(e);
                    return true;
                }
            }
        }
        !ready.is_empty()
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(Value::list(ready))
}

fn classify(item: &Value) -> Option<Waitable> {
    let Value::Handle(h) = item else {
        return None;
    };
    if let Some(p) = h.as_any().downcast_ref::<Rc<Process>>() {
        return Some(Waitable::Process(p.clone()));
    }
    if command::as_started(item).is_some() {
        return Some(Waitable::Started(item.clone()));
    }
    if h.as_any().downcast_ref::<Rc<pool::AsyncResult>>().is_some() {
        return Some(Waitable::Result(item.clone()));
    }
    if handle_of::<Queue>(h).is_some() {
        return Some(Waitable::Queue(item.clone()));
    }
    if handle_of::<PipeEnd>(h).is_some() {
        return Some(Waitable::Pipe(item.clone()));
    }
    None
}

fn is_ready(interp: &mut Interp, w: &Waitable, span: Span) -> RtResult<bool> {
    Ok(match w {
        Waitable::Process(p) => {
            let alive = process::process_method(interp, p, "is_alive", Vec::new(), span)?;
            !alive.truthy()
        }
        Waitable::Started(v) => command::as_started(v).is_some_and(|r| r.borrow().is_done()),
        Waitable::Result(Value::Handle(h)) => {
            let result = h.as_any().downcast_ref::<Rc<pool::AsyncResult>>();
            match result {
                Some(r) => pool::result_method(interp, r, "ready", Vec::new(), span)?.truthy(),
                None => false,
            }
        }
        Waitable::Queue(Value::Handle(h)) => {
            handle_of::<Queue>(h).is_some_and(|q| !q.mailbox.is_empty())
        }
        Waitable::Pipe(Value::Handle(h)) => {
            handle_of::<PipeEnd>(h).is_some_and(|end| !end.closed.get() && end.is_ready())
        }
        _ => false,
    })
}
