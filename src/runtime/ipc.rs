//! Inter-process communication handles: `queue()`, `pipe()`, `lock()` and `shared(v)`.
//!
//! Each is a shared-memory segment (see [`super::shm`]) and crosses process boundaries as the
//! segment's path, so the same OS object is reached from every process that holds the handle.
//! Queues and pipes carry values in the wire format, in a [`Mailbox`] that grows instead of
//! blocking, so a producer joined with items still in flight cannot deadlock (Python's
//! documented trap).
//!
//! A handle's wire form counts a reference to its segments each time it is serialized, and
//! the receiver takes it over (see [`super::shm`]): so a segment is freed once no process
//! holds it and no message carries it.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::{Rc, Weak};
use std::sync::atomic::Ordering;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::Handle;
use super::mailbox::{IN_TRANSIT, Mailbox, READER_CLOSED, TakeError, WRITER, WRITER_CLOSED};
use super::process::timeout_arg;
use super::shm::{BODY, LockError, Segment, WaitError};
use super::sys::my_pid;
use super::wire::{self, Decoder, Packet};
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

/// An IPC handle as it travels to another process: the paths of its segments. Serializing
/// it counts a reference to each segment for the copy in flight (the receiver takes it over
/// in [`from_wire`]), so that the segment outlives the sender's own handle.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub enum WireHandle {
    Queue(String),
    PipeEnd {
        name: char,
        send: String,
        recv: String,
    },
    Lock(String),
    Shared(String),
}

impl WireHandle {
    fn paths(&self) -> Vec<&str> {
        match self {
            WireHandle::Queue(p) | WireHandle::Lock(p) | WireHandle::Shared(p) => vec![p],
            WireHandle::PipeEnd { send, recv, .. } => vec![send, recv],
        }
    }
}

