//! Pools: real workers, under both start methods.

use crate::harness::{Test, both};

#[test]
fn results_in_submission_order() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn sq(x) {
                    sleep(random() * 0.05)
                    return x * x
                }
                let p = pool(4)
                let results = []
                for i in range(8) {
                    results.push(apply_async p, sq(i))
                }
                close p
                join p
                for r in results { print(r.get(), end = " ") }
                print()
                print(p, p.size, type(results[0]))
                "#,
            )
            .stdout("0 1 4 9 16 25 36 49 \n<pool 4 workers> 4 result\n")
    });
}

#[test]
fn tasks_run_in_worker_processes() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn where() { return [getpid(), getppid()] }
                let p = pool(2)
                let r = apply_async p, where()
                let info = r.get()
                print(info[0] != getpid(), info[1] == getpid())
                close p
                join p
                "#,
            )
            .stdout("true true\n")
    });
}

#[test]
fn callbacks_run_in_parent_before_join_returns() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn work(x) {
                    if x == 3 { throw f"bad {x}" }
                    return x * 10
                }
                let got = []
                let errors = []
                let parent = getpid()
                fn on_ok(v) { got.push([v, getpid() == parent]) }
                fn on_err(e) { errors.push(e) }
                let p = pool(2)
                for i in range(5) {
                    apply_async p, work(i), callback = on_ok, error_callback = on_err
                }
                close p
                join p
                print(sorted(got))
                print(len(errors), errors[0].startswith("bad 3 (in work(3), worker "))
                "#,
            )
            .stdout("[[0, true], [10, true], [20, true], [40, true]]\n1 true\n")
    });
}

#[test]
fn remote_error_names_worker_and_location() {
    let out = Test::new()
        .script(
            r#"
            fn divide(a, b) {
                return a / b
            }
            let p = pool(1)
            let r = apply_async p, divide(1, 0)
            try {
                r.get()
            } catch e {
                print(e)
            }
            print(r.ready(), r.successful())
            close p
            join p
            "#,
        )
        .any_stdout()
        .run();
    let first = out.stdout.lines().next().unwrap();
    assert!(
        first.starts_with("division by zero (in divide(1, 0), worker "),
        "{first}"
    );
    assert!(first.ends_with(", at script.mps:2:12)"), "{first}");
    assert!(out.stdout.ends_with("true false\n"), "{}", out.stdout);
}

#[test]
fn get_raises_at_the_call_site() {
    Test::new()
        .script("fn f() { throw \"nope\" }\nlet p = pool(1)\nlet r = apply_async p, f()\nr.get()\n")
        .stderr_contains("error: nope (in f(), worker ")
        .stderr_contains("--> script.mps:4:1")
        .status(1)
        .run();
}

#[test]
fn unobserved_errors_are_reported_by_join() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn fail(x) { return x + "s" }
                fn fine(x) { return x }
                let p = pool(2)
                apply_async p, fail(1)
                let seen = apply_async p, fail(2)
                apply_async p, fine(3)
                close p
                join p
                print("joined")
                try { seen.get() } catch e { print("read it") }
                "#,
            )
            .stdout("joined\nread it\n")
            .stderr_contains(
                "error in pool task fail(1): unsupported operand types for `+`: int and str",
            )
            .stderr_contains("at script.mps:1:21)")
    });
}

#[test]
fn get_with_timeout() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn slow() { sleep(2); return 1 }
                let p = pool(1)
                let r = apply_async p, slow()
                try { r.get(0.1) } catch e { print(e) }
                print(r.ready(), r.wait(0.05))
                p.terminate()
                try { r.get() } catch e { print(e) }
                "#,
            )
            .stdout(
                "timed out waiting for the result of slow()\nfalse false\nthe pool was terminated before slow() finished\n",
            )
    });
}

