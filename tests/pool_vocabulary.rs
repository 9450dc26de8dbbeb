//! The rest of Python's Pool vocabulary: `imap` and `imap_unordered` (streamed, bounded
//! memory), `map_async` and `starmap_async`, `initializer`/`initargs`, `maxtasksperchild`,
//! `with pool(n) as p { }`, and the progress bar of `map`; under both start methods, with the
//! failure paths (a task that raises, a worker killed, an initializer that raises, an error
//! in a `with` block).

use std::time::Duration;

use crate::harness::{Output, Test, both};

/// Runs a test under both start methods and hands each output to `check`.
fn both_checked(test: impl Fn() -> Test, check: impl Fn(&Output)) {
    check(&test().run());
    check(&test().spawn_method().run());
}

/// Whether a process is alive, from inside a script: `alive(pid)`.
const ALIVE: &str = r#"
fn alive(pid) {
    let c = run(["sh", "-c", f"kill -0 {pid} 2>/dev/null && echo yes || echo no"], capture = true)
    return c.stdout.strip() == "yes"
}
"#;

/// `worker 1234` as `worker PID`.
fn normalized(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("worker ") {
        out.push_str(&rest[..i + 7]);
        rest = &rest[i + 7..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            out.push_str("PID");
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn imap_yields_in_order_and_imap_unordered_in_completion_order() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn sq(x) {
                    sleep(random() * 0.02)
                    return x * x
                }
                let p = pool(3)
                for y in p.imap(sq, range(10)) { print(y, end = " ") }
                print()
                # Item 0 waits until the loop has seen the five others: it must come last.
                let q = queue()
                fn held(x) {
                    if x == 0 { q.get() }
                    return x
                }
                let got = []
                for x in p.imap_unordered(held, range(6), chunksize = 1) {
                    got.push(x)
                    if len(got) == 5 { q.put("go") }
                }
                print(got[5], sorted(got))
                # In a comprehension, with a chunk size, and over nothing.
                print([y for y in p.imap(sq, [1, 2, 3], chunksize = 2)])
                print([y for y in p.imap_unordered(sq, [])])
                let it = p.imap(sq, [1, 2, 3])
                print(it, type(it))
                close p
                join p
                "#,
            )
            .stdout(
                "0 1 4 9 16 25 36 49 64 81 \n0 [0, 1, 2, 3, 4, 5]\n[1, 4, 9]\n[]\n\
                 <imap sq over 3 items> imap\n",
            )
    });
}

#[test]
fn an_imap_error_raises_at_the_item_that_failed_after_the_items_before_it() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn bad(x) {
                    if x == 6 { throw f"no {x}" }
                    return x
                }
                let p = pool(2)
                let seen = []
                try {
                    for x in p.imap(bad, range(10), chunksize = 4) { seen.push(x) }
                } catch e { print(e) }
                print(seen)
                # The pool goes on; an iterator left at an error can be walked on.
                let it = p.imap(bad, range(8), chunksize = 1)
                let got = []
                for i in range(3) {
                    try { for x in it { got.push(x) } } catch e { got.push("error") }
                }
                print(got)
                close p
                join p
                "#,
            )
            .stdout_check(|out| {
                assert_eq!(
                    normalized(out),
                    "no 6 (in bad(...) over items 4 to 7, item 6, worker PID, at script.mps:2:17)\n\
                     [0, 1, 2, 3, 4, 5]\n[0, 1, 2, 3, 4, 5, \"error\", 7]\n"
                )
            })
    });
}

#[test]
fn imap_refuses_bad_arguments_at_the_call() {
    both(|| {
        Test::new()
            .script(
                r#"
                let p = pool(1)
                for bad in [fn() { p.imap(5, [1]) }, fn() { p.imap(print, 3) },
                            fn() { p.imap_unordered(print, [1], chunksize = 0) },
                            fn() { p.imap(print) }, fn() { p.map_async(print, [1], colour = 1) }] {
                    try { bad() } catch e { print(e) }
                }
                close p
                join p
                for x in p.imap(str, [1]) { print(x) }
                "#,
            )
            .status(1)
            .stdout(
                "a pool task needs a function, but an int was given\n\
                 pool.imap() needs a list of items, not int\n\
                 pool.imap_unordered: bad option `chunksize = 0` (it has: chunksize, an int >= 1)\n\
                 pool.imap() takes 2 arguments but 1 was given (a function and a list)\n\
                 pool.map_async: bad option `colour = 1` (it has: chunksize, an int >= 1; callback; error_callback)\n",
            )
            .stderr_contains("the pool was joined: its workers are gone")
            .stderr_contains("script.mps:9:10")
    });
}

