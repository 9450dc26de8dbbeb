//! The command line: subcommands, arguments, files that are not scripts, exit statuses.

use crate::harness::Test;

#[test]
fn version_and_help() {
    let out = Test::new().cli(&["--version"]).run();
    assert!(out.stdout.starts_with("mpscript "), "{}", out.stdout);
    let out = Test::new().cli(&["--help"]).run();
    for word in ["run", "check", "repl", "-c", "--start-method"] {
        assert!(
            out.stdout.contains(word),
            "help lacks {word}:\n{}",
            out.stdout
        );
    }
}

#[test]
fn one_liner_with_arguments() {
    Test::new()
        .cli(&["-c", "print(args(), 1 + 1)", "a", "--b"])
        .stdout("[\"a\", \"--b\"] 2\n")
        .run();
}

#[test]
fn one_liner_error_names_command_line() {
    Test::new()
        .cli(&["-c", "print(1 / 0)"])
        .stderr(
            "
            error: division by zero
             --> <command line>:1:7
              |
            1 | print(1 / 0)
              |       ^^^^^
            ",
        )
        .status(1)
        .run();
}

#[test]
fn script_arguments() {
    Test::new()
        .script("print(args())")
        .args(&["one", "-x", "--flag"])
        .stdout("[\"one\", \"-x\", \"--flag\"]\n")
        .run();
}

#[test]
fn script_from_stdin() {
    Test::new()
        .cli(&["run", "-"])
        .stdin("print(\"from stdin\")\n")
        .stdout("from stdin\n")
        .run();
}

#[test]
fn stdin_errors_name_stdin() {
    Test::new()
        .cli(&["run", "-"])
        .stdin("print(nope)\n")
        .stderr_contains("<stdin>:1:7")
        .status(1)
        .run();
}

#[test]
fn missing_file() {
    Test::new()
        .cli(&["run", "no_such_file.mps"])
        .stderr("error: no_such_file.mps: cannot read: no such file\n")
        .status(2)
        .run();
}

#[test]
fn directory_instead_of_file() {
    Test::new()
        .cli(&["run", "."])
        .stderr("error: .: is a directory, not a script\n")
        .status(2)
        .run();
}

#[test]
fn check_accepts_good_script_without_running_it() {
    Test::new()
        .cli(&["check"])
        .script("print(\"should not run\")\nfn f() { return 1 }")
        .stdout("")
        .run();
}

#[test]
fn check_reports_syntax_errors() {
    Test::new()
        .cli(&["check"])
        .script("let x = (1 +\n")
        .any_stderr()
        .stderr_contains("script.mps:1:")
        .status(2)
        .run();
}

#[test]
fn check_reports_static_errors() {
    Test::new()
        .cli(&["check"])
        .script("print(1)\nbreak\n")
        .stderr_contains("`break` outside of a loop")
        .status(2)
        .run();
}

#[test]
fn syntax_error_runs_nothing() {
    Test::new()
        .script("print(\"must not appear\")\nlet = 1\n")
        .stdout("")
        .any_stderr()
        .status(2)
        .run();
}

#[test]
fn usage_errors_exit_2() {
    let out = Test::new()
        .cli(&["--no-such-flag"])
        .any_stderr()
        .status(2)
        .run();
    assert!(out.stderr.contains("--no-such-flag"), "{}", out.stderr);
    Test::new().cli(&["run"]).any_stderr().status(2).run();
    Test::new()
        .cli(&["run", "--start-method", "teleport", "x.mps"])
        .any_stderr()
        .status(2)
        .run();
}

#[test]
fn exit_status_from_exit() {
    Test::new().script("exit(42)").status(42).run();
    Test::new().script("exit()").run();
}

#[test]
fn closed_stdout_is_not_a_panic() {
    // `mpscript run x.mps | head -1`: the write error ends the script with a clear message.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("x.mps"),
        "for i in range(100000) { print(i) }\n",
    )
    .unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} run x.mps | head -1; exit ${{PIPESTATUS:-0}}",
            crate::harness::BIN
        ))
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "0\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Runs a script with stdout into a pipe whose reader goes away after the first line, as
/// `mpscript run x.mps | head -1` does; returns that line, the status and stderr.
fn into_closed_pipe(script: &str, method: &str) -> (String, i32, String) {
    use std::io::{BufRead, BufReader, Read};
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    use std::process::{Command, Stdio};
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("x.mps"), crate::harness::unindent(script)).unwrap();
    let mut child = Command::new(crate::harness::BIN)
        .args(["run", "--start-method", method, "x.mps"])
        .current_dir(tmp.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let pgid = child.id() as i32;
    let guard = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        crate::harness::kill_group(pgid);
    });
    let mut err = String::new();
    stderr.read_to_string(&mut err).unwrap();
    let status = child.wait().unwrap();
    drop(guard);
    let status = status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0));
    (first, status, err)
}

#[test]
fn a_closed_stdout_ends_the_script_quietly_with_status_141() {
    for method in ["fork", "spawn"] {
        let (first, status, stderr) = into_closed_pipe(
            r#"
            fn chatter(id) {
                while true { print(f"child {id}") }
            }
            print("first")
            let ps = []
            for id in range(3) { ps.push(spawn chatter(id)) }
            join ps
            for p in ps { if p.exitcode != 141 { exit(3) } }
            while true { print("parent") }
            "#,
            method,
        );
        assert_eq!(first, "first\n", "{method}");
        assert_eq!(stderr, "", "{method}");
        assert_eq!(status, 141, "{method}");
    }
}
