//! `start(cmd, ...)` and pipelines, with real processes: the handle `start` returns (its pid,
//! liveness, exit code, `join`, `wait`, `terminate`, `kill`), failures read at `wait`/`join` or
//! reported at the end of the script, pipelines (codes, SIGPIPE, capture, a stage that cannot
//! start) and bad arguments. Process groups, descriptors and relaying: `commands_groups.rs`.

use std::time::Duration;

use crate::harness::{Test, alive, both, wait_gone};

/// The pids a script printed as `pid N` lines.
fn printed_pids(out: &str) -> Vec<i32> {
    out.lines()
        .filter_map(|l| l.strip_prefix("pid "))
        .map(|p| p.trim().parse().expect("a pid"))
        .collect()
}

#[test]
fn start_returns_at_once_a_handle_on_the_real_process() {
    both(|| {
        Test::new()
            .script(
                r#"
                let t0 = time()
                let h = start(["sleep", "30"], check = false)
                print(type(h), time() - t0 < 5, h.is_alive(), h.exitcode)
                print("pid", h.pid)
                # The pid is the program's own: /proc knows it, as a sleep.
                print(run(["cat", f"/proc/{h.pid}/comm"], capture = true).stdout.strip())
                h.kill()
                print(h.wait().code, h.is_alive(), h.exitcode)
                print(run(["test", "-e", f"/proc/{h.pid}"], check = false).code)
                "#,
            )
            .stdout_check(|out| {
                let lines: Vec<&str> = out.lines().collect();
                assert_eq!(lines[0], "process true true nil", "{out}");
                assert_eq!(lines[2], "sleep", "{out}");
                assert_eq!(lines[3..], ["-9 false -9", "1"], "{out}");
                let pids = printed_pids(out);
                assert!(pids[0] > 0 && !alive(pids[0]), "{out}");
            })
    });
}

#[test]
fn join_and_wait_with_and_without_timeouts() {
    both(|| {
        Test::new()
            .script(
                r#"
                let h = start(["sleep", "0.5"])
                print(h.join(0.05), h.wait(0.05), h.exitcode, h.is_alive())
                print(h.join(), h.exitcode, h.is_alive())
                let c = h.wait()
                print(c, type(c), c.ok, c.pid == h.pid)
                print(h.join(0), h.wait(0).code)
                "#,
            )
            .stdout(
                r#"
                false nil nil true
                true 0 false
                <completed ["sleep", "0.5"] code 0> completed true true
                true 0
                "#,
            )
    });
}

#[test]
fn terminate_and_kill_end_it_with_their_signal() {
    both(|| {
        Test::new()
            .script(
                r#"
                let t = start(["sleep", "30"], check = false)
                t.terminate()
                join t
                print(t.exitcode, t.wait().code, t.wait().ok)
                let k = start(["sleep", "30"], check = false)
                k.kill()
                print(k.wait().code, k.exitcode)
                # Ended by the script itself and never waited for: not a failure to report
                # at the end. (Waited for, with `check`, it raises, as below.)
                let s = start(["sleep", "30"])
                s.terminate()
                sleep(0.2)
                print(s.exitcode)
                "#,
            )
            .stdout("-15 -15 false\n-9 -9\n-15\n")
    });
}

#[test]
fn join_takes_started_commands_alone_and_in_lists() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn child() { exit(3) }
                let a = start(["sh", "-c", "sleep 0.3"])
                let b = start(["true"])
                let p = spawn child()
                join [a, b, p]
                print(a.exitcode, b.exitcode, p.exitcode, a.is_alive())
                let c = start(["sleep", "0.1"])
                join c
                join c
                print(c.exitcode)
                "#,
            )
            .stdout("0 0 3 false\n0\n")
    });
}

#[test]
fn start_captures_and_feeds_like_run() {
    both(|| {
        Test::new()
            .script(
                r#"
                let h = start(["sh", "-c", "cat; echo to-err >&2"], input = "fed\n", capture = true)
                let c = h.wait()
                print(repr(c.stdout), repr(c.stderr), c.code)
                let u = start(["echo", "straight through"])
                u.wait()
                "#,
            )
            .stdout("\"fed\\n\" \"to-err\\n\" 0\nstraight through\n")
    });
}

#[test]
fn a_failing_started_command_raises_where_it_is_waited_for() {
    for (wait, at, who) in [
        ("h.wait()", "script.mps:3:1", "wait(): "),
        ("h.join()", "script.mps:3:1", "join(): "),
        ("join h", "script.mps:3:1", "join: "),
    ] {
        Test::new()
            .script(&format!(
                "let h = start([\"sh\", \"-c\", \"echo why >&2; exit 4\"], capture = true)\n\
                 print(\"started\")\n{wait}\nprint(\"not reached\")\n"
            ))
            .stdout("started\n")
            .stderr_contains(&format!(
                "{who}command [\"sh\", \"-c\", \"echo why >&2; exit 4\"] exited with code 4; \
                 its stderr ended with:\n    why"
            ))
            .stderr_contains(at)
            .status(1)
            .run();
    }
    // Caught, it is read: nothing more is reported at the end.
    Test::new()
        .script(
            r#"
            let h = start(["false"])
            try { h.wait() } catch e { print(e) }
            "#,
        )
        .stdout("wait(): command [\"false\"] exited with code 1\n")
        .run();
}

