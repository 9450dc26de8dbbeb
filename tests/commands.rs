//! External programs with `run(cmd, ...)`: every option and every failure path, with real
//! programs (true, false, sh, cat, printf, sleep, a missing program, a non-executable file, a
//! bad cwd), in the top-level script, in spawned children and in pool workers.

use std::time::Duration;

use crate::harness::{Test, alive, both, send_signal, wait_gone};

#[test]
fn a_completed_value_has_every_field() {
    Test::new()
        .script(
            r#"
            let c = run(["printf", "a\nb"], capture = true)
            print(c)
            print(type(c), c.code, c.ok, repr(c.stdout), repr(c.stderr), c.cmd)
            print(c.pid > 0, type(c.secs), c.secs >= 0.0)
            let s = run("exit 0")
            print(s, s.stdout == nil, s.stderr == nil)
            "#,
        )
        .stdout(
            "<completed [\"printf\", \"a\\nb\"] code 0>\n\
             completed 0 true \"a\\nb\" \"\" [\"printf\", \"a\\nb\"]\n\
             true float true\n\
             <completed \"exit 0\" code 0> true true\n",
        )
        .run();
}

#[test]
fn uncaptured_output_goes_straight_to_the_scripts_streams_in_order() {
    Test::new()
        .script(
            r#"
            print("before")
            run(["printf", "middle\n"])
            run("echo to-stderr >&2")
            print("after")
            "#,
        )
        .stdout("before\nmiddle\nafter\n")
        .stderr("to-stderr\n")
        .run();
}