#[test]
fn imap_over_a_million_items_keeps_memory_flat() {
    // Materializing the million 100-byte results (as `map` does) grows the peak RSS by about
    // 175 MB; streaming them through `imap` adds only the list of the million items (16 MB).
    both(|| {
        Test::new()
            .script(
                r#"
                fn peak() {
                    for line in fs.read("/proc/self/status").split("\n") {
                        if line.startswith("VmHWM:") { return int(line.split()[1]) }
                    }
                }
                fn pad(x) { return "x" * 100 }
                let p = pool(2)
                let before = peak()
                let n = 0
                for s in p.imap(pad, range(1000000)) { n += len(s) }
                let grown = peak() - before
                print(n, grown < 60000 or grown)
                close p
                join p
                "#,
            )
            .timeout(Duration::from_secs(400))
            .stdout("100000000 true\n")
    });
}

#[test]
fn a_worker_killed_during_imap_fails_its_item_and_the_loop_can_go_on() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn die_at_3(x) {
                    if x == 3 { run(["kill", "-9", str(getpid())]) }
                    return x
                }
                let p = pool(2)
                let it = p.imap(die_at_3, range(8), chunksize = 1)
                let got = []
                let error = ""
                while true {
                    try {
                        for x in it { got.push(x) }
                        break
                    } catch e { error = e }
                }
                print(got)
                print(error.startswith("worker "), error.endswith(" died (signal 9) while running die_at_3(3)"))
                print(p.map(fn(x) { return x + 1 }, [1, 2]))
                close p
                join p
                "#,
            )
            .stdout("[0, 1, 2, 4, 5, 6, 7]\ntrue true\n[2, 3]\n")
    });
}

#[test]
fn leaving_an_imap_loop_early_leaves_the_rest_unrun() {
    both(|| {
        Test::new()
            .script(
                r#"
                let p = pool(2)
                let count = 0
                for x in p.imap(fn(x) { return x }, range(100000), chunksize = 1) {
                    count += 1
                    if x == 2 { break }
                }
                print(count)
                close p
                join p
                "#,
            )
            .stdout("3\n")
            .stderr("")
    });
}

#[test]
fn map_async_and_starmap_async_give_one_result_with_callbacks() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn sq(x) { return x * x }
                fn bad(x) {
                    if x == 5 { throw "five" }
                    return x
                }
                let p = pool(2)
                let seen = []
                let r = p.map_async(sq, range(10), chunksize = 3, callback = fn(v) { seen.push(v) })
                print(r.get(), r.ready(), r.successful(), r.wait(1))
                let s = p.starmap_async(fn(a, b) { return a * b }, [[2, 3], [4, 5]])
                print(s.get(5), type(s))
                let errors = []
                let b = p.map_async(bad, range(10), chunksize = 1, error_callback = fn(e) { errors.push(e) })
                b.wait()
                print(b.ready(), b.successful())
                try { b.get() } catch e { print(e) }
                let empty = p.map_async(sq, [], callback = fn(v) { seen.push(v) })
                print(empty.get())
                let slow = p.map_async(fn(x) { sleep(30) }, [1])
                try { slow.get(0.1) } catch e { print(e) }
                p.terminate()
                try { slow.get() } catch e { print(e) }
                print(seen, len(errors), errors[0].startswith("five (in bad(...) over 1 items, item 5, worker "))
                "#,
            )
            .stdout_check(|out| {
                assert_eq!(
                    normalized(out),
                    "[0, 1, 4, 9, 16, 25, 36, 49, 64, 81] true true true\n[6, 20] result\n\
                     true false\nfive (in bad(...) over 1 items, item 5, worker PID, at script.mps:3:17)\n[]\n\
                     timed out waiting for the result of <anonymous>(...) over 1 items\n\
                     the pool was terminated before <anonymous>(...) over 1 items finished\n\
                     [[0, 1, 4, 9, 16, 25, 36, 49, 64, 81], []] 1 true\n"
                )
            })
    });
}

