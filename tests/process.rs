//! Processes: real children, real pids, exit codes and signals, under both start methods.

use std::time::{Duration, Instant};

use crate::harness::{Test, alive, both, wait_gone};

#[test]
fn the_contract_example_runs() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn child(name) {
                    print(f"child {name}, parent is me: {getppid() == parent}")
                    sleep(random() * 0.2)
                }
                let parent = getpid()
                let p = spawn child("a")
                print(p.is_alive())
                join p
                print(p.is_alive())
                print(p.exitcode)
                print("parent end")
                "#,
            )
            // The child's line and the parent's first `print` race: either order is right.
            .stdout_check(|out| {
                let lines: Vec<&str> = out.lines().collect();
                assert_eq!(lines.len(), 5, "stdout: {out:?}");
                let mut first_two = lines[..2].to_vec();
                first_two.sort_unstable();
                assert_eq!(
                    first_two,
                    ["child a, parent is me: true", "true"],
                    "stdout: {out:?}"
                );
                assert_eq!(lines[2..], ["false", "0", "parent end"], "stdout: {out:?}");
            })
    });
}

#[test]
fn child_pid_is_real_and_different() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn report() { print(getpid()) }
                let p = spawn report()
                join p
                print(p.pid)
                print(getpid())
                print(p.name, type(p), str(p) == f"<process {p.pid}>")
                "#,
            )
            .stdout_check(|out| {
                let lines: Vec<&str> = out.lines().collect();
                assert_eq!(lines[0], lines[1], "the child's getpid() is p.pid");
                assert_ne!(
                    lines[1], lines[2],
                    "the child's pid differs from the parent's"
                );
                assert_eq!(lines[3], "report process true");
            })
    });
}

#[test]
fn exit_codes() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn ok() { return 1 }
                fn fails() { return 1 / 0 }
                fn leaves(n) { exit(n) }
                fn sleeper() { sleep(30) }
                let a = spawn ok()
                let b = spawn fails()
                let c = spawn leaves(7)
                let d = spawn sleeper()
                let e = spawn sleeper()
                join [a, b, c]
                d.terminate()
                e.kill()
                join [d, e]
                print(a.exitcode, b.exitcode, c.exitcode, d.exitcode, e.exitcode)
                "#,
            )
            .stdout("0 1 7 -15 -9\n")
            .stderr_contains("error in process ")
            .stderr_contains("(fails): division by zero")
            .stderr_contains("--> script.mps:2:21")
            .stderr_contains("fn fails() { return 1 / 0 }")
    });
}

#[test]
fn terminate_right_after_spawn_is_never_lost() {
    // A SIGTERM that reaches a forked child before it has reset the parent's handler used to be
    // caught there and forgotten: the child then slept on.
    both(|| {
        Test::new()
            .script(
                r#"
                fn sleeper() { sleep(30) }
                let codes = []
                for i in range(40) {
                    let d = spawn sleeper()
                    d.terminate()
                    join d
                    codes.push(d.exitcode)
                }
                print(codes == [-15] * 40)
                "#,
            )
            .stdout("true\n")
    });
}

#[test]
fn child_error_names_pid_and_location() {
    let out = Test::new()
        .script("fn bad(x) {\n    return x + \"s\"\n}\nlet p = spawn bad(1)\njoin p\nprint(p.pid)")
        .any_stderr()
        .run();
    let pid = out.stdout.trim();
    assert!(
        out.stderr.starts_with(&format!(
            "error in process {pid} (bad): unsupported operand types for `+`: int and str\n --> script.mps:2:12\n"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn join_with_timeout_and_is_alive() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn nap(t) { sleep(t) }
                let p = spawn nap(0.5)
                print(p.is_alive(), p.exitcode)
                print(p.join(0.05))
                print(p.is_alive())
                print(p.join(10))
                print(p.is_alive(), p.exitcode)
                print(p.join())
                "#,
            )
            .stdout("true nil\nfalse\ntrue\ntrue\nfalse 0\ntrue\n")
    });
}

