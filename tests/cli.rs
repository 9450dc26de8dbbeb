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

/// Names bound by destructuring are defined; a comprehension's loop variable is defined only
/// inside it, so a use after it is reported.
#[test]
fn check_knows_destructured_and_comprehension_names() {
    Test::new()
        .cli(&["check", "--strict"])
        .script(
            "let [a, b] = [1, 2]\nfor k, v in items({\"x\": 1}) { print(k, v) }\n\
             print([y for y in range(a) if y < b], {p: q for p, q in [[1, 2]]})\n",
        )
        .stdout("")
        .run();
    Test::new()
        .cli(&["check", "--strict"])
        .script("print([y for y in range(3)])\nprint(y)\n")
        .stderr_contains("`y` is not defined anywhere")
        .stderr_contains("script.mps:2:7")
        .status(1)
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
    let out = Test::new()
        .script("for i in range(100000) { print(i) }\n")
        .wrapped("sh", &["-c", "{mpscript} | head -1; exit ${PIPESTATUS:-0}"])
        .run_unchecked();
    assert_eq!(out.stdout, "0\n");
    let stderr = out.stderr;
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Runs `mpscript ARGS` in a fresh directory holding `script.mps` with these exact bytes.
fn run_bytes(script: &[u8], args: &[&str]) -> crate::harness::Output {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("script.mps"), script).unwrap();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    crate::harness::run_bin(tmp.path(), &args, None, std::time::Duration::from_secs(60))
}

/// The caret line's marks must sit under `marked` in the quoted line above it.
fn assert_caret_under(stderr: &str, marked: &str) {
    let lines: Vec<&str> = stderr.lines().collect();
    let quoted = lines
        .iter()
        .position(|l| l.starts_with("1 | "))
        .expect("quoted line");
    let (code, carets) = (lines[quoted], lines[quoted + 1]);
    let at = carets.find('^').expect("caret");
    let code: Vec<char> = code.chars().collect();
    let width = carets.matches('^').count();
    let under: String = code[at..at + width].iter().collect();
    assert_eq!(under, marked, "{stderr}");
}

#[test]
fn error_on_a_long_line_quotes_a_window() {
    let filler = "a".repeat(1_000_000);
    // A syntax error, half a megabyte into the line.
    let out = run_bytes(
        format!("let s = \"{filler}\"; let t = \"{filler}\" $ 1\n").as_bytes(),
        &["run", "script.mps"],
    );
    assert_eq!(out.status, 2);
    assert!(
        out.stderr.len() < 1000,
        "{} bytes of stderr",
        out.stderr.len()
    );
    let col = 9 + filler.len() + 12 + filler.len() + 3;
    assert!(
        out.stderr.contains(&format!(" --> script.mps:1:{col}\n")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("1 | ...aaa"), "{}", out.stderr);
    assert_caret_under(&out.stderr, "$");
    // A runtime error, with the line cut on both sides.
    let out = run_bytes(
        format!("let s = \"{filler}\"; print(s / 0); let t = \"{filler}\"\n").as_bytes(),
        &["run", "script.mps"],
    );
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.len() < 1000,
        "{} bytes of stderr",
        out.stderr.len()
    );
    let col = 9 + filler.len() + 10;
    assert!(
        out.stderr.contains(&format!(" --> script.mps:1:{col}\n")),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("aaa...\n"), "{}", out.stderr);
    assert_caret_under(&out.stderr, "s / 0");
}

#[test]
fn byte_order_mark_is_skipped() {
    let out = run_bytes(b"\xEF\xBB\xBFprint(\"ok\")\n", &["run", "script.mps"]);
    assert_eq!(
        (out.status, out.stdout.as_str(), out.stderr.as_str()),
        (0, "ok\n", "")
    );
    let out = run_bytes(b"\xEF\xBB\xBFprint(1 / 0)\n", &["check", "script.mps"]);
    assert_eq!(out.status, 0, "{}", out.stderr);
    // Columns count from the first character after the mark.
    let out = run_bytes(b"\xEF\xBB\xBFprint(1 / 0)\n", &["run", "script.mps"]);
    assert_eq!(out.status, 1);
    assert!(
        out.stderr.contains(" --> script.mps:1:7\n"),
        "{}",
        out.stderr
    );
    assert_caret_under(&out.stderr, "1 / 0");
}