#[test]
fn functions_defined_after_the_pool_and_closures() {
    both(|| {
        Test::new()
            .script(
                r#"
                let p = pool(2)
                let offset = 100
                fn late(x) { return x + offset + helper() }
                fn helper() { return 1000 }
                let scale = 3
                let times = fn (x) { return x * scale }
                fn make(n) { return fn (x) { return x - n } }
                print(apply_async(p, late(1)).get())
                print(p.apply(times, 5), p.apply(make(10), 15))
                print(p.map(fn (x) { return x * offset }, [1, 2, 3]))
                close p
                join p
                "#,
            )
            .stdout("1101\n15 5\n[100, 200, 300]\n")
    });
}

/// A local function that calls its sibling, sent to a pool started before either existed: the
/// sibling travels with it, and so does a global only the sibling uses.
#[test]
fn local_mutually_recursive_functions_run_in_workers() {
    both(|| {
        Test::new()
            .script(
                r#"
                let p = pool(2)
                print(apply_async(p, len([1])).get())
                let suffix = "!"
                fn outer() {
                    fn ev(k) { if k == 0 { return "even" } return od(k - 1) }
                    fn od(k) { if k == 0 { return "odd" + suffix } return ev(k - 1) }
                    return ev
                }
                let ev = outer()
                print(apply_async(p, ev(3)).get(), apply_async(p, ev(4)).get())
                print(p.map(ev, [1, 2]))
                close p
                join p
                "#,
            )
            .stdout("1\nodd! even\n[\"odd!\", \"even\"]\n")
    });
}

#[test]
fn map_starmap_apply() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn sq(x) { return x * x }
                fn add(a, b) { return a + b }
                let p = pool(2)
                print(p.map(sq, range(10)))
                print(p.starmap(add, [[1, 2], [3, 4], ["a", "b"]]))
                print(p.apply(add, 20, 22), p.map(sq, []))
                print(sum(p.map(sq, range(1000), chunksize = 7)))
                try { p.map(sq, [1, "x", 3]) } catch e { print(e.startswith("unsupported operand types for `*`")) }
                try { p.map(sq, [1, 2, 3, 4, 5, 6, 7, 8, 9, "ten"], chunksize = 3) } catch e { print(", item 9, worker " in e) }
                close p
                join p
                "#,
            )
            .stdout("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n[3, 7, \"ab\"]\n42 []\n332833500\ntrue\ntrue\n")
    });
}

#[test]
fn unsendable_handles_fail_in_the_sender() {
    Test::new()
        .script("fn f(x) { return x }\nlet p = pool(1)\nlet r = apply_async p, f(p)\n")
        .stderr_contains("error: a pool cannot be sent to another process\n --> script.mps:3:9")
        .status(1)
        .run();
}

#[test]
fn apply_after_close_and_join_before_close() {
    Test::new()
        .script("fn f() {}\nlet p = pool(1)\njoin p\n")
        .stderr_contains("cannot join a pool that is still open")
        .status(1)
        .run();
    Test::new()
        .script("fn f() {}\nlet p = pool(1)\nclose p\napply_async p, f()\n")
        .stderr_contains("the pool is closed")
        .stderr_contains("script.mps:4:1")
        .status(1)
        .run();
}

#[test]
fn bad_pool_sizes() {
    Test::new()
        .script("pool(0)")
        .stderr_contains("pool() needs between 1 and 1024 workers, got 0")
        .status(1)
        .run();
    Test::new()
        .script("pool(\"2\")")
        .stderr_contains("pool() needs an int number of workers, not str")
        .status(1)
        .run();
}

#[test]
fn default_pool_size_is_cpu_count() {
    Test::new()
        .script("let p = pool()\nprint(p.size == cpu_count())\nclose p\njoin p")
        .stdout("true\n")
        .run();
}

