//! `run(cmd, ...)` (start a command and wait for it) and `start(cmd, ...)` (start it and
//! return a handle at once): the handle is a `"process"` with `.pid`, `.exitcode`,
//! `.is_alive()`, `.join(timeout)`, `.wait(timeout)` (the completed value), `.terminate()`
//! and `.kill()`; `join` takes it like any process.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use std::io::IsTerminal;

use super::running::{Running, Sink, StdinUse, keep};
use super::{Options, command_line, relayed};
use crate::interp::value::{HandleRef, Value};
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::Handle;
use crate::runtime::reactor;
use crate::syntax::Span;

/// `start`'s named options: those of `run`.
pub const START_OPTIONS: &[&str] = super::RUN_OPTIONS;

/// Starts a command as `run` and `start` do; the output goes to this process's streams at the
/// top level, through the runtime elsewhere.
fn launch(
    interp: &mut Interp,
    cmd: &Value,
    options: Vec<Option<Value>>,
    who: &str,
    span: Span,
) -> RtResult<Rc<RefCell<Running>>> {
    let cmd = command_line(cmd).map_err(|m| RtError::new(format!("{who}: {m}"), span))?;
    let options = Options::read(options, who, span)?;
    let relay = relayed(interp);
    let sink = if options.capture {
        Sink::Capture
    } else if relay {
        Sink::Relay
    } else {
        Sink::Inherit
    };
    interp.flush_output();
    // A started command runs beside the script, as a shell's background job: it does not
    // get the terminal (the script keeps it, and Ctrl-C), so it reads `/dev/null` instead of
    // a terminal, where its first read would stop it.
    let stdin = if relay || (who == "start()" && std::io::stdin().is_terminal()) {
        StdinUse::Null
    } else if who == "start()" {
        StdinUse::Inherit
    } else {
        StdinUse::Foreground
    };
    let running = Rc::new(RefCell::new(Running::launch(
        cmd, options, sink, stdin, span,
    )));
    keep(interp, &running);
    Ok(running)
}

/// Waits for a command to end (serving everything else meanwhile); whether it ended before
/// `deadline`.
fn wait_for(
    interp: &mut Interp,
    running: &Rc<RefCell<Running>>,
    deadline: Option<Instant>,
    span: Span,
) -> RtResult<bool> {
    let result = reactor::wait_until(interp, deadline, span, |_| !running.borrow().is_running());
    if let Err(e) = &result {
        if e.kind == crate::ErrorKind::Interrupted {
            // Ctrl-C: this command's group ends with the others (`end_all`).
            running.borrow_mut().terminate();
        }
    }
    result
}

/// The completed value of an ended command, or its error with `check`.
fn completed(running: &Rc<RefCell<Running>>, who: &str, span: Span) -> RtResult<Value> {
    let mut r = running.borrow_mut();
    r.observed = true;
    if r.interrupted_at_terminal {
        return Err(RtError::interrupted(span));
    }
    if r.options.check {
        if let Some(e) = r.error(span, who) {
            return Err(e);
        }
    }
    Ok(r.completed
        .clone()
        .map_or(Value::Nil, super::Completed::into_value))
}

/// `run(cmd, capture =, input =, cwd =, env =, timeout =, check =)`.
pub(crate) fn run(
    interp: &mut Interp,
    cmd: &Value,
    options: Vec<Option<Value>>,
    span: Span,
) -> RtResult<Value> {
    let running = launch(interp, cmd, options, "run()", span)?;
    wait_for(interp, &running, None, span)?;
    completed(&running, "run()", span)
}

/// `start(cmd, ...)`: the handle of a command left running.
pub(crate) fn start(
    interp: &mut Interp,
    cmd: &Value,
    options: Vec<Option<Value>>,
    span: Span,
) -> RtResult<Value> {
    let running = launch(interp, cmd, options, "start()", span)?;
    // Kept until looked at, so that a failure nobody waited for is reported at the end.
    interp.runtime.started.retain(|r| {
        let r = r.borrow();
        r.is_running() || (!r.observed && r.failure.is_some())
    });
    if running.borrow().options.check {
        interp.runtime.started.push(running.clone());
    }
    Ok(Value::Handle(Rc::new(Box::new(Started(running)))))
}

