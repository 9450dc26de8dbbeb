//! Pools whose workers are started by a launcher (`pool(n, launcher = [...])`), with a local
//! `sh` as the launcher: the whole remote path (the launcher's pipes as the link, the
//! handshake, functions as source, stderr relayed with the place's name, lost workers,
//! refused handles) without ssh. tests/cluster.rs runs the same over a real sshd and Slurm.

use std::time::{Duration, Instant};

use crate::harness::{BIN, Test, alive, send_signal};

/// A pool option list that starts workers through `sh` on this machine.
const LOCAL: &str = r#"launcher = ["sh", "-c", "exec \"$@\"", "sh"], program = args()[0]"#;

fn script(body: &str) -> String {
    format!("let where = {{}}\n{}", body.replace("LOCAL", LOCAL))
}

#[test]
fn a_launched_pool_runs_tasks_map_callbacks_and_prints() {
    Test::new()
        .script(&script(
            r#"
            fn sq(x) {
                print(f"square of {x}")
                return x * x
            }
            fn pid() { return getpid() }
            let p = pool(2, LOCAL)
            print(p, p.size)
            let got = []
            let r = apply_async p, sq(7), callback = fn(v) { got.push(v) }
            print(r.get())
            print(p.map(sq, range(5)))
            print(p.starmap(fn(a, b) { return a + b }, [[1, 2], [3, 4]]))
            print(pid() != (apply_async p, pid()).get())
            close p
            join p
            print(got)
            "#,
        ))
        .args(&[BIN])
        .stdout_check(|out| {
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines[0], "<pool 2 workers> 2");
            assert!(lines.contains(&"49"), "{out}");
            assert!(lines.contains(&"[0, 1, 4, 9, 16]"), "{out}");
            assert!(lines.contains(&"[3, 7]"), "{out}");
            assert!(lines.contains(&"true"), "{out}");
            assert_eq!(lines.last(), Some(&"[49]"));
            for i in 0..5 {
                assert!(lines.contains(&format!("square of {i}").as_str()), "{out}");
            }
        })
        .run();
}

#[test]
fn functions_defined_later_closures_and_globals_travel_as_source() {
    Test::new()
        .script(&script(
            r#"
            let p = pool(1, LOCAL)
            let base = 100
            fn later(x) { return x + base }
            let k = 5
            let add_k = fn(x) { return x + k }
            print((apply_async p, later(1)).get(), (apply_async p, add_k(1)).get())
            close p
            join p
            "#,
        ))
        .args(&[BIN])
        .stdout("101 6\n")
        .run();
}

#[test]
fn a_task_error_names_the_launcher_the_task_and_the_line() {
    Test::new()
        .script(&script(
            r#"
            fn bad(x) {
                return x / 0
            }
            let p = pool(1, LOCAL)
            let r = apply_async p, bad(1)
            print(r.get())
            "#,
        ))
        .args(&[BIN])
        .status(1)
        .stderr_contains("division by zero (in bad(1), the worker on launcher `sh -c exec")
        .stderr_contains(":4:24)")
        .stderr_contains("print(r.get())")
        .run();
}

#[test]
fn a_worker_killed_mid_task_fails_that_task_naming_the_launcher_and_the_pool_goes_on() {
    Test::new()
        .script(&script(
            r#"
            let marker = args()[1]
            fn slow_pid(path) {
                fs.write(path, str(getpid()))
                sleep(30)
            }
            fn sq(x) { return x * x }
            let p = pool(1, LOCAL)
            let r = apply_async p, slow_pid(marker)
            while not fs.exists(marker) { sleep(0.05) }
            sleep(0.1)
            run(["kill", "-9", fs.read(marker)])
            try {
                r.get()
            } catch e {
                print("lost:", e)
            }
            print((apply_async p, sq(9)).get())
            close p
            join p
            "#,
        ))
        .args(&[BIN, "marker"])
        .stdout_check(|out| {
            assert!(
                out.contains("lost: the worker on launcher `sh -c exec \"$@\" sh` was lost"),
                "{out}"
            );
            assert!(
                out.contains("was killed by signal 9) while running slow_pid(\"marker\")"),
                "{out}"
            );
            assert!(out.ends_with("81\n"), "{out}");
        })
        .run();
}

#[test]
fn a_retried_task_goes_to_another_worker_when_its_worker_is_lost() {
    Test::new()
        .script(&script(
            r#"
            let marker = args()[1]
            fn once(path) {
                if not fs.exists(path) {
                    fs.write(path, str(getpid()))
                    sleep(30)
                }
                return "done"
            }
            let p = pool(2, LOCAL)
            let r = apply_async p, once(marker), retries = 1
            while not fs.exists(marker) { sleep(0.05) }
            sleep(0.1)
            run(["kill", "-9", fs.read(marker)])
            print(r.get())
            close p
            join p
            "#,
        ))
        .args(&[BIN, "marker"])
        .stdout("done\n")
        .run();
}

