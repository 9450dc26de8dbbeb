//! Remote pools against real engines: an sshd on 127.0.0.1 and a single-node Slurm cluster,
//! started by `tests/cluster/up` (which `.ci/run` runs first). The tests read what `up` wrote
//! in `$MPSCRIPT_CLUSTER_DIR/env` (default /tmp/mpscript-cluster/env); where it is missing —
//! the packages could not be installed — each test says so and passes without running.
//!
//! Worker processes are found by the pids the tasks report (`getpid()` on the far side), and
//! every test that ends a pool checks that none of them is left.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::harness::{BIN, Test, alive, send_signal};

/// What `tests/cluster/up` wrote, or `None` (with a note on stderr) if it did not run.
fn cluster() -> Option<HashMap<String, String>> {
    let dir =
        std::env::var("MPSCRIPT_CLUSTER_DIR").unwrap_or_else(|_| "/tmp/mpscript-cluster".into());
    let Ok(text) = std::fs::read_to_string(format!("{dir}/env")) else {
        eprintln!("SKIPPED: no cluster ({dir}/env is missing: run tests/cluster/up)");
        return None;
    };
    let mut vars = HashMap::new();
    for line in text.lines() {
        let line = line.trim().trim_start_matches("export ").trim();
        if let Some((k, v)) = line.split_once('=') {
            vars.insert(
                k.to_string(),
                v.trim_matches(|c| c == '"' || c == '\'').to_string(),
            );
        }
    }
    Some(vars)
}

/// The cluster, if it has ssh.
fn ssh() -> Option<HashMap<String, String>> {
    let vars = cluster()?;
    if !vars.contains_key("MPSCRIPT_SSH_CONFIG") {
        eprintln!("SKIPPED: the cluster has no sshd");
        return None;
    }
    Some(vars)
}

/// The Slurm tests take turns: the node has few CPUs, and a pool that waits for an allocation
/// would wait for the other tests' jobs.
static SLURM_TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The cluster, if it has Slurm, and the turn to use it.
fn slurm() -> Option<(HashMap<String, String>, std::sync::MutexGuard<'static, ()>)> {
    let turn = SLURM_TURN.lock().unwrap_or_else(|e| e.into_inner());
    let vars = cluster()?;
    if vars.get("MPSCRIPT_SLURM").map(String::as_str) != Some("1") {
        eprintln!("SKIPPED: the cluster has no Slurm");
        return None;
    }
    Some((vars, turn))
}

/// `hosts = ["node1", "node2"], ssh = [...], program = ...` for a script.
fn ssh_options(vars: &HashMap<String, String>, hosts: &[&str]) -> String {
    let hosts: Vec<String> = hosts.iter().map(|h| format!("{h:?}")).collect();
    format!(
        "hosts = [{}], ssh = [\"ssh\", \"-F\", {:?}], program = {BIN:?}",
        hosts.join(", "),
        vars["MPSCRIPT_SSH_CONFIG"]
    )
}

/// A test of a script run with the cluster's environment (SLURM_CONF for srun).
fn with_env(mut test: Test, vars: &HashMap<String, String>) -> Test {
    for (k, v) in vars {
        test = test.env(k, v);
    }
    test
}

fn pids_in(text: &str) -> Vec<i32> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter_map(|p| p.parse().ok())
        .filter(|&p| p > 1)
        .collect()
}