#[test]
fn the_script_stdin_is_handed_to_an_uncaptured_command() {
    Test::new()
        .script(r#"run(["cat"])"#)
        .stdin("typed in\n")
        .stdout("typed in\n")
        .run();
}

#[test]
fn input_cwd_and_env() {
    Test::new()
        .script(
            r#"
            print(run(["cat"], input = "fed in", capture = true).stdout)
            print(run(["pwd"], cwd = "/", capture = true).stdout, end = "")
            let e = run("echo $ADDED-$HOME-${GONE:-unset}", env = {"ADDED": "yes", "HOME": "/h", "GONE": nil}, capture = true)
            print(e.stdout, end = "")
            "#,
        )
        .env("GONE", "still here")
        .stdout("fed in\n/\nyes-/h-unset\n")
        .run();
}

#[test]
fn megabytes_in_and_out_do_not_deadlock() {
    Test::new()
        .script(
            r#"
            let big = "0123456789abcdef" * 500000
            let c = run(["cat"], input = big, capture = true)
            print(len(c.stdout) == len(big), c.stdout == big)
            let e = run("cat; cat >&2 < /dev/null; head -c 3000000 /dev/zero >&2", input = big, capture = true)
            print(len(e.stdout), len(e.stderr))
            "#,
        )
        .stdout("true true\n8000000 3000000\n")
        .run();
}

#[test]
fn a_failing_command_raises_a_located_error_with_the_stderr_tail() {
    Test::new()
        .script("let x = 1\nrun(\"echo one >&2; echo two >&2; exit 3\", capture = true)\n")
        .stderr_contains("command \"echo one >&2; echo two >&2; exit 3\" exited with code 3")
        .stderr_contains("    one\n    two")
        .stderr_contains("script.mps:2:1")
        .status(1)
        .run();
    Test::new()
        .script(r#"run(["false"])"#)
        .stderr_contains("run(): command [\"false\"] exited with code 1")
        .status(1)
        .run();
}

#[test]
fn check_false_returns_the_failure() {
    Test::new()
        .script(
            r#"
            let f = run(["false"], check = false)
            print(f.code, f.ok)
            let k = run("kill -9 $$", check = false)
            print(k.code, k.ok)
            print(run(["no-such-program-here"], check = false).code)
            print(run(["/etc/hostname"], check = false).code)
            let b = run(["true"], cwd = "/no/such/dir", check = false, capture = true)
            print(b.code, b.ok)
            "#,
        )
        .stdout("1 false\n-9 false\n127\n126\n126 false\n")
        .run();
}

#[test]
fn every_way_a_command_cannot_start_is_an_error() {
    for (cmd, message) in [
        (r#"["no-such-program-here"]"#, "program not found"),
        (r#"["/etc/hostname"]"#, "not executable"),
    ] {
        Test::new()
            .script(&format!("run({cmd})"))
            .stderr_contains(message)
            .stderr_contains("script.mps:1:1")
            .status(1)
            .run();
    }
    Test::new()
        .script(r#"run(["true"], cwd = "/no/such/dir")"#)
        .stderr_contains("cannot enter cwd \"/no/such/dir\"")
        .status(1)
        .run();
    Test::new()
        .script(r#"run("kill -TERM $$")"#)
        .stderr_contains("was ended by signal 15 (SIGTERM)")
        .status(1)
        .run();
}

#[test]
fn bad_arguments_are_errors() {
    for (call, message) in [
        ("run([])", "the command list is empty"),
        ("run([1])", "a command list holds strs, not an int"),
        (
            "run(3)",
            "must be a list of strs, a str or a list of those (a pipeline)",
        ),
        ("run(\"true\", capture = 1)", "`capture` must be a bool"),
        (
            "run(\"true\", env = {\"A\": 1})",
            "`env` values must be strs or nil",
        ),
        (
            "run(\"true\", timeout = \"soon\")",
            "run(): the timeout must be a number of seconds, not str",
        ),
        // As in Python's subprocess.run (and every wait here), a negative timeout has passed.
        (
            "run([\"sleep\", \"5\"], timeout = -1)",
            "command [\"sleep\", \"5\"] timed out after 0 s",
        ),
        ("run(\"true\", shell = true)", "unexpected argument `shell`"),
        ("run()", "run() takes 1 argument but 0 were given"),
    ] {
        Test::new()
            .script(call)
            .stderr_contains(message)
            .status(1)
            .run();
    }
}

/// The script writes the pid of a shell's background `sleep` to a file; it must be gone.
fn assert_grandchild_gone(dir: &std::path::Path) {
    let pid: i32 = std::fs::read_to_string(dir.join("pid"))
        .expect("pid file")
        .trim()
        .parse()
        .expect("a pid");
    assert!(
        wait_gone(&[pid], Duration::from_secs(3)),
        "the background sleep {pid} was left behind"
    );
}

#[test]
fn a_timeout_ends_the_whole_group() {
    both(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().to_owned();
        Test::new()
            .script(&format!(
                r#"
                let c = run("sleep 60 & echo $! > {}/pid; wait", timeout = 0.5, check = false)
                print(c.ok, c.code < 0, c.secs < 5)
                run(["sleep", "60"], timeout = 0.2)
                "#,
                path.display()
            ))
            .stdout_check(move |out| {
                assert_eq!(out, "false true true\n");
                assert_grandchild_gone(&path);
                let _ = &dir;
            })
            .stderr_contains("command [\"sleep\", \"60\"] timed out after 0.2 s")
            .status(1)
    });
}

#[test]
fn ctrl_c_during_run_ends_the_group() {
    let dir = tempfile::tempdir().expect("temp dir");
    let running = Test::new()
        .script(&format!(
            "print(\"started\")\nrun(\"sleep 60 & echo $! > {}/pid; echo $$ >> {}/pid2; wait\")\n",
            dir.path().display(),
            dir.path().display()
        ))
        .start();
    running.line(Duration::from_secs(10));
    let file = dir.path().join("pid");
    let start = std::time::Instant::now();
    while !file.exists()
        || std::fs::read_to_string(&file)
            .unwrap_or_default()
            .is_empty()
    {
        assert!(start.elapsed() < Duration::from_secs(10), "no pid file");
        std::thread::sleep(Duration::from_millis(20));
    }
    send_signal("-INT", &running.pid().to_string());
    let (status, _) = running.finish();
    assert_eq!(status, 130);
    assert_grandchild_gone(dir.path());
    let shell: i32 = std::fs::read_to_string(dir.path().join("pid2"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(!alive(shell));
}

#[test]
fn run_works_in_children_and_pool_workers() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn job(n) {
                    let c = run(["sh", "-c", f"echo job {n}"], capture = true)
                    return c
                }
                let p = pool(2)
                let r = apply_async p, job(1)
                let c = r.get()
                print(type(c), c.stdout, end = "")
                print(c)
                let u = apply_async p, run(["echo", "uncaptured in a worker"])
                print(u.get().ok)
                let f = apply_async p, run(["false"])
                print(f.get())
                "#,
            )
            .stdout_check(|out| {
                assert!(
                    out.starts_with(
                        "completed job 1\n<completed [\"sh\", \"-c\", \"echo job 1\"] code 0>\n"
                    ),
                    "{out}"
                );
                assert!(out.contains("uncaptured in a worker\n"), "{out}");
                assert!(out.contains("true\n"), "{out}");
            })
            .stderr_contains("command [\"false\"] exited with code 1")
            .status(1)
    });
    both(|| {
        Test::new()
            .script(
                r#"
                fn child() {
                    run(["echo", "from a child"])
                    print(run(["cat"], input = "x", capture = true).stdout)
                }
                let p = spawn child()
                join p
                print(p.exitcode)
                "#,
            )
            .stdout("from a child\nx\n0\n")
    });
}

/// Runs a script on a pseudo-terminal (its standard input, output and error).
fn on_terminal(script: &str) -> (expectrl::session::OsSession, impl Sized) {
    let (command, dir) = Test::new().script(script).cli(&["run"]).command();
    let mut session = expectrl::Session::spawn(command).expect("start mpscript in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    (session, dir)
}

fn exit_code(session: &expectrl::session::OsSession) -> i32 {
    use expectrl::process::unix::WaitStatus;
    match session.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("mpscript did not exit normally: {other:?}"),
    }
}

#[test]
fn a_command_that_reads_the_terminal_gets_it() {
    // In its own process group, the command would be stopped (SIGTTIN) at its first read of
    // the terminal unless its group is given the terminal while it runs.
    use expectrl::Expect;
    let (mut session, _dir) = on_terminal(
        r#"
        let c = run("read x; echo got $x")
        print("code", c.code)
        let d = run(["sh", "-c", "read y; echo and $y"])
        print("code", d.code)
        "#,
    );
    session.send_line("hello").unwrap();
    session.expect("got hello").unwrap();
    session.expect("code 0").unwrap();
    session.send_line("again").unwrap();
    session.expect("and again").unwrap();
    session.expect("code 0").unwrap();
    assert_eq!(exit_code(&session), 0);
}

#[test]
fn ctrl_c_at_the_terminal_interrupts_the_command_and_the_script() {
    // The command has the terminal, so Ctrl-C reaches its group alone; the script is
    // interrupted as if it had received it too (status 130, nothing after `run` runs).
    use expectrl::Expect;
    let (mut session, _dir) = on_terminal(
        r#"
        print("started")
        run(["sh", "-c", "echo waiting; sleep 30"])
        print("not reached")
        "#,
    );
    session.expect("waiting").unwrap();
    session.send("\x03").unwrap();
    assert_eq!(exit_code(&session), 130);
}
