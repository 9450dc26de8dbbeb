//! IPC under stress and faults: dead lock holders while a pool runs, negative timeouts, a
//! full shared-memory file system, pipe ends handed to other processes, segments freed while a
//! script runs. Real processes, both start methods.

use std::time::Duration;

use crate::harness::{Running, Test, both, send_signal};

/// Starts a script, with `MPSCRIPT_SHM_DIR` set when `shm_dir` is given.
fn start(script: &str, cli: &[&str], shm_dir: Option<&std::path::Path>) -> Running {
    let mut test = Test::new().script(script).cli(cli);
    if let Some(shm) = shm_dir {
        test = test.env("MPSCRIPT_SHM_DIR", shm);
    }
    test.start()
}

/// How long to wait for each line the script prints.
const LINE_WAIT: Duration = Duration::from_secs(60);

const METHODS: [&[&str]; 2] = [&["run"], &["run", "--start-method", "spawn"]];

/// A pool, and a function that takes the lock `l`, says so on `ready` and keeps the lock.
const HOLDER: &str = "
let pl = pool(1)
fn hold(l, ready) {
    l.acquire()
    ready.put(getpid())
    sleep(60)
}
let l = lock()
let ready = queue()
";

#[test]
fn a_dead_holder_is_taken_over_while_a_pool_runs() {
    // With a pool, a wait polls the lock between rounds of the event loop; the dead-holder
    // check must run there too (it used to wait forever).
    both(|| {
        Test::new()
            .script(&format!(
                "{HOLDER}{}",
                r#"
                let p = spawn hold(l, ready)
                ready.get(20)
                p.kill()
                join p
                with l { print("taken over") }
                print(l.locked())
                close pl
                join pl
                "#
            ))
            .stdout("taken over\nfalse\n")
            .stderr_contains("warning: lock recovered: process")
    });
}

#[test]
fn a_lock_held_by_a_killed_pool_worker_is_taken_over() {
    for cli in METHODS {
        let run = start(
            &format!(
                "{HOLDER}{}",
                r#"
            let r = apply_async pl, hold(l, ready)
            print(ready.get(20))
            print(l.acquire(30))
            try { r.get() } catch e { print("task failed") }
            close pl
            join pl
            "#
            ),
            cli,
            None,
        );
        let worker = run.line(LINE_WAIT);
        send_signal("-KILL", &worker);
        assert_eq!(run.line(LINE_WAIT), "true", "{}", run.stderr());
        assert_eq!(run.line(LINE_WAIT), "task failed");
        let (code, stderr) = run.finish();
        assert_eq!(code, 0, "{stderr}");
        assert!(
            stderr.contains(&format!("lock recovered: process {worker} died")),
            "{stderr}"
        );
    }
}

#[test]
fn a_killed_sender_closes_a_pipe_while_a_pool_runs() {
    both(|| {
        Test::new()
            .script(
                r#"
                let pl = pool(1)
                fn silent(end) { sleep(60) }
                let ends = pipe()
                let p = spawn silent(ends[1])
                sleep(0.2)
                p.kill()
                try { ends[0].recv(30) } catch e { print(e) }
                join p
                let q = queue()
                try { q.get(0.1) } catch e { print(e) }
                close pl
                join pl
                "#,
            )
            .stdout(
                "pipe.recv(): pipe closed (the other end is closed and nothing is left)\n\
                 queue.get(): timed out\n",
            )
    });
}

#[test]
fn negative_timeouts_mean_zero() {
    both(|| {
        Test::new()
            .script(
                r#"
                let q = queue()
                try { q.get(-0.5) } catch e { print(e) }
                q.put(1)
                print(q.get(-1))
                let l = lock()
                print(l.acquire(-1))
                fn other(l) { print(l.acquire(-1)) }
                join spawn other(l)
                l.release()
                let ends = pipe()
                try { ends[0].recv(-2) } catch e { print(e) }
                ends[1].send("x")
                print(ends[0].recv(-2))
                let pl = pool(1)
                try { q.get(-3) } catch e { print(e) }
                print(l.acquire(-1))
                close pl
                join pl
                "#,
            )
            .stdout(
                "queue.get(): timed out\n1\ntrue\nfalse\npipe.recv(): timed out\nx\n\
                 queue.get(): timed out\ntrue\n",
            )
    });
}

/// A small tmpfs of its own, mounted for one test (root only).
struct SmallTmpfs(tempfile::TempDir);

impl SmallTmpfs {
    fn mount(size: &str) -> Option<SmallTmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        if !mounted {
            println!("skipped: cannot mount a tmpfs (not root?)");
            return None;
        }
        Some(SmallTmpfs(dir))
    }

    fn path(&self) -> &std::path::Path {
        self.0.path()
    }

    fn files(&self) -> Vec<String> {
        std::fs::read_dir(self.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    }
}

impl Drop for SmallTmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

