//! The rest of the multiprocessing vocabulary for IPC: bounded and joinable queues, events,
//! semaphores, barriers, shared maps, `pipe_end.poll(timeout)`, `wait(handles)` and
//! `active_children()`, between real processes under both start methods; dead holders and
//! parties, timeouts and bad arguments.

use crate::harness::{Test, both};

#[test]
fn a_bounded_queue_feeds_two_consumers() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn producer(q, n) {
                    for i in range(n) { q.put(i) }
                    q.put(nil)
                    q.put(nil)
                }
                fn consumer(q, results) {
                    let total = 0
                    let count = 0
                    while true {
                        let x = q.get(30)
                        if x == nil { break }
                        total += x
                        count += 1
                    }
                    results.put([count, total])
                }
                let q = queue(5)
                let results = queue()
                let ps = [spawn producer(q, 2000), spawn consumer(q, results), spawn consumer(q, results)]
                let a = results.get(30)
                let b = results.get(30)
                join ps
                print(a[0] + b[0], a[1] + b[1] == 2000 * 1999 / 2, q.qsize(), q.empty())
                "#,
            )
            .stdout("2000 true 0 true\n")
    });
}

#[test]
fn a_full_queue_blocks_put_until_room_and_times_out() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn take_later(q) {
                    sleep(0.2)
                    q.get(10)
                }
                let q = queue(maxsize = 1)
                q.put("a")
                print(q.full(), q.qsize())
                let p = spawn take_later(q)
                q.put("b", 30)
                print("put after room", q.get(10))
                join p
                q.put("c")
                try { q.put("d", 0.05) } catch e { print(e) }
                try { q.put("d", -1) } catch e { print(e) }
                try { q.put_nowait("d") } catch e { print(e) }
                print(q.get_nowait())
                try { q.get_nowait() } catch e { print(e) }
                try { q.get(-5) } catch e { print(e) }
                let unbounded = queue(0)
                for i in range(100) { unbounded.put_nowait(i) }
                print(unbounded.full(), unbounded.qsize())
                "#,
            )
            .stdout(
                "true 1\n\
                 put after room b\n\
                 queue.put(): timed out: the queue is full (maxsize 1)\n\
                 queue.put(): timed out: the queue is full (maxsize 1)\n\
                 queue.put_nowait(): the queue is full (maxsize 1)\n\
                 c\n\
                 queue.get_nowait(): the queue is empty\n\
                 queue.get(): timed out\n\
                 false 100\n",
            )
    });
}

#[test]
fn join_waits_until_every_item_is_task_done() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn worker(q, done) {
                    while true {
                        let x = q.get(30)
                        if x == nil { q.task_done(); break }
                        sleep(0.001)
                        done.add(1)
                        q.task_done()
                    }
                }
                let q = queue()
                let done = shared(0)
                let ws = [spawn worker(q, done), spawn worker(q, done)]
                print(q.join(0))
                for i in range(50) { q.put(i) }
                q.put(nil)
                q.put(nil)
                print(q.join())
                print(done.get())
                join ws
                q.task_done()
                "#,
            )
            .stdout("true\ntrue\n50\n")
            .stderr_contains("script.mps:20:1")
            .stderr_contains("queue.task_done(): called more times than there were items put")
            .status(1)
    });
}

#[test]
fn events_ping_pong_between_processes() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn ponger(ping, pong, n) {
                    for i in range(n) {
                        ping.wait()
                        ping.clear()
                        pong.set()
                    }
                }
                let ping = event()
                let pong = event()
                let p = spawn ponger(ping, pong, 200)
                let rounds = 0
                for i in range(200) {
                    ping.set()
                    if pong.wait(30) { rounds += 1 }
                    pong.clear()
                }
                join p
                print(rounds, p.exitcode)
                print(ping.is_set(), pong.is_set(), pong.wait(0.02), pong.wait(-1), pong)
                ping.set()
                print(ping.wait(0), ping)
                "#,
            )
            .stdout("200 0\nfalse false false false <event clear>\ntrue <event set>\n")
    });
}