#[test]
fn local_handles_are_refused_at_the_line_that_sends_them() {
    for (name, line) in [
        ("queue", "apply_async p, f(queue())"),
        ("lock", "p.map(f, [1, lock()])"),
        ("process", "apply_async p, f(spawn g())"),
    ] {
        Test::new()
            .script(&script(&format!(
                r#"
                fn f(x) {{ return 1 }}
                fn g() {{ }}
                let p = pool(1, LOCAL)
                let r = {line}
                "#
            )))
            .args(&[BIN])
            .status(1)
            .stderr_contains(&format!(
                "a {name} cannot be sent to a worker on another machine"
            ))
            .stderr_contains(line)
            .run();
    }
}

#[test]
fn a_workers_stderr_is_relayed_with_the_place_in_front() {
    Test::new()
        .script(&script(
            r#"
            fn warn(x) {
                eprint(f"warning {x}")
                return x
            }
            let p = pool(1, LOCAL)
            print(p.map(warn, [1, 2]))
            close p
            join p
            "#,
        ))
        .args(&[BIN])
        .stdout("[1, 2]\n")
        .stderr_contains("[sh -c exec \"$@\" sh] warning 1\n")
        .stderr_contains("[sh -c exec \"$@\" sh] warning 2\n")
        .run();
}

#[test]
fn launchers_that_fail_make_pool_fail_with_their_own_message() {
    let cases = [
        (
            r#"pool(2, launcher = ["no-such-launcher-xyz"], program = args()[0])"#,
            "cannot start a worker on launcher `no-such-launcher-xyz`: no-such-launcher-xyz: command not found",
        ),
        (
            r#"pool(2, launcher = ["sh", "-c", "exec \"$@\"", "sh"], program = "/nonexistent/mpscript")"#,
            "the launcher exited with code 127: sh: 1: exec: /nonexistent/mpscript: not found",
        ),
        (
            r#"pool(1, launcher = ["sh", "-c", "echo permission denied >&2; exit 255", "sh"], program = args()[0])"#,
            "the launcher exited with code 255: permission denied",
        ),
        (
            r#"pool(1, launcher = ["sh", "-c", "echo mpscript-worker 1 9.9.9; sleep 5", "sh"], program = args()[0])"#,
            "the far side runs mpscript 9.9.9 (protocol 1), this is mpscript",
        ),
    ];
    for (call, message) in cases {
        Test::new()
            .script(&format!("let p = {call}\nprint(\"not reached\")"))
            .args(&[BIN])
            .status(1)
            .stderr_contains(message)
            .stderr_contains("--> ")
            .run();
    }
}

