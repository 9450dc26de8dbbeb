//! Load: many tiny tasks with flat memory, many live children at once.

use std::time::Duration;

use crate::harness::{Test, start_script};

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
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
    let (mut child, lines, _dir) = start_script(&script, &["run"]);
    let pid = child.id();
    let mut samples = Vec::new();
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(300))
            .expect("the script goes on");
        if line.starts_with("round") {
            std::thread::sleep(Duration::from_millis(100));
            samples.push(rss_kb(pid));
        } else {
            let expected: u64 = (rounds * per_round * (per_round + 1) / 2) as u64;
            assert_eq!(line, format!("total {expected}"));
            break;
        }
    }
    assert!(child.wait().unwrap().success());
    let (first, last) = (samples[0], *samples.last().unwrap());
    eprintln!(
        "{} tasks: parent RSS after each round (kB): {samples:?}",
        rounds * per_round
    );
    assert!(
        last <= first + first / 5 + 2048,
        "memory grew with the number of tasks: {samples:?} kB"
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