#[test]
fn an_unread_map_async_error_is_reported_by_join_once() {
    both_checked(
        || {
            Test::new()
                .script(
                    r#"
                let p = pool(2)
                let r = p.map_async(fn(x) { return 1 / x }, [1, 0, 0, 0], chunksize = 1)
                close p
                join p
                print("joined")
                "#,
                )
                .stdout("joined\n")
                .any_stderr()
        },
        |out| {
            assert_eq!(
                out.stderr.matches("division by zero").count(),
                1,
                "{}",
                out.stderr
            )
        },
    );
}

#[test]
fn the_initializer_sets_worker_globals_that_tasks_keep() {
    both(|| {
        Test::new()
            .script(
                r#"
                let conn = "parent"
                let base = 1
                fn init(prefix) { conn = f"{prefix}-{getpid()}" }
                fn work(x) { return [conn, getpid(), base + x] }
                let p = pool(2, initializer = init, initargs = ["db"])
                fn check(rows) {
                    for r in rows {
                        if r[0] != f"db-{r[1]}" { return f"bad {r}" }
                    }
                    return "ok"
                }
                let first = p.map(work, range(20), chunksize = 1)
                base = 100
                let second = p.map(work, range(20), chunksize = 1)
                # Other globals are the parent's as of submission.
                print(check(first), check(second), first[0][2], second[0][2], conn)
                close p
                join p
                "#,
            )
            .stdout("ok ok 1 100 parent\n")
    });
}

#[test]
fn a_replacement_worker_runs_the_initializer_again() {
    both(|| {
        Test::new()
            .script(
                r#"
                let tag = "none"
                fn init() { tag = f"init-{getpid()}" }
                fn work(x) { return [tag, getpid()] }
                fn die(x) { run(["kill", "-9", str(getpid())]) }
                let p = pool(1, initializer = init)
                let old = p.apply(work, 0)
                try { p.apply(die, 1) } catch e { print(e.endswith("died (signal 9) while running die(1)")) }
                let new = p.apply(work, 0)
                print(old[1] != new[1], old[0] == f"init-{old[1]}", new[0] == f"init-{new[1]}")
                close p
                join p
                "#,
            )
            .stdout("true\ntrue true true\n")
    });
}

#[test]
fn an_initializer_that_raises_fails_the_tasks_with_its_error_and_never_hangs() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn init(x) { throw f"cannot connect to {x}" }
                let p = pool(2, initializer = init, initargs = ["db"])
                try { print(p.map(str, range(10))) } catch e { print(e) }
                try { p.apply(str, 1) } catch e { print(e) }
                for x in [1] {
                    try { for y in p.imap(str, [1, 2]) { print(y) } } catch e { print("imap:", e) }
                }
                close p
                join p
                print("joined")
                "#,
            )
            .stdout_check(|out| {
                let lines: Vec<&str> = out.lines().collect();
                assert_eq!(lines.len(), 4, "{out}");
                let failed = "the pool's initializer failed in worker ";
                assert!(lines[0].starts_with(failed), "{out}");
                assert!(
                    lines[0].contains(": cannot connect to db, at script.mps:1:14"),
                    "{out}"
                );
                assert!(lines[1].starts_with(failed), "{out}");
                assert!(lines[2].starts_with(&format!("imap: {failed}")), "{out}");
                assert_eq!(lines[3], "joined");
            })
            .stderr("")
    });
}

