//! `shared_map()`: a map every process that holds the handle reads and changes.
//!
//! The map lives in one shared-memory segment, encoded in the wire format, behind the
//! segment's dead-holder-safe lock: each operation takes the lock, decodes the map, and (if it
//! changes it) writes the new encoding. `with m { ... }` holds the lock for the whole block
//! (the statement calls `acquire` and `release`), so a compound update like
//! `m["n"] += 1` inside it is atomic; operations inside the block see that this process
//! holds the lock and do not take it again.
//!
//! A new encoding is written beside the current one and published with one 64-bit store
//! (offset and length), so a process killed in the middle of a write leaves the old map
//! whole for whoever takes the lock over.

use std::any::Any;
use std::rc::Rc;

use super::crossing::Message;
use super::sync::Held;
use super::{arity, no_method, remember_created};
use crate::interp::args::Callee;
use crate::interp::value::{HandleRef, Value};
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::Handle;
use crate::runtime::os::shm::{BODY, LockError, Segment, WaitError};
use crate::runtime::os::sys::my_pid;
use crate::runtime::wire::{self, Decoder, Packet};
use crate::syntax::Span;

pub(super) const SHARED_MAP: u32 = 0x534d_4150;

/// The file's length (another process may have grown it).
const SIZE: usize = BODY;
/// Where the current encoding is (high 32 bits) and its length (low 32 bits); 0: empty map.
const CURRENT: usize = BODY + 8;
const DATA: usize = 128;
const INITIAL_SIZE: usize = 8 * 1024;

/// `shared_map()`.
pub struct SharedMap {
    pub(super) segment: Segment,
}

impl Handle for SharedMap {
    fn type_name(&self) -> &'static str {
        "shared_map"
    }
    fn describe(&self) -> String {
        "<shared_map>".into()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `shared_map()`.
pub(crate) fn new_shared_map(interp: &mut Interp, span: Span) -> RtResult<Value> {
    let segment = Segment::create(SHARED_MAP, INITIAL_SIZE).map_err(|e| RtError::new(e, span))?;
    segment.set_word64(SIZE, INITIAL_SIZE as u64);
    remember_created(interp, &[segment.path()]);
    Ok(Value::handle(Rc::new(SharedMap { segment })))
}

/// The lock for one operation: none inside `with m { }` (this process holds it already).
enum Access<'a> {
    Mine,
    Taken(#[allow(dead_code)] Held<'a>),
}

impl SharedMap {
    fn access(&self, span: Span) -> RtResult<Access<'_>> {
        let access = if self.segment.lock_holder() == my_pid() {
            Access::Mine
        } else {
            Access::Taken(Held::take(&self.segment, span)?)
        };
        let size = self.segment.word64(SIZE) as usize;
        if self.segment.map().len() != size {
            self.segment
                .remap(size)
                .map_err(|e| RtError::new(format!("shared_map: {e}"), span))?;
        }
        Ok(access)
    }

    /// Under the lock: the map as it is now.
    fn read(&self, interp: &Interp, span: Span) -> RtResult<Value> {
        let current = self.segment.word64(CURRENT);
        if current == 0 {
            return Ok(Value::map(Default::default()));
        }
        let (at, len) = ((current >> 32) as usize, (current & 0xffff_ffff) as usize);
        let mut bytes = vec![0u8; len];
        self.segment.map().read(at, &mut bytes);
        let decoded = wire::from_bytes::<Packet>(&bytes).and_then(|packet| {
            let decoder = Decoder::new(interp, &packet)?;
            let wire = packet.values.first().ok_or("an empty message")?;
            decoder.value(interp, wire)
        });
        decoded.map_err(|e| RtError::new(format!("shared_map: {e}"), span))
    }

    /// Under the lock: makes `map` the current map.
    fn write(&self, map: &Value, span: Span) -> RtResult<()> {
        let fail = |e: String| RtError::new(format!("shared_map: {e}"), span);
        let message = Message::encode(map).map_err(fail)?;
        let bytes = &message.bytes;
        let current = self.segment.word64(CURRENT);
        let (at, len) = ((current >> 32) as usize, (current & 0xffff_ffff) as usize);
        let to = if current == 0 || bytes.len() <= at.saturating_sub(DATA) {
            DATA
        } else {
            (at + len).next_multiple_of(8)
        };
        let end = to + bytes.len();
        if end > u32::MAX as usize {
            message.not_sent();
            return Err(fail("the map is too large (over 4 GiB encoded)".into()));
        }
        if end > self.segment.map().len() {
            let size = (end * 2).max(INITIAL_SIZE);
            if let Err(e) = self.segment.grow(size) {
                message.not_sent();
                return Err(fail(e));
            }
            self.segment.set_word64(SIZE, size as u64);
        }
        self.segment.map().write(to, bytes);
        self.segment
            .set_word64(CURRENT, ((to as u64) << 32) | bytes.len() as u64);
        Ok(())
    }
}

