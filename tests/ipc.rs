//! Inter-process communication: queues, pipes, locks and shared cells between real processes,
//! under both start methods.

use std::time::Duration;

use crate::harness::{Test, both, send_signal};

#[test]
fn four_producers_deliver_every_item_once_in_order() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn producer(q, id, n) {
                    for i in range(n) { q.put([id, i, f"item {i}"]) }
                }
                let q = queue()
                let ps = []
                for id in range(4) { ps.push(spawn producer(q, id, 1000)) }
                # Join the producers first: their items are still in flight (Python deadlocks).
                join ps
                let next = [0, 0, 0, 0]
                let count = 0
                while not q.empty() {
                    let item = q.get(5)
                    let id = item[0]
                    if item[1] != next[id] or item[2] != f"item {next[id]}" {
                        print("wrong item", item, "expected", next[id])
                    }
                    next[id] += 1
                    count += 1
                }
                print(count, next)
                "#,
            )
            .stdout("4000 [1000, 1000, 1000, 1000]\n")
    });
}

#[test]
fn many_consumers_share_one_queue() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn consumer(q, results) {
                    let total = 0
                    while true {
                        let x = q.get(10)
                        if x == nil { break }
                        total += x
                    }
                    results.put(total)
                }
                let q = queue()
                let results = queue()
                let cs = []
                for i in range(3) { cs.push(spawn consumer(q, results)) }
                for i in range(3000) { q.put(i) }
                for i in range(3) { q.put(nil) }
                join cs
                let sum = 0
                for i in range(3) { sum += results.get(5) }
                print(sum, sum == 3000 * 2999 / 2)
                "#,
            )
            .stdout("4498500 true\n")
    });
}

#[test]
fn a_queue_reaches_a_pool_started_before_it() {
    both(|| {
        Test::new()
            .script(
                r#"
                let p = pool(2)
                let q = queue()
                fn work(q, x) { q.put(x * x) }
                let f = fn(x) { q.put(-x) }
                for i in range(50) { apply_async p, work(q, i) }
                p.map(f, range(50))
                close p
                join p
                let s = 0
                let n = 0
                while not q.empty() { s += q.get(); n += 1 }
                print(n, s)
                "#,
            )
            .stdout("100 39200\n")
    });
}

#[test]
fn big_items_and_a_growing_queue() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn producer(q) {
                    for i in range(20) { q.put("x" * (100000 + i)) }
                    q.put({"done": true, "list": range(10000)})
                }
                let q = queue()
                join spawn producer(q)
                for i in range(20) {
                    let s = q.get(5)
                    if len(s) != 100000 + i { print("wrong length", len(s)) }
                }
                let last = q.get(5)
                print(last["done"], sum(last["list"]), q.empty())
                "#,
            )
            .stdout("true 49995000 true\n")
    });
}

#[test]
fn get_times_out_and_can_be_caught() {
    both(|| {
        Test::new()
            .script(
                r#"
                let q = queue()
                let t = time()
                try { q.get(0.2) } catch e { print(e) }
                print(time() - t >= 0.2)
                q.get(0.05)
                "#,
            )
            .stdout("queue.get(): timed out\ntrue\n")
            .stderr_contains("script.mps:5:1")
            .stderr_contains("queue.get(): timed out")
            .status(1)
    });
}

#[test]
fn unsendable_items_fail_in_the_sender() {
    Test::new()
        .script(
            r#"
            let q = queue()
            let p = pool(1)
            close p
            q.put(p)
            "#,
        )
        .stderr_contains("script.mps:4:1")
        .stderr_contains("queue.put(): a pool cannot be sent to another process")
        .status(1)
        .run();
}

#[test]
fn pipe_ping_pong_then_closed() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn pong(end) {
                    while true {
                        let m = end.recv()
                        if m == "stop" { break }
                        end.send(m * 2)
                    }
                    end.close()
                }
                let ends = pipe()
                let a = ends[0]
                let p = spawn pong(ends[1])
                for i in range(1000) {
                    a.send(i)
                    if a.recv(5) != i * 2 { print("bad reply") }
                }
                a.send("stop")
                join p
                try { a.recv() } catch e { print(e) }
                try { a.send(1) } catch e { print(e) }
                print(type(a), a)
                "#,
            )
            .stdout(
                "pipe.recv(): pipe closed (the other end is closed and nothing is left)\n\
                 pipe.send(): pipe closed (the other end was closed)\n\
                 pipe <pipe end a>\n",
            )
    });
}

