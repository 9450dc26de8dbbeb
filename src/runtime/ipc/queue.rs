//! `queue(maxsize)`'s methods: `put` (blocking while a bounded queue is full), `get`, the
//! `_nowait` forms, `full`, `qsize`, and `task_done`/`join` (Python's JoinableQueue).

use std::sync::atomic::Ordering;
use std::time::Instant;

use super::crossing::Message;
use super::sync::block_on;
use super::{Queue, arity, deadline_arg, decode_message, no_method, receive_value, take_error};
use crate::interp::args::Callee;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::os::mailbox::{MAXSIZE, UNFINISHED};
use crate::runtime::process::timeout_arg;
use crate::syntax::Span;

/// The `maxsize` of `queue(maxsize)`: as in Python, 0 or less means unbounded.
pub(super) fn maxsize_arg(v: Option<&Value>, span: Span) -> RtResult<u32> {
    match v {
        None | Some(Value::Nil) => Ok(0),
        Some(Value::Int(i)) if *i <= 0 => Ok(0),
        Some(Value::Int(i)) => u32::try_from(*i).map_err(|_| {
            RtError::new(
                format!("queue(): maxsize must be at most {}, got {i}", u32::MAX),
                span,
            )
        }),
        Some(other) => Err(RtError::new(
            format!("queue(): maxsize must be an int, not {}", other.type_name()),
            span,
        )),
    }
}

pub(super) fn queue_method(
    interp: &mut Interp,
    q: &Queue,
    name: &str,
    args: &[Value],
    span: Span,
) -> RtResult<Value> {
    let what = Callee::Method("queue", name);
    let segment = &q.mailbox.segment;
    let me = crate::runtime::os::sys::my_pid();
    if q.closed_by.get() == me && matches!(name, "put" | "put_nowait" | "get" | "get_nowait") {
        return Err(RtError::new(
            format!("{what}: the queue was closed in this process (`close()`)"),
            span,
        ));
    }
    match name {
        "close" => {
            arity(what, args, 0, 0, span)?;
            q.closed_by.set(me);
            Ok(Value::Nil)
        }
        "put" => {
            arity(what, args, 1, 2, span)?;
            let deadline = match args.get(1) {
                None | Some(Value::Nil) => None,
                Some(t) => Some(Instant::now() + timeout_arg(t, &what.to_string(), span)?),
            };
            put(interp, q, &args[0], deadline, what, span)
        }
        "put_nowait" => {
            arity(what, args, 1, 1, span)?;
            put(interp, q, &args[0], Some(Instant::now()), what, span)
        }
        "get" => {
            arity(what, args, 0, 1, span)?;
            let deadline = deadline_arg(args, what, span)?;
            receive_value(interp, &q.mailbox, deadline, false, what, span)
        }
        "get_nowait" => {
            arity(what, args, 0, 0, span)?;
            match q.mailbox.poll_take(false) {
                Ok(Some(bytes)) => decode_message(interp, &bytes, what, span),
                Ok(None) => Err(RtError::new(format!("{what}: the queue is empty"), span)),
                Err(e) => Err(take_error(e, what, span)),
            }
        }
        "empty" => {
            arity(what, args, 0, 0, span)?;
            Ok(Value::Bool(q.mailbox.is_empty()))
        }
        "full" => {
            arity(what, args, 0, 0, span)?;
            let bound = segment.word(MAXSIZE);
            Ok(Value::Bool(
                bound != 0 && q.mailbox.len() >= u64::from(bound),
            ))
        }
        "size" | "qsize" => {
            arity(what, args, 0, 0, span)?;
            Ok(Value::Int(q.mailbox.len() as i64))
        }
        "task_done" => {
            arity(what, args, 0, 0, span)?;
            let left = segment.atomic64(UNFINISHED, |n| {
                n.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            });
            match left {
                Ok(1) => segment.notify(),
                Ok(_) => {}
                Err(_) => {
                    return Err(RtError::new(
                        format!(
                            "{what}: called more times than there were items put (as Python's \
                             ValueError)"
                        ),
                        span,
                    ));
                }
            }
            Ok(Value::Nil)
        }
        "join" => {
            arity(what, args, 0, 1, span)?;
            let deadline = deadline_arg(args, what, span)?;
            let done = block_on(interp, segment, deadline, span, |_| {
                Ok((segment.word64(UNFINISHED) == 0).then_some(()))
            })?;
            Ok(Value::Bool(done.is_some()))
        }
        _ => Err(no_method(
            "a queue",
            name,
            "put, get, put_nowait, get_nowait, empty, full, qsize, size, task_done, join, close",
            span,
        )),
    }
}

/// `put`: appends at once to an unbounded queue; a bounded one that is full waits for room
/// until the deadline, then raises (Python's `queue.Full`).
fn put(
    interp: &mut Interp,
    q: &Queue,
    value: &Value,
    deadline: Option<Instant>,
    what: Callee,
    span: Span,
) -> RtResult<Value> {
    let message = Message::encode(value).map_err(|e| RtError::new(format!("{what}: {e}"), span))?;
    let mailbox = &q.mailbox;
    let sent = match mailbox.put(&message.bytes) {
        Ok(true) => Ok(Some(())),
        Ok(false) => block_on(interp, &mailbox.segment, deadline, span, |_| match mailbox
            .put(&message.bytes)
        {
            Ok(true) => Ok(Some(())),
            Ok(false) => Ok(None),
            Err(e) => Err(take_error(e, what, span)),
        }),
        Err(e) => Err(take_error(e, what, span)),
    };
    match sent {
        Ok(Some(())) => Ok(Value::Nil),
        Ok(None) => {
            message.not_sent();
            let bound = mailbox.segment.word(MAXSIZE);
            let why = if name_is_put(what) { "timed out: " } else { "" };
            Err(RtError::new(
                format!("{what}: {why}the queue is full (maxsize {bound})"),
                span,
            ))
        }
        Err(e) => {
            message.not_sent();
            Err(e)
        }
    }
}

fn name_is_put(what: Callee) -> bool {
    matches!(what, Callee::Method(_, "put"))
}