#[test]
fn a_semaphore_lets_at_most_n_processes_in() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn enter(s, inside, worst, n) {
                    for i in range(n) {
                        with s {
                            let now = inside.add(1)
                            if now > worst.get() { worst.set(now) }
                            sleep(0.0005)
                            inside.add(-1)
                        }
                    }
                }
                let s = semaphore(2)
                let inside = shared(0)
                let worst = shared(0)
                let ps = []
                for i in range(4) { ps.push(spawn enter(s, inside, worst, 100)) }
                join ps
                print(worst.get() <= 2, inside.get(), s.get_value(), s)
                "#,
            )
            .stdout("true 0 2 <semaphore 2 of 2 free>\n")
    });
}

#[test]
fn a_semaphore_acquire_times_out_and_over_release_is_an_error() {
    both(|| {
        Test::new()
            .script(
                r#"
                let s = semaphore(1)
                print(s.acquire(), s.acquire(0.02), s.acquire(-1))
                fn other(s) { s.release() }
                join spawn other(s)
                print(s.get_value())
                with s { print("inside", s.get_value()) }
                s.release()
                "#,
            )
            .stdout("true false false\n1\ninside 0\n")
            .stderr_contains("script.mps:7:1")
            .stderr_contains("semaphore.release(): released more times than acquired")
            .status(1)
    });
}

#[test]
fn a_semaphore_slot_held_by_a_killed_process_is_released() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn hold(s, ready) {
                    s.acquire()
                    ready.put(getpid())
                    sleep(60)
                }
                fn enter(s, out) {
                    with s { out.put("entered") }
                }
                let s = semaphore(1)
                let ready = queue()
                let out = queue()
                let holder = spawn hold(s, ready)
                ready.get(30)
                let others = [spawn enter(s, out), spawn enter(s, out)]
                print(s.acquire(0.05))
                holder.kill()
                join holder
                print(out.get(30), out.get(30))
                join others
                print(s.get_value())
                "#,
            )
            .stdout("false\nentered entered\n1\n")
            .stderr_contains("warning: semaphore slot recovered: process")
    });
}

#[test]
fn a_barrier_releases_its_parties_together_again_and_again() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn party(b, out) {
                    for round in range(3) { out.put([round, b.wait(30)]) }
                }
                let b = barrier(3)
                let out = queue()
                let ps = [spawn party(b, out), spawn party(b, out)]
                let mine = []
                for round in range(3) { mine.push(b.wait(30)) }
                join ps
                let seen = [[], [], []]
                for i in range(6) {
                    let got = out.get(10)
                    seen[got[0]].push(got[1])
                }
                for round in range(3) {
                    seen[round].push(mine[round])
                    print(sorted(seen[round]))
                }
                print(b.parties(), b.n_waiting(), b.broken(), b)
                "#,
            )
            .stdout("[0, 1, 2]\n[0, 1, 2]\n[0, 1, 2]\n3 0 false <barrier 0 of 3 waiting>\n")
    });
}

#[test]
fn a_barrier_party_killed_while_waiting_breaks_it() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn victim(b) { b.wait() }
                fn survivor(b, out) {
                    try { b.wait() } catch e { out.put(e) }
                }
                let b = barrier(3)
                let out = queue()
                let v = spawn victim(b)
                while b.n_waiting() < 1 { sleep(0.01) }
                let s = spawn survivor(b, out)
                while b.n_waiting() < 2 { sleep(0.01) }
                v.kill()
                join v
                let message = out.get(30)
                join s
                print(message.startswith("barrier.wait(): the barrier is broken (process "))
                print(message.endswith(" died while waiting at it)"), b.broken())
                try { b.wait(5) } catch e { print(e.startswith("barrier.wait(): the barrier is broken")) }
                "#,
            )
            .stdout("true\ntrue true\ntrue\n")
    });
}

