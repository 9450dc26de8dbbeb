//! `spawn`: child processes that run one script function, and their handles.

use std::any::Any;
use std::cell::Cell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::os::sys::Signal;

use super::os::sys::{self, ExitStatus};
use super::{Handle, StartMethod, child};
use crate::interp::eval::NamedArgs;
use crate::interp::value::{Function, Value};
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::pool;
use crate::runtime::reactor;
use crate::syntax::Span;

/// A child process started by `spawn`.
pub struct Process {
    pub pid: i32,
    pub name: Rc<str>,
    /// The process that started it: only that one may wait for it.
    owner: i32,
    status: Cell<Option<ExitStatus>>,
}

impl Handle for Process {
    fn type_name(&self) -> &'static str {
        "process"
    }

    fn describe(&self) -> String {
        format!("<process {}>", self.pid)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A process handle as it crosses to another process (see [`Wire::Process`]).
///
/// [`Wire::Process`]: super::wire::Wire::Process
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct ProcessWire {
    pid: i32,
    name: String,
    owner: i32,
    /// `exitcode` as the sender last knew it.
    exitcode: Option<i32>,
}

/// The wire form of a handle, if it is a process.
pub fn to_wire(handle: &dyn Handle) -> Option<ProcessWire> {
    let p = handle.as_any().downcast_ref::<Rc<Process>>()?;
    Some(ProcessWire {
        pid: p.pid,
        name: p.name.to_string(),
        owner: p.owner,
        exitcode: p.status.get().map(|s| s.code() as i32),
    })
}

/// A received process handle: it keeps its real owner, so `join` here raises as in Python.
pub fn from_wire(p: &ProcessWire) -> Value {
    let status = p.exitcode.map(|c| {
        if c < 0 {
            ExitStatus::Signaled(-c)
        } else {
            ExitStatus::Exited(c)
        }
    });
    Value::handle(Rc::new(Process {
        pid: p.pid,
        name: p.name.as_str().into(),
        owner: p.owner,
        status: Cell::new(status),
    }))
}

impl Process {
    pub fn new(pid: i32, name: Rc<str>) -> Process {
        Process {
            pid,
            name,
            owner: std::process::id() as i32,
            status: Cell::new(None),
        }
    }

    fn mine(&self) -> bool {
        self.owner == sys::my_pid() as i32
    }

    /// As in Python, only the process that started a child may wait for it or ask whether it
    /// runs (another process cannot reap it, so it could not tell): `Err` says so.
    fn check_mine(&self, verb: &str, span: Span) -> RtResult<()> {
        if self.mine() {
            return Ok(());
        }
        Err(RtError::new(
            format!(
                "can only {verb} a child process: process {} was started by process {}, not by \
                 this one ({})",
                self.pid,
                self.owner,
                std::process::id()
            ),
            span,
        ))
    }

    /// The exit status if the process has ended (reaping it if needed).
    pub fn poll(&self) -> Option<ExitStatus> {
        if self.status.get().is_none() && self.mine() {
            self.status.set(sys::try_wait(self.pid));
        }
        self.status.get()
    }

    /// Waits until the process ends or the deadline passes. `Err` on Ctrl-C.
    pub fn wait(&self, deadline: Option<Instant>) -> Result<Option<ExitStatus>, sys::Interrupted> {
        if let Some(s) = self.poll() {
            return Ok(Some(s));
        }
        if !self.mine() {
            return Ok(None);
        }
        let status = sys::wait_pid(self.pid, deadline)?;
        self.status.set(status);
        Ok(status)
    }

    /// Sends `sig`, unless the process is known to have ended. As in Python, a process that
    /// did not start the child (a sibling that got the handle with its globals under fork) may
    /// signal it too; it cannot reap it, so it signals what it last knew to be running.
    pub fn signal(&self, sig: Signal) {
        // Never signal a pid we already reaped: the number may belong to someone else now.
        if self.poll().is_none() {
            sys::send_signal(self.pid, sig);
        }
    }
}

/// The `Process` behind a value, if it is one.
pub fn as_process(value: &Value) -> Option<&Process> {
    match value {
        Value::Handle(h) => h.as_any().downcast_ref::<Rc<Process>>().map(|p| &**p),
        _ => None,
    }
}

pub(crate) fn spawn(
    interp: &mut Interp,
    callee: Value,
    args: Vec<Value>,
    named: NamedArgs,
    span: Span,
) -> RtResult<Value> {
    let Value::Function(function) = &callee else {
        return Err(RtError::new(
            format!(
                "`spawn` needs a function call, but {} was called",
                crate::interp::value::a(callee.type_name())
            ),
            span,
        ));
    };
    let name = function.name();
    interp.flush_output();
    let handed_over: Vec<Value> = args
        .iter()
        .chain(named.iter().map(|(_, v)| v))
        .filter(|v| matches!(v, Value::Handle(_)))
        .cloned()
        .collect();
    let pid = match interp.runtime.start_method {
        StartMethod::Fork => fork_child(interp, &callee, function.clone(), args, named, span)?,
        StartMethod::Spawn => child::spawn_exec(interp, &callee, &args, &named, span)?,
    };
    // The child owns the pipe ends it was given from the start, so the parent's `recv`
    // sees "pipe closed" once the child ends, even if it never sent anything.
    for value in &handed_over {
        super::ipc::claim_pipe_ends_for(value, pid as u32);
    }
    let process = Rc::new(Process::new(pid, name));
    interp.runtime.children.push(process.clone());
    Ok(Value::handle(process))
}

/// Starts a child with fork(2) running the call; returns its pid.
#[cfg(unix)]
fn fork_child(
    interp: &mut Interp,
    callee: &Value,
    function: Function,
    args: Vec<Value>,
    named: NamedArgs,
    span: Span,
) -> RtResult<i32> {
    // A forked child gets a copy of everything anyway, but what could not cross under the
    // other start method is refused under this one too.
    pack_call(callee, &args, &named, span)?;
    spawn_fork(interp, function, args, named, span)
}

/// Without fork(2) the method is refused, naming the one that works.
#[cfg(not(unix))]
fn fork_child(
    _interp: &mut Interp,
    _callee: &Value,
    _function: Function,
    _args: Vec<Value>,
    _named: NamedArgs,
    span: Span,
) -> RtResult<i32> {
    Err(RtError::new(
        "the fork start method is not available on this platform; use the spawn start \
         method (`--start-method spawn`, or Engine::set_start_method)",
        span,
    ))
}

/// Encodes a call for another process; fails in the sender for values that cannot cross.
#[cfg(unix)]
fn pack_call(
    callee: &Value,
    args: &[Value],
    named: &NamedArgs,
    span: Span,
) -> RtResult<super::wire::Packet> {
    let mut encoder = super::wire::Encoder::new();
    let fail = |m: String| RtError::new(m, span);
    encoder.push(callee).map_err(fail)?;
    for arg in args.iter().chain(named.iter().map(|(_, v)| v)) {
        encoder.push(arg).map_err(fail)?;
    }
    Ok(encoder.finish())
}

#[cfg(unix)]
fn spawn_fork(
    interp: &mut Interp,
    function: Function,
    args: Vec<Value>,
    named: NamedArgs,
    span: Span,
) -> RtResult<i32> {
    let threads = sys::thread_count();
    if threads > 1 {
        return Err(RtError::new(
            format!(
                "cannot fork: this process has {threads} threads, and a forked child of a \
                 threaded process may deadlock; use the spawn start method \
                 (`--start-method spawn`, or Engine::set_start_method)"
            ),
            span,
        ));
    }
    sys::init_child_signals();
    let parent = std::process::id() as i32;
    let pipe = interp.output_pipe();
    match crate::runtime::os::fork() {
        Err(e) => Err(RtError::new(format!("cannot fork: {e}"), span)),
        Ok(sys::Forked::Parent(pid)) => {
            if let Some((read, _write)) = pipe {
                interp
                    .runtime
                    .relays
                    .push(super::os::relay::Relay::new(read));
            }
            Ok(pid)
        }
        Ok(sys::Forked::Child) => {
            if !sys::setup_child(parent) {
                sys::exit_now(1);
            }
            become_child(interp);
            if let Some((_read, write)) = pipe {
                interp.print_into(write);
            }
            let code = run_as_child(interp, Value::Function(function), args, named, span);
            interp.runtime.remove_created_segments();
            interp.remove_own_tempdirs();
            sys::exit_now(code)
        }
    }
}

/// Forgets what belongs to the parent: its children, pools and random state.
#[cfg(unix)]
pub(super) fn become_child(interp: &mut Interp) {
    interp.runtime.forget_inherited();
    interp.reset_for_child();
}

/// Runs the call a child was started for and returns its exit status. An uncaught error is
/// reported on stderr, naming this process.
pub(super) fn run_as_child(
    interp: &mut Interp,
    callee: Value,
    args: Vec<Value>,
    named: NamedArgs,
    span: Span,
) -> i32 {
    let name = match &callee {
        Value::Function(f) => f.name(),
        _ => "?".into(),
    };
    // As at the top level: the function's error (if any) is reported first, then the
    // children and pools it left are waited for and finished, unless it was interrupted.
    let result = interp.call_value(callee, args, named, span).map(|_| ());
    let mut code = report_child_error(interp, result, &name);
    if code != 130 {
        let ended = join_children(interp, span);
        let ended_code = report_child_error(interp, ended, &name);
        if code == 0 {
            code = ended_code;
        }
    }
    if code == 130 {
        terminate_children(interp);
    }
    interp.flush_output();
    code
}

/// Reports an error that ends a child process (as the top level would) and gives the
/// process's exit status for it.
fn report_child_error(interp: &Interp, result: RtResult<()>, name: &str) -> i32 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            let error = e
                .into_error(interp.sources())
                .in_process(std::process::id(), name);
            if matches!(
                error.kind(),
                crate::ErrorKind::Runtime | crate::ErrorKind::Limit
            ) {
                crate::output::stderr_line(format_args!("{error}"));
            }
            error.exit_code()
        }
    }
}

