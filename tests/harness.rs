//! A small builder for running the binary on a script, in the style of casey/just's tests:
//! `Test::new().script("print(1)").stdout("1\n").run()`. Every test starts the binary (or a
//! host example, or a shell around either) through it: `run` for a whole run checked against
//! expectations, `start` for a [`Running`] script the test talks to while it runs, `command`
//! for a driver of its own (the REPL's pseudo-terminal). Process helpers (signals, liveness)
//! are in `running.rs`.

mod running;

use std::ffi::OsString;
use std::io::{Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use running::{Running, alive, closed_pipe, kill_group, send_signal, try_signal, wait_gone};

pub const BIN: &str = env!("CARGO_BIN_EXE_mpscript");

/// What a run produced.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    /// Exit code, or `-N` if killed by signal N.
    pub status: i32,
}

type StdoutCheck = Box<dyn Fn(&str)>;

/// A run of the binary being described: build it up, then `.run()` it. Forgetting `.run()`
/// is a warning (an error under `-D warnings`), since the test would check nothing.
#[must_use = "a Test checks nothing until `.run()`"]
pub struct Test {
    // How to run.
    script: Option<String>,
    args: Vec<String>,
    cli: Vec<String>,
    program: Option<PathBuf>,
    wrapper: Option<(String, Vec<String>)>,
    dir: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    stdin: Option<Vec<u8>>,
    stdout_to: Option<Stdio>,
    stderr_to: Option<Stdio>,
    timeout: Duration,
    kill_leftovers: bool,
    // What to check.
    stdout: Option<String>,
    stderr: Option<String>,
    stderr_contains: Vec<String>,
    stdout_contains: Vec<String>,
    status: i32,
    stdout_check: Option<StdoutCheck>,
}

/// Where a test runs: a fresh temporary directory (removed with it) or the caller's.
enum WorkDir {
    Temp(tempfile::TempDir),
    Given(PathBuf),
}

impl WorkDir {
    fn path(&self) -> &Path {
        match self {
            WorkDir::Temp(dir) => dir.path(),
            WorkDir::Given(dir) => dir,
        }
    }
}

/// A command ready to spawn, with what it shows in failure messages.
struct Prepared {
    command: Command,
    shown: String,
    dir: WorkDir,
}

impl Test {
    #[track_caller]
    pub fn new() -> Test {
        Test {
            script: None,
            args: Vec::new(),
            cli: Vec::new(),
            program: None,
            wrapper: None,
            dir: None,
            env: Vec::new(),
            stdin: None,
            stdout_to: None,
            stderr_to: None,
            timeout: Duration::from_secs(60),
            kill_leftovers: false,
            stdout: None,
            stderr: Some(String::new()),
            stderr_contains: Vec::new(),
            stdout_contains: Vec::new(),
            status: 0,
            stdout_check: None,
        }
    }

    /// The script, written to `script.mps` in a fresh directory and run with `mpscript run`.
    #[track_caller]
    pub fn script(mut self, text: &str) -> Test {
        self.script = Some(unindent(text));
        self
    }

    /// Arguments after the script path (what `args()` returns).
    #[track_caller]
    pub fn args(mut self, args: &[&str]) -> Test {
        self.args = args.iter().map(|s| s.to_string()).collect();
        self
    }