#[test]
fn an_unread_initializer_error_is_reported_by_join_once() {
    both_checked(
        || {
            Test::new()
                .script(
                    r#"
                let p = pool(2, initializer = fn() { throw "boom" })
                for i in range(5) { apply_async p, str(i) }
                close p
                join p
                print("joined")
                "#,
                )
                .stdout("joined\n")
                .any_stderr()
        },
        |out| {
            let failed = "the pool's initializer failed in worker ";
            assert_eq!(out.stderr.matches(failed).count(), 1, "{}", out.stderr);
        },
    );
}

#[test]
fn maxtasksperchild_replaces_workers_and_loses_no_task() {
    both(|| {
        Test::new()
            .script(
                r#"
                # Every worker, the replacements too, ran the initializer.
                let tag = "none"
                fn init() { tag = f"init-{getpid()}" }
                let p = pool(2, maxtasksperchild = 3, initializer = init)
                let rows = p.map(fn(x) { return [x, getpid(), tag] }, range(30), chunksize = 1)
                let pids = {}
                let ok = true
                for i in range(30) {
                    if rows[i][0] != i or rows[i][2] != f"init-{rows[i][1]}" { ok = false }
                    pids[rows[i][1]] = true
                }
                print(ok, len(pids) >= 10)
                # Batches and streams too: every item once.
                print(sum(p.map(fn(x) { return x }, range(1000))))
                print(sum([x for x in p.imap_unordered(fn(x) { return x }, range(1000), chunksize = 7)]))
                let rs = []
                for i in range(20) { rs.push(apply_async p, getpid()) }
                let more = {}
                for r in rs { more[r.get()] = true }
                print(len(more) >= 7)
                close p
                join p
                "#,
            )
            .stdout("true true\n499500\n499500\ntrue\n")
    });
}

#[test]
fn pool_options_are_checked_at_the_call() {
    both(|| {
        Test::new()
            .script(
                r#"
                for make in [fn() { pool(1, initializer = 5) }, fn() { pool(1, initializer = print, initargs = 3) },
                             fn() { pool(1, initargs = [1]) }, fn() { pool(1, maxtasksperchild = 0) },
                             fn() { pool(1, initializer = print, initargs = [lock()], hosts = ["x"]) }] {
                    try { make() } catch e { print(e) }
                }
                "#,
            )
            .stdout_check(|out| {
                let lines: Vec<&str> = out.lines().collect();
                assert_eq!(lines[0], "pool(): `initializer` must be a function, not an int");
                assert_eq!(lines[1], "pool(): `initargs` must be a list of arguments, not an int");
                assert_eq!(lines[2], "pool(): `initargs` without an `initializer` (give both)");
                assert_eq!(lines[3], "pool(): `maxtasksperchild` must be an int >= 1, not 0");
                assert!(
                    lines[4].starts_with("pool(): the initializer cannot reach the workers: "),
                    "{out}"
                );
            })
    });
}

#[test]
fn with_pool_closes_and_joins_at_the_end_keeping_queued_work() {
    both(|| {
        Test::new()
            .script(&format!(
                "{ALIVE}{}",
                r#"
                let done = []
                let pids = []
                with pool(2) as p {
                    for i in range(6) {
                        apply_async p, fn() { sleep(0.05); return i }(), callback = fn(v) { done.push(v) }
                    }
                    pids = p.map(fn(x) { return getpid() }, range(8), chunksize = 1)
                }
                print(sorted(done), p)
                for pid in pids { if alive(pid) { print("alive", pid) } }
                try { p.map(str, [1]) } catch e { print(e) }
                "#
            ))
            .stdout("[0, 1, 2, 3, 4, 5] <pool 2 workers>\nthe pool is closed: no more tasks can be added\n")
    });
}

#[test]
fn with_pool_terminates_on_an_error_and_the_error_goes_on() {
    both(|| {
        Test::new()
            .script(&format!(
                "{ALIVE}{}",
                r#"
                let pids = []
                let slow = nil
                try {
                    with pool(2) as p {
                        pids = p.map(fn(x) { return getpid() }, range(8), chunksize = 1)
                        slow = apply_async p, sleep(30)
                        throw "inside"
                    }
                } catch e { print("caught", e) }
                for pid in pids { if alive(pid) { print("alive", pid) } }
                try { slow.get() } catch e { print(e) }
                with pool(1) as q {
                    print(q.map(str, [1]))
                    let x = 1 / 0
                }
                "#
            ))
            .status(1)
            .stdout("caught inside\nthe pool was terminated before sleep(30) finished\n[\"1\"]\n")
            .stderr_contains("division by zero")
            .stderr_contains(":19:29")
    });
}

