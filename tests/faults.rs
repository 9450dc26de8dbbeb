//! Fault injection: workers killed at random while a pool works, Ctrl-C storms, and output
//! that cannot be written. Real processes and real signals throughout.

use std::time::{Duration, Instant};

use crate::harness::{Test, alive, closed_pipe, try_signal, wait_gone};

/// The pids of the live children of `pid` (its pool workers).
fn children_of(pid: u32) -> Vec<i32> {
    let mut out = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for task in tasks.flatten() {
        if let Ok(text) = std::fs::read_to_string(task.path().join("children")) {
            out.extend(
                text.split_whitespace()
                    .filter_map(|p| p.parse::<i32>().ok()),
            );
        }
    }
    out
}

/// Runs `tasks` tasks on pool(4) while a thread SIGKILLs a random worker every 50 ms; every
/// task must end exactly once, as a value or a "worker ... died" error.
fn kill_workers_while_pool_runs(tasks: usize) {
    let script = format!(
        r#"
        let p = pool(4)
        fn work(x) {{ sleep(0.005); return x }}
        let rs = []
        for i in range({tasks}) {{ rs.push(apply_async(p, work(i))) }}
        let ok = 0
        let died = 0
        let other = 0
        let sum = 0
        for r in rs {{
            try {{
                sum += r.get()
                ok += 1
            }} catch e {{
                if "died" in str(e) {{ died += 1 }} else {{ other += 1; print(e) }}
            }}
        }}
        close p
        join p
        print(ok, died, other, sum)
        "#
    );
    let mut run = Test::new().script(&script).cli(&["run"]).start();
    let lines = run.lines();
    let pid = run.pid();
    let mut killed = 0;
    let mut seen_workers = Vec::new();
    let started = Instant::now();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let result = loop {
        if let Ok(line) = lines.try_recv() {
            break line;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the pool hung under worker kills"
        );
        let workers = children_of(pid);
        seen_workers.extend(workers.iter().copied());
        if !workers.is_empty() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let victim = workers[(seed % workers.len() as u64) as usize];
            try_signal("-KILL", &victim.to_string());
            killed += 1;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let status = run.wait();
    assert_eq!(status.code(), Some(0), "exit status");
    let counts: Vec<i64> = result
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let (ok, died, other, sum) = (counts[0], counts[1], counts[2], counts[3]);
    eprintln!("{tasks} tasks: {ok} values, {died} worker-died errors, {killed} kills");
    assert_eq!(other, 0, "only values and worker deaths");
    assert_eq!(
        ok + died,
        tasks as i64,
        "every task ended exactly once: {result}"
    );
    assert!(
        killed > 0 && died > 0,
        "workers were killed ({killed}) and tasks failed ({died})"
    );
    assert!(sum <= (tasks * (tasks - 1) / 2) as i64);
    seen_workers.sort();
    seen_workers.dedup();
    assert!(
        wait_gone(&seen_workers, Duration::from_secs(5)),
        "no worker is left behind"
    );
}

#[test]
fn random_worker_kills_short() {
    kill_workers_while_pool_runs(1_000);
}

/// The long variant of the issue: `cargo test --test integration -- --ignored faults`.
#[test]
#[ignore]
fn random_worker_kills_long() {
    kill_workers_while_pool_runs(10_000);
}

#[test]
fn sigint_storm_during_join() {
    let mut run = Test::new()
        .script(
            r#"
        let p = pool(2)
        fn slow(x) { sleep(0.2); return x }
        for i in range(100) { apply_async p, slow(i) }
        close p
        print("joining")
        join p
        "#,
        )
        .cli(&["run"])
        .start();
    let lines = run.lines();
    assert_eq!(
        lines.recv_timeout(Duration::from_secs(20)).unwrap(),
        "joining"
    );
    let pid = run.pid();
    let workers = children_of(pid);
    for _ in 0..50 {
        try_signal("-INT", &pid.to_string());
    }
    let status = run.wait();
    assert_eq!(status.code(), Some(130));
    assert!(wait_gone(&workers, Duration::from_secs(2)));
    assert!(!alive(pid as i32));
}

#[test]
fn closed_stdout_ends_quietly_not_with_a_panic() {
    let mut run = Test::new()
        .script("for i in range(100000) { print(i) }\n")
        .start();
    let mut stdout = run.take_stdout();
    let mut first = [0u8; 2];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout); // like `| head -1`
    let status = run.wait();
    let (_, stderr) = run.finish();
    // As a Unix tool killed by SIGPIPE: no message, status 128 + 13.
    assert_eq!(status.code(), Some(141), "stderr: {stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn broken_stderr_is_not_a_panic() {
    // `mpscript run bad.mps 2>&1 | head -1` with a long error: stderr is a pipe nobody reads.
    // The exit status must still be the error's own, never 101 (a panic).
    for (script, status) in [
        ("let x = (1 +\n", 2),                           // syntax error
        ("print(1 / 0)\n", 1),                           // runtime error
        ("fn f() { f() }\nf()\n", 1),                    // runtime error with a long trace
        ("fn c() { exit(1 / 0) }\njoin spawn c()\n", 0), // a child's error report
    ] {
        let out = Test::new()
            .script(script)
            .stderr_to(closed_pipe())
            .run_unchecked();
        assert_eq!(out.status, status, "{script}");
    }
}

#[test]
fn a_scripted_repl_into_a_closed_pipe_is_not_a_panic() {
    let out = Test::new()
        .cli(&["repl"])
        .stdin("1 + 1\n:help\n:vars\nlet x = 2\nx\n")
        .stdout_to(closed_pipe())
        .run_unchecked();
    let stderr = out.stderr;
    assert_eq!(out.status, 0, "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn full_disk_is_an_error_not_a_panic() {
    let out = Test::new()
        .script("print(\"hello\")\n")
        .stdout_to(std::fs::File::create("/dev/full").unwrap())
        .run_unchecked();
    let stderr = out.stderr;
    assert_eq!(out.status, 1, "stderr: {stderr}");
    assert!(stderr.contains("cannot write output"), "{stderr}");
}

/// The shared-memory files a process made (`/dev/shm/mpscript-PID-*`).
fn segments_of(pid: u32) -> Vec<String> {
    let prefix = format!("mpscript-{pid}-");
    std::fs::read_dir("/dev/shm")
        .map(|dir| {
            dir.flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.starts_with(&prefix))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn sigterm_and_sighup_clean_up_like_ctrl_c() {
    let script = r#"
        fn nap() { sleep(60) }
        let q = queue()
        q.put("x")
        let l = lock()
        let p = pool(2)
        apply_async p, nap()
        let c = spawn nap()
        print(c.pid)
        print("ready")
        sleep(60)
    "#;
    for (signal, status) in [("-TERM", 143), ("-HUP", 129)] {
        for method in [&["run"][..], &["run", "--start-method", "spawn"][..]] {
            let mut run = Test::new().script(script).cli(method).start();
            let lines = run.lines();
            let pid = run.pid();
            let spawned: i32 = lines
                .recv_timeout(Duration::from_secs(20))
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(
                lines.recv_timeout(Duration::from_secs(20)).unwrap(),
                "ready"
            );
            let mut children = children_of(pid);
            children.push(spawned);
            assert!(children.len() >= 3, "workers and child: {children:?}");
            assert!(!segments_of(pid).is_empty(), "the queue made segments");
            crate::harness::send_signal(signal, &pid.to_string());
            let code = run.wait().code();
            assert_eq!(code, Some(status), "{signal} {method:?}");
            assert_eq!(
                segments_of(pid),
                Vec::<String>::new(),
                "{signal}: segments left"
            );
            assert!(
                wait_gone(&children, Duration::from_secs(5)),
                "{signal}: children left: {children:?}"
            );
        }
    }
}