    /// A whole command line instead of `run script.mps ARGS` (with a script, its path is
    /// added after it).
    #[track_caller]
    pub fn cli(mut self, args: &[&str]) -> Test {
        self.cli = args.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Runs with `--start-method spawn`.
    #[track_caller]
    pub fn spawn_method(mut self) -> Test {
        self.cli = vec!["run".into(), "--start-method".into(), "spawn".into()];
        self
    }

    /// [`Test::spawn_method`] when `spawn` holds (for tests that loop over both methods).
    pub fn spawn_method_if(self, spawn: bool) -> Test {
        if spawn { self.spawn_method() } else { self }
    }

    /// Runs this program instead of `mpscript` (a host example built by `cargo test`).
    #[track_caller]
    pub fn program(mut self, path: impl Into<PathBuf>) -> Test {
        self.program = Some(path.into());
        self
    }

    /// Runs the command line through another program: in each of `args`, `{mpscript}` is
    /// replaced by the shell-quoted command line, as in
    /// `.wrapped("sh", &["-c", "ulimit -v 1000 && exec {mpscript}"])` or
    /// `.wrapped("script", &["-qfec", "{mpscript}", "/dev/null"])`.
    #[track_caller]
    pub fn wrapped(mut self, program: &str, args: &[&str]) -> Test {
        let args = args.iter().map(|s| s.to_string()).collect();
        self.wrapper = Some((program.to_string(), args));
        self
    }

    /// Runs in `dir`, which the caller keeps (to look at files afterwards), instead of a fresh
    /// temporary directory; the script, if any, is written there.
    #[track_caller]
    pub fn in_dir(mut self, dir: &Path) -> Test {
        self.dir = Some(dir.to_path_buf());
        self
    }

    /// Sets an environment variable for the run.
    #[track_caller]
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Test {
        self.env.push((key.into(), value.into()));
        self
    }

    #[track_caller]
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Test {
        self.stdin = Some(input.into());
        self
    }

    /// Sends stdout there instead of capturing it (a file, `/dev/full`, a [`closed_pipe`]);
    /// the captured stdout is then empty.
    #[track_caller]
    pub fn stdout_to(mut self, to: impl Into<Stdio>) -> Test {
        self.stdout_to = Some(to.into());
        self
    }

    /// Sends stderr there instead of capturing it; the captured stderr is then empty.
    #[track_caller]
    pub fn stderr_to(mut self, to: impl Into<Stdio>) -> Test {
        self.stderr_to = Some(to.into());
        self
    }

    /// The hard limit (default 60 s) on a run, or on each wait of a [`Running`] script: past
    /// it the process group is killed and the test fails.
    #[track_caller]
    pub fn timeout(mut self, timeout: Duration) -> Test {
        self.timeout = timeout;
        self
    }

    /// Once the program has exited, kills whatever it left in its process group (for a host
    /// that might leave children behind).
    #[track_caller]
    pub fn kill_leftovers(mut self) -> Test {
        self.kill_leftovers = true;
        self
    }

    #[track_caller]
    pub fn stdout(mut self, expected: &str) -> Test {
        self.stdout = Some(unindent(expected));
        self
    }

    #[track_caller]
    pub fn stderr(mut self, expected: &str) -> Test {
        self.stderr = Some(unindent(expected));
        self
    }

    /// Don't check stderr exactly (it names pids, say); use `stderr_contains` instead.
    #[track_caller]
    pub fn any_stderr(mut self) -> Test {
        self.stderr = None;
        self
    }

    #[track_caller]
    pub fn stderr_contains(mut self, part: &str) -> Test {
        self.stderr = None;
        self.stderr_contains.push(part.into());
        self
    }

    /// Don't check stdout exactly.
    #[track_caller]
    pub fn any_stdout(mut self) -> Test {
        self.stdout = None;
        self
    }

    /// Checks stdout with a function (which asserts).
    #[track_caller]
    pub fn stdout_check(mut self, check: impl Fn(&str) + 'static) -> Test {
        self.stdout = None;
        self.stdout_check = Some(Box::new(check));
        self
    }

    /// Expects exactly these stdout lines, in any order (processes that print concurrently).
    #[track_caller]
    pub fn stdout_lines_in_any_order(self, expected: &[&str]) -> Test {
        let mut expected: Vec<String> = expected.iter().map(|l| l.to_string()).collect();
        expected.sort();
        self.stdout_check(move |out| {
            let mut lines: Vec<&str> = out.lines().collect();
            lines.sort();
            assert_eq!(lines, expected, "{out}");
        })
    }

    #[track_caller]
    pub fn stdout_contains(mut self, part: &str) -> Test {
        self.stdout_contains.push(part.into());
        self
    }

    #[track_caller]
    pub fn status(mut self, status: i32) -> Test {
        self.status = status;
        self
    }

    /// Runs and checks everything but the exit status (which the caller checks).
    #[track_caller]
    pub fn run_status_any(mut self) -> Output {
        self.status = i32::MIN;
        self.run()
    }

    /// Runs and checks everything that was asked; returns the output for further checks.
    #[track_caller]
    pub fn run(mut self) -> Output {
        let (output, shown) = self.execute();
        let context = format!(
            "command: {shown}\nscript:\n{}\n--- stdout:\n{}\n--- stderr:\n{}",
            self.script.as_deref().unwrap_or(""),
            output.stdout,
            output.stderr
        );
        assert_ne!(output.status, 101, "the binary panicked\n{context}");
        if let Some(expected) = &self.stdout {
            assert_eq!(&output.stdout, expected, "stdout differs\n{context}");
        }
        if let Some(expected) = &self.stderr {
            assert_eq!(&output.stderr, expected, "stderr differs\n{context}");
        }
        for part in &self.stderr_contains {
            assert!(
                output.stderr.contains(part.as_str()),
                "stderr lacks {part:?}\n{context}"
            );
        }
        if let Some(check) = &self.stdout_check {
            check(&output.stdout);
        }
        for part in &self.stdout_contains {
            assert!(
                output.stdout.contains(part.as_str()),
                "stdout lacks {part:?}\n{context}"
            );
        }
        assert!(
            output.status >= 0,
            "killed by signal {}\n{context}",
            -output.status
        );
        if self.status != i32::MIN {
            assert_eq!(output.status, self.status, "exit status differs\n{context}");
        }
        output
    }

    /// Runs and checks nothing (not even for a panic): for callers that check the output
    /// themselves.
    #[track_caller]
    pub fn run_unchecked(mut self) -> Output {
        self.execute().0
    }

    /// Runs to the end; returns the output and the command line as failure messages show it.
    #[track_caller]
    fn execute(&mut self) -> (Output, String) {
        let Prepared {
            mut command,
            shown,
            dir: _dir,
        } = self.prepare();
        let output = collect(
            &mut command,
            &shown,
            self.stdin.take(),
            self.timeout,
            self.kill_leftovers,
        );
        (output, shown)
    }

    /// Starts the script in its own process group and returns at once: the test reads its
    /// stdout line by line, signals it and waits for it through [`Running`]. Stderr is kept
    /// for [`Running::stderr`]; nothing of the expectations above is checked.
    #[track_caller]
    pub fn start(mut self) -> Running {
        let Prepared {
            mut command,
            shown,
            dir,
        } = self.prepare();
        let child = spawn(&mut command, &shown, self.stdin.take());
        Running::new(child, shown, self.timeout, dir)
    }

    /// The command `run` would spawn, for a driver of the test's own (a pseudo-terminal), and
    /// the directory it runs in (alive as long as the returned guard).
    #[track_caller]
    pub fn command(mut self) -> (Command, impl Sized) {
        let Prepared { command, dir, .. } = self.prepare_plain();
        (command, dir)
    }

    /// The command to spawn: [`prepare_plain`](Test::prepare_plain)'s, in a process group of
    /// its own, stdin fed or empty, stdout and stderr captured unless redirected.
    fn prepare(&mut self) -> Prepared {
        let mut prepared = self.prepare_plain();
        prepared
            .command
            .stdin(if self.stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(self.stdout_to.take().unwrap_or_else(Stdio::piped))
            .stderr(self.stderr_to.take().unwrap_or_else(Stdio::piped))
            .process_group(0);
        prepared
    }

    /// Writes the script and builds the command: program (or wrapper), arguments, directory,
    /// environment (`NO_COLOR` unset unless the test sets it). Standard streams and process
    /// group are left to the caller: a pseudo-terminal driver makes its own session.
    fn prepare_plain(&mut self) -> Prepared {
        let dir = match &self.dir {
            Some(dir) => WorkDir::Given(dir.clone()),
            None => WorkDir::Temp(tempfile::tempdir().expect("temp dir")),
        };
        let mut args: Vec<String> = self.cli.clone();
        if let Some(script) = &self.script {
            std::fs::write(dir.path().join("script.mps"), script).expect("write script");
            if args.is_empty() {
                args.push("run".into());
            }
            args.push("script.mps".to_string());
        }
        args.extend(self.args.iter().cloned());
        let program = match &self.program {
            Some(path) => path.display().to_string(),
            None => BIN.to_string(),
        };
        let mut shown = std::iter::once(program.as_str())
            .chain(args.iter().map(String::as_str))
            .map(shell_quote)
            .collect::<Vec<_>>()
            .join(" ");
        let mut command = match &self.wrapper {
            None => {
                let mut command = Command::new(&program);
                command.args(&args);
                command
            }
            Some((wrapper, wrapper_args)) => {
                let wrapper_args: Vec<String> = wrapper_args
                    .iter()
                    .map(|a| a.replace("{mpscript}", &shown))
                    .collect();
                let mut command = Command::new(wrapper);
                command.args(&wrapper_args);
                shown = format!("{wrapper} {}", wrapper_args.join(" "));
                command
            }
        };
        command
            .current_dir(dir.path())
            .env_remove("NO_COLOR")
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        Prepared {
            command,
            shown,
            dir,
        }
    }
}

/// Quotes a word for `sh` when it needs it.
fn shell_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Spawns `command`, feeding `stdin` from a thread.
#[track_caller]
fn spawn(command: &mut Command, shown: &str, stdin: Option<Vec<u8>>) -> Child {
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {shown}: {e}"));
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    child
}

/// Runs `command` to its end with a hard timeout (the whole process group is killed past it)
/// and collects what it wrote to the pipes it was given.
#[track_caller]
fn collect(
    command: &mut Command,
    shown: &str,
    stdin: Option<Vec<u8>>,
    timeout: Duration,
    kill_leftovers: bool,
) -> Output {
    let start = Instant::now();
    let mut child = spawn(command, shown, stdin);
    let read_all = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            buf
        })
    };
    let out_reader = read_all(child.stdout.take().map(|p| Box::new(p) as _));
    let err_reader = read_all(child.stderr.take().map(|p| Box::new(p) as _));
    let pgid = child.id() as i32;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > timeout {
            kill_group(pgid);
            let _ = child.wait();
            panic!("{shown} timed out after {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // What it left behind may still hold the pipes: wait for them within the same limit.
    while !(out_reader.is_finished() && err_reader.is_finished()) {
        if start.elapsed() > timeout {
            kill_group(pgid);
            panic!("{shown}: its output stayed open past {timeout:?} (processes left behind)");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    if kill_leftovers {
        kill_group(pgid);
    }
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    Output {
        stdout,
        stderr,
        status: status_number(status),
    }
}

/// An exit status as [`Output::status`] has it: the exit code, or `-N` for signal N.
pub fn status_number(status: std::process::ExitStatus) -> i32 {
    status
        .code()
        .unwrap_or_else(|| -status.signal().unwrap_or(0))
}

/// Runs the binary in `dir` with a hard timeout (the whole process group is killed past it),
/// checking nothing: for callers that compare the output themselves (golden files, docs).
#[track_caller]
pub fn run_bin(dir: &Path, args: &[String], stdin: Option<&[u8]>, timeout: Duration) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut test = Test::new().in_dir(dir).cli(&args).timeout(timeout);
    if let Some(input) = stdin {
        test = test.stdin(input);
    }
    test.run_unchecked()
}

/// Removes the common leading indentation and a leading newline, so scripts can be written
/// indented inside Rust string literals.
pub fn unindent(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out: String = text
        .lines()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    if text.ends_with('\n') {
        out.push('\n');
    }
    // An indented closing quote leaves trailing spaces on the last line.
    let trimmed = out.trim_end_matches(' ').len();
    out.truncate(trimmed);
    out
}

/// Runs a test under both start methods (fork, then spawn).
#[track_caller]
pub fn both(test: impl Fn() -> Test) {
    test().run();
    test().spawn_method().run();
}
