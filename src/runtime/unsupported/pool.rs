//! Pools where the platform lacks what they are built on (Unix sockets and `poll` between the
//! parent and its workers): `pool(...)` fails with a clear error, so no pool ever exists and
//! everything else here is never reached.

use std::convert::Infallible;
use std::rc::Rc;

use crate::interp::eval::NamedArgs;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::process;
use crate::syntax::Span;

/// The argument that would mark a spawn-method pool worker.
pub const WORKER_ARG: &str = "--mpscript-pool-worker";

// No value of these can exist (`Infallible` has none): `pool(...)` always fails here, so the
// methods below only satisfy the callers shared with Unix.
pub struct Pool {
    pub size: usize,
    never: Infallible,
}

pub struct AsyncResult {
    never: Infallible,
}

/// The stand-in for a pool handle in another process (never made here: no pool exists).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct ForeignHandle {}

pub fn to_foreign(_value: &Value) -> Option<crate::runtime::wire::Wire> {
    None
}

pub fn from_foreign(_handle: &ForeignHandle) -> Value {
    Value::Nil
}

impl Pool {
    pub fn stop_if_mine(&self) {
        match self.never {}
    }
}

fn unavailable(span: Span) -> Box<RtError> {
    RtError::new(
        "pools are not available on this platform yet: they need Unix sockets and poll; \
         start processes with `spawn` instead",
        span,
    )
}

/// A pool worker cannot be started here; a process started as one says so and fails.
pub fn run_exec_worker(_interp: &mut Interp) -> i32 {
    crate::output::stderr_line(format_args!(
        "mpscript: pool workers are not available on this platform"
    ));
    1
}

pub fn run_remote_worker(_interp: &mut Interp) -> i32 {
    crate::output::stderr_line(format_args!(
        "mpscript worker: pool workers are not available on this platform"
    ));
    2
}

pub(crate) fn new_pool(
    _interp: &mut Interp,
    _args: Vec<Value>,
    _named: NamedArgs,
    span: Span,
) -> RtResult<Value> {
    Err(unavailable(span))
}

pub(crate) fn apply_async(
    _interp: &mut Interp,
    _pool: Value,
    _callee: Value,
    _args: Vec<Value>,
    _named: NamedArgs,
    _options: NamedArgs,
    span: Span,
) -> RtResult<Value> {
    Err(unavailable(span))
}

pub(super) fn close_pool(pool: &Pool, _span: Span) -> RtResult<()> {
    match pool.never {}
}

/// No pool exists here: nothing to finish or terminate.
pub(super) fn finish_pools(_interp: &mut Interp, _span: Span) -> RtResult<()> {
    Ok(())
}

pub(super) fn terminate_all_pools(_interp: &mut Interp) {}

pub(super) fn terminate_pool(pool: &Rc<Pool>) {
    match pool.never {}
}

pub(super) fn is_iterator(_handle: &crate::interp::value::HandleRef) -> bool {
    false
}

/// A handle a `for` loop walks through (`p.imap(...)`): none exists here.
pub(super) fn next_item(
    _interp: &mut Interp,
    _handle: &crate::interp::value::HandleRef,
    _span: Span,
) -> Option<RtResult<Option<Value>>> {
    None
}

/// With no pools, an interrupted input's clean-up is ending the child processes.
pub(crate) fn end_interrupted(interp: &mut Interp) {
    process::terminate_children(interp);
}

pub(super) fn join_pool(_interp: &mut Interp, pool: &Rc<Pool>, _span: Span) -> RtResult<()> {
    match pool.never {}
}

pub(super) fn pool_method(
    _interp: &mut Interp,
    pool: Rc<Pool>,
    _name: &str,
    _args: Vec<Value>,
    _named: NamedArgs,
    _span: Span,
) -> RtResult<Value> {
    match pool.never {}
}

pub(super) fn result_method(
    _interp: &mut Interp,
    result: &AsyncResult,
    _name: &str,
    _args: Vec<Value>,
    _span: Span,
) -> RtResult<Value> {
    match result.never {}
}
