//! External programs, as the script sees them: `run(cmd, ...)`'s options, the **completed**
//! value it returns (a handle with `.code`, `.ok`, `.stdout`, ...; it crosses processes) and
//! the errors a failing command raises. The OS side (groups, pipes, deadlines) is
//! `os/command.rs`.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::Handle;
use super::os::command::{self as os_command, Ending, Failure, Spec};
use crate::interp::value::{HandleRef, Key, Value};
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;

/// `run`'s named options, in the order the builtin passes them.
pub const RUN_OPTIONS: &[&str] = &["capture", "input", "cwd", "env", "timeout", "check"];

/// How many lines of a failed command's captured stderr its error shows.
const STDERR_TAIL_LINES: usize = 10;

/// A command as given: a list of strs (argv) or a str (run by the shell).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum CommandLine {
    Argv(Vec<String>),
    Shell(String),
}

impl CommandLine {
    fn argv(&self) -> Vec<String> {
        match self {
            CommandLine::Argv(argv) => argv.clone(),
            CommandLine::Shell(line) => vec!["/bin/sh".into(), "-c".into(), line.clone()],
        }
    }

    fn to_value(&self) -> Value {
        match self {
            CommandLine::Argv(argv) => Value::list(argv.iter().map(|a| Value::str(a)).collect()),
            CommandLine::Shell(line) => Value::str(line),
        }
    }
}

impl std::fmt::Display for CommandLine {
    /// As a script writes it: `["ls", "-l"]` or `"ls -l | wc"`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommandLine::Argv(argv) => {
                let quoted: Vec<String> = argv.iter().map(|a| format!("{a:?}")).collect();
                write!(f, "[{}]", quoted.join(", "))
            }
            CommandLine::Shell(line) => write!(f, "{line:?}"),
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
    Value::Handle(Rc::new(Box::new(completed)))
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

/// `run(cmd, capture =, input =, cwd =, env =, timeout =, check =)`; `options` in the order of
/// [`RUN_OPTIONS`].
pub(crate) fn run(
    interp: &mut Interp,
    cmd: &Value,
    options: Vec<Option<Value>>,
    span: Span,
) -> RtResult<Value> {
    let err = |message: String| RtError::new(format!("run(): {message}"), span);
    let cmd = command_line(cmd).map_err(err)?;
    let mut options = options.into_iter();
    let mut next = || options.next().flatten();
    let (capture, input, cwd, env, timeout, check) =
        (next(), next(), next(), next(), next(), next());
    let capture = flag(capture, "capture", false).map_err(err)?;
    let check = flag(check, "check", true).map_err(err)?;
    let mut spec = Spec {
        argv: cmd.argv(),
        capture,
        ..Spec::default()
    };
    spec.input = text(input, "input").map_err(err)?.map(String::into_bytes);
    spec.cwd = text(cwd, "cwd").map_err(err)?.map(Into::into);
    spec.env = environment(env).map_err(err)?;
    // As in Python's `subprocess.run`, a timeout below 0 has already passed.
    spec.timeout = match timeout {
        None | Some(Value::Nil) => None,
        Some(t) => Some(crate::runtime::process::timeout_arg(&t, "run()", span)?),
    };
    // In a child or worker, a command's output goes through the interpreter's output (the
    // script's own streams may be a link to the parent): collect it and print it after.
    let relay = !capture && (!os_command::stdio_handed_over() || interp.runtime.relay_output);
    if relay {
        spec.capture = true;
        spec.null_stdin = true;
    }
    interp.flush_output();
    let finished = os_command::run(&spec);
    let completed = match finished {
        Ok(f) => {
            if relay {
                for bytes in [&f.stdout, &f.stderr].into_iter().flatten() {
                    if !bytes.is_empty() {
                        interp.write_out(&String::from_utf8_lossy(bytes), span)?;
                    }
                }
            }
            let how = match f.ending {
                _ if f.timed_out => Some(format!(
                    "timed out after {} s",
                    spec.timeout.unwrap_or_default().as_secs_f64()
                )),
                Ending::Exited(0) => None,
                Ending::Exited(code) => Some(format!("exited with code {code}")),
                Ending::Signaled(sig) => Some(format!(
                    "was ended by signal {sig} ({})",
                    os_command::signal_name(sig)
                )),
            };
            let code = match f.ending {
                Ending::Exited(code) => i64::from(code),
                Ending::Signaled(sig) => -i64::from(sig),
            };
            let keep = |bytes: Option<Vec<u8>>| {
                bytes
                    .filter(|_| capture)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            };
            let completed = Completed {
                cmd,
                code,
                stdout: keep(f.stdout),
                stderr: keep(f.stderr),
                pid: i64::from(f.pid),
                secs: f.elapsed.as_secs_f64(),
            };
            if let (true, Some(how)) = (check, how) {
                return Err(err(failed(
                    &completed.cmd,
                    &how,
                    completed.stderr.as_deref(),
                )));
            }
            completed
        }
        Err(Failure::Interrupted) => return Err(RtError::interrupted(span)),
        Err(Failure::Unsupported) => {
            return Err(err(
                "running programs is not available on Windows yet".into()
            ));
        }
        Err(failure) => {
            let (code, how) = match &failure {
                Failure::NotFound(e) => (
                    127,
                    format!("could not start: program not found ({})", reason(e)),
                ),
                Failure::NotExecutable(e) => (
                    126,
                    format!("could not start: not executable ({})", reason(e)),
                ),
                Failure::BadCwd(e) => (
                    126,
                    format!(
                        "could not start: cannot enter cwd {:?} ({})",
                        spec.cwd.as_deref().unwrap_or(std::path::Path::new("")),
                        reason(e)
                    ),
                ),
                Failure::Other(e) => (126, format!("could not start: {}", reason(e))),
                Failure::Interrupted | Failure::Unsupported => unreachable!("handled above"),
            };
            if check {
                return Err(err(failed(&cmd, &how, None)));
            }
            Completed {
                cmd,
                code,
                stdout: capture.then(String::new),
                stderr: capture.then(|| format!("{how}\n")),
                pid: 0,
                secs: 0.0,
            }
        }
    };
    Ok(Value::Handle(Rc::new(Box::new(completed))))
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

fn command_line(cmd: &Value) -> Result<CommandLine, String> {
    match cmd {
        Value::Str(line) => Ok(CommandLine::Shell(line.to_string())),
        Value::List(items) => {
            let argv = items
                .borrow()
                .iter()
                .map(|v| match v {
                    Value::Str(s) => Ok(s.to_string()),
                    other => Err(format!(
                        "a command list holds strs, not {}",
                        crate::interp::value::a(other.type_name())
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?;
            if argv.is_empty() {
                return Err("the command list is empty".into());
            }
            Ok(CommandLine::Argv(argv))
        }
        other => Err(format!(
            "the command must be a list of strs or a str, not {}",
            crate::interp::value::a(other.type_name())
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
