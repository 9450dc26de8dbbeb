//! A small builder for running the binary on a script, in the style of casey/just's tests:
//! `Test::new().script("print(1)").stdout("1\n").run()`.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    script: Option<String>,
    args: Vec<String>,
    cli: Vec<String>,
    stdin: Option<Vec<u8>>,
    stdout: Option<String>,
    stderr: Option<String>,
    stderr_contains: Vec<String>,
    stdout_contains: Vec<String>,
    status: i32,
    timeout: Duration,
    stdout_check: Option<StdoutCheck>,
}

impl Test {
    #[track_caller]
    pub fn new() -> Test {
        Test {
            script: None,
            args: Vec::new(),
            cli: Vec::new(),
            stdin: None,
            stdout: None,
            stderr: Some(String::new()),
            stderr_contains: Vec::new(),
            stdout_contains: Vec::new(),
            status: 0,
            timeout: Duration::from_secs(60),
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

    /// A whole command line instead of `run script.mps ARGS`.
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

    #[track_caller]
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Test {
        self.stdin = Some(input.into());
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
    pub fn run(self) -> Output {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().to_path_buf();
        let mut args: Vec<String> = self.cli.clone();
        if let Some(script) = &self.script {
            std::fs::write(dir.join("script.mps"), script).expect("write script");
            if args.is_empty() {
                args.push("run".into());
            }
            args.push("script.mps".to_string());
        }
        args.extend(self.args.iter().cloned());
        let output = run_bin(&dir, &args, self.stdin.as_deref(), self.timeout);
        let context = format!(
            "command: mpscript {}\nscript:\n{}\n--- stdout:\n{}\n--- stderr:\n{}",
            args.join(" "),
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
}

/// Runs the binary in `dir` with a hard timeout (the whole process group is killed past it).
#[track_caller]
pub fn run_bin(dir: &Path, args: &[String], stdin: Option<&[u8]>, timeout: Duration) -> Output {
    let start = Instant::now();
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("start mpscript");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        let input = input.to_vec();
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        });
    }
    let mut out = child.stdout.take().expect("stdout pipe");
    let mut err = child.stderr.take().expect("stderr pipe");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let pgid = child.id() as i32;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > timeout {
            kill_group(pgid);
            let _ = child.wait();
            panic!("mpscript {} timed out after {timeout:?}", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    let status = status
        .code()
        .unwrap_or_else(|| -status.signal().unwrap_or(0));
    Output {
        stdout,
        stderr,
        status,
    }
}

pub fn kill_group(pgid: i32) {
    let _ = Command::new("kill")
        .args(["-9", "--", &format!("-{pgid}")])
        .status();
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

/// Starts a script in its own process group and returns the child and a line reader.
pub fn start_script(
    script: &str,
    args: &[&str],
) -> (
    std::process::Child,
    std::sync::mpsc::Receiver<String>,
    tempfile::TempDir,
) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.mps"), crate::harness::unindent(script)).unwrap();
    let mut child = Command::new(BIN)
        .args(args)
        .arg("s.mps")
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx, tmp)
}

pub fn alive(pid: i32) -> bool {
    // A zombie has exited; only a running or sleeping process counts.
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| {
            let state = s
                .rsplit(')')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .next()
                .unwrap_or("");
            state != "Z" && state != "X"
        })
        .unwrap_or(false)
}

pub fn wait_gone(pids: &[i32], within: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < within {
        if pids.iter().all(|&p| !alive(p)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// Sends a signal with kill(1): `target` is a pid, or `-PGID` for a whole process group.
pub fn send_signal(signal: &str, target: &str) {
    let status = Command::new("kill")
        .args([signal, "--", target])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill {signal} {target} failed");
}

/// Runs a test under both start methods (fork, then spawn).
#[track_caller]
pub fn both(test: impl Fn() -> Test) {
    test().run();
    test().spawn_method().run();
}