/// Waits for every child this process started and has not waited for.
pub(crate) fn join_children(interp: &mut Interp, span: Span) -> RtResult<()> {
    let children = std::mem::take(&mut interp.runtime.children);
    for (i, process) in children.iter().enumerate() {
        if let Err(e) = wait_process(interp, process, None, span) {
            interp.runtime.children = children[i..].to_vec();
            return Err(e);
        }
    }
    pool::finish_pools(interp, span)?;
    stop_pools(interp);
    finish_relays(interp);
    crate::runtime::command::finish_all(interp)
}

/// After the children ended: passes on the rest of their output. (A grandchild still
/// holding a pipe open is not waited for long.)
pub(super) fn finish_relays(interp: &mut Interp) {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        interp.pump_relays();
        if interp.runtime.relays.is_empty() || Instant::now() >= deadline {
            return;
        }
        super::os::relay::wait_any(&interp.runtime.relays, Duration::from_millis(100));
    }
}

/// Waits for a process to end (serving pools and callbacks meanwhile); whether it ended.
pub(super) fn wait_process(
    interp: &mut Interp,
    process: &Process,
    deadline: Option<Instant>,
    span: Span,
) -> RtResult<bool> {
    process.check_mine("join", span)?;
    reactor::wait_for_exit(interp, process, deadline, span)
}