#[test]
fn a_launcher_that_never_answers_fails_within_the_connect_timeout() {
    let started = Instant::now();
    Test::new()
        .script(
            r#"let p = pool(2, launcher = ["sh", "-c", "echo banner; sleep 30", "sh"], program = "x", connect_timeout = 0.5)"#,
        )
        .status(1)
        .stderr_contains("the worker did not answer within 0.5 seconds: banner")
        .run();
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn pool_options_are_checked() {
    let cases = [
        ("pool(2, hosts = [])", "`hosts` is empty"),
        (
            "pool(2, hosts = \"node1\")",
            "`hosts` must be a list of strs, not a str",
        ),
        (
            "pool(2, hosts = [1])",
            "`hosts` must be a list of strs, not a list holding an int",
        ),
        (
            "pool(2, hosts = [\"-oProxyCommand=x\"])",
            "\"-oProxyCommand=x\" is not a host",
        ),
        (
            "pool(2, hosts = [\"a\"], launcher = [\"b\"])",
            "give one of `hosts`, `launcher` and `slurm`, not several",
        ),
        (
            "pool(2, program = \"x\")",
            "need `hosts`, `launcher` or `slurm`",
        ),
        (
            "pool(2, slurm = [1])",
            "`slurm` must be a map of srun options",
        ),
        (
            "pool(2, launcher = [\"x\"], connect_timeout = -1)",
            "`connect_timeout` must be between 0 and 86400 seconds, got -1",
        ),
        (
            "pool(2, launcher = [\"x\"], colour = 1)",
            "pool() takes no argument named `colour`",
        ),
    ];
    for (call, message) in cases {
        Test::new()
            .script(&format!("let p = {call}"))
            .status(1)
            .stderr_contains(message)
            .run();
    }
}

#[test]
fn the_worker_refuses_another_version_and_a_start_by_hand() {
    Test::new()
        .cli(&["worker"])
        .stdin("mpscript-pool 1 0.0.0-other\n")
        .status(2)
        .stdout_check(|out| assert!(out.starts_with("mpscript-worker 1 "), "{out}"))
        .stderr_contains(
            "mpscript worker: the pool runs mpscript 0.0.0-other (protocol 1), this worker is mpscript",
        )
        .run();
    Test::new()
        .cli(&["worker"])
        .stdin("print(1)\n")
        .status(2)
        .any_stdout()
        .stderr_contains("not by hand")
        .run();
}

#[test]
fn terminate_and_the_end_of_the_script_leave_no_worker_behind() {
    for ending in ["p.terminate()", "exit(3)"] {
        let out = Test::new()
            .script(&script(&format!(
                r#"
                fn pid() {{ return getpid() }}
                fn slow() {{ sleep(2) }}
                let p = pool(2, LOCAL)
                print(p.map(fn(x) {{ return getpid() }}, range(40)))
                apply_async p, slow()
                apply_async p, slow()
                sleep(0.3)
                {ending}
                "#
            )))
            .args(&[BIN])
            .run_unchecked();
        let pids: Vec<i32> = out
            .stdout
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|p| p.parse().ok())
            .collect();
        assert!(!pids.is_empty(), "{out:?}");
        let deadline = Instant::now() + Duration::from_secs(5);
        while pids.iter().any(|&p| alive(p)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        for pid in pids {
            assert!(!alive(pid), "worker {pid} survived `{ending}`: {out:?}");
        }
    }
}

#[test]
fn ctrl_c_stops_every_launched_worker() {
    let running = Test::new()
        .script(&script(
            r#"
            fn pid() { return getpid() }
            fn slow() { sleep(30) }
            let p = pool(2, LOCAL)
            print(p.map(fn(x) { return getpid() }, range(40)))
            apply_async p, slow()
            apply_async p, slow()
            close p
            join p
            "#,
        ))
        .args(&[BIN])
        .start();
    let line = running.line(Duration::from_secs(10));
    let pids: Vec<i32> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|p| p.parse().ok())
        .collect();
    assert!(!pids.is_empty(), "{line}");
    std::thread::sleep(Duration::from_millis(300));
    send_signal("-INT", &running.pid().to_string());
    let (status, _stderr) = running.finish();
    assert_eq!(status, 130);
    let deadline = Instant::now() + Duration::from_secs(5);
    while pids.iter().any(|&p| alive(p)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    for pid in pids {
        assert!(!alive(pid), "worker {pid} survived Ctrl-C");
    }
}

#[test]
fn module_functions_travel_as_source_to_a_worker_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lib")).unwrap();
    std::fs::write(
        dir.path().join("lib/util.mps"),
        "let factor = 3\nfn triple(x) { return factor * x }\n",
    )
    .unwrap();
    // The worker starts in `/`, where lib/util.mps is not: the module's source travels.
    Test::new()
        .in_dir(dir.path())
        .script(
            r#"
            import "lib/util.mps" as util
            let p = pool(1, launcher = ["sh", "-c", "cd / && exec \"$@\"", "sh"], program = args()[0])
            print(p.map(util.triple, [1, 2, 3]))
            print(p.map(fn(x) { return util.triple(x) + 1 }, [1, 2]))
            close p
            join p
            "#,
        )
        .args(&[BIN])
        .stdout("[3, 6, 9]\n[4, 7]\n")
        .run();
}

#[test]
fn a_launched_pool_takes_an_initializer_maxtasksperchild_and_streams_imap() {
    Test::new()
        .script(&script(
            r#"
            let tag = "none"
            fn init(prefix) { tag = f"{prefix}-{getpid()}" }
            let p = pool(2, LOCAL, initializer = init, initargs = ["w"], maxtasksperchild = 2)
            let rows = p.map(fn(x) { return [x, tag, getpid()] }, range(12), chunksize = 1)
            let pids = {}
            let ok = true
            for i in range(12) {
                if rows[i][0] != i or rows[i][1] != f"w-{rows[i][2]}" { ok = false }
                pids[rows[i][2]] = true
            }
            print(ok, len(pids) >= 6, tag)
            print(sum([x for x in p.imap_unordered(fn(x) { return x }, range(100))]))
            print(p.map_async(fn(x) { return x * 2 }, [1, 2]).get())
            close p
            join p
            let bad = pool(1, LOCAL, initializer = fn() { throw "no" })
            try { bad.apply(str, 1) } catch e { print(e.startswith("the pool's initializer failed in the worker on launcher")) }
            "#,
        ))
        .args(&[BIN])
        .stdout("true true none\n4950\n[2, 4]\ntrue\n")
        .run();
}

#[test]
fn a_global_holding_a_local_handle_is_absent_on_the_far_side() {
    Test::new()
        .script(&script(
            r#"
            let q = queue()
            fn f(x) { return type(q) }
            let p = pool(1, LOCAL)
            print((apply_async p, f(1)).get())
            "#,
        ))
        .args(&[BIN])
        .status(1)
        .stderr_contains("undefined name `q` (in f(1), the worker on launcher `sh -c exec")
        .run();
}