fn assert_all_gone(pids: &[i32], what: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while pids.iter().any(|&p| alive(p)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    for &pid in pids {
        assert!(!alive(pid), "remote worker {pid} survived {what}");
    }
}

#[test]
fn an_ssh_pool_runs_tasks_on_every_host_with_prints_and_stderr_relayed() {
    let Some(vars) = ssh() else { return };
    let out = Test::new()
        .script(&format!(
            r#"
            fn where(x) {{
                print(f"task {{x}}")
                eprint(f"note {{x}}")
                return [x * x, getpid(), getppid()]
            }}
            let p = pool(2, {})
            print(p)
            let results = p.map(where, range(8))
            print([r[0] for r in results])
            print(getpid())
            print([r[1] for r in results])
            close p
            join p
            "#,
            ssh_options(&vars, &["node1", "node2"])
        ))
        .any_stderr()
        .stdout_check(|out| {
            assert!(out.starts_with("<pool 4 workers>\n"), "{out}");
            assert!(out.contains("[0, 1, 4, 9, 16, 25, 36, 49]\n"), "{out}");
            for i in 0..8 {
                assert!(out.contains(&format!("task {i}\n")), "{out}");
            }
        })
        .run();
    let lines: Vec<&str> = out.stdout.lines().collect();
    let ours: i32 = lines[lines.len() - 2].parse().unwrap();
    let workers = pids_in(lines[lines.len() - 1]);
    assert!(!workers.contains(&ours), "{out:?}");
    assert!(
        out.stderr.contains("[node1] note ") || out.stderr.contains("[node2] note "),
        "{out:?}"
    );
    for i in 0..8 {
        assert!(out.stderr.contains(&format!("] note {i}\n")), "{out:?}");
    }
    assert_all_gone(&workers, "join");
}

#[test]
fn user_at_host_colon_port_and_one_worker_per_cpu() {
    let Some(vars) = ssh() else { return };
    let port = vars["MPSCRIPT_SSH_PORT"].clone();
    let user = String::from_utf8(
        std::process::Command::new("id")
            .arg("-un")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    Test::new()
        .script(&format!(
            r#"
            let p = pool(nil, hosts = ["{user}@127.0.0.1:{port}"], ssh = ["ssh", "-i", {key:?}, "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"], program = {BIN:?})
            print(p.size == cpu_count(), (apply_async p, fn() {{ return 6 * 7 }}()).get())
            close p
            join p
            "#,
            key = format!("{}/id_ed25519", vars["MPSCRIPT_CLUSTER_DIR"])
        ))
        .stdout("true 42\n")
        .run();
}

#[test]
fn ssh_failures_make_pool_fail_with_the_host_and_ssh_s_message() {
    let Some(vars) = ssh() else { return };
    let config = &vars["MPSCRIPT_SSH_CONFIG"];
    let dir = tempfile::tempdir().unwrap();
    let stranger = dir.path().join("stranger");
    let made = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&stranger)
        .status()
        .unwrap();
    assert!(made.success());
    let cases = [
        (
            format!(
                r#"hosts = ["no-such-host.invalid"], ssh = ["ssh", "-F", {config:?}], program = {BIN:?}"#
            ),
            "cannot start a worker on host no-such-host.invalid: ",
            "no-such-host.invalid",
        ),
        (
            format!(
                r#"hosts = ["root@127.0.0.1:{}"], ssh = ["ssh", "-i", {:?}, "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"], program = {BIN:?}"#,
                vars["MPSCRIPT_SSH_PORT"],
                stranger.display().to_string()
            ),
            "cannot start a worker on host root@127.0.0.1:",
            "Permission denied (publickey)",
        ),
        (
            format!(
                r#"hosts = ["node1"], ssh = ["ssh", "-F", {config:?}], program = "/nonexistent/mpscript""#
            ),
            "cannot start a worker on host node1: the launcher exited with code 127",
            "/nonexistent/mpscript",
        ),
    ];
    for (options, message, quoted) in cases {
        let started = Instant::now();
        Test::new()
            .script(&format!(
                "let p = pool(2, {options}, connect_timeout = 10)\nprint(1)"
            ))
            .status(1)
            .stderr_contains(message)
            .stderr_contains(quoted)
            .run();
        assert!(started.elapsed() < Duration::from_secs(15), "{options}");
    }
}

/// A script that starts `pool(1, OPTIONS)` (one worker per host), runs a slow task whose
/// worker writes its pid to a file, then runs `AFTER` (which ends that worker somehow) and
/// shows what happened.
fn lost_worker_script(options: &str, after: &str) -> String {
    format!(
        r#"
        let marker = args()[0]
        fn slow(path) {{
            fs.write(path + ".job", str(env("SLURM_JOB_ID")))
            fs.write(path, str(getpid()))
            sleep(30)
            return "finished"
        }}
        fn sq(x) {{ return x * x }}
        let p = pool(1, {options})
        let r = apply_async p, slow(marker)
        while not fs.exists(marker) {{ sleep(0.05) }}
        sleep(0.2)
        let pid = fs.read(marker)
        {after}
        try {{
            print(r.get())
        }} catch e {{
            print("lost:", e)
        }}
        print(pid)
        print(p.map(sq, range(10)))
        close p
        join p
        "#
    )
}

#[test]
fn a_remote_worker_killed_with_sigkill_fails_its_task_naming_the_host() {
    let Some(vars) = ssh() else { return };
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pid");
    Test::new()
        .script(&lost_worker_script(
            &ssh_options(&vars, &["node1"]),
            r#"run(["kill", "-9", pid])"#,
        ))
        .args(&[marker.to_str().unwrap()])
        .stdout_check(|out| {
            assert!(
                out.contains("lost: the worker on host node1 was lost (the connection closed"),
                "{out}"
            );
            assert!(out.contains(r#"while running slow(""#), "{out}");
            assert!(
                out.ends_with("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n"),
                "{out}"
            );
        })
        .run();
}

#[test]
fn killing_ssh_fails_the_task_and_ends_the_worker_on_the_far_side() {
    let Some(vars) = ssh() else { return };
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pid");
    // The worker's ssh client: the parent of nothing here, found by its command line.
    let out = Test::new()
        .script(&lost_worker_script(
            &ssh_options(&vars, &["node1"]),
            r#"run(["pkill", "-KILL", "-P", str(getpid()), "-f", "ControlMaster=no"])"#,
        ))
        .args(&[marker.to_str().unwrap()])
        .stdout_check(|out| {
            assert!(
                out.contains("lost: the worker on host node1 was lost"),
                "{out}"
            );
            assert!(
                out.ends_with("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n"),
                "{out}"
            );
        })
        .run();
    // The far side noticed its link hang up in the middle of the task and ended.
    let lines: Vec<&str> = out.stdout.lines().collect();
    let remote: i32 = lines[lines.len() - 2].trim().parse().unwrap();
    assert_all_gone(&[remote], "its ssh being killed");
}

#[test]
fn a_lost_host_fails_its_tasks_and_retries_go_to_the_other_host() {
    let Some(vars) = ssh() else { return };
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pid");
    // Killing the host's master connection loses every worker on it at once. The first task
    // goes to the first worker, on node1.
    Test::new()
        .script(&format!(
            r#"
            let marker = args()[0]
            fn slow(path) {{
                if not fs.exists(path) {{
                    fs.write(path, "x")
                    sleep(30)
                }}
                return "retried"
            }}
            let p = pool(1, {})
            let r = apply_async p, slow(marker), retries = 1
            while not fs.exists(marker) {{ sleep(0.05) }}
            sleep(0.2)
            run(["pkill", "-KILL", "-P", str(getpid()), "-f", "ControlMaster=yes.* node1$"])
            print(r.get())
            print(p.map(fn(x) {{ return x + 1 }}, range(5)))
            close p
            join p
            "#,
            ssh_options(&vars, &["node1", "node2"])
        ))
        .args(&[marker.to_str().unwrap()])
        .any_stderr()
        .stdout("retried\n[1, 2, 3, 4, 5]\n")
        .run();
}

#[test]
fn local_handles_cannot_be_sent_over_ssh() {
    let Some(vars) = ssh() else { return };
    Test::new()
        .script(&format!(
            "fn f(q) {{ return 1 }}\nlet p = pool(1, {})\nlet q = queue()\nlet r = apply_async p, f(q)\n",
            ssh_options(&vars, &["node1"])
        ))
        .status(1)
        .stderr_contains("a queue cannot be sent to a worker on another machine")
        .stderr_contains("4 | let r = apply_async p, f(q)")
        .run();
}

/// Runs a script that makes a pool with `options`, prints its workers' pids and gives them
/// long tasks; sends it Ctrl-C; checks that it exits 130 and that no worker is left.
fn ctrl_c_leaves_no_worker(test: Test, options: &str) {
    let running = test
        .script(&format!(
            r#"
            fn slow() {{ sleep(30) }}
            let p = pool(2, {options})
            print(p.map(fn(x) {{ return getpid() }}, range(40)))
            for i in range(4) {{ apply_async p, slow() }}
            close p
            join p
            "#
        ))
        .start();
    let line = running.line(Duration::from_secs(30));
    let pids = pids_in(&line);
    assert!(!pids.is_empty(), "{line}");
    std::thread::sleep(Duration::from_millis(500));
    send_signal("-INT", &running.pid().to_string());
    let (status, _) = running.finish();
    assert_eq!(status, 130);
    assert_all_gone(&pids, "Ctrl-C");
}

#[test]
fn ctrl_c_stops_every_ssh_worker() {
    let Some(vars) = ssh() else { return };
    ctrl_c_leaves_no_worker(Test::new(), &ssh_options(&vars, &["node1", "node2"]));
}

#[test]
fn a_slurm_pool_runs_tasks_in_srun_steps() {
    let Some((vars, _turn)) = slurm() else { return };
    let out = with_env(Test::new(), &vars)
        .script(&format!(
            r#"
            let p = pool(2, slurm = {{"time": "5"}}, program = {BIN:?})
            print(p)
            let results = p.map(fn(x) {{ return [x * x, env("SLURM_JOB_ID") != nil, getpid()] }}, range(6))
            print([r[0] for r in results], all([r[1] for r in results]))
            print([r[2] for r in results])
            close p
            join p
            "#
        ))
        .any_stderr()
        .stdout_check(|out| {
            assert!(out.starts_with("<pool 2 workers>\n[0, 1, 4, 9, 16, 25] true\n"), "{out}")
        })
        .run();
    let last = out.stdout.lines().last().unwrap_or_default().to_string();
    assert_all_gone(&pids_in(&last), "join");
}

#[test]
fn inside_an_allocation_the_pool_uses_it() {
    let Some((vars, _turn)) = slurm() else { return };
    with_env(Test::new(), &vars)
        .script(&format!(
            r#"
            let p = pool(nil, slurm = {{}}, program = {BIN:?})
            let job = env("SLURM_JOB_ID")
            let jobs = p.map(fn(x) {{ return env("SLURM_JOB_ID") }}, range(4))
            print(p.size, job != nil, all([j == job for j in jobs]))
            close p
            join p
            "#
        ))
        .wrapped("salloc", &["-n2", "--quiet", "sh", "-c", "{mpscript}"])
        .any_stderr()
        .stdout("2 true true\n")
        .run();
}

#[test]
fn srun_refusing_the_request_fails_pool_with_its_message() {
    let Some((vars, _turn)) = slurm() else { return };
    with_env(Test::new(), &vars)
        .script(&format!(
            "let p = pool(1, slurm = {{\"partition\": \"no_such_partition\"}}, program = {BIN:?}, connect_timeout = 20)"
        ))
        .status(1)
        .stderr_contains("cannot start a worker on launcher `srun --partition=no_such_partition")
        .stderr_contains("nvalid partition")
        .run();
}

#[test]
fn a_cancelled_slurm_step_fails_its_task_and_the_pool_goes_on() {
    let Some((vars, _turn)) = slurm() else { return };
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("pid");
    with_env(Test::new(), &vars)
        .script(&lost_worker_script(
            &format!(r#"slurm = {{"time": "5"}}, program = {BIN:?}"#),
            r#"run(["scancel", fs.read(marker + ".job")])"#,
        ))
        .args(&[marker.to_str().unwrap()])
        .any_stderr()
        .stdout_check(|out| {
            assert!(out.contains("lost: the worker on launcher `srun"), "{out}");
            assert!(
                out.ends_with("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n"),
                "{out}"
            );
        })
        .run();
}

#[test]
fn ctrl_c_stops_every_slurm_worker_and_its_job() {
    let Some((vars, _turn)) = slurm() else { return };
    ctrl_c_leaves_no_worker(
        with_env(Test::new(), &vars),
        &format!(r#"slurm = {{"time": "5", "job_name": "mps-ctrl-c"}}, program = {BIN:?}"#),
    );
    // The workers' jobs end with them.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = std::process::Command::new("squeue")
            .args(["-h", "-n", "mps-ctrl-c"])
            .envs(&vars)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        if text.trim().is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "jobs left after Ctrl-C: {text}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_ssh_command_and_the_far_program_can_come_from_the_environment() {
    let Some(vars) = ssh() else { return };
    Test::new()
        .env(
            "MPSCRIPT_SSH",
            format!("ssh -F {}", vars["MPSCRIPT_SSH_CONFIG"]),
        )
        .env("MPSCRIPT_REMOTE_PROGRAM", BIN)
        .script(
            r#"
            let p = pool(1, hosts = ["node1"])
            print(p.map(fn(x) { return x + 1 }, [1, 2]))
            close p
            join p
            "#,
        )
        .stdout("[2, 3]\n")
        .run();
}