fn map_of(handle: &HandleRef) -> Option<&Rc<SharedMap>> {
    handle.as_any().downcast_ref::<Rc<SharedMap>>()
}

/// `m[k]` on a shared map; `None` if `handle` is not one.
pub(crate) fn index(
    interp: &mut Interp,
    handle: &HandleRef,
    key: &Value,
    span: Span,
) -> Option<RtResult<Value>> {
    let m = map_of(handle)?;
    Some((|| {
        let _access = m.access(span)?;
        let map = m.read(interp, span)?;
        interp.index(&map, key, span)
    })())
}

/// `m[k] = v` on a shared map; `None` if `handle` is not one.
pub(crate) fn set_index(
    interp: &mut Interp,
    handle: &HandleRef,
    key: Value,
    value: Value,
    span: Span,
) -> Option<RtResult<()>> {
    let m = map_of(handle)?;
    Some((|| {
        let _access = m.access(span)?;
        let map = m.read(interp, span)?;
        interp.set_index(&map, key, value, span)?;
        m.write(&map, span)
    })())
}

/// `k in m` and `len(m)` on a shared map: the map as it is now, to ask the question of;
/// `None` if `handle` is not one.
pub(crate) fn snapshot(
    interp: &mut Interp,
    handle: &HandleRef,
    span: Span,
) -> Option<RtResult<Value>> {
    let m = map_of(handle)?;
    Some((|| {
        let _access = m.access(span)?;
        m.read(interp, span)
    })())
}

pub(super) fn shared_map_method(
    interp: &mut Interp,
    m: &SharedMap,
    name: &str,
    args: &[Value],
    span: Span,
) -> RtResult<Value> {
    let what = Callee::Method("shared_map", name);
    match name {
        "acquire" => {
            arity(what, args, 0, 0, span)?;
            match m.segment.lock(None) {
                Ok(_) => Ok(Value::Bool(true)),
                Err(LockError::Wait(WaitError::Interrupted)) => Err(RtError::interrupted(span)),
                Err(_) => Err(RtError::new(
                    format!(
                        "{what}: this process holds the map already (`with m` inside `with m` \
                         would wait forever)"
                    ),
                    span,
                )),
            }
        }
        "release" => {
            arity(what, args, 0, 0, span)?;
            if m.segment.unlock() {
                Ok(Value::Nil)
            } else {
                Err(RtError::new(
                    format!("{what}: this process does not hold the map"),
                    span,
                ))
            }
        }
        "get" | "keys" | "values" | "items" | "len" | "copy" => {
            let map = {
                let _access = m.access(span)?;
                m.read(interp, span)?
            };
            interp.call_method(map, name, args.to_vec(), Vec::new(), span)
        }
        "pop" | "clear" => {
            let _access = m.access(span)?;
            let map = m.read(interp, span)?;
            let out = interp.call_method(map.clone(), name, args.to_vec(), Vec::new(), span)?;
            m.write(&map, span)?;
            Ok(out)
        }
        _ => Err(no_method(
            "a shared_map",
            name,
            "get, keys, values, items, len, copy, pop, clear, acquire, release",
            span,
        )),
    }
}
