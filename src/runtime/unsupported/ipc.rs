//! IPC handles where the platform lacks what they are built on (shared memory files and
//! futexes): `queue()`, `pipe()`, `lock()`, `shared(v)`, `event()`, `semaphore(n)`,
//! `barrier(n)`, `shared_map()` and `wait(handles)` fail with a clear error, so no such
//! handle ever exists or crosses to a child.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Handle;
use crate::interp::value::{HandleRef, Value};
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;

/// An IPC handle as it would travel to another process: there are none here.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum WireHandle {}

pub fn to_wire(_handle: &dyn Handle) -> Option<WireHandle> {
    None
}

pub fn from_wire(handle: &WireHandle) -> Result<Value, String> {
    match *handle {}
}

pub fn claim_pipe_ends_for(_value: &Value, _pid: u32) {}

pub fn remove_created(paths: &mut Vec<PathBuf>) {
    paths.clear();
}

/// No segments exist here: nothing to remove on SIGTERM or Ctrl-C.
pub fn remove_all_segments() {}

fn unavailable(what: &str, span: Span) -> Box<RtError> {
    RtError::new(
        format!(
            "{what} is not available on this platform yet: IPC handles need shared memory \
             and futexes"
        ),
        span,
    )
}

pub(crate) fn new_queue(
    _interp: &mut Interp,
    _maxsize: Option<&Value>,
    span: Span,
) -> RtResult<Value> {
    Err(unavailable("queue()", span))
}

pub(crate) fn new_pipe(_interp: &mut Interp, span: Span) -> RtResult<Value> {
    Err(unavailable("pipe()", span))
}

pub(crate) fn new_lock(_interp: &mut Interp, span: Span) -> RtResult<Value> {
    Err(unavailable("lock()", span))
}

pub(crate) fn new_shared(_interp: &mut Interp, _initial: &Value, span: Span) -> RtResult<Value> {
    Err(unavailable("shared()", span))
}

pub(crate) fn new_event(_interp: &mut Interp, span: Span) -> RtResult<Value> {
    Err(unavailable("event()", span))
}

pub(crate) fn new_semaphore(_interp: &mut Interp, _n: &Value, span: Span) -> RtResult<Value> {
    Err(unavailable("semaphore()", span))
}

pub(crate) fn new_barrier(_interp: &mut Interp, _n: &Value, span: Span) -> RtResult<Value> {
    Err(unavailable("barrier()", span))
}

pub(crate) fn new_shared_map(_interp: &mut Interp, span: Span) -> RtResult<Value> {
    Err(unavailable("shared_map()", span))
}

pub(crate) fn wait_handles(
    _interp: &mut Interp,
    _handles: &Value,
    _timeout: Option<&Value>,
    span: Span,
) -> RtResult<Value> {
    Err(unavailable("wait()", span))
}

/// `m[k]` on a shared map: there are none here.
pub(crate) fn handle_index(
    _interp: &mut Interp,
    _handle: &HandleRef,
    _key: &Value,
    _span: Span,
) -> Option<RtResult<Value>> {
    None
}

pub(crate) fn handle_set_index(
    _interp: &mut Interp,
    _handle: &HandleRef,
    _key: Value,
    _value: Value,
    _span: Span,
) -> Option<RtResult<()>> {
    None
}

pub(crate) fn handle_snapshot(
    _interp: &mut Interp,
    _handle: &HandleRef,
    _span: Span,
) -> Option<RtResult<Value>> {
    None
}

pub(super) fn ipc_method(
    _interp: &mut Interp,
    _handle: &HandleRef,
    _name: &str,
    _args: &[Value],
    _span: Span,
) -> Option<RtResult<Value>> {
    None
}