fn killed_worker(method: &[&str]) {
    let script = r#"
        fn long() {
            print(f"victim {getpid()}")
            sleep(30)
            return 1
        }
        fn normal(x) { return x * 2 }
        let p = pool(2)
        let doomed = apply_async p, long()
        let rs = []
        for i in range(20) { rs.push(apply_async p, normal(i)) }
        let total = 0
        for r in rs { total += r.get() }
        print(f"others {total}")
        try { doomed.get() } catch e { print(e) }
        let s = 0
        for i in range(4) { s += apply_async(p, normal(i)).get() }
        print(f"after {s}")
        close p
        join p
        print("end")
    "#;
    let mut args = vec!["run"];
    args.extend_from_slice(method);
    let mut run = Test::new().script(script).cli(&args).start();
    let rx = run.lines();
    let recv = || {
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .expect("output")
    };
    let mut lines = Vec::new();
    let victim: i32 = loop {
        let line = recv();
        if let Some(pid) = line.strip_prefix("victim ") {
            break pid.parse().unwrap();
        }
        lines.push(line);
    };
    crate::harness::send_signal("-9", &victim.to_string());
    loop {
        let line = recv();
        let end = line == "end";
        lines.push(line);
        if end {
            break;
        }
    }
    assert!(run.wait().success());
    assert_eq!(
        lines,
        vec![
            "others 380".to_string(),
            format!("worker {victim} died (signal 9) while running long()"),
            "after 12".to_string(),
            "end".to_string(),
        ]
    );
}

#[test]
fn worker_killed_mid_task_fails_only_that_task() {
    killed_worker(&[]);
    killed_worker(&["--start-method", "spawn"]);
}

#[test]
fn task_calling_exit_fails_that_task_and_worker_is_replaced() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn quit(code) { exit(code) }
                fn ok(x) { return x }
                let p = pool(1)
                let r = apply_async p, quit(3)
                let rest = []
                for i in range(5) { rest.push(apply_async p, ok(i)) }
                try { r.get() } catch e { print(e.startswith("worker "), e.endswith(" died (exit code 3) while running quit(3)")) }
                let total = 0
                for x in rest { total += x.get() }
                print(total)
                close p
                join p
                "#,
            )
            .stdout("true true\n10\n")
    });
}

#[test]
fn task_timeout_kills_and_replaces_the_worker() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn nap(t) { sleep(t); return t }
                let p = pool(1)
                let slow = apply_async p, nap(30), timeout = 0.3
                let quick = apply_async p, nap(0), timeout = 5
                try { slow.get() } catch e { print(e) }
                print(quick.get())
                close p
                join p
                "#,
            )
            .stdout("nap(30) timed out after 0.3 seconds\n0\n")
    });
}

#[test]
fn retries_rerun_failed_and_lost_tasks() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn whoami() { return getpid() }
                # Dies in the first worker; succeeds in its replacement.
                fn flaky(first) {
                    if getpid() == first { exit(1) }
                    return "ok on retry"
                }
                fn always_fails() { throw "still failing" }
                let p = pool(1)
                let first = apply_async(p, whoami()).get()
                print(apply_async(p, flaky(first), retries = 1).get())
                let r = apply_async p, always_fails(), retries = 2
                try { r.get() } catch e { print(e) }
                close p
                join p
                "#,
            )
            .stdout_contains("ok on retry\nstill failing (in always_fails(), worker ")
    });
}

#[test]
fn twenty_thousand_tasks_sum() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn sq(x) { return x * x }
                let p = pool(2)
                let rs = []
                for i in range(20000) { rs.push(apply_async p, sq(i)) }
                close p
                join p
                let total = 0
                for r in rs { total += r.get() }
                print(total)
                "#,
            )
            .stdout("2666466670000\n")
    });
}

#[test]
fn ctrl_c_during_join_ends_workers() {
    for method in [&[][..], &["--start-method", "spawn"][..]] {
        let script = r#"
            fn nap(i) { print(f"worker {getpid()}"); sleep(60) }
            let p = pool(2)
            apply_async p, nap(1)
            apply_async p, nap(2)
            close p
            join p
        "#;
        let mut args = vec!["run"];
        args.extend_from_slice(method);
        let mut run = Test::new().script(script).cli(&args).start();
        let rx = run.lines();
        let mut pids = Vec::new();
        for _ in 0..2 {
            let line = rx.recv_timeout(std::time::Duration::from_secs(20)).unwrap();
            pids.push(
                line.strip_prefix("worker ")
                    .unwrap()
                    .parse::<i32>()
                    .unwrap(),
            );
        }
        crate::harness::send_signal("-INT", &run.pid().to_string());
        let status = run.wait();
        assert_eq!(status.code(), Some(130));
        assert!(
            crate::harness::wait_gone(&pids, std::time::Duration::from_secs(2)),
            "workers left: {pids:?}"
        );
    }
}