/// The serialized form of [`WireHandle`] (the same bytes its derived `Deserialize` reads).
#[derive(Serialize)]
#[serde(rename = "WireHandle")]
enum WireForm<'a> {
    Queue(&'a str),
    PipeEnd {
        name: char,
        send: &'a str,
        recv: &'a str,
    },
    Lock(&'a str),
    Shared(&'a str),
}

impl Serialize for WireHandle {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        for path in self.paths() {
            super::shm::leaving(path);
        }
        match self {
            WireHandle::Queue(p) => WireForm::Queue(p),
            WireHandle::PipeEnd { name, send, recv } => WireForm::PipeEnd {
                name: *name,
                send,
                recv,
            },
            WireHandle::Lock(p) => WireForm::Lock(p),
            WireHandle::Shared(p) => WireForm::Shared(p),
        }
        .serialize(serializer)
    }
}

// ---------------------------------------------------------------------------------------------
// The handles.

/// `queue()`: many producers, many consumers.
pub struct Queue {
    mailbox: Mailbox,
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
// Crossing processes.

thread_local! {
    /// Handles this process received and still holds, by path: a handle sent with every task
    /// is mapped once while it is in use, and freed when the last value holding it goes.
    static RECEIVED: RefCell<HashMap<String, Weak<dyn Any>>> = RefCell::new(HashMap::new());
    /// While a queue or pipe message is encoded: the pipe ends in it (their sending
    /// mailboxes), which pass to whoever receives the message.
    static HANDED_OVER: RefCell<Option<Vec<Rc<Mailbox>>>> = const { RefCell::new(None) };
}

/// The wire form of a handle, or `None` for handles that cannot cross (process, pool, result).
pub fn to_wire(handle: &dyn Handle) -> Option<WireHandle> {
    let any = handle.as_any();
    if let Some(q) = any.downcast_ref::<Rc<Queue>>() {
        return Some(WireHandle::Queue(q.mailbox.segment.share()));
    }
    if let Some(end) = any.downcast_ref::<Rc<PipeEnd>>() {
        HANDED_OVER.with(|h| {
            if let Some(ends) = h.borrow_mut().as_mut() {
                ends.push(end.send.clone());
            }
        });
        return Some(WireHandle::PipeEnd {
            name: end.name,
            send: end.send.segment.share(),
            recv: end.recv.segment.share(),
        });
    }
    if let Some(l) = any.downcast_ref::<Rc<Lock>>() {
        return Some(WireHandle::Lock(l.segment.share()));
    }
    if let Some(c) = any.downcast_ref::<Rc<SharedCell>>() {
        return Some(WireHandle::Shared(c.segment.share()));
    }
    None
}

/// The handle a wire form names, mapped into this process (once per path).
pub fn from_wire(handle: &WireHandle) -> Result<Value, String> {
    let key = match handle {
        WireHandle::Queue(p) | WireHandle::Lock(p) | WireHandle::Shared(p) => p.clone(),
        WireHandle::PipeEnd { send, .. } => send.clone(),
    };
    if let Some(value) = RECEIVED.with(|r| r.borrow().get(&key).and_then(Weak::upgrade)) {
        // Mapped here already: the reference this copy carried is not needed.
        for path in handle.paths() {
            super::shm::arrived_again(path);
        }
        let value = to_value(value);
        claim_handed_over(&value);
        return Ok(value);
    }
    let object: Rc<dyn Any> = match handle {
        WireHandle::Queue(p) => Rc::new(Queue {
            mailbox: Mailbox::open(Path::new(p), QUEUE, "queue")?,
        }),
        WireHandle::PipeEnd { name, send, recv } => Rc::new(PipeEnd {
            name: *name,
            send: Rc::new(Mailbox::open(Path::new(send), PIPE, "pipe")?),
            recv: Rc::new(Mailbox::open(Path::new(recv), PIPE, "pipe")?),
            closed: Default::default(),
        }),
        WireHandle::Lock(p) => Rc::new(Lock {
            segment: Segment::open(Path::new(p), LOCK, "lock")?,
        }),
        WireHandle::Shared(p) => Rc::new(SharedCell {
            segment: Segment::open(Path::new(p), SHARED, "shared cell")?,
        }),
    };
    RECEIVED.with(|r| {
        let mut received = r.borrow_mut();
        if received.len() >= 64 && received.len().is_power_of_two() {
            received.retain(|_, w| w.strong_count() > 0);
        }
        received.insert(key, Rc::downgrade(&object));
    });
    let value = to_value(object);
    claim_handed_over(&value);
    Ok(value)
}

/// A pipe end that arrived in a queue or pipe message belongs to this process from now on
/// (its sender gave it up when it sent it). Ends that arrive otherwise (a spawned child's
/// arguments inside a list, a pool task's arguments) stay with their owner until this
/// process sends on them.
fn claim_handed_over(value: &Value) {
    if let Value::Handle(h) = value {
        if let Some(end) = h.as_any().downcast_ref::<Rc<PipeEnd>>() {
            let segment = &end.send.segment;
            if segment.word(IN_TRANSIT) != 0 {
                segment.set_word(WRITER, my_pid());
                segment.set_word(IN_TRANSIT, 0);
            }
        }
    }
}

fn to_value(object: Rc<dyn Any>) -> Value {
    let object = match object.downcast::<Queue>() {
        Ok(q) => return Value::handle(q),
        Err(o) => o,
    };
    let object = match object.downcast::<PipeEnd>() {
        Ok(p) => return Value::handle(p),
        Err(o) => o,
    };
    let object = match object.downcast::<Lock>() {
        Ok(l) => return Value::handle(l),
        Err(o) => o,
    };
    match object.downcast::<SharedCell>() {
        Ok(c) => Value::handle(c),
        Err(_) => Value::Nil,
    }
}

/// The pipe ends among `value` (an end, or a list of them) go to another process that
/// claims them when it receives them (a pool task's arguments): from now on, closing them
/// here only lets go of this process's copy.
pub fn hand_over(value: &Value) {
    match value {
        Value::Handle(h) => {
            if let Some(end) = h.as_any().downcast_ref::<Rc<PipeEnd>>() {
                let segment = &end.send.segment;
                if segment.word(WRITER) == my_pid() {
                    segment.set_word(IN_TRANSIT, 1);
                }
            }
        }
        Value::List(items) => {
            for item in items.borrow().iter() {
                if matches!(item, Value::Handle(_) | Value::List(_)) {
                    hand_over(item);
                }
            }
        }
        _ => {}
    }
}

/// Makes the child `pid`, just started with `value` as an argument, the owner of the pipe
/// ends among it (a pipe end, or a list of them): when it ends, the other side's `recv`
/// raises "pipe closed" instead of waiting.
pub fn claim_pipe_ends_for(value: &Value, pid: u32) {
    match value {
        Value::Handle(h) => {
            if let Some(end) = h.as_any().downcast_ref::<Rc<PipeEnd>>() {
                end.send.segment.set_word(WRITER, pid);
                end.send.segment.set_word(IN_TRANSIT, 0);
            }
        }
        Value::List(items) => {
            for item in items.borrow().iter() {
                if let Value::Handle(_) = item {
                    claim_pipe_ends_for(item, pid);
                }
            }
        }
        _ => {}
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

impl Interp {
    fn remember_created(&mut self, paths: &[&Path]) {
        self.runtime
            .created_segments
            .extend(paths.iter().map(|p| p.to_path_buf()));
    }

    /// `queue()`.
    pub(crate) fn new_queue(&mut self, span: Span) -> RtResult<Value> {
        let mailbox = Mailbox::create(QUEUE).map_err(|e| RtError::new(e, span))?;
        self.remember_created(&[mailbox.segment.path()]);
        Ok(Value::handle(Rc::new(Queue { mailbox })))
    }

    /// `pipe()`: two connected ends.
    pub(crate) fn new_pipe(&mut self, span: Span) -> RtResult<Value> {
        let make = || Mailbox::create(PIPE).map_err(|e| RtError::new(e, span));
        let (a_to_b, b_to_a) = (Rc::new(make()?), Rc::new(make()?));
        self.remember_created(&[a_to_b.segment.path(), b_to_a.segment.path()]);
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
    pub(crate) fn new_lock(&mut self, span: Span) -> RtResult<Value> {
        let segment = Segment::create(LOCK, PAGE).map_err(|e| RtError::new(e, span))?;
        self.remember_created(&[segment.path()]);
        Ok(Value::handle(Rc::new(Lock { segment })))
    }

    /// `shared(v)`.
    pub(crate) fn new_shared(&mut self, initial: &Value, span: Span) -> RtResult<Value> {
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
        self.remember_created(&[segment.path()]);
        Ok(Value::handle(Rc::new(SharedCell { segment })))
    }

    /// A method of an IPC handle, or `None` if `handle` is not one.
    pub(crate) fn ipc_method(
        &mut self,
        handle: &HandleRef,
        name: &str,
        args: &[Value],
        span: Span,
    ) -> Option<RtResult<Value>> {
        if let Some(q) = handle_of::<Queue>(handle) {
            return Some(self.queue_method(q, name, args, span));
        }
        if let Some(end) = handle_of::<PipeEnd>(handle) {
            return Some(self.pipe_method(end, name, args, span));
        }
        if let Some(l) = handle_of::<Lock>(handle) {
            return Some(self.lock_method(l, name, args, span));
        }
        if let Some(c) = handle_of::<SharedCell>(handle) {
            return Some(shared_method(c, name, args, span));
        }
        None
    }

    fn queue_method(
        &mut self,
        q: &Queue,
        name: &str,
        args: &[Value],
        span: Span,
    ) -> RtResult<Value> {
        let what = Method("queue", name);
        match name {
            "put" => {
                arity(what, args, 1, 1, span)?;
                self.send_value(&q.mailbox, &args[0], what, span)?;
                Ok(Value::Nil)
            }
            "get" => {
                arity(what, args, 0, 1, span)?;
                let deadline = deadline_arg(args, what, span)?;
                self.receive_value(&q.mailbox, deadline, false, what, span)
            }
            "empty" => {
                arity(what, args, 0, 0, span)?;
                Ok(Value::Bool(q.mailbox.is_empty()))
            }
            "size" => {
                arity(what, args, 0, 0, span)?;
                Ok(Value::Int(q.mailbox.len() as i64))
            }
            _ => Err(no_method("a queue", name, "put, get, empty, size", span)),
        }
    }

    fn pipe_method(
        &mut self,
        end: &PipeEnd,
        name: &str,
        args: &[Value],
        span: Span,
    ) -> RtResult<Value> {
        let what = Method("pipe", name);
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
                self.send_value(&end.send, &args[0], what, span)?;
                Ok(Value::Nil)
            }
            "recv" => {
                arity(what, args, 0, 1, span)?;
                if end.closed.get() {
                    return Err(closed_here());
                }
                let deadline = deadline_arg(args, what, span)?;
                self.receive_value(&end.recv, deadline, true, what, span)
            }
            "poll" => {
                arity(what, args, 0, 0, span)?;
                Ok(Value::Bool(!end.recv.is_empty()))
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

    fn send_value(
        &mut self,
        mailbox: &Mailbox,
        value: &Value,
        what: Method,
        span: Span,
    ) -> RtResult<()> {
        HANDED_OVER.with(|h| *h.borrow_mut() = Some(Vec::new()));
        let packet = wire::encode_one(value);
        let ends = HANDED_OVER
            .with(|h| h.borrow_mut().take())
            .unwrap_or_default();
        let packet = packet.map_err(|e| RtError::new(format!("{what}: {e}"), span))?;
        // The pipe ends in the message pass to its receiver: from now on closing them here
        // only lets go of this process's copy.
        let me = my_pid();
        let handed: Vec<&Rc<Mailbox>> = ends
            .iter()
            .filter(|m| m.segment.word(WRITER) == me && m.segment.word(IN_TRANSIT) == 0)
            .collect();
        for m in &handed {
            m.segment.set_word(IN_TRANSIT, 1);
        }
        let sent = mailbox.put(&wire::to_bytes(&packet));
        if sent.is_err() {
            for m in &handed {
                m.segment.set_word(IN_TRANSIT, 0);
            }
        }
        sent.map_err(|e| self.take_error(e, what, span))
    }

    fn receive_value(
        &mut self,
        mailbox: &Mailbox,
        deadline: Option<Instant>,
        closable: bool,
        what: Method,
        span: Span,
    ) -> RtResult<Value> {
        let bytes = if self.serves_while_waiting() {
            let mut outcome = None;
            self.wait_until_checking(deadline, SERVE_EVERY, span, |_| {
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
        let bytes = bytes.map_err(|e| self.take_error(e, what, span))?;
        let decoded = wire::from_bytes::<Packet>(&bytes).and_then(|packet| {
            let decoder = Decoder::new(self, &packet)?;
            let wire = packet.values.first().ok_or("an empty message")?;
            decoder.value(self, wire)
        });
        decoded.map_err(|e| RtError::new(format!("{what}: {e}"), span))
    }

    /// True when this process has pools to serve, callbacks to run or children's output to
    /// relay: then a wait must keep doing that (a worker blocked on sending its result could
    /// be the one that would put the item waited for), so it polls the IPC handle between
    /// rounds of the event loop instead of sleeping on it.
    fn serves_while_waiting(&self) -> bool {
        !self.runtime.pools.is_empty()
            || !self.runtime.callbacks.is_empty()
            || !self.runtime.relays.is_empty()
    }

    /// `lock.acquire(timeout)`: true, or false after the timeout.
    fn acquire(&mut self, l: &Lock, deadline: Option<Instant>, span: Span) -> RtResult<bool> {
        let outcome = if self.serves_while_waiting() {
            let mut outcome = Err(LockError::Wait(WaitError::TimedOut));
            self.wait_until_checking(deadline, SERVE_EVERY, span, |_| {
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

    fn take_error(&self, error: TakeError, what: Method, span: Span) -> Box<RtError> {
        match error {
            TakeError::Wait(WaitError::Interrupted) => RtError::interrupted(span),
            TakeError::Wait(WaitError::TimedOut) => {
                RtError::new(format!("{what}: timed out"), span)
            }
            TakeError::Closed => RtError::new(
                format!("{what}: pipe closed (the other end is closed and nothing is left)"),
                span,
            ),
            TakeError::Failed(e) => RtError::new(format!("{what}: {e}"), span),
        }
    }

    fn lock_method(&mut self, l: &Lock, name: &str, args: &[Value], span: Span) -> RtResult<Value> {
        let what = Method("lock", name);
        match name {
            "acquire" => {
                arity(what, args, 0, 1, span)?;
                let deadline = deadline_arg(args, what, span)?;
                Ok(Value::Bool(self.acquire(l, deadline, span)?))
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
}

fn shared_method(c: &SharedCell, name: &str, args: &[Value], span: Span) -> RtResult<Value> {
    let what = Method("shared", name);
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
#[derive(Clone, Copy)]
struct Method<'a>(&'static str, &'a str);

impl std::fmt::Display for Method<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}()", self.0, self.1)
    }
}

fn arity(what: Method, args: &[Value], min: usize, max: usize, span: Span) -> RtResult<()> {
    if (min..=max).contains(&args.len()) {
        return Ok(());
    }
    let expected = if min == max {
        format!("{min}")
    } else {
        format!("{min} to {max}")
    };
    Err(RtError::new(
        format!("{what} takes {expected} argument(s), got {}", args.len()),
        span,
    ))
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
    super::shm::remove_created(paths);
}

/// Removes every segment file this script's process made and gives back its references to
/// the others: the cleanup for SIGTERM, SIGHUP and Ctrl-C. Call it from ordinary code once
/// the signal was noticed, not inside a signal handler.
pub fn remove_all_segments() {
    super::shm::remove_all_created();
}