#[test]
fn a_full_shared_memory_is_an_error_at_the_line_that_sent() {
    let Some(shm) = SmallTmpfs::mount("8m") else {
        return;
    };
    for cli in METHODS {
        let run = start(
            r#"
            let e = pipe()
            fn reader(end) { print(len(end.recv(20))) }
            let p = spawn reader(e[1])
            e[0].send("x" * 1000000)
            try {
                e[0].send("y" * 80000000)
            } catch err {
                print(err)
            }
            join p
            let q = queue()
            q.put("z" * 20000000)
            "#,
            cli,
            Some(shm.path()),
        );
        let lines = [run.line(LINE_WAIT), run.line(LINE_WAIT)];
        assert!(
            lines.contains(&"1000000".to_string()),
            "{lines:?} {}",
            run.stderr()
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("pipe.send(): ")
                    && l.contains("no space left in shared memory")),
            "{lines:?}"
        );
        let (code, stderr) = run.finish();
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.contains("script.mps:12:1"), "{stderr}");
        assert!(stderr.contains("queue.put(): "), "{stderr}");
        assert!(
            stderr.contains("no space left in shared memory"),
            "{stderr}"
        );
        assert_eq!(shm.files(), Vec::<String>::new(), "nothing is left behind");
    }
    // Full to the last page: making a handle is the error.
    let filler = shm.path().join("filler");
    let _ = std::process::Command::new("dd")
        .args(["if=/dev/zero", "bs=1M", "count=16"])
        .arg(format!("of={}", filler.display()))
        .stderr(std::process::Stdio::null())
        .status();
    let run = start(
        r#"
        try { queue() } catch e { print(e) }
        lock()
        "#,
        &["run"],
        Some(shm.path()),
    );
    assert!(
        run.line(LINE_WAIT)
            .starts_with("no space left in shared memory")
    );
    let (code, stderr) = run.finish();
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("script.mps:2:1"), "{stderr}");
    std::fs::remove_file(filler).unwrap();
    assert_eq!(shm.files(), Vec::<String>::new(), "nothing is left behind");
}

#[test]
fn a_pipe_end_sent_and_closed_at_once_stays_usable_by_its_receiver() {
    // Python's idiom: send an end away and close your own copy straight after.
    both(|| {
        Test::new()
            .script(
                r#"
                fn user(q) {
                    let b = q.get(20)
                    b.send("from the receiver")
                    print(b.recv(20))
                }
                let ends = pipe()
                let q = queue()
                let p = spawn user(q)
                q.put(ends[1])
                ends[1].close()
                print(ends[0].recv(20))
                ends[0].send("reply")
                join p
                print(p.exitcode)
                "#,
            )
            .stdout("from the receiver\nreply\n0\n")
    });
}

#[test]
fn a_child_closing_the_parents_end_does_not_close_it_for_the_parent() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn child(ends) {
                    ends[0].close()          # the end it does not use
                    ends[1].send("hi")
                    print(ends[1].recv(20))
                }
                let ends = pipe()
                let p = spawn child(ends)
                print(ends[0].recv(20))
                ends[0].send("back")
                join p
                print(p.exitcode)
                "#,
            )
            .stdout("hi\nback\n0\n")
    });
}

#[test]
fn segments_nobody_holds_are_freed_while_the_script_runs() {
    for cli in METHODS {
        let shm = tempfile::tempdir().unwrap();
        let run = start(
            r#"
            fn child(q, l, c, ends, i) {
                q.put(i)
                with l { c.add(1) }
                ends[1].send(i)
            }
            let total = 0
            let n = 150
            for i in range(n) {
                let q = queue()
                let ends = pipe()
                let p = spawn child(q, lock(), shared(0), ends, i)
                total += q.get(20) + ends[0].recv(20)
                join p
            }
            let pl = pool(2)
            fn job(q, i) { q.put(i) }
            let rs = []
            for i in range(2000) {
                let q = queue()
                apply_async pl, job(q, i)
                rs.push(q)
            }
            close pl
            join pl
            for q in rs { total += q.get(20) }
            rs = nil
            let kept = queue()
            print(total)
            sleep(60)
            "#,
            cli,
            Some(shm.path()),
        );
        assert_eq!(run.line(LINE_WAIT), "2021350", "{}", run.stderr());
        let files: Vec<_> = std::fs::read_dir(shm.path()).unwrap().flatten().collect();
        assert!(
            files.len() <= 10,
            "{} segment files left while the script runs (it made 2,750)",
            files.len()
        );
        send_signal("-KILL", &format!("-{}", run.pid()));
        run.finish();
    }
}

#[test]
fn a_pipe_end_given_to_a_pool_task_and_closed_at_once_stays_usable() {
    both(|| {
        Test::new()
            .script(
                r#"
                let pl = pool(1)
                fn use_end(b) {
                    b.send("from the worker")
                    return b.recv(20)
                }
                let ends = pipe()
                let r = apply_async pl, use_end(ends[1])
                ends[1].close()
                print(ends[0].recv(20))
                ends[0].send("reply")
                print(r.get(20))
                close pl
                join pl
                "#,
            )
            .stdout("from the worker\nreply\n")
    });
}
