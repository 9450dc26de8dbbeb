//! The process runtime: child processes (`spawn`), start methods, pools, IPC handles, the wire
//! format, and the handles scripts hold.
//!
//! Layers, bottom up: `os` (platform calls, framed links, shared memory, mailboxes, output
//! relays and the progress bar; knows nothing of the interpreter), `reactor` (the one event
//! loop every wait runs), then the parts that make script values into processes (`process`,
//! `child`), pools (`pool`) and IPC handles (`ipc`), which reach the interpreter through its
//! facade (`interp/facade.rs`) and `call_value`.

pub mod child;
pub mod command;
#[cfg(unix)]
pub mod ipc;
pub mod os;
#[cfg(unix)]
pub mod pool;
pub mod process;
pub(crate) mod reactor;
pub mod wire;

// The OS layer under its old paths, for the layers above that name them (the output, the
// command line's Ctrl-C handling, `parent_pid()`).
#[cfg(unix)]
pub use os::outlock;
pub use os::sys;

// Pools and IPC handles are built on Unix facilities; elsewhere these stand in for them and
// fail with a clear error when a script asks for one.
#[cfg(not(unix))]
#[path = "unsupported/ipc.rs"]
pub mod ipc;
#[cfg(not(unix))]
#[path = "unsupported/pool.rs"]
pub mod pool;

use std::any::Any;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::interp::eval::NamedArgs;
use crate::interp::value::{HandleRef, Value};
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;
use process::{Process, as_process};

pub use os::sys::{interrupted, set_interrupted};

/// An operating-system object a script holds: a process, a pool, a queue...
pub trait Handle: Any {
    /// The name `type(x)` returns.
    fn type_name(&self) -> &'static str;
    /// How `print` shows it, like `<process 1234>`.
    fn describe(&self) -> String;
    /// The handle as `Any`, for downcasting to the runtime object behind it.
    fn as_any(&self) -> &dyn Any;
}

// A runtime object shared by `Rc` is itself a handle; downcasting the handle of a value then
// yields the `Rc` (`Rc<Process>`, `Rc<Pool>`, ...).
impl<T: Handle> Handle for Rc<T> {
    fn type_name(&self) -> &'static str {
        (**self).type_name()
    }
    fn describe(&self) -> String {
        (**self).describe()
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The pool behind a value, if it is one.
fn as_pool(value: &Value) -> Option<Rc<pool::Pool>> {
    match value {
        Value::Handle(h) => h.as_any().downcast_ref::<Rc<pool::Pool>>().cloned(),
        _ => None,
    }
}

/// The next item of a handle a `for` loop walks through (what `p.imap(...)` returns): `None`
/// when the handle is not one to iterate, `Some(Ok(None))` after its last item.
pub(crate) fn next_item(
    interp: &mut Interp,
    handle: &HandleRef,
    span: Span,
) -> Option<RtResult<Option<Value>>> {
    pool::next_item(interp, handle, span)
}

/// Whether a handle yields items to a `for` loop.
pub(crate) fn is_iterator(handle: &HandleRef) -> bool {
    pool::is_iterator(handle)
}

/// Whether a value is a pool (`with pool(n) as p { ... }` closes and joins it).
pub(crate) fn is_pool(value: &Value) -> bool {
    as_pool(value).is_some()
}

/// The end of `with pool(n) as p { ... }`: close and join after the block, terminate after
/// an error in it.
pub(crate) fn end_with_pool(
    interp: &mut Interp,
    value: Value,
    block_ok: bool,
    span: Span,
) -> RtResult<()> {
    let Some(p) = as_pool(&value) else {
        return Ok(());
    };
    if block_ok {
        pool::close_pool(&p, span)?;
        pool::join_pool(interp, &p, span)
    } else {
        pool::terminate_pool(&p);
        Ok(())
    }
}

/// How child processes start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum StartMethod {
    /// Copy the running interpreter with fork(2): fast; Unix only.
    #[cfg_attr(unix, default)]
    Fork,
    /// Start a fresh copy of the executable and send it the call: works everywhere, and in
    /// processes with several threads.
    #[cfg_attr(not(unix), default)]
    Spawn,
}

/// What the runtime tracks for one interpreter.
pub struct Runtime {
    pub start_method: StartMethod,
    /// Children started here and not yet waited for by `join`.
    pub children: Vec<Rc<Process>>,
    /// Pools started here (weak: a pool nobody refers to any more is gone).
    pub pools: Vec<std::rc::Weak<pool::Pool>>,
    /// Pools with unfinished tasks or unread errors, kept even if the script let go of them:
    /// their tasks finish and their errors are reported (at the latest when the script ends).
    /// (Never filled where pools are not available: the Windows stand-in has no tasks.)
    #[cfg_attr(not(unix), allow(dead_code))]
    pub kept_pools: Vec<Rc<pool::Pool>>,
    /// Finished tasks' callbacks with their argument, waiting for the parent to wait.
    pub callbacks: std::collections::VecDeque<(Value, Value)>,
    /// Whether `join` may show a progress bar (only ever on a terminal).
    pub progress: bool,
    /// True when prints go to a host's sink rather than standard output: children then print
    /// into pipes that are relayed to it.
    pub relay_output: bool,
    pub relays: Vec<os::relay::Relay>,
    /// External commands still running (`run`, `start`, `parallel`), served by the reactor.
    pub commands: Vec<Rc<std::cell::RefCell<command::Running>>>,
    /// `start`ed commands with `check` whose failure nobody has looked at yet.
    pub started: Vec<Rc<std::cell::RefCell<command::Running>>>,
    /// Shared-memory files of the IPC handles made here, removed when this runtime ends.
    pub created_segments: Vec<std::path::PathBuf>,
}

