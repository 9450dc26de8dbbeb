//! External programs, as the script sees them: commands as given (an argv list, a shell
//! line, or a pipeline of those), the **completed** value a command gives (a handle with
//! `.code`, `.ok`, `.stdout`, ...; it crosses processes), the options `run`, `start` and
//! `parallel` share, and the errors a failing command raises.
//!
//! `running.rs` keeps the commands in flight and serves them in the reactor, `start.rs` holds
//! `run`, `start` and the handle `start` returns, `parallel.rs` is `parallel`. The OS side
//! (process groups, pipes, deadlines) is `os/job.rs`.

mod parallel;
mod running;
mod start;

use std::rc::Rc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Handle;
use super::os::command::{Failure, Finished, Spec, Stdin};
use crate::interp::value::{HandleRef, Key, Value, a};
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;

pub(crate) use parallel::{PARALLEL_OPTIONS, parallel};
pub use running::Running;
#[cfg(unix)]
pub(crate) use running::register;
pub(crate) use running::{end_all, finish_all, serve};
pub(crate) use start::{
    START_OPTIONS, as_started, join_started, run, start, started_field, started_method,
};

/// `run`'s named options, in the order the builtin passes them (`start` takes the same).
pub const RUN_OPTIONS: &[&str] = &["capture", "input", "cwd", "env", "timeout", "check"];

/// How many lines of a failed command's captured stderr its error shows.
const STDERR_TAIL_LINES: usize = 10;

/// A command as given: a list of strs (argv), a str (run by the shell), or a list of those (a
/// pipeline).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum CommandLine {
    Argv(Vec<String>),
    Shell(String),
    Pipeline(Vec<CommandLine>),
}

impl CommandLine {
    /// The argv of each program to start.
    fn stages(&self) -> Vec<Vec<String>> {
        match self {
            CommandLine::Argv(argv) => vec![argv.clone()],
            CommandLine::Shell(line) => vec![vec!["/bin/sh".into(), "-c".into(), line.clone()]],
            CommandLine::Pipeline(stages) => stages.iter().flat_map(|s| s.stages()).collect(),
        }
    }

    fn to_value(&self) -> Value {
        match self {
            CommandLine::Argv(argv) => Value::list(argv.iter().map(|a| Value::str(a)).collect()),
            CommandLine::Shell(line) => Value::str(line),
            CommandLine::Pipeline(stages) => {
                Value::list(stages.iter().map(CommandLine::to_value).collect())
            }
        }
    }

    /// As a shell would be given it (GNU parallel's joblog column, `tag` prefixes):
    /// `ls -l 'a b'`, the shell line itself, stages joined by ` | `.
    pub fn as_shell_line(&self) -> String {
        match self {
            CommandLine::Argv(argv) => super::os::joblog::format_command(argv),
            CommandLine::Shell(line) => line.clone(),
            CommandLine::Pipeline(stages) => stages
                .iter()
                .map(CommandLine::as_shell_line)
                .collect::<Vec<_>>()
                .join(" | "),
        }
    }
}

impl std::fmt::Display for CommandLine {
    /// As a script writes it: `["ls", "-l"]`, `"ls -l | wc"`, or a pipeline's stages.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommandLine::Argv(argv) => {
                let quoted: Vec<String> = argv.iter().map(|a| format!("{a:?}")).collect();
                write!(f, "[{}]", quoted.join(", "))
            }
            CommandLine::Shell(line) => write!(f, "{line:?}"),
            CommandLine::Pipeline(stages) => {
                let shown: Vec<String> = stages.iter().map(ToString::to_string).collect();
                write!(f, "[{}]", shown.join(", "))
            }
        }
    }
}

/// What `run` returns: how a command ended and what it wrote (when captured).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Completed {
    pub cmd: CommandLine,
    /// The exit code, or `-N` for signal N.
    pub code: i64,
    pub stdout: Option<String>,
    pub stderr: Option<String>,
    /// 0 when the program could not be started.
    pub pid: i64,
    pub secs: f64,
}