#[test]
fn a_pipe_whose_sender_ended_is_drained_then_closed() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn sender(end) {
                    end.send("one")
                    end.send("two")
                }
                let ends = pipe()
                let p = spawn sender(ends[1])
                join p
                print(ends[0].recv(), ends[0].recv())
                ends[0].recv()
                "#,
            )
            .stdout("one two\n")
            .stderr_contains("script.mps:9:1")
            .stderr_contains("pipe closed")
            .status(1)
    });
}

#[test]
fn a_killed_sender_closes_the_pipe_instead_of_hanging() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn silent(end) { sleep(30) }
                let ends = pipe()
                let p = spawn silent(ends[1])
                sleep(0.2)
                p.kill()
                try { ends[0].recv() } catch e { print(e) }
                join p
                print(p.exitcode)
                "#,
            )
            .stdout("pipe.recv(): pipe closed (the other end is closed and nothing is left)\n-9\n")
    });
}

#[test]
fn recv_times_out() {
    Test::new()
        .script(
            r#"
            let ends = pipe()
            try { ends[0].recv(0.1) } catch e { print(e) }
            ends[1].send(7)
            print(ends[0].poll(), ends[0].recv(0.1), ends[0].poll())
            "#,
        )
        .stdout("pipe.recv(): timed out\ntrue 7 false\n")
        .run();
}

#[test]
fn a_lock_makes_read_modify_write_exact() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn inc(l, counter) {
                    for i in range(2000) {
                        with l { counter.set(counter.get() + 1) }
                    }
                }
                let l = lock()
                let counter = shared(0)
                let ps = []
                for i in range(4) { ps.push(spawn inc(l, counter)) }
                join ps
                print(counter.get(), l)
                "#,
            )
            .stdout("8000 <lock free>\n")
    });
}

#[test]
fn shared_add_is_atomic() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn add(c, f) {
                    for i in range(5000) { c.add(1); f.add(0.5) }
                }
                let c = shared(0)
                let f = shared(0.0)
                let ps = []
                for i in range(4) { ps.push(spawn add(c, f)) }
                join ps
                print(c.get(), f.get(), type(c), c)
                print(c.add(5), c.set(-1), c.get())
                "#,
            )
            .stdout("20000 10000.0 shared <shared 20000>\n20005 nil -1\n")
    });
}

#[test]
fn shared_cells_check_their_type_and_overflow() {
    Test::new()
        .script(
            r#"
            let c = shared(9223372036854775807)
            try { c.set("x") } catch e { print(e) }
            try { shared("x") } catch e { print(e) }
            let f = shared(1.5)
            f.set(2)
            print(f.get())
            c.add(1)
            "#,
        )
        .stdout(
            "shared.set(): this shared cell holds an int, not a str\n\
             shared(): expected an int or a float, got str\n\
             2.0\n",
        )
        .stderr_contains("script.mps:7:1")
        .stderr_contains("shared.add(): integer overflow in shared.add()")
        .status(1)
        .run();
}

#[test]
fn with_releases_the_lock_on_error_and_throw() {
    both(|| {
        Test::new()
            .script(
                r#"
                let l = lock()
                try { with l { throw "boom" } } catch e { print("caught", e) }
                print(l.locked())
                try { with l { let x = 1 / 0 } } catch e { print("caught", e) }
                print(l.locked())
                fn other(l) { print(l.acquire(5)); l.release() }
                join spawn other(l)
                "#,
            )
            .stdout("caught boom\nfalse\ncaught division by zero\nfalse\ntrue\n")
    });
}

#[test]
fn lock_misuse_is_a_clear_error() {
    Test::new()
        .script(
            r#"
            let l = lock()
            try { l.release() } catch e { print(e) }
            l.acquire()
            fn holder_check(l) {
                try { l.release() } catch e { print(e) }
                print(l.acquire(0.1))
            }
            join spawn holder_check(l)
            l.acquire()
            "#,
        )
        .stdout_check(|out| {
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(
                lines[0],
                "lock.release(): this process does not hold the lock (nobody holds it)"
            );
            assert!(
                lines[1]
                    .starts_with("lock.release(): this process does not hold the lock (process ")
            );
            assert_eq!(lines[2], "false", "a timed-out acquire returns false");
        })
        .stderr_contains("script.mps:9:1")
        .stderr_contains("this process already holds the lock")
        .status(1)
        .run();
}

