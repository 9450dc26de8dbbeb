//! The commands in flight: each started command is registered with the runtime until it has
//! ended, and every turn of the reactor waits on their pipes and deadlines, moves their input
//! and output, relays whole lines where their output goes through the runtime, and notices
//! their end. Ctrl-C, SIGTERM and the end of the script end those still running (their whole
//! process groups).

use std::cell::RefCell;
use std::rc::Rc;

use super::{CommandLine, Completed, Options, failed, how_it_ended, why_not_started};
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::os::command::{Failure, Job};
use crate::syntax::Span;

/// Where a running command's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sink {
    /// This process's own standard streams (the top-level script).
    Inherit,
    /// Kept for the completed value (`capture = true`).
    Capture,
    /// Passed on as whole lines through the interpreter's output (children, pool workers).
    Relay,
    /// Kept, and printed whole by `parallel` when the job ends.
    Group,
}

/// What a command gets as standard input when no `input` is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StdinUse {
    /// `/dev/null`.
    Null,
    /// The script's own.
    Inherit,
    /// The script's own, and when it is the terminal, the terminal itself: the command's
    /// group is made its foreground group while it runs (`run` at the top level).
    Foreground,
}

/// A command started by `run`, `start` or `parallel`.
pub struct Running {
    pub(super) cmd: CommandLine,
    pub(super) options: Options,
    pub(super) sink: Sink,
    job: Option<Job>,
    /// Output kept (capture and group sinks), and the partial lines of a relay.
    pub(super) out: Vec<u8>,
    pub(super) err: Vec<u8>,
    /// Bytes written to it and read from it (GNU parallel's joblog Send and Receive).
    pub(super) sent: u64,
    pub(super) received: u64,
    pub(super) started_at: std::time::SystemTime,
    pub(super) completed: Option<Completed>,
    /// How it failed (`exited with code 1`), once it has ended; `None` if it succeeded.
    pub(super) failure: Option<String>,
    /// Ended by the runtime (terminate, kill, Ctrl-C, the end of the script).
    pub(super) ended_by_us: bool,
    /// Ended because its timeout passed.
    pub(super) timed_out: bool,
    /// Its result was looked at (`run`, `wait`, `join`): an unread failure is reported at the
    /// end of the script otherwise.
    pub(super) observed: bool,
    /// Ctrl-C at the terminal ended it: the script is interrupted too.
    pub(super) interrupted_at_terminal: bool,
    pub(super) span: Span,
}

impl Running {
    /// Whether the command ended (for `wait(handles)`).
    #[cfg_attr(not(unix), allow(dead_code))]
    pub(crate) fn is_done(&self) -> bool {
        self.completed.is_some()
    }

    /// Starts `cmd`; a command that cannot start is returned ended, with the failure as a
    /// shell would give it (code 127 or 126).
    pub(super) fn launch(
        cmd: CommandLine,
        options: Options,
        sink: Sink,
        stdin: StdinUse,
        span: Span,
    ) -> Running {
        let piped = sink != Sink::Inherit;
        let spec = options.spec(
            &cmd,
            piped,
            stdin == StdinUse::Null,
            stdin == StdinUse::Foreground,
        );
        let mut running = Running {
            cmd,
            options,
            sink,
            job: None,
            out: Vec::new(),
            err: Vec::new(),
            sent: 0,
            received: 0,
            started_at: std::time::SystemTime::now(),
            completed: None,
            failure: None,
            ended_by_us: false,
            timed_out: false,
            observed: false,
            interrupted_at_terminal: false,
            span,
        };
        match Job::start(&spec) {
            Ok(job) => running.job = Some(job),
            Err(failure) => running.not_started(&failure),
        }
        running
    }