impl Default for Runtime {
    fn default() -> Runtime {
        Runtime {
            start_method: StartMethod::default(),
            children: Vec::new(),
            pools: Vec::new(),
            kept_pools: Vec::new(),
            callbacks: Default::default(),
            progress: true,
            relay_output: false,
            relays: Vec::new(),
            commands: Vec::new(),
            started: Vec::new(),
            created_segments: Vec::new(),
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.remove_created_segments();
    }
}

impl Runtime {
    /// Removes the IPC segment files this runtime made (processes that hold them mapped keep
    /// working; no new process can open them).
    pub fn remove_created_segments(&mut self) {
        ipc::remove_created(&mut self.created_segments);
    }

    /// In a forked child: the parent's children and pools are not ours to manage. Our copies
    /// of the pools' worker links are closed, so that the parent's workers see their parent
    /// leave when it does.
    #[cfg(unix)]
    fn forget_inherited(&mut self) {
        self.children.clear();
        self.callbacks.clear();
        self.relays.clear();
        // The parent's commands are its own: our copies of their pipes close, nothing more.
        for command in self.commands.drain(..) {
            command.borrow_mut().disown();
        }
        self.started.clear();
        // The parent removes its files when it ends; a child must not do it for it.
        self.created_segments.clear();
        for pool in self.pools.drain(..).filter_map(|p| p.upgrade()) {
            pool.abandon();
        }
        self.kept_pools.clear();
    }
}

/// `close p`.
pub(crate) fn close(target: Value, span: Span) -> RtResult<()> {
    match as_pool(&target) {
        Some(p) => pool::close_pool(&p, span),
        None => Err(RtError::new(
            format!(
                "`close` needs a pool, not {}",
                crate::interp::value::a(target.type_name())
            ),
            span,
        )),
    }
}

/// `join x`: waits for a process, a pool, or every item of a list.
pub(crate) fn join(interp: &mut Interp, target: Value, span: Span) -> RtResult<()> {
    if let Some(pool) = as_pool(&target) {
        return pool::join_pool(interp, &pool, span);
    }
    if let Some(started) = command::as_started(&target) {
        return command::join_started(interp, &started, span);
    }
    if let Some(process) = as_process(&target) {
        process::wait_process(interp, process, None, span)?;
        let pid = process.pid;
        interp.runtime.children.retain(|c| c.pid != pid);
        return Ok(());
    }
    if let Value::List(items) = &target {
        let items = items.borrow().clone();
        for item in items {
            join(interp, item, span)?;
        }
        return Ok(());
    }
    Err(RtError::new(
        format!(
            "`join` needs a process, a pool, or a list of them, not {}",
            crate::interp::value::a(target.type_name())
        ),
        span,
    ))
}

pub(crate) fn call_handle_method(
    interp: &mut Interp,
    handle: HandleRef,
    name: &str,
    args: Vec<Value>,
    named: NamedArgs,
    span: Span,
) -> RtResult<Value> {
    if let Some(pool) = as_pool(&Value::Handle(handle.clone())) {
        return pool::pool_method(interp, pool, name, args, named, span);
    }
    if named.is_empty() {
        if let Some(result) = ipc::ipc_method(interp, &handle, name, &args, span) {
            return result;
        }
    }
    if let Some((bad, _)) = named.first() {
        return Err(RtError::new(
            format!(
                "{}.{name}() takes no argument named `{bad}`",
                handle.type_name()
            ),
            span,
        ));
    }
    if let Some(result) = command::started_method(interp, &handle, name, &args, span) {
        return result;
    }
    if let Some(process) = handle.as_any().downcast_ref::<Rc<Process>>() {
        return process::process_method(interp, process, name, args, span);
    }
    if let Some(result) = handle.as_any().downcast_ref::<Rc<pool::AsyncResult>>() {
        return pool::result_method(interp, result, name, args, span);
    }
    Err(RtError::new(
        format!(
            "{} has no method `{name}`",
            crate::interp::value::a(handle.type_name())
        ),
        span,
    ))
}

pub(crate) fn handle_field(handle: HandleRef, name: &str, span: Span) -> RtResult<Value> {
    if let Some(field) = command::field(&handle, name, span) {
        return field;
    }
    if let Some(field) = command::started_field(&handle, name, span) {
        return field;
    }
    if let Some(process) = handle.as_any().downcast_ref::<Rc<Process>>() {
        return process::process_field(process, name, span);
    }
    if let Some(pool) = handle.as_any().downcast_ref::<Rc<pool::Pool>>() {
        if name == "size" {
            return Ok(Value::Int(pool.size as i64));
        }
    }
    Err(RtError::new(
        format!(
            "{} has no field `{name}`",
            crate::interp::value::a(handle.type_name())
        ),
        span,
    ))
}