/// Kills the workers of every pool still running (a script that never joined its pool).
pub(super) fn stop_pools(interp: &mut Interp) {
    let pools = std::mem::take(&mut interp.runtime.pools);
    for pool in pools.iter().filter_map(|p| p.upgrade()) {
        pool.stop_if_mine();
    }
}

/// Ends every live child: SIGTERM, a short grace period, then SIGKILL; all are reaped.
pub(crate) fn terminate_children(interp: &mut Interp) {
    // As `p.terminate()` does: a pool then refuses new tasks with a clear error (the REPL
    // goes on after Ctrl-C), and unfinished results raise when read.
    pool::terminate_all_pools(interp);
    crate::runtime::command::end_all(interp);
    let children = std::mem::take(&mut interp.runtime.children);
    for p in &children {
        p.signal(Signal::SIGTERM);
    }
    let deadline = Instant::now() + Duration::from_millis(300);
    for p in &children {
        while p.poll().is_none() && Instant::now() < deadline {
            sys::pause(Duration::from_millis(10));
        }
    }
    for p in &children {
        if p.poll().is_none() {
            p.signal(Signal::SIGKILL);
            while p.poll().is_none() {
                sys::pause(Duration::from_millis(5));
            }
        }
    }
}

/// `active_children()`: the children started here that still run; as in Python, the ones
/// that ended are reaped (their exit code stays readable on their handles).
pub(crate) fn active_children(interp: &mut Interp) -> Value {
    interp.runtime.children.retain(|c| c.poll().is_none());
    Value::list(
        interp
            .runtime
            .children
            .iter()
            .map(|c| Value::handle(c.clone()))
            .collect(),
    )
}