#[test]
fn join_lets_workers_exit_on_their_own() {
    // Workers leave when the parent closes their links; none may need killing, also when
    // several pools were started one after another (each fork inherits earlier links).
    both(|| {
        Test::new()
            .script(
                r#"
                fn one() { return 1 }
                for i in range(3) {
                    let p = pool(3)
                    apply_async p, one()
                    close p
                    join p
                }
                print("done")
                "#,
            )
            .stdout("done\n")
    });
}

/// Runs a script with stdout and stderr on a pseudo-terminal (via `script`), returning what
/// the terminal showed.
fn on_terminal(script: &str, extra: &str) -> String {
    let mut cli = vec!["run"];
    if !extra.is_empty() {
        cli.push(extra);
    }
    Test::new()
        .script(script)
        .cli(&cli)
        .wrapped("script", &["-qfec", "{mpscript}", "/dev/null"])
        .any_stdout()
        .any_stderr()
        .run()
        .stdout
}

const SLOW_POOL: &str = r#"
    fn nap(i) { sleep(0.6); return i }
    let p = pool(2)
    for i in range(6) { apply_async p, nap(i) }
    close p
    join p
    print("joined")
"#;

#[test]
fn progress_bar_on_a_terminal_only() {
    // On a terminal, a join that waits over a second shows done/total.
    let shown = on_terminal(SLOW_POOL, "");
    assert!(shown.contains("/6 tasks"), "no progress bar in {shown:?}");
    assert!(shown.contains("joined"), "{shown:?}");
    // --no-progress turns it off; and with stderr not a terminal it never shows.
    let quiet = on_terminal(SLOW_POOL, "--no-progress");
    assert!(!quiet.contains("tasks"), "{quiet:?}");
    Test::new().script(SLOW_POOL).stdout("joined\n").run();
}

#[test]
fn an_item_that_cannot_be_sent_fails_its_task_and_the_pool_goes_on() {
    // The tasks taken off the queue with the one that cannot be encoded are run (or failed),
    // never lost: later tasks work and `join` returns. A list that gets a pool after
    // `apply_async` (the task still queued behind a busy worker) fails only that task.
    both(|| {
        Test::new()
            .script(
                r#"
                fn f(x) { return x }
                fn nap(t) { sleep(t); return t }
                let p = pool(2)
                let other = pool(1)
                try { p.map(f, [1, 2, other, 4]) } catch e { print("map:", e) }
                try { p.map(f, [1, 2, other, 4], chunksize = 4) } catch e { print("map:", e) }
                print(p.apply(f, 5), p.map(f, [1, 2, 3]))
                let one = pool(1)
                let busy = apply_async one, nap(0.3)
                let xs = []
                let r = apply_async one, f(xs)
                xs.push(other)
                try { r.get() } catch e { print("apply_async:", e) }
                print(busy.get(), one.apply(f, 6))
                close p
                join p
                close one
                join one
                print("joined")
                "#,
            )
            .stdout(
                "map: a pool cannot be sent to another process (in f(...) over 1 items, item 2)\n\
                 map: a pool cannot be sent to another process (in f(...) over 4 items, item 2)\n\
                 5 [1, 2, 3]\n\
                 apply_async: a pool cannot be sent to another process (in f([]))\n\
                 0.3 6\n\
                 joined\n",
            )
    });
}