#[test]
fn end_of_script_joins_children() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn late() {
                    sleep(0.3)
                    print("child finished")
                }
                spawn late()
                print("parent done")
                "#,
            )
            .stdout("parent done\nchild finished\n")
    });
}

#[test]
fn closures_and_globals_reach_the_child() {
    both(|| {
        Test::new()
            .script(
                r#"
                let factor = 3
                let data = {"xs": [1, 2, 3]}
                fn scaled(x) { return x * factor }
                fn make_adder(n) {
                    let hits = 0
                    return fn (x) {
                        hits += 1
                        return x + n + hits
                    }
                }
                let add10 = make_adder(10)
                fn run(f, label) {
                    print(label, f(1), scaled(2), data["xs"], sum(data["xs"]))
                }
                join spawn run(add10, "closure")
                join spawn run(fn (x) { return -x }, "lambda")
                fn rec(n) { if n == 0 { return 0 } return n + rec(n - 1) }
                join spawn print(rec(10))
                "#,
            )
            .stdout("closure 12 6 [1, 2, 3] 6\nlambda -1 6 [1, 2, 3] 6\n55\n")
    });
}

#[test]
fn nested_local_function_crosses() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn outer() {
                    fn countdown(n) {
                        if n == 0 { return "liftoff" }
                        return countdown(n - 1)
                    }
                    return countdown
                }
                let f = outer()
                join spawn print(f(5))
                "#,
            )
            .stdout("liftoff\n")
    });
}

/// Local recursive functions (which refer to themselves, and to each other, without capturing
/// their own variables) sent themselves, not only their results: the child calls them.
#[test]
fn local_recursive_functions_cross() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn outer() {
                    let tag = "n="
                    fn countdown(n) {
                        if n == 0 { return "liftoff" }
                        return countdown(n - 1)
                    }
                    fn ev(k) { if k == 0 { return tag + "even" } return od(k - 1) }
                    fn od(k) { if k == 0 { return tag + "odd" } return ev(k - 1) }
                    fn walk(node) {
                        if type(node) != "list" { return node }
                        let sub = fn (child) { return walk(child) }
                        let t = 0
                        for child in node { t += sub(child) }
                        return t
                    }
                    return [countdown, ev, od, walk]
                }
                let fs = outer()
                fn call(f, x) { print(f(x)) }
                join spawn call(fs[0], 5)
                join spawn call(fs[1], 7)
                join spawn call(fs[2], 7)
                join spawn call(fs[3], [1, [2, [3, 4]]])
                fn same(a, b) { print(a == b, a == a) }
                join spawn same(fs[1], fs[2])
                let q = queue()
                fn send_back(q, f) { q.put(f) }
                join spawn send_back(q, fs[1])
                let back = q.get(30)
                print(back(4), back(3))
                "#,
            )
            .stdout("liftoff\nn=odd\nn=even\n10\nfalse true\nn=even n=odd\n")
    });
}

#[test]
fn unsendable_values_fail_in_the_sender() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn noop(x) {}
                let p = pool(1)
                close p
                let q = spawn noop(p)
                "#,
            )
            .stderr(
                "
                error: a pool cannot be sent to another process
                 --> script.mps:4:9
                  |
                4 | let q = spawn noop(p)
                  |         ^^^^^^^^^^^^^
                ",
            )
            .status(1)
    });
}

#[test]
fn spawn_needs_a_function() {
    Test::new()
        .script("let x = 5\nspawn x()")
        .stderr_contains("`spawn` needs a function call, but an int was called")
        .status(1)
        .run();
}

#[test]
fn join_list_and_fan_out() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn work(i) { exit(i) }
                let ps = []
                for i in range(5) { ps.push(spawn work(i)) }
                join ps
                print([for_codes(ps)])
                fn for_codes(ps) {
                    let codes = []
                    for p in ps { codes.push(p.exitcode) }
                    return codes
                }
                "#,
            )
            .stdout("[[0, 1, 2, 3, 4]]\n")
    });
}