    fn not_started(&mut self, failure: &Failure) {
        let how = why_not_started(failure, self.options.cwd.as_deref());
        let capture = self.sink == Sink::Capture;
        self.completed = Some(Completed {
            cmd: self.cmd.clone(),
            code: failure.shell_code(),
            stdout: capture.then(String::new),
            stderr: capture.then(|| format!("{how}\n")),
            pid: 0,
            secs: 0.0,
        });
        if self.sink == Sink::Group {
            self.err = format!("{how}\n").into_bytes();
        }
        self.failure = Some(how);
    }

    /// Whether it is still running.
    pub(super) fn is_running(&self) -> bool {
        self.completed.is_none()
    }

    pub(super) fn pid(&self) -> i64 {
        match (&self.job, &self.completed) {
            (_, Some(c)) => c.pid,
            (Some(job), None) => i64::from(job.pid()),
            (None, None) => 0,
        }
    }

    /// The error a failed command raises (with `check`), at the line that ran it.
    pub(super) fn error(&self, span: Span, who: &str) -> Option<Box<RtError>> {
        let how = self.failure.as_ref()?;
        let stderr = self.completed.as_ref().and_then(|c| c.stderr.as_deref());
        Some(RtError::new(
            format!("{who}: {}", failed(&self.cmd, how, stderr)),
            span,
        ))
    }

    pub(super) fn terminate(&mut self) {
        if let Some(job) = &mut self.job {
            job.terminate();
        }
    }

    pub(super) fn kill(&mut self) {
        if let Some(job) = &mut self.job {
            job.kill();
        }
    }

    /// In a forked child: the command is the parent's; only our copies of its pipes close.
    #[cfg(unix)]
    pub(crate) fn disown(&mut self) {
        if let Some(job) = self.job.take() {
            job.disown();
        }
    }

    /// Moves output along; relays whole lines; notices the end. Returns whether it has ended.
    fn serve(&mut self, interp: &mut Interp) -> RtResult<bool> {
        let Some(job) = &mut self.job else {
            return Ok(true);
        };
        job.pump();
        let ended = job.poll();
        self.out.append(&mut job.out);
        self.err.append(&mut job.err);
        self.sent = job.sent;
        self.received = job.received;
        if self.sink == Sink::Relay {
            relay_lines(interp, &mut self.out, &mut self.err, ended, self.span)?;
        }
        if ended {
            self.complete();
        }
        Ok(ended)
    }

    /// Builds the completed value once the job has ended.
    fn complete(&mut self) {
        let Some(job) = self.job.take() else { return };
        let Some(finished) = job.finished().cloned() else {
            return;
        };
        self.interrupted_at_terminal = job.interrupted_at_terminal;
        self.ended_by_us = finished.ended_by_us && !finished.timed_out;
        self.timed_out = finished.timed_out;
        let capture = self.sink == Sink::Capture;
        let text = |bytes: &mut Vec<u8>| {
            capture.then(|| String::from_utf8_lossy(&std::mem::take(bytes)).into_owned())
        };
        self.failure = how_it_ended(&finished, self.options.timeout);
        self.completed = Some(Completed {
            cmd: self.cmd.clone(),
            code: finished.ending.code(),
            stdout: text(&mut self.out),
            stderr: text(&mut self.err),
            pid: i64::from(finished.pid),
            secs: finished.elapsed.as_secs_f64(),
        });
    }

    /// Ends it now (SIGTERM, a grace period, SIGKILL to its group) and waits for that.
    fn end(&mut self) {
        if let Some(job) = &mut self.job {
            job.end();
            self.out.append(&mut job.out);
            self.err.append(&mut job.err);
        }
        self.complete();
        // `complete` took `ended_by_us` from the job: true only if the job was signalled by
        // us, not when its programs had already ended on their own.
    }
}