#[test]
fn a_barrier_wait_that_times_out_breaks_it_for_everyone() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn late(b, out) {
                    try { b.wait(30) } catch e { out.put(e) }
                }
                let b = barrier(3)
                let out = queue()
                let p = spawn late(b, out)
                while b.n_waiting() < 1 { sleep(0.01) }
                try { b.wait(0.05) } catch e { print(e) }
                print(out.get(30))
                join p
                let a = barrier(2)
                a.abort()
                try { a.wait() } catch e { print(e) }
                "#,
            )
            .stdout(
                "barrier.wait(): timed out (the barrier is broken now, as in Python)\n\
                 barrier.wait(): the barrier is broken (a wait at it timed out)\n\
                 barrier.wait(): the barrier is broken (abort() was called)\n",
            )
    });
}

#[test]
fn a_shared_map_makes_compound_updates_atomic_under_with() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn count(m, n, id) {
                    for i in range(n) {
                        with m { m["n"] += 1 }
                    }
                    m[f"worker {id}"] = [id, "done"]
                }
                let m = shared_map()
                m["n"] = 0
                let ps = []
                for id in range(4) { ps.push(spawn count(m, 1000, id)) }
                join ps
                print(m["n"], len(m), m.len())
                print(m["worker 2"], "worker 3" in m, "nobody" in m, "nobody" not in m)
                print(m.get("nobody", "default"), m.get("nobody"))
                print(sorted(m.keys()))
                print(m.pop("n"), len(m), m.items()[0][1][1])
                m.clear()
                print(m.items(), type(m))
                try { print(m["gone"]) } catch e { print(e) }
                "#,
            )
            .stdout(
                "4000 5 5\n\
                 [2, \"done\"] true false true\n\
                 default nil\n\
                 [\"n\", \"worker 0\", \"worker 1\", \"worker 2\", \"worker 3\"]\n\
                 4000 4 done\n\
                 [] shared_map\n\
                 key \"gone\" not found in map\n",
            )
    });
}

#[test]
fn a_shared_map_survives_a_holder_killed_inside_with() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn hold(m, ready) {
                    with m {
                        m["x"] = 1
                        ready.put(1)
                        sleep(60)
                    }
                }
                let m = shared_map()
                m["x"] = 0
                let ready = queue()
                let p = spawn hold(m, ready)
                ready.get(30)
                p.kill()
                join p
                with m { m["x"] += 10 }
                print(m["x"])
                "#,
            )
            .stdout("11\n")
            .any_stderr()
    });
}

#[test]
fn poll_waits_for_a_message_until_its_timeout() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn send_later(end) {
                    sleep(0.2)
                    end.send("hello")
                    end.close()
                }
                let [a, b] = pipe()
                print(a.poll(), a.poll(0.02), a.poll(-1))
                let p = spawn send_later(b)
                print(a.poll(30), a.recv())
                join p
                print(a.poll(5))
                try { a.recv() } catch e { print(e) }
                "#,
            )
            .stdout(
                "false false false\n\
                 true hello\n\
                 true\n\
                 pipe.recv(): pipe closed (the other end is closed and nothing is left)\n",
            )
    });
}

#[test]
fn wait_returns_the_handles_that_are_ready() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn nap(t) { sleep(t) }
                let q = queue()
                let [a, b] = pipe()
                let p = spawn nap(1.5)
                let slow = spawn nap(60)
                let pl = pool(1)
                let r = apply_async pl, nap(2)
                print(wait([q, a, p, slow, r], 0), wait([q, a], -1))
                print(wait([p, slow]) == [p])
                print(wait([r, slow]) == [r])
                q.put(1)
                b.send(2)
                let ready = wait([slow, q, a, r], 10)
                print(len(ready), ready[0] == q, ready[1] == a, ready[2] == r)
                slow.kill()
                join slow
                print(len(wait([slow, p])))
                let c = start("sleep 0.1")
                print(wait([c, slow])[0] == slow, len(wait([c])))
                close pl
                join pl
                "#,
            )
            .stdout("[] []\ntrue\ntrue\n3 true true true\n2\ntrue 1\n")
    });
}