#[test]
fn output_lines_never_split_or_duplicate_in_a_pipe() {
    both(|| {
        Test::new()
            .script(
                r#"
                print("parent before")
                fn chatter(id) {
                    for i in range(300) {
                        print(f"child {id} line {i} " + "x" * 50)
                    }
                }
                let ps = []
                for id in range(6) { ps.push(spawn chatter(id)) }
                join ps
                print("parent after")
                "#,
            )
            .stdout_check(|stdout| {
                let lines: Vec<&str> = stdout.lines().collect();
                assert_eq!(lines.len(), 6 * 300 + 2, "line count");
                assert_eq!(lines[0], "parent before");
                assert_eq!(lines[lines.len() - 1], "parent after");
                let mut seen = std::collections::HashSet::new();
                for line in &lines[1..lines.len() - 1] {
                    assert!(line.ends_with(&"x".repeat(50)), "split line: {line:?}");
                    assert!(seen.insert(line.to_string()), "duplicate: {line}");
                }
            })
    });
}

#[test]
fn output_to_a_file_is_not_duplicated() {
    let tmp = tempfile::tempdir().unwrap();
    Test::new()
        .script("print(\"once\")\nfn f() { print(\"child\") }\njoin spawn f()\njoin spawn f()\n")
        .in_dir(tmp.path())
        .wrapped("sh", &["-c", "{mpscript} > out.txt"])
        .any_stderr()
        .run();
    let out = std::fs::read_to_string(tmp.path().join("out.txt")).unwrap();
    assert_eq!(out, "once\nchild\nchild\n");
}

const SLEEPERS: &str = r#"
    fn nap() { sleep(60) }
    let ps = []
    for i in range(3) { ps.push(spawn nap()) }
    for p in ps { print(p.pid) }
    print("ready")
    join ps
"#;

fn sleeper_pids(rx: &std::sync::mpsc::Receiver<String>) -> Vec<i32> {
    let mut pids = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(20))
            .expect("script output");
        if line == "ready" {
            return pids;
        }
        pids.push(line.parse().unwrap());
    }
}

fn ctrl_c(to_group: bool, method: &[&str]) {
    let mut args = vec!["run"];
    args.extend_from_slice(method);
    let mut run = Test::new().script(SLEEPERS).cli(&args).start();
    let rx = run.lines();
    let pids = sleeper_pids(rx);
    assert_eq!(pids.len(), 3);
    assert!(pids.iter().all(|&p| alive(p)));
    let target = if to_group {
        format!("-{}", run.pid())
    } else {
        run.pid().to_string()
    };
    let sent = Instant::now();
    crate::harness::send_signal("-INT", &target);
    let status = run.wait();
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "took {:?}",
        sent.elapsed()
    );
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert!(
        wait_gone(&pids, Duration::from_secs(1)),
        "children survived Ctrl-C"
    );
}

#[test]
fn sigint_to_parent_ends_children_and_exits_130() {
    ctrl_c(false, &[]);
    ctrl_c(false, &["--start-method", "spawn"]);
}

#[test]
fn sigint_to_group_ends_children_and_exits_130() {
    ctrl_c(true, &[]);
    ctrl_c(true, &["--start-method", "spawn"]);
}

#[test]
fn sigkill_of_parent_leaves_no_children() {
    for method in [&[][..], &["--start-method", "spawn"][..]] {
        let mut args = vec!["run"];
        args.extend_from_slice(method);
        let mut run = Test::new().script(SLEEPERS).cli(&args).start();
        let rx = run.lines();
        let pids = sleeper_pids(rx);
        run.kill();
        run.wait();
        assert!(
            wait_gone(&pids, Duration::from_secs(2)),
            "orphans left: {pids:?}"
        );
    }
}

fn fd_count(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

fn zombie_children(pid: u32) -> usize {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path().join("stat")).ok())
        .filter(|stat| {
            let fields: Vec<&str> = stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .collect();
            fields.first() == Some(&"Z") && fields.get(1) == Some(&pid.to_string().as_str())
        })
        .count()
}