#[test]
fn with_as_binds_a_lock_too() {
    both(|| {
        Test::new()
            .script(
                r#"
                let l = lock()
                with l as held { print(type(held), held == l) }
                with lock() as fresh { print(type(fresh)) }
                print(type(fresh))
                "#,
            )
            .stdout("lock true\nlock\nlock\n")
    });
}

#[test]
fn map_and_imap_draw_a_progress_bar_with_a_rate_on_a_terminal() {
    use expectrl::Expect;
    let (command, _dir) = Test::new()
        .script(
            r#"
            let p = pool(1)
            let r = p.map(fn(x) { sleep(0.3); return x }, range(8), chunksize = 1)
            print("finished", len(r))
            let n = 0
            for y in p.imap(fn(x) { sleep(0.3); return x }, range(8), chunksize = 1) { n += 1 }
            print("streamed", n)
            "#,
        )
        .cli(&["run"])
        .command();
    let mut session = expectrl::Session::spawn(command).expect("start mpscript in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(30)));
    let bar = session
        .expect(expectrl::Regex(
            r"[1-8]/8 items, 0 failed, [0-9.]+/s eta [0-9]+s",
        ))
        .expect("a progress bar with N/8 items, a rate and an ETA");
    let seen = String::from_utf8_lossy(bar.before()).into_owned();
    assert!(
        !seen.contains("finished"),
        "the bar came after the end: {seen}"
    );
    session.expect("finished 8").expect("the map's line");
    let bar = session
        .expect(expectrl::Regex(
            r"[1-8]/8 items, 0 failed, [0-9.]+/s eta [0-9]+s",
        ))
        .expect("imap's progress bar");
    let seen = String::from_utf8_lossy(bar.before()).into_owned();
    assert!(
        !seen.contains("streamed"),
        "the bar came after the end: {seen}"
    );
    session
        .expect("streamed 8")
        .expect("the script's last line");
}

#[test]
fn map_draws_nothing_into_a_pipe() {
    Test::new()
        .script(
            r#"
            let p = pool(1)
            print(len(p.map(fn(x) { sleep(0.2); return x }, range(8), chunksize = 1)))
            "#,
        )
        .stdout("8\n")
        .stderr("")
        .run();
}

#[test]
fn a_task_reads_the_globals_as_they_were_when_it_was_submitted() {
    both(|| {
        Test::new()
            .script(
                r#"
                let base = 1
                fn f(x) { return base + x }
                let p = pool(1)
                let busy = apply_async p, sleep(0.3)
                let r1 = apply_async p, f(0)
                let m1 = p.map_async(f, [10, 20], chunksize = 1)
                let it = p.imap(f, [100, 200], chunksize = 1)
                base = 1000
                let r2 = apply_async p, f(0)
                print(r1.get(), m1.get(), [y for y in it], r2.get())
                close p
                join p
                "#,
            )
            .stdout("1 [11, 21] [101, 201] 1000\n")
    });
}

#[test]
fn chunksize_nil_means_the_default_for_map_map_async_and_imap() {
    Test::new()
        .script(
            r#"
            fn sq(x) { return x * x }
            let p = pool(2)
            print(p.map(sq, range(5), chunksize = nil))
            print(p.map_async(sq, range(5), chunksize = nil).get())
            print([y for y in p.imap(sq, range(5), chunksize = nil)])
            try { p.map(sq, [1], chunksize = 0) } catch e { print(e) }
            close p
            join p
            "#,
        )
        .stdout(
            "[0, 1, 4, 9, 16]\n[0, 1, 4, 9, 16]\n[0, 1, 4, 9, 16]\n\
             pool.map: bad option `chunksize = 0` (it has: chunksize, an int >= 1)\n",
        )
        .run();
}