impl Handle for Completed {
    fn type_name(&self) -> &'static str {
        "completed"
    }
    fn describe(&self) -> String {
        format!("<completed {} code {}>", self.cmd, self.code)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The completed value behind a handle, if it is one (for the wire format).
pub fn as_completed(handle: &dyn Handle) -> Option<&Completed> {
    handle.as_any().downcast_ref::<Completed>()
}

/// A completed value arriving from another process.
pub fn from_wire(completed: Completed) -> Value {
    completed.into_value()
}

impl Completed {
    fn into_value(self) -> Value {
        Value::Handle(Rc::new(Box::new(self)))
    }
}

/// `c.code`, `c.ok`, ...
pub(crate) fn field(handle: &HandleRef, name: &str, span: Span) -> Option<RtResult<Value>> {
    let c = as_completed(&***handle)?;
    let text = |s: &Option<String>| s.as_deref().map_or(Value::Nil, Value::str);
    Some(Ok(match name {
        "code" => Value::Int(c.code),
        "ok" => Value::Bool(c.code == 0),
        "stdout" => text(&c.stdout),
        "stderr" => text(&c.stderr),
        "pid" => Value::Int(c.pid),
        "secs" => Value::Float(c.secs),
        "cmd" => c.cmd.to_value(),
        _ => {
            return Some(Err(RtError::new(
                format!("a completed value has no field `{name}`"),
                span,
            )));
        }
    }))
}

/// The options every way of running a command takes.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub capture: bool,
    pub input: Option<String>,
    pub cwd: Option<String>,
    pub env: Vec<(String, Option<String>)>,
    pub timeout: Option<Duration>,
    pub check: bool,
}

impl Options {
    /// Reads `run`'s options, given in the order of [`RUN_OPTIONS`]; `who` names the builtin
    /// in errors (`run()`).
    fn read(options: Vec<Option<Value>>, who: &str, span: Span) -> RtResult<Options> {
        let err = |message: String| RtError::new(format!("{who}: {message}"), span);
        let mut options = options.into_iter();
        let mut next = || options.next().flatten();
        let (capture, input, cwd, env, timeout, check) =
            (next(), next(), next(), next(), next(), next());
        Ok(Options {
            capture: flag(capture, "capture", false).map_err(err)?,
            input: text(input, "input").map_err(err)?,
            cwd: text(cwd, "cwd").map_err(err)?,
            env: environment(env).map_err(err)?,
            // As in Python's `subprocess.run`, a timeout below 0 has already passed.
            timeout: match timeout {
                None | Some(Value::Nil) => None,
                Some(t) => Some(crate::runtime::process::timeout_arg(&t, who, span)?),
            },
            check: flag(check, "check", true).map_err(err)?,
        })
    }

    /// What the OS layer runs for `cmd` with these options, output `piped` or not, standard
    /// input from `/dev/null` or inherited, in the terminal's foreground or not.
    fn spec(&self, cmd: &CommandLine, piped: bool, stdin_null: bool, foreground: bool) -> Spec {
        Spec {
            stages: cmd.stages(),
            cwd: self.cwd.as_ref().map(Into::into),
            env: self.env.clone(),
            stdin: match &self.input {
                Some(text) => Stdin::Bytes(text.clone().into_bytes()),
                None if stdin_null => Stdin::Null,
                None => Stdin::Inherit,
            },
            pipe_stdout: piped,
            pipe_stderr: piped,
            timeout: self.timeout,
            foreground,
        }
    }
}

/// How a command that ran ended, in words, if it failed (`exited with code 1`, ...).
fn how_it_ended(finished: &Finished, timeout: Option<Duration>) -> Option<String> {
    use super::os::command::{Ending, signal_name};
    if finished.timed_out {
        return Some(format!(
            "timed out after {} s",
            timeout.unwrap_or_default().as_secs_f64()
        ));
    }
    match finished.ending {
        Ending::Exited(0) => None,
        Ending::Exited(code) => Some(format!("exited with code {code}")),
        Ending::Signaled(sig) => Some(format!("was ended by signal {sig} ({})", signal_name(sig))),
    }
}