#[test]
fn many_cycles_leak_neither_descriptors_nor_zombies() {
    for (method, cycles) in [(&[][..], 10_000), (&["--start-method", "spawn"][..], 300)] {
        let script = format!(
            r#"
            fn noop() {{}}
            # The first child start opens what every later one shares (the output lock).
            join spawn noop()
            print("baseline")
            sleep(0.3)
            for i in range({cycles}) {{
                let p = spawn noop()
                join p
            }}
            let finished = spawn noop()
            finished.join()
            print("done")
            sleep(0.5)
            "#
        );
        let mut args = vec!["run"];
        args.extend_from_slice(method);
        let mut run = Test::new().script(&script).cli(&args).start();
        let rx = run.lines();
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(20)).unwrap(),
            "baseline"
        );
        std::thread::sleep(Duration::from_millis(100));
        let before = fd_count(run.pid());
        assert_eq!(rx.recv_timeout(Duration::from_secs(120)).unwrap(), "done");
        let after = fd_count(run.pid());
        let zombies = zombie_children(run.pid());
        run.wait();
        assert_eq!(before, after, "descriptors before/after {method:?}");
        assert_eq!(zombies, 0, "zombies after {method:?}");
    }
}

#[test]
fn exit_values_follow_python() {
    // Top level: the status is the value's low 8 bits, never 0 for a non-zero int; bools are
    // ints; nil is 0; any other value is printed on stderr and the status is 1.
    for (call, status, stderr) in [
        ("exit(-1)", 255, ""),
        ("exit(256)", 1, ""),
        ("exit(-256)", 1, ""),
        ("exit(513)", 1, ""),
        ("exit(300)", 44, ""),
        ("exit(true)", 1, ""),
        ("exit(false)", 0, ""),
        ("exit(nil)", 0, ""),
        ("exit()", 0, ""),
        (r#"exit("bad input")"#, 1, "bad input\n"),
        ("exit([1, 2])", 1, "[1, 2]\n"),
    ] {
        Test::new()
            .cli(&[
                "-c",
                &format!("print(\"before\")\n{call}\nprint(\"after\")"),
            ])
            .stdout("before\n")
            .stderr(stderr)
            .status(status)
            .run();
    }
    // In children, under both start methods: the same statuses become `exitcode`.
    both(|| {
        Test::new()
            .script(
                r#"
                fn leave(v) { exit(v) }
                let codes = []
                for v in [-1, 256, 300, true, false, nil, "child says bye"] {
                    let p = spawn leave(v)
                    join p
                    codes.push(p.exitcode)
                }
                print(codes)
                "#,
            )
            .stdout("[255, 1, 44, 1, 0, 0, 1]\n")
            .stderr("child says bye\n")
    });
}

#[test]
fn negative_timeouts_mean_zero() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn nap() { sleep(30) }
                let p = spawn nap()
                print(p.join(-1), p.join(-0.5), p.join(0))
                let deadline = time() - 5
                print(p.join(deadline - time()))
                p.kill()
                print(p.join(10), p.join(-1))
                try { sleep(-1) } catch e { print(e) }
                "#,
            )
            .stdout(
                "false false false\nfalse\ntrue true\n\
                 sleep(): expected a duration in seconds >= 0, got -1\n",
            )
    });
}

#[test]
fn only_the_parent_may_join_or_test_a_process() {
    // A sibling sees the handle through a global (under spawn it crosses as a process handle)
    // and as an argument; pool workers too. Both start methods give the same results.
    for spawn_method in [false, true] {
        let test = Test::new().script(
            r#"
            fn nap() { sleep(30) }
            let p = spawn nap()
            fn sibling() {
                try { p.join() } catch e { print(e) }
                try { p.join(1) } catch e { print(e) }
                try { join p } catch e { print(e) }
                try { p.is_alive() } catch e { print(e) }
                print(p.exitcode)
            }
            fn by_argument(q) {
                try { join q } catch e { print(e) }
                q.terminate()
            }
            join spawn sibling()
            join spawn by_argument(p)
            join p
            print(p.exitcode)
            let done = spawn exit(3)
            join done
            fn ended(q) { print(q.exitcode, q) }
            fn join_it(q) { join q }
            join spawn ended(done)
            let w = pool(1)
            let r = apply_async w, ended(done)
            r.get()
            try { (apply_async w, join_it(p)).get() } catch e { print(e.split(":")[0]) }
            close w
            join w
            "#,
        );
        let test = test.spawn_method_if(spawn_method);
        test.stdout_check(|out| {
            let lines: Vec<&str> = out.lines().collect();
            let not_mine = "was started by process ";
            for (i, verb) in [
                (0, "join"),
                (1, "join"),
                (2, "join"),
                (3, "test"),
                (5, "join"),
            ] {
                assert!(
                    lines[i].starts_with(&format!("can only {verb} a child process")),
                    "{out}"
                );
                assert!(lines[i].contains(not_mine), "{out}");
            }
            assert_eq!(lines[4], "nil", "{out}");
            assert_eq!(lines[6], "-15", "{out}");
            assert!(lines[7].starts_with("3 <process "), "{out}");
            assert_eq!(lines[8], lines[7], "{out}");
            assert_eq!(&lines[9..], ["can only join a child process"], "{out}");
        })
        .run();
    }
}

