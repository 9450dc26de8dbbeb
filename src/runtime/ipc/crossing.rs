//! How IPC handles cross processes: their wire form, the reference each copy in flight
//! holds on its segments (counted when serialized, taken over by the receiver), and who owns
//! a pipe end once it was handed to another process.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::{Rc, Weak};

use serde::{Deserialize, Serialize};

use super::shared_map::{SHARED_MAP, SharedMap};
use super::sync::{BARRIER, Barrier, EVENT, Event, SEMAPHORE, Semaphore};
use super::{LOCK, Lock, PIPE, PipeEnd, QUEUE, Queue, SHARED, SharedCell};
use crate::interp::value::Value;
use crate::runtime::Handle;
use crate::runtime::os::mailbox::{IN_TRANSIT, Mailbox, WRITER};
use crate::runtime::os::shm::{self, Segment};
use crate::runtime::os::sys::my_pid;
use crate::runtime::wire;

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
    Event(String),
    Semaphore(String),
    Barrier(String),
    SharedMap(String),
}

impl WireHandle {
    fn paths(&self) -> Vec<&str> {
        match self {
            WireHandle::Queue(p)
            | WireHandle::Lock(p)
            | WireHandle::Shared(p)
            | WireHandle::Event(p)
            | WireHandle::Semaphore(p)
            | WireHandle::Barrier(p)
            | WireHandle::SharedMap(p) => vec![p],
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
    Event(&'a str),
    Semaphore(&'a str),
    Barrier(&'a str),
    SharedMap(&'a str),
}

impl Serialize for WireHandle {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        for path in self.paths() {
            shm::leaving(path);
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
            WireHandle::Event(p) => WireForm::Event(p),
            WireHandle::Semaphore(p) => WireForm::Semaphore(p),
            WireHandle::Barrier(p) => WireForm::Barrier(p),
            WireHandle::SharedMap(p) => WireForm::SharedMap(p),
        }
        .serialize(serializer)
    }
}

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
    if let Some(e) = any.downcast_ref::<Rc<Event>>() {
        return Some(WireHandle::Event(e.segment.share()));
    }
    if let Some(s) = any.downcast_ref::<Rc<Semaphore>>() {
        return Some(WireHandle::Semaphore(s.segment.share()));
    }
    if let Some(b) = any.downcast_ref::<Rc<Barrier>>() {
        return Some(WireHandle::Barrier(b.segment.share()));
    }
    if let Some(m) = any.downcast_ref::<Rc<SharedMap>>() {
        return Some(WireHandle::SharedMap(m.segment.share()));
    }
    None
}

/// The handle a wire form names, mapped into this process (once per path).
pub fn from_wire(handle: &WireHandle) -> Result<Value, String> {
    let key = match handle {
        WireHandle::PipeEnd { send, .. } => send.clone(),
        other => other.paths()[0].to_string(),
    };
    if let Some(value) = RECEIVED.with(|r| r.borrow().get(&key).and_then(Weak::upgrade)) {
        // Mapped here already: the reference this copy carried is not needed.
        for path in handle.paths() {
            shm::arrived_again(path);
        }
        let value = to_value(value);
        claim_handed_over(&value);
        return Ok(value);
    }
    let object: Rc<dyn Any> = match handle {
        WireHandle::Queue(p) => Rc::new(Queue {
            mailbox: Mailbox::open(Path::new(p), QUEUE, "queue")?,
            closed_by: Default::default(),
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
        WireHandle::Event(p) => Rc::new(Event {
            segment: Segment::open(Path::new(p), EVENT, "event")?,
        }),
        WireHandle::Semaphore(p) => Rc::new(Semaphore {
            segment: Segment::open(Path::new(p), SEMAPHORE, "semaphore")?,
        }),
        WireHandle::Barrier(p) => Rc::new(Barrier {
            segment: Segment::open(Path::new(p), BARRIER, "barrier")?,
        }),
        WireHandle::SharedMap(p) => Rc::new(SharedMap {
            segment: Segment::open(Path::new(p), SHARED_MAP, "shared_map")?,
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

/// A pipe end that arrived in a queue or pipe message, or as a pool task's argument, belongs
/// to this process from now on (its sender gave it up when it sent it). Ends that arrive
/// otherwise (inside a list among a spawned child's arguments) stay with their owner until
/// this process sends on them.
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
    let object = match object.downcast::<SharedCell>() {
        Ok(c) => return Value::handle(c),
        Err(o) => o,
    };
    let object = match object.downcast::<Event>() {
        Ok(e) => return Value::handle(e),
        Err(o) => o,
    };
    let object = match object.downcast::<Semaphore>() {
        Ok(s) => return Value::handle(s),
        Err(o) => o,
    };
    let object = match object.downcast::<Barrier>() {
        Ok(b) => return Value::handle(b),
        Err(o) => o,
    };
    match object.downcast::<SharedMap>() {
        Ok(m) => Value::handle(m),
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

/// A queue or pipe message, encoded: the pipe ends in it pass to whoever receives it, so from
/// now on closing them here only lets go of this process's copy.
pub(super) struct Message {
    pub bytes: Vec<u8>,
    handed: Vec<Rc<Mailbox>>,
}

impl Message {
    pub fn encode(value: &Value) -> Result<Message, String> {
        HANDED_OVER.with(|h| *h.borrow_mut() = Some(Vec::new()));
        let packet = wire::encode_one(value);
        let ends = HANDED_OVER
            .with(|h| h.borrow_mut().take())
            .unwrap_or_default();
        let bytes = wire::to_bytes(&packet?);
        let me = my_pid();
        let handed: Vec<Rc<Mailbox>> = ends
            .into_iter()
            .filter(|m| m.segment.word(WRITER) == me && m.segment.word(IN_TRANSIT) == 0)
            .collect();
        for m in &handed {
            m.segment.set_word(IN_TRANSIT, 1);
        }
        Ok(Message { bytes, handed })
    }

    /// The message could not be sent: this process keeps its ends.
    pub fn not_sent(self) {
        for m in &self.handed {
            m.segment.set_word(IN_TRANSIT, 0);
        }
    }
}