#[test]
fn active_children_lists_the_children_still_running() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn nap(t) { sleep(t) }
                print(active_children())
                let quick = spawn nap(0)
                let slow = spawn nap(60)
                join quick
                let live = active_children()
                print(len(live), live[0].pid == slow.pid, type(live[0]))
                slow.terminate()
                while len(active_children()) > 0 { sleep(0.01) }
                print(active_children(), slow.exitcode)
                "#,
            )
            .stdout("[]\n1 true process\n[] -15\n")
    });
}

#[test]
fn the_new_handles_reach_pool_workers() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn task(m, s, e, q, x) {
                    with s { with m { m["sum"] += x } }
                    q.put(x)
                    e.wait(30)
                    return x
                }
                # The pool starts before the handles exist: they reach its workers by path.
                let p = pool(2)
                let m = shared_map()
                m["sum"] = 0
                let s = semaphore(1)
                let e = event()
                let q = queue(100)
                let rs = []
                for x in range(10) { rs.push(apply_async p, task(m, s, e, q, x)) }
                # Two tasks run at once, each waiting for the event.
                print(q.get(30) + q.get(30) < 20)
                e.set()
                let total = 0
                for r in rs { total += r.get(30) }
                close p
                join p
                print(m["sum"], total, q.qsize())
                "#,
            )
            .stdout("true\n45 45 8\n")
    });
}

#[test]
fn the_new_handles_travel_inside_queue_messages() {
    both(|| {
        Test::new()
            .script(
                r#"
                fn user(inbox) {
                    let got = inbox.get(30)
                    let e = got[0]
                    let m = got[1]
                    let b = got[2]
                    with m { m["seen"] = true }
                    b.wait(30)
                    e.set()
                }
                let inbox = queue()
                let p = spawn user(inbox)
                let e = event()
                let m = shared_map()
                let b = barrier(2)
                inbox.put([e, m, b, semaphore(3)])
                print(b.wait(30) in [0, 1], e.wait(30), m["seen"])
                join p
                "#,
            )
            .stdout("true true true\n")
    });
}

#[test]
fn bad_arguments_are_located_errors() {
    for (script, message) in [
        (
            "semaphore(-1)",
            "semaphore(): expected a count from 0 to 1000000, got -1",
        ),
        (
            "barrier(0)",
            "barrier(): expected a count from 1 to 1000000, got 0",
        ),
        ("barrier(\"x\")", "barrier(): expected an int, got str"),
        ("queue(\"x\")", "queue(): maxsize must be an int, not str"),
        ("wait(5)", "wait(): expected a list of handles, not an int"),
        (
            "wait([1])",
            "wait(): item 0 is an int; wait() takes processes",
        ),
        (
            "event().wait(\"x\")",
            "event.wait(): the timeout must be a number of seconds",
        ),
        ("shared_map().nope()", "a shared_map has no method `nope`"),
        (
            "let m = shared_map()\nwith m { with m { } }",
            "this process holds the map already",
        ),
    ] {
        Test::new()
            .script(script)
            .stderr_contains("script.mps:")
            .stderr_contains(message)
            .status(1)
            .run();
    }
}

#[test]
fn a_closed_queue_refuses_put_and_get_in_the_closing_process_only() {
    both(|| {
        Test::new()
            .script(
                r#"
                let q = queue()
                q.put(1)
                fn reader(q) {
                    print("child got", q.get(5))
                    q.put(2)
                }
                q.close()
                for call in [fn() { q.put(3) }, fn() { q.get() }, fn() { q.put_nowait(3) }, fn() { q.get_nowait() }] {
                    try { call() } catch e { print(e) }
                }
                print(q.qsize(), q.empty())
                join spawn reader(q)
                print(q.qsize())
                "#,
            )
            .stdout(
                "queue.put(): the queue was closed in this process (`close()`)\n\
                 queue.get(): the queue was closed in this process (`close()`)\n\
                 queue.put_nowait(): the queue was closed in this process (`close()`)\n\
                 queue.get_nowait(): the queue was closed in this process (`close()`)\n\
                 1 false\n\
                 child got 1\n\
                 1\n",
            )
    });
}