/// Why a command could not start, in words.
fn why_not_started(failure: &Failure, cwd: Option<&str>) -> String {
    match failure {
        Failure::NotFound(e) => format!("could not start: program not found ({})", reason(e)),
        Failure::NotExecutable(e) => format!("could not start: not executable ({})", reason(e)),
        Failure::BadCwd(e) => format!(
            "could not start: cannot enter cwd {:?} ({})",
            cwd.unwrap_or(""),
            reason(e)
        ),
        Failure::Other(e) => format!("could not start: {}", reason(e)),
        Failure::Unsupported => "could not start: running programs is not available on this \
                                 platform yet"
            .into(),
    }
}

/// The message of a failed command: what it was, how it ended, the end of its stderr.
fn failed(cmd: &CommandLine, how: &str, stderr: Option<&str>) -> String {
    let mut message = format!("command {cmd} {how}");
    if let Some(stderr) = stderr.filter(|s| !s.trim().is_empty()) {
        let lines: Vec<&str> = stderr.lines().collect();
        let tail = &lines[lines.len().saturating_sub(STDERR_TAIL_LINES)..];
        message.push_str("; its stderr ended with:");
        for line in tail {
            message.push_str("\n    ");
            message.push_str(line);
        }
    }
    message
}

/// A command as the script gives it: a list of strs, a str, or a list of those (a pipeline).
fn command_line(cmd: &Value) -> Result<CommandLine, String> {
    match cmd {
        Value::Str(line) => Ok(CommandLine::Shell(line.to_string())),
        Value::List(items) => {
            let items = items.borrow();
            if items.is_empty() {
                return Err("the command list is empty".into());
            }
            if items.iter().any(|v| matches!(v, Value::List(_))) {
                let stages = items
                    .iter()
                    .map(|stage| match stage {
                        Value::List(_) | Value::Str(_) => command_line(stage),
                        other => Err(format!(
                            "a pipeline holds commands (lists of strs or strs), not {}",
                            a(other.type_name())
                        )),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                return Ok(CommandLine::Pipeline(stages));
            }
            let argv = items
                .iter()
                .map(|v| match v {
                    Value::Str(s) => Ok(s.to_string()),
                    other => Err(format!(
                        "a command list holds strs, not {}",
                        a(other.type_name())
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(CommandLine::Argv(argv))
        }
        other => Err(format!(
            "the command must be a list of strs, a str or a list of those (a pipeline), not {}",
            a(other.type_name())
        )),
    }
}

fn flag(value: Option<Value>, name: &str, default: bool) -> Result<bool, String> {
    match value {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(b),
        Some(other) => Err(format!(
            "`{name}` must be a bool, not {}",
            other.type_name()
        )),
    }
}

fn text(value: Option<Value>, name: &str) -> Result<Option<String>, String> {
    match value {
        None | Some(Value::Nil) => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.to_string())),
        Some(other) => Err(format!("`{name}` must be a str, not {}", other.type_name())),
    }
}

fn environment(value: Option<Value>) -> Result<Vec<(String, Option<String>)>, String> {
    let map = match value {
        None | Some(Value::Nil) => return Ok(Vec::new()),
        Some(Value::Map(map)) => map,
        Some(other) => return Err(format!("`env` must be a map, not {}", other.type_name())),
    };
    let map = map.borrow();
    map.iter()
        .map(|(key, value)| {
            let Key::Str(name) = key else {
                return Err("`env` names must be strs".to_string());
            };
            match value {
                Value::Str(v) => Ok((name.to_string(), Some(v.to_string()))),
                Value::Nil => Ok((name.to_string(), None)),
                other => Err(format!(
                    "`env` values must be strs or nil, not {} (for {name:?})",
                    other.type_name()
                )),
            }
        })
        .collect()
}

/// The operating system's reason for an error, without Rust's "(os error N)" suffix.
fn reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Whether commands started here write to this process's own streams (the top-level script)
/// or through pipes the runtime relays (children, pool workers, a host's output sink).
fn relayed(interp: &Interp) -> bool {
    !super::os::command::stdio_handed_over() || interp.runtime.relay_output
}
