//! The interactive session (`mpscript repl`): rustyline for editing, history, completion and
//! colour; the library's `Engine` for everything else. With standard input not a terminal, the
//! same loop reads statements without prompts, so a session can be scripted.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use mpscript::{Engine, Error, ErrorKind, Value};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

const PROMPT: &str = "mps> ";
const CONTINUE: &str = "...> ";

const HELP: &str = "\
Commands:
  :help          this text
  :vars          the names defined in this session
  :load FILE     run a script in this session
  :quit          leave (also Ctrl-D)

Keys: Ctrl-C clears the line, or interrupts running code (its child processes are ended);
Ctrl-D leaves; Tab completes names, keywords and methods after `.`; Up/Down walk the history.

Processes:
  spawn f(x)                       start a child process running f(x); returns a process
  join p                           wait for a process, a list of them, or a pool
  p = pool(n)                      start n worker processes
  apply_async p, f(x), callback = g, error_callback = h, timeout = s, retries = n
  p.map(f, xs)  p.starmap(f, xss)  p.apply(f, args)
  close p                          no more tasks; then `join p`
  queue()  pipe()  lock()  shared(v)  with l { ... }
";

/// Runs a session; returns the exit status.
pub fn run(engine: &mut Engine) -> i32 {
    mpscript::Engine::catch_interrupts();
    let status = if std::io::stdin().is_terminal() {
        interactive(engine)
    } else {
        scripted(engine)
    };
    leave(engine, status)
}

/// Ends the session: live children are waited for (a Ctrl-C meanwhile ends them); pool
/// workers end when the engine goes.
fn leave(engine: &mut Engine, status: i32) -> i32 {
    mpscript::Engine::clear_interrupt();
    match engine.finish_children(Ok(Value::Nil)) {
        Err(e) if e.kind() == ErrorKind::Interrupted => 130,
        _ => status,
    }
}

/// What one input did.
enum Outcome {
    Ok,
    Failed,
    Exit(i32),
}

/// Runs one complete input and shows its value or its error.
fn evaluate(engine: &mut Engine, name: &str, code: &str) -> Outcome {
    match engine.eval_named(name, code) {
        Ok(Value::Nil) => Outcome::Ok,
        Ok(value) => {
            // A closed stdout (a session piped into `head`) is not worth a panic.
            let _ = writeln!(std::io::stdout(), "{}", value.repr());
            Outcome::Ok
        }
        Err(e) => report(engine, &e),
    }
}

fn report(engine: &mut Engine, error: &Error) -> Outcome {
    match error.kind() {
        ErrorKind::Exit(code) => Outcome::Exit(code),
        // SIGTERM or SIGHUP: everything is ended and the session leaves with 143 or 129.
        ErrorKind::Interrupted if mpscript::Engine::interrupted_to_end() => {
            engine.terminate_children();
            mpscript::Engine::clear_interrupt();
            Outcome::Exit(mpscript::Engine::interrupt_status())
        }
        // Ctrl-C: the input stops, its children end, and so do the pools it was waiting for;
        // other pools keep working.
        ErrorKind::Interrupted => {
            engine.end_interrupted();
            mpscript::Engine::clear_interrupt();
            mpscript::Engine::report_line(format_args!("interrupted"));
            Outcome::Failed
        }
        _ => {
            mpscript::Engine::report_line(format_args!("{error}"));
            Outcome::Failed
        }
    }
}