/// Runs a script with stderr on a datagram socket, where every `write(2)` arrives as one
/// message; returns the messages.
fn stderr_writes(script: &str, method: &str) -> Vec<String> {
    use std::os::unix::net::UnixDatagram;
    let (theirs, ours) = UnixDatagram::pair().unwrap();
    Test::new()
        .script(script)
        .cli(&["run", "--start-method", method])
        .stdout_to(std::process::Stdio::null())
        .stderr_to(std::os::fd::OwnedFd::from(theirs))
        .run_unchecked();
    ours.set_nonblocking(true).unwrap();
    let mut messages = Vec::new();
    let mut buf = vec![0u8; 1 << 16];
    while let Ok(n) = ours.recv(&mut buf) {
        messages.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    messages
}

#[test]
fn every_error_report_is_one_write() {
    // The parent's report and its children's: a report is several lines (location, source
    // line, caret, call trace), and one write keeps it whole next to other processes' output.
    let script = r#"
        fn fail(n) { return n / 0 }
        fn deeper(n) { return fail(n) }
        join spawn deeper(1)
        deeper(2)
        "#;
    for method in ["fork", "spawn"] {
        let writes = stderr_writes(script, method);
        assert_eq!(writes.len(), 2, "{method}: {writes:#?}");
        assert!(writes[0].starts_with("error in process "), "{writes:#?}");
        assert!(
            writes[1].starts_with("error: division by zero\n"),
            "{writes:#?}"
        );
        for report in &writes {
            assert!(
                report.contains("  = in deeper(), called at script.mps:"),
                "{report}"
            );
            assert!(report.ends_with('\n'), "{report}");
        }
    }
}

#[test]
fn long_lines_never_split_in_a_pipe() {
    // Lines far past the pipe's atomic write size (4,096 bytes), from many processes at once,
    // mixed with short lines from others; pool workers too.
    both(|| {
        Test::new()
            .script(
                r#"
                fn long(id) {
                    for i in range(40) { print(f"L{id}:" + "x" * 5000 + ":end") }
                }
                fn short(id) {
                    for i in range(400) { print(f"S{id}:" + "y" * 40 + ":end") }
                }
                let ps = []
                for id in range(30) { ps.push(spawn long(id)) }
                for id in range(6) { ps.push(spawn short(id)) }
                let p = pool(3)
                p.map(long, range(30, 34))
                close p
                join p
                join ps
                "#,
            )
            .stdout_check(|stdout| {
                let lines: Vec<&str> = stdout.lines().collect();
                assert_eq!(lines.len(), 34 * 40 + 6 * 400, "line count");
                for line in lines {
                    let body = |tag: char, fill: &str| {
                        line.strip_prefix(tag)
                            .and_then(|rest| rest.split_once(':'))
                            .is_some_and(|(id, rest)| {
                                id.parse::<u32>().is_ok() && rest == format!("{fill}:end")
                            })
                    };
                    let whole = body('L', &"x".repeat(5000)) || body('S', &"y".repeat(40));
                    let start = &line[..60.min(line.len())];
                    assert!(whole, "split line of {} bytes: {start}", line.len());
                }
            })
    });
}