#[test]
fn bad_bytes_are_reported_at_line_and_column() {
    let out = run_bytes(b"print(1)\nprint(\"\0\")\n", &["run", "script.mps"]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr
            .starts_with("error: not a text file: NUL byte\n --> script.mps:2:8\n"),
        "{}",
        out.stderr
    );
    let out = run_bytes(b"print(1)\nprint(\"caf\xE9\")\n", &["check", "script.mps"]);
    assert_eq!(out.status, 2);
    assert!(
        out.stderr
            .starts_with("error: not valid UTF-8: invalid byte 0xE9\n --> script.mps:2:11\n"),
        "{}",
        out.stderr
    );
}

const SPAWNS: &str = "fn child(x) { print(\"child\", x) }\njoin spawn child(1)\nprint(args())\n";

#[test]
fn global_options_before_or_after_the_subcommand() {
    for cli in [
        &["--start-method", "spawn", "run", "script.mps"][..],
        &["run", "--start-method", "spawn", "script.mps"],
        &["--start-method=spawn", "--no-progress", "run", "script.mps"],
        &[
            "--no-progress",
            "run",
            "--start-method",
            "fork",
            "script.mps",
        ],
    ] {
        let out = run_bytes(SPAWNS.as_bytes(), cli);
        assert_eq!(
            (out.status, out.stdout.as_str(), out.stderr.as_str()),
            (0, "child 1\n[]\n", ""),
            "mpscript {cli:?}"
        );
    }
    for cli in [
        &["--no-progress", "check", "script.mps"][..],
        &["check", "--no-progress", "script.mps"],
        &["--start-method", "spawn", "check", "script.mps"],
    ] {
        let out = run_bytes(SPAWNS.as_bytes(), cli);
        assert_eq!(
            (out.status, out.stdout.as_str()),
            (0, ""),
            "mpscript {cli:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn everything_after_the_script_name_is_an_argument() {
    for method in ["fork", "spawn"] {
        let out = run_bytes(
            SPAWNS.as_bytes(),
            &[
                "--start-method",
                method,
                "run",
                "script.mps",
                "--verbose",
                "-c",
                "--",
                "--help",
                "--start-method",
                "x",
                "-h",
                "--version",
            ],
        );
        assert_eq!(
            (out.status, out.stdout.as_str(), out.stderr.as_str()),
            (
                0,
                "child 1\n[\"--verbose\", \"-c\", \"--\", \"--help\", \"--start-method\", \"x\", \"-h\", \"--version\"]\n",
                ""
            ),
            "{method}"
        );
    }
    Test::new()
        .cli(&["run", "-"])
        .args(&["--x", "--"])
        .stdin("print(args())\n")
        .stdout("[\"--x\", \"--\"]\n")
        .run();
}

/// LANGUAGE.md §19: `mpscript FILE [ARGS...]` runs a file, like `python FILE`.
#[test]
fn a_file_without_a_subcommand_is_run() {
    for cli in [
        &["script.mps", "a", "--help"][..],
        &["--start-method", "spawn", "script.mps", "a", "--help"],
        &["--no-progress", "./script.mps", "a", "--help"],
    ] {
        let out = run_bytes(SPAWNS.as_bytes(), cli);
        assert_eq!(
            (out.status, out.stdout.as_str(), out.stderr.as_str()),
            (0, "child 1\n[\"a\", \"--help\"]\n", ""),
            "mpscript {cli:?}"
        );
    }
    // A missing file is the same clear error as under `run`.
    let out = run_bytes(b"", &["nothere.mps"]);
    assert_eq!(out.status, 2, "{}", out.stderr);
    assert!(out.stderr.contains("nothere.mps"), "{}", out.stderr);
    // Standard input, like `python -`.
    Test::new()
        .cli(&["-"])
        .args(&["x"])
        .stdin("print(args())\n")
        .stdout("[\"x\"]\n")
        .run();
}

#[test]
fn check_warns_about_names_defined_nowhere() {
    let script = "
        let x = 1
        prnt(x)
        fn f() { return helper(x) + later + missing }
        fn helper(v) { return v }
        let later = 2
        print(prnt)
        ";
    let warnings = "
        warning: `prnt` is not defined anywhere: no `let`, `fn` or `struct` declares it, and it is not a builtin (did you mean `print`?)
         --> script.mps:2:1
          |
        2 | prnt(x)
          | ^^^^
        warning: `missing` is not defined anywhere: no `let`, `fn` or `struct` declares it, and it is not a builtin
         --> script.mps:3:37
          |
        3 | fn f() { return helper(x) + later + missing }
          |                                     ^^^^^^^
        ";
    Test::new()
        .cli(&["check"])
        .script(script)
        .stdout("")
        .stderr(warnings)
        .run();
    Test::new()
        .cli(&["check", "--strict"])
        .script(script)
        .stderr(warnings)
        .status(1)
        .run();
    Test::new()
        .cli(&["--no-progress", "check"])
        .args(&["--strict"])
        .script(script)
        .stderr(warnings)
        .status(1)
        .run();
    // A clean script passes --strict; running the script still fails at the line.
    Test::new()
        .cli(&["check", "--strict"])
        .script("fn f() { return g() }\nfn g() { return len([1]) }\nprint(f())\n")
        .run();
    Test::new()
        .script(script)
        .stderr_contains("error: undefined name `prnt`\n --> script.mps:2:1")
        .status(1)
        .run();
}

/// Runs a script with stdout into a pipe whose reader goes away after the first line, as
/// `mpscript run x.mps | head -1` does; returns that line, the status and stderr.
fn into_closed_pipe(script: &str, method: &str) -> (String, i32, String) {
    use std::io::{BufRead, BufReader};
    let mut run = Test::new()
        .script(script)
        .cli(&["run", "--start-method", method])
        .start();
    let mut first = String::new();
    BufReader::new(run.take_stdout())
        .read_line(&mut first)
        .unwrap();
    let (status, stderr) = run.finish();
    (first, status, stderr)
}

#[test]
fn pool_workers_printing_into_a_closed_stdout_end_the_script_quietly() {
    // The workers hit the closed pipe, not the parent (it prints nothing after its first
    // line): the pool must not report "worker died (exit code 141)", and the script ends as
    // quietly as its workers did.
    for method in ["fork", "spawn"] {
        let (first, status, stderr) = into_closed_pipe(
            r#"
            fn chatter(id) {
                while true { print(f"worker {id}") }
            }
            print("first")
            let p = pool(2)
            let rs = []
            for id in range(4) { rs.push(apply_async p, chatter(id)) }
            close p
            join p
            for r in rs { print(r.get()) }
            "#,
            method,
        );
        assert_eq!(first, "first\n", "{method}");
        assert_eq!(stderr, "", "{method}");
        assert_eq!(status, 141, "{method}");
    }
}

#[test]
fn a_one_worker_pool_printing_into_a_closed_stdout_does_not_hang() {
    // The worker's task used to stay pending after the worker ended with 141, and `join`
    // then waited for it forever.
    for method in ["fork", "spawn"] {
        let (first, status, stderr) = into_closed_pipe(
            r#"
            fn chatter() {
                for i in range(100000) { print(f"line {i}") }
            }
            let p = pool(1)
            let r = apply_async p, chatter()
            close p
            join p
            "#,
            method,
        );
        assert_eq!(first, "line 0\n", "{method}");
        assert_eq!(stderr, "", "{method}");
        assert_eq!(status, 141, "{method}");
    }
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