/// Writes the complete lines of `out` through the interpreter's output and those of `err` to
/// standard error, each in one write (so they are never split or mixed with other processes'
/// lines); keeps partial lines for later, unless the command has `ended`.
fn relay_lines(
    interp: &mut Interp,
    out: &mut Vec<u8>,
    err: &mut Vec<u8>,
    ended: bool,
    span: Span,
) -> RtResult<()> {
    if let Some(lines) = whole_lines(out, ended) {
        interp.write_out(&String::from_utf8_lossy(&lines), span)?;
    }
    if let Some(lines) = whole_lines(err, ended) {
        write_stderr(&lines);
    }
    Ok(())
}

/// Takes the complete lines from the front of `buffer` (all of it when `all`).
pub(super) fn whole_lines(buffer: &mut Vec<u8>, all: bool) -> Option<Vec<u8>> {
    let end = if all {
        buffer.len()
    } else {
        buffer.iter().rposition(|&b| b == b'\n')? + 1
    };
    if end == 0 {
        return None;
    }
    let rest = buffer.split_off(end);
    Some(std::mem::replace(buffer, rest))
}

/// Writes to standard error in one piece (whole across processes, see `outlock`).
pub(super) fn write_stderr(bytes: &[u8]) {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let _ = crate::runtime::outlock::write_all(std::io::stderr().as_fd(), bytes);
    }
    #[cfg(not(unix))]
    {
        use std::io::Write;
        let _ = std::io::stderr().lock().write_all(bytes);
    }
}

/// Keeps `running` served by the reactor until it ends.
pub(super) fn keep(interp: &mut Interp, running: &Rc<RefCell<Running>>) {
    if running.borrow().is_running() {
        interp.runtime.commands.push(running.clone());
    }
}

/// Registers the running commands' descriptors and deadlines for one turn of the reactor.
#[cfg(unix)]
pub(crate) fn register(interp: &Interp, interest: &mut crate::runtime::reactor::Interest) {
    use crate::runtime::reactor::Source;
    for command in &interp.runtime.commands {
        let command = command.borrow();
        let Some(job) = &command.job else { continue };
        let (reads, write) = job.interest();
        for fd in reads {
            interest.read(fd, Source::Command);
        }
        if let Some(fd) = write {
            interest.write(fd, Source::Command);
        }
        if let Some(at) = job.next_deadline() {
            interest.deadline(at);
        }
    }
}

/// After a turn of the reactor: serves every running command and lets go of those that ended.
pub(crate) fn serve(interp: &mut Interp) -> RtResult<()> {
    if interp.runtime.commands.is_empty() {
        return Ok(());
    }
    let commands = interp.runtime.commands.clone();
    let mut result = Ok(());
    let mut interrupted = false;
    for command in &commands {
        let mut c = command.borrow_mut();
        match c.serve(interp) {
            Ok(true) => interrupted |= c.interrupted_at_terminal,
            Ok(false) => {}
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    interp.runtime.commands.retain(|c| c.borrow().is_running());
    if interrupted {
        crate::runtime::sys::set_interrupted(true);
    }
    result
}

/// Ends every command still running (Ctrl-C, SIGTERM, the end of a child or of the script).
pub(crate) fn end_all(interp: &mut Interp) {
    // First notice the commands that have already ended on their own while the script was
    // not waiting for them (busy, or in `sleep`), and pass on their last output: ending them
    // would take their own failure for one of ours, and a `start`ed command that failed would
    // then never be reported.
    let _ = serve(interp);
    let commands = std::mem::take(&mut interp.runtime.commands);
    for command in &commands {
        command.borrow_mut().terminate();
    }
    for command in &commands {
        command.borrow_mut().end();
    }
}

/// At the end of a script or child: ends the commands still running, then reports a
/// `start`ed command that failed (with `check`) and was never waited for.
pub(crate) fn finish_all(interp: &mut Interp) -> RtResult<()> {
    end_all(interp);
    let started = std::mem::take(&mut interp.runtime.started);
    for command in &started {
        let c = command.borrow();
        if c.options.check && !c.observed && !c.ended_by_us {
            if let Some(e) = c.error(c.span, "start()") {
                return Err(e);
            }
        }
    }
    Ok(())
}