#[test]
fn check_false_gives_the_completed_value_also_for_a_missing_program() {
    both(|| {
        Test::new()
            .script(
                r#"
                let h = start(["sh", "-c", "exit 4"], check = false)
                let c = h.wait()
                print(c.code, c.ok, h.exitcode)
                let m = start(["no-such-program-here"], check = false, capture = true)
                print(m.exitcode, m.pid, m.is_alive())
                let w = m.wait()
                print(w.code, w.pid, w.ok, w.stderr, end = "")
                "#,
            )
            .stdout(
                "4 false 4\n127 0 false\n\
                 127 0 false could not start: program not found (No such file or directory)\n",
            )
    });
}

#[test]
fn a_failure_never_waited_for_is_reported_at_the_end() {
    // The script is busy in `sleep`, then busy computing, while the command fails: either way
    // the failure is its own, not one of the end of the script ending it.
    for pause in [
        "sleep(0.3)",
        "let t = time()\nwhile time() - t < 0.3 { let x = 1 }",
    ] {
        both(|| {
            Test::new()
                .script(&format!(
                    "print(\"first\")\nlet h = start([\"sh\", \"-c\", \"exit 4\"])\n{pause}\nprint(\"last\")\n"
                ))
                .stdout("first\nlast\n")
                .stderr_contains("start(): command [\"sh\", \"-c\", \"exit 4\"] exited with code 4")
                .stderr_contains("script.mps:2:9")
                .status(1)
        });
    }
    Test::new()
        .script("let x = 1\nstart([\"no-such-program-here\"])\n")
        .stderr_contains("start(): command [\"no-such-program-here\"] could not start")
        .stderr_contains("script.mps:2:1")
        .status(1)
        .run();
    // In a child: the child reports it (with its pid) and fails.
    both(|| {
        Test::new()
            .script(
                r#"
                fn child() {
                    start(["sh", "-c", "exit 5"])
                    sleep(0.3)
                }
                let p = spawn child()
                join p
                print(p.exitcode)
                "#,
            )
            .stdout("1\n")
            .stderr_contains("start(): command [\"sh\", \"-c\", \"exit 5\"] exited with code 5")
            .stderr_contains("script.mps:2:5")
    });
}

#[test]
fn a_pipeline_runs_captures_and_prints() {
    both(|| {
        Test::new()
            .script(
                r#"
                let c = run([["printf", "a\nb\n"], ["wc", "-l"]], capture = true)
                print(c)
                print(c.stdout.strip(), c.code, c.cmd)
                let m = run([["printf", "x\ny\n"], "tr a-z A-Z", ["sort", "-r"]], capture = true)
                print(repr(m.stdout), m)
                let i = run([["tr", "a-z", "A-Z"], ["rev"]], input = "abc\n", capture = true)
                print(i.stdout, end = "")
                let e = run([["sh", "-c", "echo e1 >&2; echo out"], ["sh", "-c", "cat; echo e2 >&2"]], capture = true)
                print(repr(e.stdout), sorted(e.stderr.strip().split("\n")))
                "#,
            )
            .stdout(
                r#"
                <completed [["printf", "a\nb\n"], ["wc", "-l"]] code 0>
                2 0 [["printf", "a\nb\n"], ["wc", "-l"]]
                "Y\nX\n" <completed [["printf", "x\ny\n"], "tr a-z A-Z", ["sort", "-r"]] code 0>
                CBA
                "out\n" ["e1", "e2"]
                "#,
            )
    });
}

#[test]
fn a_pipelines_pid_and_code_are_its_last_stages() {
    both(|| {
        Test::new()
            .script(
                r#"
                let h = start([["sh", "-c", "echo $$ > first; sleep 0.3"], ["sh", "-c", "echo $$ > last; cat > /dev/null; exit 5"]], check = false)
                let c = h.wait()
                let first = int(run(["cat", "first"], capture = true).stdout.strip())
                let last = int(run(["cat", "last"], capture = true).stdout.strip())
                print(h.pid == last, c.pid == last, h.pid != first, c.code, h.exitcode)
                let r = run([["true"], ["sh", "-c", "exit 6"]], check = false)
                print(r.code)
                "#,
            )
            .stdout("true true true 5 5\n6\n")
    });
}

