//! What commands leave behind and what they see, with real processes: every way a command's
//! process group is ended (a timeout, `.terminate()`, Ctrl-C, SIGTERM, the end of the script,
//! child or task) takes a shell's background grandchild with it; a SIGKILLed script's commands
//! die with it; commands see no descriptor of the runtime's; output relayed from children and
//! pool workers comes as whole lines, as it is written.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::harness::{Test, alive, send_signal, wait_gone};

/// A shell line whose background `sleep 60` writes its pid to `name` (and the shell's own to
/// `name.sh`), then waits for it.
fn background(name: &str) -> String {
    format!("sleep 60 & echo $! > {name}; echo $$ > {name}.sh; wait")
}

/// Script lines that wait until the shell of [`background`] has written `name`.
fn until_written(name: &str) -> String {
    format!("run(\"while [ ! -s {name}.sh ] || [ ! -s {name} ]; do sleep 0.01; done\")")
}

/// The pid in `dir/name`, waiting (up to 10 s) for the file to be written.
fn pid_in(dir: &Path, name: &str) -> i32 {
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        if let Ok(pid) = text.trim().parse() {
            return pid;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no pid in {name}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The background sleep and the shell that `background(name)` started are both gone.
#[track_caller]
fn assert_group_gone(dir: &Path, name: &str) {
    let pids = [pid_in(dir, name), pid_in(dir, &format!("{name}.sh"))];
    assert!(
        wait_gone(&pids, Duration::from_secs(15)),
        "{name}: the shell or its background sleep ({pids:?}) was left behind"
    );
}

#[test]
fn a_timeout_and_terminate_end_the_whole_group() {
    for spawn_method in [false, true] {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = format!(
            "let c = run({:?}, timeout = 0.3, check = false)\n\
             print(c.code)\n\
             let h = start({:?}, check = false)\n\
             {}\n\
             h.terminate()\n\
             print(h.wait().code)\n\
             let s = start({:?}, timeout = 0.3, check = false)\n\
             print(s.wait().code)\n",
            background("run"),
            background("terminate"),
            until_written("terminate"),
            background("start"),
        );
        let test = Test::new().in_dir(dir.path()).script(&script);
        let test = test.spawn_method_if(spawn_method);
        test.stdout("-15\n-15\n-15\n").run();
        for name in ["run", "terminate", "start"] {
            assert_group_gone(dir.path(), name);
        }
    }
}

/// Where the interrupted command runs: the script itself, a spawned child, a pool task.
const PLACES: [(&str, &str); 3] = [
    (
        "top",
        "let h = start(BG)\nUNTIL\nprint(\"ready\")\nh.wait()\n",
    ),
    (
        "child",
        "fn job() { run(BG) }\nlet p = spawn job()\nUNTIL\nprint(\"ready\")\njoin p\n",
    ),
    (
        "pool",
        "fn job() { run(BG) }\nlet p = pool(1)\nlet r = apply_async p, job()\nUNTIL\n\
         print(\"ready\")\nr.get()\n",
    ),
];

fn interrupted_script(place: &str) -> String {
    let (_, script) = PLACES.iter().find(|(p, _)| *p == place).unwrap();
    script
        .replace("BG", &format!("{:?}", background("bg")))
        .replace("UNTIL", &until_written("bg"))
}

/// Runs the script of `place`, signals the script alone once the command runs; checks the
/// status and that nothing of the command's group is left.
fn interrupt(place: &str, signal: &str, status: i32, spawn_method: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let test = Test::new()
        .in_dir(dir.path())
        .script(&interrupted_script(place))
        .timeout(Duration::from_secs(20));
    let test = test.spawn_method_if(spawn_method);
    let running = test.start();
    assert_eq!(running.line(Duration::from_secs(10)), "ready");
    let began = Instant::now();
    send_signal(signal, &running.pid().to_string());
    let (code, stderr) = running.finish();
    assert_eq!(code, status, "{place} {signal}: {stderr}");
    assert!(began.elapsed() < Duration::from_secs(10), "not prompt");
    let left = std::panic::catch_unwind(|| assert_group_gone(dir.path(), "bg"));
    assert!(
        left.is_ok(),
        "{place} {signal} (spawn method: {spawn_method}): group left behind"
    );
}

#[test]
fn ctrl_c_ends_the_group_wherever_the_command_runs() {
    for place in ["top", "child", "pool"] {
        interrupt(place, "-INT", 130, false);
        interrupt(place, "-INT", 130, true);
    }
}

#[test]
fn sigterm_ends_the_group_wherever_the_command_runs() {
    for place in ["top", "child", "pool"] {
        interrupt(place, "-TERM", 143, false);
        interrupt(place, "-TERM", 143, true);
    }
}

#[test]
fn the_end_of_a_script_child_or_task_ends_the_group() {
    for spawn_method in [false, true] {
        let dir = tempfile::tempdir().expect("temp dir");
        let script = format!(
            "fn child() {{\n    start({child:?})\n    {until_child}\n}}\n\
             fn task() {{\n    start({task:?})\n    {until_task}\n    return 1\n}}\n\
             join spawn child()\n\
             let p = pool(1)\n\
             print(p.apply(task))\n\
             close p\n\
             join p\n\
             let q = pool(1)\n\
             print(q.apply(task2))\n\
             start({top:?})\n\
             {until_top}\n\
             print(\"end\")\n",
            child = background("child"),
            until_child = until_written("child"),
            task = background("task"),
            until_task = until_written("task"),
            top = background("top"),
            until_top = until_written("top"),
        )
        // A pool never joined: its worker is stopped at the end of the script.
        .replace(
            "fn task() {",
            &format!(
                "fn task2() {{\n    start({:?})\n    {}\n    return 2\n}}\nfn task() {{",
                background("unjoined"),
                until_written("unjoined")
            ),
        );
        let began = Instant::now();
        let test = Test::new().in_dir(dir.path()).script(&script);
        let test = test.spawn_method_if(spawn_method);
        test.stdout("1\n2\nend\n").run();
        assert!(began.elapsed() < Duration::from_secs(10), "not prompt");
        for name in ["child", "task", "unjoined", "top"] {
            assert_group_gone(dir.path(), name);
        }
    }
}

/// The script, or the child it spawned, is SIGKILLed: nothing runs in it to end its command,
/// yet the command dies with it (PR_SET_PDEATHSIG).
fn killed(spawn_method: bool) {
    let test = |script: &str| {
        Test::new()
            .script(script)
            .timeout(Duration::from_secs(20))
            .spawn_method_if(spawn_method)
    };
    let running = test("let h = start([\"sleep\", \"60\"])\nprint(h.pid)\nsleep(60)\n").start();
    let pid: i32 = running.line(Duration::from_secs(10)).parse().unwrap();
    assert!(alive(pid));
    send_signal("-KILL", &running.pid().to_string());
    assert!(
        wait_gone(&[pid], Duration::from_secs(5)),
        "sleep {pid} outlived its script"
    );
    let _ = running.finish();

    let running = test(
        r#"
        fn child() {
            let h = start(["sleep", "60"])
            print("command", h.pid)
            sleep(60)
        }
        let p = spawn child()
        print("child", p.pid)
        join p
        print("child ended", p.exitcode)
        "#,
    )
    .start();
    let (mut command, mut child) = (0, 0);
    for _ in 0..2 {
        let line = running.line(Duration::from_secs(10));
        let (what, pid) = line.split_once(' ').unwrap();
        let pid: i32 = pid.parse().unwrap();
        if what == "command" {
            command = pid;
        } else {
            child = pid;
        }
    }
    assert!(alive(command));
    send_signal("-KILL", &child.to_string());
    assert!(
        wait_gone(&[command], Duration::from_secs(5)),
        "sleep {command} outlived the child that started it"
    );
    assert_eq!(running.line(Duration::from_secs(10)), "child ended -9");
    let (status, stderr) = running.finish();
    assert_eq!(status, 0, "{stderr}");
}

#[test]
fn a_killed_scripts_or_childs_commands_die_with_it() {
    killed(false);
    killed(true);
}

#[test]
fn commands_inherit_no_descriptor_of_the_runtime() {
    // A shell listing its own descriptors sees exactly 0, 1 and 2; `ls /proc/self/fd` also
    // lists the directory it opened itself, 3. (Not compared with a listing run from this test:
    // the test process has descriptors of its own that leak into what it runs, cargo's
    // jobserver pipe for one.)
    let own = "0 1 2 3";
    let shell = "0 1 2";
    let expected = ["top", "child", "worker", "worker"]
        .map(|place| format!("{place} {own} | {shell} | {own}"))
        .join("\n")
        + "\n";
    let script = r#"
        fn fds(place) {
            let a = run(["ls", "/proc/self/fd"], capture = true).stdout
            let b = run("ls /proc/$$/fd", capture = true).stdout
            let c = start(["ls", "/proc/self/fd"], capture = true).wait().stdout
            let shown = []
            for x in [a, b, c] {
                shown.push(x.strip().replace("\n", " "))
            }
            return place + " " + shown[0] + " | " + shown[1] + " | " + shown[2]
        }
        # Private descriptors for the command not to see: IPC handles and a pool's links.
        let q = queue()
        let ends = pipe()
        let l = lock()
        let p = pool(2)
        print(fds("top"))
        fn child(q) { q.put(fds("child")) }
        let c = spawn child(q)
        print(q.get(10))
        join c
        print(p.apply(fds, "worker"))
        let r = apply_async p, fds("worker")
        print(r.get())
        close p
        join p
    "#;
    Test::new().script(script).stdout(&expected).run();
    Test::new()
        .script(script)
        .spawn_method()
        .stdout(&expected)
        .run();
    Test::new()
        .script(script)
        .spawn_method()
        .env("MPSCRIPT_WORKER_LINK", "pipes")
        .stdout(&expected)
        .run();
}

#[test]
fn relayed_output_comes_in_whole_lines() {
    // `yes` writes in large blocks, so the 3,001-byte lines reach the runtime cut anywhere;
    // 4 children and 4 pool tasks print 2,000 each at once.
    let check = |out: &str| {
        let mut counts = [0usize; 8];
        for line in out.lines() {
            let digit = line.as_bytes().first().copied().unwrap_or(b'?');
            let n = (digit.wrapping_sub(b'0')) as usize;
            assert!(
                n < 8 && line.len() == 3000 && line.bytes().all(|b| b == digit),
                "a line split or mixed: {:?}...",
                &line[..line.len().min(80)]
            );
            counts[n] += 1;
        }
        assert_eq!(counts, [2000; 8]);
    };
    let script = r#"
        fn chatter(n) {
            run(["sh", "-c", f"yes {str(n) * 3000} | head -n 2000"])
        }
        let ps = []
        for n in range(4) {
            ps.push(spawn chatter(n))
        }
        let p = pool(4)
        let rs = []
        for n in range(4, 8) {
            rs.push(apply_async p, chatter(n))
        }
        join ps
        for r in rs {
            r.get()
        }
    "#;
    Test::new().script(script).stdout_check(check).run();
    Test::new()
        .script(script)
        .spawn_method()
        .stdout_check(check)
        .run();
}

/// A command in a child or a task prints `first`, then waits on a fifo that the test opens
/// only once it has seen `first`: it must be relayed while the command still runs.
fn relayed_as_it_comes(job: &str, spawn_method: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let fifo = dir.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let script = format!(
        r#"
        let cmd = ["sh", "-c", "echo first; read x < fifo; echo second"]
        fn in_child() {{ run(cmd) }}
        fn in_task() {{ run(cmd) }}
        fn started_then_sleeping() {{
            let h = start(cmd)
            while h.exitcode == nil {{ sleep(0.1) }}
        }}
        {job}
        print("done")
        "#
    );
    let test = Test::new()
        .in_dir(dir.path())
        .script(&script)
        .timeout(Duration::from_secs(20));
    let test = test.spawn_method_if(spawn_method);
    let running = test.start();
    assert_eq!(running.line(Duration::from_secs(10)), "first", "{job}");
    std::fs::write(&fifo, "go\n").expect("write the fifo");
    assert_eq!(running.line(Duration::from_secs(10)), "second", "{job}");
    assert_eq!(running.line(Duration::from_secs(10)), "done", "{job}");
    let (status, stderr) = running.finish();
    assert_eq!(status, 0, "{job}: {stderr}");
}

#[test]
fn relayed_output_comes_as_it_is_written() {
    for spawn_method in [false, true] {
        for job in [
            "join spawn in_child()",
            "let p = pool(1)\np.apply(in_task)",
            "join spawn started_then_sleeping()",
        ] {
            relayed_as_it_comes(job, spawn_method);
        }
    }
}
