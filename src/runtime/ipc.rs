//! Inter-process communication handles: `queue()`, `pipe()`, `lock()` and `shared(v)`; the
//! synchronisation handles (`event()`, `semaphore(n)`, `barrier(n)`) are in `ipc/sync.rs`,
//! `shared_map()` in `ipc/shared_map.rs`, a queue's methods in `ipc/queue.rs`, and
//! `wait(handles)` in `ipc/wait.rs`.
//!
//! Each is a shared-memory segment (see [`super::os::shm`]) and crosses process boundaries as the
//! segment's path, so the same OS object is reached from every process that holds the handle.
//! Queues and pipes carry values in the wire format, in a [`Mailbox`] that grows instead of
//! blocking, so a producer joined with items still in flight cannot deadlock (Python's
//! documented trap).
//!
//! A handle's wire form counts a reference to its segments each time it is serialized, and
//! the receiver takes it over (see [`super::os::shm`]): so a segment is freed once no process
//! holds it and no message carries it.

use std::any::Any;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use super::Handle;
use super::os::mailbox::{
    IN_TRANSIT, MAXSIZE, Mailbox, READER_CLOSED, TakeError, WRITER, WRITER_CLOSED,
};
use super::os::shm::{BODY, LockError, Segment, WaitError};
use super::os::sys::my_pid;
use super::process::timeout_arg;
use super::wire::{self, Decoder, Packet};
use crate::interp::args::{Arity, Callee};
use crate::interp::value::{HandleRef, Value};
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;

const QUEUE: u32 = 0x5155_4555;
const PIPE: u32 = 0x5049_5045;
const LOCK: u32 = 0x4c4f_434b;
const SHARED: u32 = 0x5348_5244;

/// A small segment: one page holds a lock or a shared cell.
const PAGE: usize = 4096;

/// How long a wait that also serves pools goes without looking at the IPC handle.
const SERVE_EVERY: std::time::Duration = std::time::Duration::from_millis(2);

mod crossing;
mod queue;
mod shared_map;
mod sync;
mod wait;
use crate::runtime::reactor;
use crossing::Message;
pub use crossing::{WireHandle, claim_pipe_ends_for, from_wire, hand_over, to_wire};
pub(crate) use shared_map::{
    index as handle_index, new_shared_map, set_index as handle_set_index,
    snapshot as handle_snapshot,
};
pub(crate) use sync::{new_barrier, new_event, new_semaphore};
pub(crate) use wait::wait_handles;

// ---------------------------------------------------------------------------------------------
// The handles.

/// `queue()`: many producers, many consumers.
pub struct Queue {
    mailbox: Mailbox,
    /// The process that called `q.close()` (0: none): no more `put` or `get` there (as
    /// Python's `Queue.close`); other processes, forked children included, are not affected.
    closed_by: std::cell::Cell<u32>,
}

/// One end of `pipe()`: sends into one mailbox, receives from the other.
pub struct PipeEnd {
    name: char,
    send: Rc<Mailbox>,
    recv: Rc<Mailbox>,
    /// Closed in this process (`.close()` was called here).
    closed: std::cell::Cell<bool>,
}

/// `lock()`: a cross-process lock that survives the death of its holder.
pub struct Lock {
    segment: Segment,
}

/// `shared(v)`: an int or float cell in shared memory.
pub struct SharedCell {
    segment: Segment,
}

const CELL_IS_FLOAT: usize = BODY;
const CELL_VALUE: usize = BODY + 8;