#[test]
fn an_earlier_stage_that_fails_fails_the_pipeline() {
    both(|| {
        Test::new()
            .script(
                r#"
                let c = run([["sh", "-c", "exit 3"], ["cat"]], check = false)
                print(c.code, c.ok)
                let k = run([["sh", "-c", "kill -9 $$"], ["cat"]], check = false)
                print(k.code)
                run([["sh", "-c", "exit 3"], ["cat"]])
                "#,
            )
            .stdout("3 false\n-9\n")
            .stderr_contains(
                "run(): command [[\"sh\", \"-c\", \"exit 3\"], [\"cat\"]] exited with code 3",
            )
            .stderr_contains("script.mps:5:1")
            .status(1)
    });
}

#[test]
fn an_earlier_stage_ended_by_sigpipe_is_success() {
    both(|| {
        Test::new()
            .script(
                r#"
                let y = run([["yes"], ["head", "-1"]], capture = true)
                print(repr(y.stdout), y.code, y.ok)
                let s = start([["seq", "1000000"], ["head", "-n", "2"]], capture = true)
                print(repr(s.wait().stdout), s.exitcode)
                "#,
            )
            .stdout("\"y\\n\" 0 true\n\"1\\n2\\n\" 0\n")
    });
}

#[test]
fn a_stage_that_cannot_start_is_an_error_and_leaves_nothing_behind() {
    both(|| {
        Test::new()
            .script(
                r#"
                try {
                    run([["sleep", "31.4159"], ["no-such-program-here"], ["cat"]])
                } catch e {
                    print(e)
                }
                let c = run([["sleep", "31.4159"], ["no-such-program-here"]], check = false)
                print(c.code, c.pid)
                # Nothing of the pipeline is left: no sleep, and no child of this process but
                # the shell asking (zombies included).
                print(repr(run("ps -eo args= | grep -c '^sleep 31.4159' || true", capture = true).stdout))
                print(repr(run("ps -o pid= --ppid $PPID | wc -l", capture = true).stdout.strip()))
                "#,
            )
            .stdout(
                "run(): command [[\"sleep\", \"31.4159\"], [\"no-such-program-here\"], [\"cat\"]] \
                 could not start: program not found (No such file or directory)\n\
                 127 0\n\"0\\n\"\n\"1\"\n",
            )
    });
}

#[test]
fn bad_arguments_to_start_are_located_errors() {
    for (call, message) in [
        ("start([])", "start(): the command list is empty"),
        (
            "start([1])",
            "start(): a command list holds strs, not an int",
        ),
        (
            "start([\"ls\", nil])",
            "start(): a command list holds strs, not",
        ),
        (
            "start([[\"ls\"], 3])",
            "start(): a pipeline holds commands (lists of strs or strs), not an int",
        ),
        (
            "start(3)",
            "must be a list of strs, a str or a list of those (a pipeline), not an int",
        ),
        (
            "start(\"true\", capture = 1)",
            "`capture` must be a bool, not int",
        ),
        (
            "start(\"true\", check = \"no\")",
            "`check` must be a bool, not str",
        ),
        (
            "start(\"true\", input = 3)",
            "`input` must be a str, not int",
        ),
        ("start(\"true\", cwd = [])", "`cwd` must be a str, not list"),
        ("start(\"true\", env = [])", "`env` must be a map, not list"),
        (
            "start(\"true\", env = {\"A\": 1})",
            "`env` values must be strs or nil",
        ),
        (
            "start(\"true\", timeout = \"soon\")",
            "the timeout must be a number of seconds, not str",
        ),
        (
            "start(\"true\", shell = true)",
            "unexpected argument `shell`",
        ),
        ("start()", "start() takes 1 argument but 0 were given"),
        (
            "start([\"true\"]).wait(\"soon\")",
            "the timeout must be a number",
        ),
        ("start([\"true\"]).join(1, 2)", "takes at most 1 argument"),
        ("start([\"true\"]).restart()", "has no method `restart`"),
        ("print(start([\"true\"]).name)", "has no field `name`"),
    ] {
        Test::new()
            .script(&format!(
                "print(\"before\")\n{call}\nprint(\"not reached\")\n"
            ))
            .stdout("before\n")
            .stderr_contains(message)
            .stderr_contains("script.mps:2:")
            .status(1)
            .run();
    }
}

#[test]
fn a_started_command_goes_when_the_script_ends() {
    // Not waited for: it is ended with the script, promptly, and that is no failure.
    both(|| {
        let began = std::time::Instant::now();
        Test::new()
            .script(
                r#"
                let h = start(["sleep", "60"])
                print("pid", h.pid)
                "#,
            )
            .stdout_check(move |out| {
                let pids = printed_pids(out);
                assert!(
                    wait_gone(&pids, Duration::from_secs(5)),
                    "sleep {pids:?} left behind"
                );
                assert!(began.elapsed() < Duration::from_secs(10), "not prompt");
            })
    });
}
