//! The process runtime: child processes, pools, signals and IPC handles.

use std::any::Any;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;

/// An operating-system object a script holds: a process, a pool, a queue...
pub trait Handle: Any {
    /// The name `type(x)` returns.
    fn type_name(&self) -> &'static str;
    /// How `print` shows it, like `<process 1234>`.
    fn describe(&self) -> String;
    fn as_any(&self) -> &dyn Any;
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// True once Ctrl-C (SIGINT) has been received.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::Relaxed)
}

/// Marks the run as interrupted (called from the signal handler's watcher).
pub fn set_interrupted(value: bool) {
    INTERRUPTED.store(value, Ordering::Relaxed);
}

fn not_yet(what: &str, span: Span) -> Box<RtError> {
    RtError::new(format!("{what} is not supported yet"), span)
}

impl Interp {
    pub(crate) fn spawn(
        &mut self,
        _callee: Value,
        _args: Vec<Value>,
        _named: Vec<(Rc<str>, Value)>,
        span: Span,
    ) -> RtResult<Value> {
        Err(not_yet("`spawn`", span))
    }

    pub(crate) fn new_pool(
        &mut self,
        _args: Vec<Value>,
        _named: Vec<(Rc<str>, Value)>,
        span: Span,
    ) -> RtResult<Value> {
        Err(not_yet("`pool`", span))
    }

    pub(crate) fn apply_async(
        &mut self,
        _pool: Value,
        _callee: Value,
        _args: Vec<Value>,
        _named: Vec<(Rc<str>, Value)>,
        _options: Vec<(Rc<str>, Value)>,
        span: Span,
    ) -> RtResult<Value> {
        Err(not_yet("`apply_async`", span))
    }

    pub(crate) fn close(&mut self, target: Value, span: Span) -> RtResult<()> {
        Err(RtError::new(
            format!("cannot close a {}", target.type_name()),
            span,
        ))
    }

    pub(crate) fn join(&mut self, target: Value, span: Span) -> RtResult<()> {
        Err(RtError::new(
            format!("cannot join a {}", target.type_name()),
            span,
        ))
    }

    pub(crate) fn call_handle_method(
        &mut self,
        handle: Rc<dyn Handle>,
        name: &str,
        _args: Vec<Value>,
        _named: Vec<(Rc<str>, Value)>,
        span: Span,
    ) -> RtResult<Value> {
        Err(RtError::new(
            format!("a {} has no method `{name}`", handle.type_name()),
            span,
        ))
    }

    pub(crate) fn handle_field(
        &mut self,
        handle: Rc<dyn Handle>,
        name: &str,
        span: Span,
    ) -> RtResult<Value> {
        Err(RtError::new(
            format!("a {} has no field `{name}`", handle.type_name()),
            span,
        ))
    }
}