#[test]
fn a_pool_used_by_another_process_is_a_clear_error() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn sq(x) { return x * x }
                let p = pool(1)
                let r = apply_async p, sq(9)
                fn child() {
                    for op in ["map", "apply", "apply_async", "close", "join", "terminate", "get"] {
                        try {
                            if op == "map" { p.map(sq, [1]) }
                            if op == "apply" { p.apply(sq, 2) }
                            if op == "apply_async" { apply_async p, sq(3) }
                            if op == "close" { close p }
                            if op == "join" { join p }
                            if op == "terminate" { p.terminate() }
                            if op == "get" { r.get() }
                            print(op, "worked")
                        } catch e { print(op + ":", e) }
                    }
                    print(p)
                    p.map(sq, [1])
                }
                let c = spawn child()
                join c
                print(c.exitcode)
                fn task() { return p.apply(sq, 4) }
                try { p.apply(task) } catch e { print("task:", e.split(" (in ")[0]) }
                print(p.map(sq, [1, 2]), r.get())
                close p
                join p
                "#,
            )
            .stdout(
                "map: a pool can only be used by the process that created it\n\
                 apply: a pool can only be used by the process that created it\n\
                 apply_async: a pool can only be used by the process that created it\n\
                 close: a pool can only be used by the process that created it\n\
                 join: a pool can only be used by the process that created it\n\
                 terminate: a pool can only be used by the process that created it\n\
                 get: a pool can only be used by the process that created it\n\
                 <pool 1 workers>\n\
                 1\n\
                 task: a pool can only be used by the process that created it\n\
                 [1, 4] 81\n",
            )
            .stderr_contains("error in process")
            .stderr_contains("a pool can only be used by the process that created it")
            .stderr_contains("--> script.mps:18:5")
    });
}

#[test]
fn a_pool_never_joined_finishes_its_tasks_at_the_end() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn sq(x) { sleep(0.01); return x * x }
                fn bad(x) { return x / 0 }
                let got = []
                fn keep(v) {
                    got.push(v)
                    if len(got) == 20 { print("all", sum(got)) }
                }
                let p = pool(2)
                for i in range(20) { apply_async p, sq(i), callback = keep }
                apply_async p, bad(1)
                fn in_child() {
                    let q = pool(2)
                    for i in range(3) { apply_async q, sq(i), callback = fn (v) { print("child got", v) } }
                }
                join spawn in_child()
                fn dropped() {
                    let q = pool(1)
                    apply_async q, sq(7), callback = fn (v) { print("dropped pool got", v) }
                }
                dropped()
                print("end of script")
                "#,
            )
            .stdout_lines_in_any_order(&[
                "all 2470",
                "child got 0",
                "child got 1",
                "child got 4",
                "dropped pool got 49",
                "end of script",
            ])
            .stderr_contains("error in pool task bad(1): division by zero")
    });
}

#[test]
fn a_child_that_fails_still_finishes_the_pools_it_left() {
    // Its error is reported first, then its pool's queued tasks run, as at the top level; the
    // child's exit code stays that of its error.
    both(|| {
        Test::new()
            .script(
                r#"
                fn sq(x) { sleep(0.01); print("done", x); return x * x }
                fn child() {
                    let q = pool(2)
                    for i in range(4) { apply_async q, sq(i) }
                    print(1 / 0)
                }
                let c = spawn child()
                join c
                print("exitcode", c.exitcode)
                "#,
            )
            .stdout_lines_in_any_order(&["done 0", "done 1", "done 2", "done 3", "exitcode 1"])
            .stderr_contains("division by zero")
    });
}

#[test]
fn a_negative_timeout_on_a_result_means_zero() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn nap(t) { sleep(t); return t }
                let p = pool(1)
                let r = apply_async p, nap(0.5)
                print(r.wait(-1))
                try { r.get(-1) } catch e { print(e) }
                print(r.get(), r.wait(-2), r.get(-1.5))
                close p
                join p
                "#,
            )
            .stdout("false\ntimed out waiting for the result of nap(0.5)\n0.5 true 0.5\n")
    });
}