/// A `:command`, or `None` if the input is code.
fn command(engine: &mut Engine, input: &str) -> Option<Outcome> {
    let rest = input.trim().strip_prefix(':')?;
    let (name, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let arg = arg.trim();
    Some(match name {
        "help" | "h" => {
            let _ = write!(std::io::stdout(), "{HELP}");
            Outcome::Ok
        }
        "quit" | "q" | "exit" => Outcome::Exit(0),
        "vars" => {
            let mut names = engine.global_names();
            names.retain(|n| !is_builtin(n));
            names.sort();
            for name in names {
                if let Some(value) = engine.get_global(&name) {
                    let _ = writeln!(std::io::stdout(), "{name} = {}", value.repr());
                }
            }
            Outcome::Ok
        }
        "load" if !arg.is_empty() => {
            match mpscript::Engine::read_script(std::path::Path::new(arg)) {
                Ok(text) => match engine.eval_named(arg, &text) {
                    Ok(_) => Outcome::Ok,
                    Err(e) => report(engine, &e),
                },
                Err(e) => report(engine, &e),
            }
        }
        "load" => {
            mpscript::Engine::report_line(format_args!("usage: :load FILE"));
            Outcome::Failed
        }
        other => {
            mpscript::Engine::report_line(format_args!("unknown command `:{other}` (try :help)"));
            Outcome::Failed
        }
    })
}

fn is_builtin(name: &str) -> bool {
    mpscript::Engine::builtin_names().any(|b| b == name)
}

// ---------------------------------------------------------------------------------------------
// With a terminal.

fn interactive(engine: &mut Engine) -> i32 {
    let config = rustyline::Config::builder()
        .auto_add_history(false)
        .completion_type(rustyline::CompletionType::List)
        .build();
    let mut editor: Editor<Assist, rustyline::history::DefaultHistory> =
        match Editor::with_config(config) {
            Ok(editor) => editor,
            Err(e) => {
                mpscript::Engine::report_line(format_args!(
                    "error: cannot start the line editor: {e}"
                ));
                return 1;
            }
        };
    editor.set_helper(Some(Assist::new()));
    // The editor put its own SIGINT handler in place; Ctrl-C while code runs must reach ours.
    mpscript::Engine::catch_interrupts();
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    mpscript::Engine::report_line(format_args!(
        "mpscript {} — :help for help, Ctrl-D to leave",
        env!("CARGO_PKG_VERSION")
    ));
    let mut count = 0;
    let mut pending = String::new();
    // Lines typed while an input ran: each is run in turn before the prompt shows again.
    let mut typed = std::collections::VecDeque::new();
    loop {
        if let Some(status) = ended_by_signal(engine) {
            return status;
        }
        if typed.is_empty() {
            typed.extend(typed_ahead());
        }
        let line = match typed.pop_front() {
            Some(line) => Ok(line),
            None => {
                if let Some(helper) = editor.helper_mut() {
                    helper.refresh(engine);
                }
                let prompt = if pending.is_empty() { PROMPT } else { CONTINUE };
                let _waiting = mpscript::Engine::awaiting_input();
                editor.readline(prompt)
            }
        };
        match line {
            Ok(line) => {
                pending.push_str(&line);
                let is_command = pending.trim_start().starts_with(':');
                if pending.trim().is_empty() {
                    pending.clear();
                    continue;
                }
                // The parser decides: an unfinished statement reads another line.
                if !is_command && !Engine::is_complete(&pending) {
                    pending.push('\n');
                    continue;
                }
                let input = std::mem::take(&mut pending);
                let _ = editor.add_history_entry(input.as_str());
                if let Some(path) = &history {
                    let _ = editor.append_history(path);
                }
                count += 1;
                let outcome = command(engine, &input)
                    .unwrap_or_else(|| evaluate(engine, &format!("<repl:{count}>"), &input));
                if let Outcome::Exit(code) = outcome {
                    return code;
                }
            }
            // Ctrl-C at the prompt drops what was typed, also unfinished lines.
            Err(ReadlineError::Interrupted) => pending.clear(),
            Err(ReadlineError::Eof) => return ended_by_signal(engine).unwrap_or(0),
            Err(_) if ended_by_signal(engine).is_some() => {
                return mpscript::Engine::interrupt_status();
            }
            Err(e) => {
                mpscript::Engine::report_line(format_args!("error: {e}"));
                return 1;
            }
        }
    }
}

/// If SIGTERM or SIGHUP arrived (at the prompt, it ends the wait for input): ends every child
/// and pool and gives the status to leave with.
fn ended_by_signal(engine: &mut Engine) -> Option<i32> {
    if !(mpscript::Engine::interrupted() && mpscript::Engine::interrupted_to_end()) {
        return None;
    }
    engine.terminate_children();
    mpscript::Engine::clear_interrupt();
    Some(mpscript::Engine::interrupt_status())
}

/// The complete lines typed while an input ran, which the terminal holds (it is in its
/// line-by-line mode then, so each read returns one line). The line editor would read them
/// all at once and run only the first; an unfinished line is left to the editor.
#[cfg(unix)]
fn typed_ahead() -> Vec<String> {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    let stdin = std::io::stdin();
    let fd = stdin.as_fd();
    let mut bytes = Vec::new();
    while bytes.len() < 1 << 20 {
        let mut fds = [PollFd::new(fd, PollFlags::POLLIN)];
        let ready = matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0)
            && fds[0]
                .revents()
                .is_some_and(|r| r.contains(PollFlags::POLLIN));
        if !ready {
            break;
        }
        let mut buf = [0u8; 4096];
        match nix::unistd::read(fd, &mut buf) {
            Ok(n) if n > 0 => bytes.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&bytes)
        .lines()
        .map(str::to_string)
        .collect()
}

#[cfg(not(unix))]
fn typed_ahead() -> Vec<String> {
    Vec::new()
}

/// Where history is kept: `$MPSCRIPT_HISTORY`, else `$XDG_STATE_HOME/mpscript/history`, else
/// `~/.local/state/mpscript/history`.
fn history_path() -> Option<PathBuf> {
    let path = if let Some(p) = std::env::var_os("MPSCRIPT_HISTORY") {
        PathBuf::from(p)
    } else {
        let state = std::env::var_os("XDG_STATE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
        state.join("mpscript").join("history")
    };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    Some(path)
}

/// The editor's helper: completion and highlighting.
struct Assist {
    /// Names in scope, with the type of their value.
    names: HashMap<String, &'static str>,
    colour: bool,
}

impl Assist {
    fn new() -> Assist {
        let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::env::var("TERM").map_or(true, |t| t != "dumb");
        Assist {
            names: HashMap::new(),
            colour,
        }
    }

    fn refresh(&mut self, engine: &Engine) {
        self.names = engine
            .global_names()
            .into_iter()
            .filter_map(|name| {
                let kind = engine.get_global(&name)?.type_name();
                Some((name, kind))
            })
            .collect();
    }

    fn candidates(&self, word: &str, receiver: Option<&str>) -> Vec<String> {
        let mut out: Vec<String> = match receiver {
            Some(receiver) => {
                let kind = self.names.get(receiver).copied().unwrap_or("");
                let mut names: Vec<String> = mpscript::Engine::method_names(kind)
                    .iter()
                    .map(|m| m.to_string())
                    .collect();
                // `fs.`, `json.`, ...: the namespace's functions (builtins named `fs.read`).
                if kind == "namespace" || kind.is_empty() {
                    let prefix = format!("{receiver}.");
                    names.extend(
                        mpscript::Engine::builtin_names()
                            .filter_map(|b| b.strip_prefix(prefix.as_str()))
                            .map(str::to_string),
                    );
                }
                names
            }
            None => mpscript::Engine::keywords()
                .iter()
                .map(|k| k.to_string())
                .chain(self.names.keys().cloned())
                .collect(),
        };
        out.retain(|c| c.starts_with(word));
        out.sort();
        out.dedup();
        out
    }
}

impl Helper for Assist {}

impl Hinter for Assist {
    type Hint = String;
}

impl Validator for Assist {}

impl Completer for Assist {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        let start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        let word = &before[start..];
        let receiver = before[..start].strip_suffix('.').map(|head| {
            let from = head
                .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
                .map_or(0, |i| i + 1);
            &head[from..]
        });
        let pairs = self
            .candidates(word, receiver)
            .into_iter()
            .map(|c| Pair {
                display: c.clone(),
                replacement: c,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Highlighter for Assist {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.colour {
            return Cow::Borrowed(line);
        }
        Cow::Owned(colourize(line))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.colour
    }
}

/// Keywords bold blue, strings green, numbers yellow, comments grey.
fn colourize(line: &str) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    let paint = |out: &mut String, code: &str, text: &str| {
        out.push_str(code);
        out.push_str(text);
        out.push_str("\x1b[0m");
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c == '"' || c == '\'' {
            i += 1;
            while i < chars.len() && chars[i] != c {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i = (i + 1).min(chars.len());
            paint(
                &mut out,
                "\x1b[32m",
                &chars[start..i].iter().collect::<String>(),
            );
        } else if c == '#' {
            paint(
                &mut out,
                "\x1b[90m",
                &chars[start..].iter().collect::<String>(),
            );
            i = chars.len();
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            paint(
                &mut out,
                "\x1b[33m",
                &chars[start..i].iter().collect::<String>(),
            );
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if mpscript::Engine::keywords().contains(&word.as_str()) {
                paint(&mut out, "\x1b[1;34m", &word);
            } else {
                out.push_str(&word);
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Without a terminal.

/// Reads statements from standard input, line by line, running each as soon as it is
/// complete. Values are echoed as at the prompt; the status is 1 if any input failed.
fn scripted(engine: &mut Engine) -> i32 {
    let stdin = std::io::stdin();
    let mut pending = String::new();
    let mut failed = false;
    let mut count = 0;
    let mut lines = stdin.lock().lines();
    loop {
        let line = {
            let _waiting = mpscript::Engine::awaiting_input();
            lines.next()
        };
        if let Some(status) = ended_by_signal(engine) {
            return status;
        }
        let Some(line) = line else { break };
        let Ok(line) = line else {
            mpscript::Engine::report_line(format_args!("error: <stdin>: cannot read (not UTF-8?)"));
            return 1;
        };
        pending.push_str(&line);
        pending.push('\n');
        if pending.trim().is_empty() {
            pending.clear();
            continue;
        }
        let is_command = pending.trim_start().starts_with(':');
        if !is_command && !Engine::is_complete(&pending) {
            continue;
        }
        count += 1;
        let input = std::mem::take(&mut pending);
        let outcome = command(engine, &input)
            .unwrap_or_else(|| evaluate(engine, &format!("<repl:{count}>"), &input));
        match outcome {
            Outcome::Ok => {}
            Outcome::Failed => failed = true,
            Outcome::Exit(code) => return code,
        }
    }
    if !pending.trim().is_empty() {
        count += 1;
        if let Outcome::Failed = evaluate(engine, &format!("<repl:{count}>"), &pending) {
            failed = true;
        }
    }
    i32::from(failed)
}