impl Handle for Queue {
    fn type_name(&self) -> &'static str {
        "queue"
    }
    fn describe(&self) -> String {
        format!("<queue {}>", self.mailbox.len())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl PipeEnd {
    /// Whether `recv` would return at once: a message waits, or the other side is closed
    /// and nothing is left (then `recv` raises), as Python's `poll`.
    fn is_ready(&self) -> bool {
        !self.recv.is_empty() || self.recv.sender_gone()
    }
}

impl Handle for PipeEnd {
    fn type_name(&self) -> &'static str {
        "pipe"
    }
    fn describe(&self) -> String {
        format!("<pipe end {}>", self.name)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Handle for Lock {
    fn type_name(&self) -> &'static str {
        "lock"
    }
    fn describe(&self) -> String {
        match self.segment.lock_holder() {
            0 => "<lock free>".into(),
            pid => format!("<lock held by {pid}>"),
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Handle for SharedCell {
    fn type_name(&self) -> &'static str {
        "shared"
    }
    fn describe(&self) -> String {
        format!("<shared {}>", self.get().to_display())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl SharedCell {
    fn is_float(&self) -> bool {
        self.segment.word64(CELL_IS_FLOAT) != 0
    }

    fn get(&self) -> Value {
        let bits = self.segment.word64(CELL_VALUE);
        if self.is_float() {
            Value::Float(f64::from_bits(bits))
        } else {
            Value::Int(bits as i64)
        }
    }

    fn bits_of(&self, v: &Value) -> Result<u64, String> {
        match (self.is_float(), v) {
            (false, Value::Int(i)) => Ok(*i as u64),
            (true, Value::Int(i)) => Ok((*i as f64).to_bits()),
            (true, Value::Float(f)) => Ok(f.to_bits()),
            (false, other) => Err(format!(
                "this shared cell holds an int, not {}",
                crate::interp::value::a(other.type_name())
            )),
            (true, other) => Err(format!(
                "this shared cell holds a float, not {}",
                crate::interp::value::a(other.type_name())
            )),
        }
    }

    /// Adds atomically (a compare-and-swap loop, so no update is lost); returns the new value.
    fn add(&self, n: &Value) -> Result<Value, String> {
        let is_float = self.is_float();
        let step = self.bits_of(n)?;
        let mut error = None;
        let result = self.segment.atomic64(CELL_VALUE, |word| {
            word.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |old| {
                if is_float {
                    Some((f64::from_bits(old) + f64::from_bits(step)).to_bits())
                } else {
                    let sum = (old as i64).checked_add(step as i64);
                    if sum.is_none() {
                        error = Some("integer overflow in shared.add()".to_string());
                    }
                    sum.map(|s| s as u64)
                }
            })
        });
        match result {
            Ok(old) => {
                let new = if is_float {
                    Value::Float(f64::from_bits(old) + f64::from_bits(step))
                } else {
                    Value::Int((old as i64).wrapping_add(step as i64))
                };
                Ok(new)
            }
            Err(_) => Err(error.unwrap_or_default()),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The script's side: builtins and methods.

fn handle_of<T: 'static>(handle: &HandleRef) -> Option<&Rc<T>> {
    handle.as_any().downcast_ref::<Rc<T>>()
}

fn deadline_arg(args: &[Value], what: Method<'_>, span: Span) -> RtResult<Option<Instant>> {
    match args.first() {
        None | Some(Value::Nil) => Ok(None),
        Some(v) => Ok(Some(
            Instant::now() + timeout_arg(v, &what.to_string(), span)?,
        )),
    }
}

fn remember_created(interp: &mut Interp, paths: &[&Path]) {
    interp
        .runtime
        .created_segments
        .extend(paths.iter().map(|p| p.to_path_buf()));
}

/// `queue(maxsize)`.
pub(crate) fn new_queue(
    interp: &mut Interp,
    maxsize: Option<&Value>,
    span: Span,
) -> RtResult<Value> {
    let maxsize = queue::maxsize_arg(maxsize, span)?;
    let mailbox = Mailbox::create(QUEUE).map_err(|e| RtError::new(e, span))?;
    mailbox.segment.set_word(MAXSIZE, maxsize);
    remember_created(interp, &[mailbox.segment.path()]);
    Ok(Value::handle(Rc::new(Queue {
        mailbox,
        closed_by: Default::default(),
    })))
}

/// `pipe()`: two connected ends.
pub(crate) fn new_pipe(interp: &mut Interp, span: Span) -> RtResult<Value> {
    let make = || Mailbox::create(PIPE).map_err(|e| RtError::new(e, span));
    let (a_to_b, b_to_a) = (Rc::new(make()?), Rc::new(make()?));
    remember_created(interp, &[a_to_b.segment.path(), b_to_a.segment.path()]);
    let b = PipeEnd {
        name: 'b',
        send: b_to_a.clone(),
        recv: a_to_b.clone(),
        closed: Default::default(),
    };
    let a = PipeEnd {
        name: 'a',
        send: a_to_b,
        recv: b_to_a,
        closed: Default::default(),
    };
    Ok(Value::list(vec![
        Value::handle(Rc::new(a)),
        Value::handle(Rc::new(b)),
    ]))
}

/// `lock()`.
pub(crate) fn new_lock(interp: &mut Interp, span: Span) -> RtResult<Value> {
    let segment = Segment::create(LOCK, PAGE).map_err(|e| RtError::new(e, span))?;
    remember_created(interp, &[segment.path()]);
    Ok(Value::handle(Rc::new(Lock { segment })))
}

/// `shared(v)`.
pub(crate) fn new_shared(interp: &mut Interp, initial: &Value, span: Span) -> RtResult<Value> {
    let (is_float, bits) = match initial {
        Value::Int(i) => (0, *i as u64),
        Value::Float(f) => (1, f.to_bits()),
        other => {
            return Err(RtError::new(
                format!(
                    "shared(): expected an int or a float, got {}",
                    other.type_name()
                ),
                span,
            ));
        }
    };
    let segment = Segment::create(SHARED, PAGE).map_err(|e| RtError::new(e, span))?;
    segment.set_word64(CELL_IS_FLOAT, is_float);
    segment.set_word64(CELL_VALUE, bits);
    remember_created(interp, &[segment.path()]);
    Ok(Value::handle(Rc::new(SharedCell { segment })))
}

/// A method of an IPC handle, or `None` if `handle` is not one.
pub(super) fn ipc_method(
    interp: &mut Interp,
    handle: &HandleRef,
    name: &str,
    args: &[Value],
    span: Span,
) -> Option<RtResult<Value>> {
    if let Some(q) = handle_of::<Queue>(handle) {
        return Some(queue::queue_method(interp, q, name, args, span));
    }
    if let Some(e) = handle_of::<sync::Event>(handle) {
        return Some(sync::event_method(interp, e, name, args, span));
    }
    if let Some(s) = handle_of::<sync::Semaphore>(handle) {
        return Some(sync::semaphore_method(interp, s, name, args, span));
    }
    if let Some(b) = handle_of::<sync::Barrier>(handle) {
        return Some(sync::barrier_method(interp, b, name, args, span));
    }
    if let Some(m) = handle_of::<shared_map::SharedMap>(handle) {
        return Some(shared_map::shared_map_method(interp, m, name, args, span));
    }
    if let Some(end) = handle_of::<PipeEnd>(handle) {
        return Some(pipe_method(interp, end, name, args, span));
    }
    if let Some(l) = handle_of::<Lock>(handle) {
        return Some(lock_method(interp, l, name, args, span));
    }
    if let Some(c) = handle_of::<SharedCell>(handle) {
        return Some(shared_method(c, name, args, span));
    }
    None
}

fn pipe_method(
    interp: &mut Interp,
    end: &PipeEnd,
    name: &str,
    args: &[Value],
    span: Span,
) -> RtResult<Value> {
    let what = Callee::Method("pipe", name);
    let closed_here = || {
        RtError::new(
            format!("{what}: this end of the pipe was closed by this process"),
            span,
        )
    };
    match name {
        "send" => {
            arity(what, args, 1, 1, span)?;
            if end.closed.get() {
                return Err(closed_here());
            }
            if end.send.segment.word(READER_CLOSED) != 0 {
                return Err(RtError::new(
                    format!("{what}: pipe closed (the other end was closed)"),
                    span,
                ));
            }
            end.send.segment.set_word(WRITER, my_pid());
            end.send.segment.set_word(IN_TRANSIT, 0);
            send_value(&end.send, &args[0], what, span)?;
            Ok(Value::Nil)
        }
        "recv" => {
            arity(what, args, 0, 1, span)?;
            if end.closed.get() {
                return Err(closed_here());
            }
            let deadline = deadline_arg(args, what, span)?;
            receive_value(interp, &end.recv, deadline, true, what, span)
        }
        "poll" => {
            arity(what, args, 0, 1, span)?;
            if end.closed.get() {
                return Err(closed_here());
            }
            let deadline = match args.first() {
                None | Some(Value::Nil) => Some(Instant::now()),
                Some(_) => deadline_arg(args, what, span)?,
            };
            let ready = sync::block_on(interp, &end.recv.segment, deadline, span, |_| {
                Ok(end.is_ready().then_some(()))
            })?;
            Ok(Value::Bool(ready.is_some()))
        }
        "close" => {
            arity(what, args, 0, 0, span)?;
            if !end.closed.replace(true) {
                // Only the end's owner closes it for everyone; a process that merely
                // inherited a copy, or that sent the end away, just lets go of its own.
                let segment = &end.send.segment;
                if segment.word(WRITER) == my_pid() && segment.word(IN_TRANSIT) == 0 {
                    end.send.segment.set_word(WRITER_CLOSED, 1);
                    end.recv.segment.set_word(READER_CLOSED, 1);
                    end.send.segment.notify();
                }
            }
            Ok(Value::Nil)
        }
        _ => Err(no_method(
            "a pipe end",
            name,
            "send, recv, poll, close",
            span,
        )),
    }
}

fn send_value(mailbox: &Mailbox, value: &Value, what: Method, span: Span) -> RtResult<()> {
    let message = Message::encode(value).map_err(|e| RtError::new(format!("{what}: {e}"), span))?;
    let sent = mailbox.put(&message.bytes);
    if sent.is_err() {
        message.not_sent();
    }
    sent.map(|_| ()).map_err(|e| take_error(e, what, span))
}

fn receive_value(
    interp: &mut Interp,
    mailbox: &Mailbox,
    deadline: Option<Instant>,
    closable: bool,
    what: Method,
    span: Span,
) -> RtResult<Value> {
    let bytes = if serves_while_waiting(interp) {
        let mut outcome = None;
        reactor::wait_until_checking(interp, deadline, SERVE_EVERY, span, |_| {
            match mailbox.poll_take(closable) {
                Ok(None) => false,
                other => {
                    outcome = Some(other);
                    true
                }
            }
        })?;
        match outcome {
            Some(Ok(Some(bytes))) => Ok(bytes),
            Some(Err(e)) => Err(e),
            _ => Err(TakeError::Wait(WaitError::TimedOut)),
        }
    } else {
        mailbox.take(deadline, closable)
    };
    let bytes = bytes.map_err(|e| take_error(e, what, span))?;
    decode_message(interp, &bytes, what, span)
}

/// A queue or pipe message's value.
fn decode_message(interp: &mut Interp, bytes: &[u8], what: Method, span: Span) -> RtResult<Value> {
    let decoded = wire::from_bytes::<Packet>(bytes).and_then(|packet| {
        let decoder = Decoder::new(interp, &packet)?;
        let wire = packet.values.first().ok_or("an empty message")?;
        decoder.value(interp, wire)
    });
    decoded.map_err(|e| RtError::new(format!("{what}: {e}"), span))
}

/// True when this process has pools to serve, callbacks to run or children's output to
/// relay: then a wait must keep doing that (a worker blocked on sending its result could
/// be the one that would put the item waited for), so it polls the IPC handle between
/// rounds of the event loop instead of sleeping on it.
fn serves_while_waiting(interp: &Interp) -> bool {
    !interp.runtime.pools.is_empty()
        || !interp.runtime.callbacks.is_empty()
        || !interp.runtime.relays.is_empty()
}

/// `lock.acquire(timeout)`: true, or false after the timeout.
fn acquire(interp: &mut Interp, l: &Lock, deadline: Option<Instant>, span: Span) -> RtResult<bool> {
    let outcome = if serves_while_waiting(interp) {
        let mut outcome = Err(LockError::Wait(WaitError::TimedOut));
        reactor::wait_until_checking(interp, deadline, SERVE_EVERY, span, |_| {
            outcome = l.segment.try_lock();
            !matches!(outcome, Err(LockError::Wait(WaitError::TimedOut)))
        })?;
        outcome
    } else {
        l.segment.lock(deadline)
    };
    match outcome {
        Ok(None) => Ok(true),
        Ok(Some(dead)) => {
            crate::output::stderr_line(format_args!(
                "warning: lock recovered: process {dead} died while holding it; \
                 process {} has it now",
                my_pid()
            ));
            Ok(true)
        }
        Err(LockError::Wait(WaitError::TimedOut)) => Ok(false),
        Err(LockError::Wait(WaitError::Interrupted)) => Err(RtError::interrupted(span)),
        Err(LockError::HeldByMe) => Err(RtError::new(
            "lock.acquire(): this process already holds the lock (acquiring it again \
             would wait forever)",
            span,
        )),
    }
}

fn take_error(error: TakeError, what: Method, span: Span) -> Box<RtError> {
    match error {
        TakeError::Wait(WaitError::Interrupted) => RtError::interrupted(span),
        TakeError::Wait(WaitError::TimedOut) => RtError::new(format!("{what}: timed out"), span),
        TakeError::Closed => RtError::new(
            format!("{what}: pipe closed (the other end is closed and nothing is left)"),
            span,
        ),
        TakeError::Failed(e) => RtError::new(format!("{what}: {e}"), span),
    }
}

fn lock_method(
    interp: &mut Interp,
    l: &Lock,
    name: &str,
    args: &[Value],
    span: Span,
) -> RtResult<Value> {
    let what = Callee::Method("lock", name);
    match name {
        "acquire" => {
            arity(what, args, 0, 1, span)?;
            let deadline = deadline_arg(args, what, span)?;
            Ok(Value::Bool(acquire(interp, l, deadline, span)?))
        }
        "release" => {
            arity(what, args, 0, 0, span)?;
            if l.segment.unlock() {
                return Ok(Value::Nil);
            }
            let holder = match l.segment.lock_holder() {
                0 => "nobody holds it".to_string(),
                pid => format!("process {pid} holds it"),
            };
            Err(RtError::new(
                format!("{what}: this process does not hold the lock ({holder})"),
                span,
            ))
        }
        "locked" => {
            arity(what, args, 0, 0, span)?;
            Ok(Value::Bool(l.segment.lock_holder() != 0))
        }
        _ => Err(no_method("a lock", name, "acquire, release, locked", span)),
    }
}

fn shared_method(c: &SharedCell, name: &str, args: &[Value], span: Span) -> RtResult<Value> {
    let what = Callee::Method("shared", name);
    let fail = |e: String| RtError::new(format!("{what}: {e}"), span);
    match name {
        "get" => {
            arity(what, args, 0, 0, span)?;
            Ok(c.get())
        }
        "set" => {
            arity(what, args, 1, 1, span)?;
            let bits = c.bits_of(&args[0]).map_err(fail)?;
            c.segment.set_word64(CELL_VALUE, bits);
            Ok(Value::Nil)
        }
        "add" => {
            arity(what, args, 1, 1, span)?;
            c.add(&args[0]).map_err(fail)
        }
        _ => Err(no_method("a shared cell", name, "get, set, add", span)),
    }
}

/// Which method is being called, for error messages: formatted only when one is raised, so
/// that a call that succeeds allocates nothing for it.
/// A method of an IPC handle, as errors name it: `queue.put()`.
type Method<'a> = Callee<'a>;

fn arity(what: Method, args: &[Value], min: usize, max: usize, span: Span) -> RtResult<()> {
    Arity::between(min, max).check_at(what, args.len(), span)
}

fn no_method(what: &str, name: &str, has: &str, span: Span) -> Box<RtError> {
    RtError::new(
        format!("{what} has no method `{name}` (it has: {has})"),
        span,
    )
}

/// Removes the segment files an interpreter made, when it ends, and gives back this
/// process's references to the others.
pub fn remove_created(paths: &mut Vec<PathBuf>) {
    super::os::shm::remove_created(paths);
}

/// Removes every segment file this script's process made, gives back its references to the
/// others, and removes files whose maker is gone: the cleanup for SIGTERM, SIGHUP and Ctrl-C,
/// best after the children ended. Call it from ordinary code once the signal was noticed,
/// not inside a signal handler.
pub fn remove_all_segments() {
    super::os::shm::remove_all_created();
}