#[test]
fn a_lock_whose_holder_was_killed_is_recovered() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn hold(l, ready) {
                    l.acquire()
                    ready.put(getpid())
                    sleep(30)
                }
                let l = lock()
                let ready = queue()
                let p = spawn hold(l, ready)
                let holder = ready.get(10)
                print(l.locked(), str(l) == f"<lock held by {holder}>")
                p.kill()
                join p
                print(l.acquire(10), str(l) == f"<lock held by {getpid()}>")
                l.release()
                "#,
            )
            .stdout("true true\ntrue true\n")
            .stderr_contains("warning: lock recovered: process")
            .stderr_contains("died while holding it")
    });
}

#[test]
fn ctrl_c_interrupts_a_waiting_get() {
    let mut run = Test::new()
        .script(
            r#"
        let q = queue()
        print("waiting")
        q.get()
        "#,
        )
        .cli(&["run"])
        .start();
    let lines = run.lines();
    assert_eq!(
        lines.recv_timeout(Duration::from_secs(10)).unwrap(),
        "waiting"
    );
    std::thread::sleep(Duration::from_millis(100));
    send_signal("-INT", &run.pid().to_string());
    let status = run.wait();
    assert_eq!(status.code(), Some(130));
}

#[test]
fn segment_files_are_removed_when_the_script_ends() {
    let out = Test::new()
        .script(
            r#"
            fn use_all(q, l, c, ends) { q.put(1); with l { c.add(1) }; ends[1].send(1) }
            let q = queue()
            let l = lock()
            let c = shared(0)
            let ends = pipe()
            join spawn use_all(q, l, c, ends)
            print(getpid(), q.get(1), c.get(), ends[0].recv(1))
            "#,
        )
        .any_stdout()
        .run();
    let pid = out.stdout.split_whitespace().next().unwrap();
    assert_eq!(out.stdout.trim_end(), format!("{pid} 1 1 1"));
    assert_eq!(
        segment_files_of(std::path::Path::new("/dev/shm"), pid),
        Vec::<String>::new()
    );
}

#[test]
fn files_of_a_killed_creator_are_swept_by_the_next_one() {
    // A directory of its own (MPSCRIPT_SHM_DIR): other tests' processes, running at the same
    // time, sweep /dev/shm too and could remove the file before the test looks at it.
    let shm = tempfile::tempdir_in("/dev/shm").unwrap();
    let mut run = Test::new()
        .script(
            r#"
        let q = queue()
        q.put(1)
        fn keep(q) { }
        join spawn keep(q)
        print(getpid())
        sleep(30)
        "#,
        )
        .env("MPSCRIPT_SHM_DIR", shm.path())
        .cli(&["run"])
        .start();
    let lines = run.lines();
    let pid = lines.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(
        segment_files_of(shm.path(), &pid).len(),
        1,
        "the queue's file exists"
    );
    send_signal("-KILL", &pid);
    run.wait();
    assert_eq!(
        segment_files_of(shm.path(), &pid).len(),
        1,
        "SIGKILL leaves it behind"
    );
    Test::new()
        .script("queue()")
        .env("MPSCRIPT_SHM_DIR", shm.path())
        .run();
    assert_eq!(segment_files_of(shm.path(), &pid), Vec::<String>::new());
}

fn segment_files_of(dir: &std::path::Path, pid: &str) -> Vec<String> {
    let prefix = format!("mpscript-{pid}-");
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(&prefix))
        .collect()
}

#[test]
fn waiting_on_a_queue_keeps_the_pool_running() {
    // Only the first batches reach the workers before the parent starts waiting on the
    // queue: unless that wait also dispatches tasks and reads results, it waits forever.
    both(|| {
        Test::new()
            .script(
                r#"
                let p = pool(2)
                let q = queue()
                fn work(q, i) { q.put(i) }
                let done = [0]
                for i in range(5000) {
                    apply_async p, work(q, i), callback = fn(r) { done[0] += 1 }
                }
                let s = 0
                for i in range(5000) { s += q.get(20) }
                print(s, done[0] > 0)
                close p
                join p
                print(done[0])
                "#,
            )
            .stdout("12497500 true\n5000\n")
    });
}

#[test]
fn a_lock_can_be_awaited_while_a_pool_runs() {
    both(|| {
        Test::new()
            .script(
                r#"
                let p = pool(2)
                let l = lock()
                fn hold(l) {
                    l.acquire()
                    sleep(0.3)
                    l.release()
                    return "released"
                }
                let r = apply_async(p, hold(l))
                sleep(0.1)
                let results = p.map(fn(x) { return x + 1 }, range(3))
                print(l.acquire(20), r.get(), results)
                close p
                join p
                "#,
            )
            .stdout("true released [1, 2, 3]\n")
    });
}