/// The handle `start` returns.
pub struct Started(Rc<RefCell<Running>>);

impl Handle for Started {
    fn type_name(&self) -> &'static str {
        "process"
    }
    fn describe(&self) -> String {
        let r = self.0.borrow();
        format!("<process {} {}>", r.pid(), r.cmd)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The command behind a `start` handle, if the value is one.
pub(crate) fn as_started(value: &Value) -> Option<Rc<RefCell<Running>>> {
    match value {
        Value::Handle(h) => h.as_any().downcast_ref::<Started>().map(|s| s.0.clone()),
        _ => None,
    }
}

fn exitcode(running: &Running) -> Value {
    running
        .completed
        .as_ref()
        .map_or(Value::Nil, |c| Value::Int(c.code))
}

/// `h.pid`, `h.exitcode`, `h.cmd`.
pub(crate) fn started_field(handle: &HandleRef, name: &str, span: Span) -> Option<RtResult<Value>> {
    let started = handle.as_any().downcast_ref::<Started>()?;
    let r = started.0.borrow();
    Some(match name {
        "pid" => Ok(Value::Int(r.pid())),
        "exitcode" => Ok(exitcode(&r)),
        "cmd" => Ok(r.cmd.to_value()),
        _ => Err(RtError::new(
            format!("a started command has no field `{name}`"),
            span,
        )),
    })
}

/// `h.wait(timeout)`, `h.join(timeout)`, `h.is_alive()`, `h.terminate()`, `h.kill()`.
pub(crate) fn started_method(
    interp: &mut Interp,
    handle: &HandleRef,
    name: &str,
    args: &[Value],
    span: Span,
) -> Option<RtResult<Value>> {
    let running = handle.as_any().downcast_ref::<Started>()?.0.clone();
    let callee = crate::interp::args::Callee::Method("process", name);
    use crate::interp::args::Arity;
    Some((|| match name {
        "wait" | "join" => {
            Arity::at_most(1).check_at(callee, args.len(), span)?;
            let deadline = match args.first() {
                None | Some(Value::Nil) => None,
                Some(t) => Some(
                    Instant::now()
                        + crate::runtime::process::timeout_arg(t, &format!("{name}()"), span)?,
                ),
            };
            // `.join` answers whether it ended, as a spawned process's `.join` does (and as
            // the docs promise); `.wait` gives the completed value, nil past the timeout.
            let ended = wait_for(interp, &running, deadline, span)?;
            if !ended {
                return Ok(if name == "wait" {
                    Value::Nil
                } else {
                    Value::Bool(false)
                });
            }
            let value = completed(&running, &format!("{name}()"), span)?;
            Ok(if name == "wait" {
                value
            } else {
                Value::Bool(true)
            })
        }
        "is_alive" => {
            Arity::exactly(0).check_at(callee, args.len(), span)?;
            crate::runtime::command::serve(interp)?;
            Ok(Value::Bool(running.borrow().is_running()))
        }
        "terminate" | "kill" => {
            Arity::exactly(0).check_at(callee, args.len(), span)?;
            let mut r = running.borrow_mut();
            if name == "kill" {
                r.kill();
            } else {
                r.terminate();
            }
            Ok(Value::Nil)
        }
        _ => Err(RtError::new(
            format!("a process started by start() has no method `{name}`"),
            span,
        )),
    })())
}

/// `join h` for a started command: waits for it; raises its failure with `check`.
pub(crate) fn join_started(
    interp: &mut Interp,
    running: &Rc<RefCell<Running>>,
    span: Span,
) -> RtResult<()> {
    wait_for(interp, running, None, span)?;
    completed(running, "join", span).map(|_| ())
}