pub(super) fn process_method(
    interp: &mut Interp,
    process: &Process,
    name: &str,
    args: Vec<Value>,
    span: Span,
) -> RtResult<Value> {
    let count = |n: usize| {
        crate::interp::args::Arity::at_most(n).check_at(
            crate::interp::args::Callee::Method("process", name),
            args.len(),
            span,
        )
    };
    match name {
        "is_alive" => {
            count(0)?;
            process.check_mine("test", span)?;
            Ok(Value::Bool(process.poll().is_none()))
        }
        "join" => {
            count(1)?;
            let deadline = match args.first() {
                None | Some(Value::Nil) => None,
                Some(v) => Some(Instant::now() + timeout_arg(v, "process.join()", span)?),
            };
            Ok(Value::Bool(wait_process(interp, process, deadline, span)?))
        }
        "terminate" | "kill" => {
            count(0)?;
            process.signal(if name == "kill" {
                Signal::SIGKILL
            } else {
                Signal::SIGTERM
            });
            Ok(Value::Nil)
        }
        _ => Err(RtError::new(
            format!(
                "a process has no method `{name}` (it has: is_alive, join, terminate, kill; \
                 fields: pid, name, exitcode)"
            ),
            span,
        )),
    }
}

pub(super) fn process_field(process: &Process, name: &str, span: Span) -> RtResult<Value> {
    match name {
        "pid" => Ok(Value::Int(process.pid as i64)),
        "name" => Ok(Value::str(&process.name)),
        "exitcode" => Ok(process.poll().map_or(Value::Nil, |s| Value::Int(s.code()))),
        _ => Err(RtError::new(
            format!("a process has no field `{name}` (it has: pid, name, exitcode)"),
            span,
        )),
    }
}

/// A timeout argument in seconds, for every operation that waits (`join`, `.get()`,
/// `.acquire()`, `.recv()`...). As in Python, a negative timeout counts as 0: the operation
/// does not wait, so `p.join(deadline - time())` works once the deadline has passed. NaN and
/// values past a billion seconds are errors.
pub fn timeout_arg(v: &Value, what: &str, span: Span) -> RtResult<Duration> {
    let secs = match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        other => {
            return Err(RtError::new(
                format!(
                    "{what}: the timeout must be a number of seconds, not {}",
                    other.type_name()
                ),
                span,
            ));
        }
    };
    // As in Python, a timeout below 0 means 0: return at once.
    if secs.is_nan() || secs > 1e9 {
        return Err(RtError::new(
            format!("{what}: the timeout must be a number of seconds up to 1e9, got {secs}"),
            span,
        ));
    }
    Ok(Duration::from_secs_f64(secs.max(0.0)))
}
