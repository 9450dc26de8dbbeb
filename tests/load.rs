//! Load: many tiny tasks with flat memory, many live children at once.

use std::time::Duration;

use crate::harness::Test;

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Runs a script that prints `round N` after each round and `final_line` at the end; returns
/// its RSS sampled `settle_ms` after each round.
fn rss_per_round(script: &str, final_line: &str, settle_ms: u64) -> Vec<u64> {
    let mut run = Test::new().script(script).cli(&["run"]).start();
    let lines = run.lines();
    let pid = run.pid();
    let mut samples = Vec::new();
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(300))
            .expect("the script goes on");
        if line.starts_with("round") {
            std::thread::sleep(Duration::from_millis(settle_ms));
            samples.push(rss_kb(pid));
        } else {
            assert_eq!(line, final_line);
            break;
        }
    }
    assert!(run.wait().success());
    samples
}

/// The RSS after the last round is where it was after the first (within 20% + 2 MB).
fn assert_flat(samples: &[u64], what: &str) {
    let (first, last) = (samples[0], *samples.last().unwrap());
    eprintln!("{what} after each round (kB): {samples:?}");
    assert!(
        last <= first + first / 5 + 2048,
        "{what} grew: {samples:?} kB"
    );
}

/// `rounds` rounds of `per_round` tasks on pool(2); results of a round are dropped before
/// the next. The parent's RSS after the last round must be where it was after the first.
fn tasks_with_flat_memory(rounds: usize, per_round: usize) {
    let script = format!(
        r#"
        let p = pool(2)
        fn inc(x) {{ return x + 1 }}
        let total = 0
        for round in range({rounds}) {{
            let rs = []
            for i in range({per_round}) {{ rs.push(apply_async(p, inc(i))) }}
            for r in rs {{ total += r.get() }}
            rs = nil
            print("round", round)
            sleep(0.3)
        }}
        close p
        join p
        print("total", total)
        "#
    );
    let expected = (rounds * per_round * (per_round + 1) / 2) as u64;
    let samples = rss_per_round(&script, &format!("total {expected}"), 100);
    assert_flat(
        &samples,
        &format!("{} tasks: parent RSS", rounds * per_round),
    );
}

#[test]
fn tiny_tasks_keep_memory_flat_short() {
    tasks_with_flat_memory(4, 25_000);
}

/// One million tasks: `cargo test --test integration -- --ignored load --nocapture`.
#[test]
#[ignore]
fn tiny_tasks_keep_memory_flat_long() {
    tasks_with_flat_memory(10, 100_000);
}

fn many_live_children(n: usize) {
    Test::new()
        .script(&format!(
            r#"
            fn nap(q) {{ q.put(getpid()); sleep(1) }}
            let q = queue()
            let ps = []
            for i in range({n}) {{ ps.push(spawn nap(q)) }}
            let seen = {{}}
            for i in range({n}) {{ seen[q.get(60)] = true }}
            let alive = 0
            for p in ps {{ if p.is_alive() {{ alive += 1 }} }}
            print(len(seen), alive > 0)
            join ps
            let ok = 0
            for p in ps {{ if p.exitcode == 0 {{ ok += 1 }} }}
            print(ok)
            "#
        ))
        .stdout(&format!("{n} true\n{n}\n"))
        .run();
}

#[test]
fn many_live_children_short() {
    many_live_children(200);
}

#[test]
#[ignore]
fn many_live_children_long() {
    many_live_children(1000);
}

/// `rounds` rounds of `per_round` calls of a function whose local functions call themselves,
/// each other, and closures that call them back. Each call used to leak its local functions
/// (a closure capturing the variable that holds it is a reference cycle): about 130 bytes a
/// call, 129 MB for a million. The RSS after the last round must be where it was after the
/// first.
fn local_recursion_with_flat_memory(rounds: usize, per_round: usize) {
    let script = format!(
        r#"
        fn work(n) {{
            fn down(k) {{ if k <= 0 {{ return 0 }} return down(k - 1) + 1 }}
            fn is_even(k) {{ if k == 0 {{ return true }} return is_odd(k - 1) }}
            fn is_odd(k) {{ if k == 0 {{ return false }} return is_even(k - 1) }}
            fn walk(node) {{
                if type(node) != "list" {{ return node }}
                let sub = fn (child) {{ return walk(child) }}
                return sub(node[0]) + sub(node[1])
            }}
            let r = down(n) + walk([n, [1, 1]])
            if is_even(n) {{ r += 1 }}
            return r
        }}
        let total = 0
        for round in range({rounds}) {{
            for i in range({per_round}) {{ total += work(3) }}
            print("round", round)
            sleep(0.2)
        }}
        print("total", total)
        "#
    );
    let samples = rss_per_round(&script, &format!("total {}", rounds * per_round * 8), 50);
    assert_flat(
        &samples,
        &format!("{} calls with local recursion: RSS", rounds * per_round),
    );
}

#[test]
fn local_recursion_keeps_memory_flat_short() {
    local_recursion_with_flat_memory(4, 50_000);
}

/// One million calls: `cargo test --test integration -- --ignored load --nocapture`.
#[test]
#[ignore]
fn local_recursion_keeps_memory_flat_long() {
    local_recursion_with_flat_memory(10, 100_000);
}
