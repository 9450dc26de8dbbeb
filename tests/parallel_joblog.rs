//! `parallel` beyond its results: the joblog compared with the one the real GNU parallel
//! writes for the same commands, `resume`, Ctrl-C and SIGTERM during a parallel, the progress
//! bar on a terminal, and `parallel` inside pool tasks and spawned children.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Test, both, send_signal, wait_gone};

// ---------------------------------------------------------------------------------------------
// 6. Joblog

/// Whether GNU parallel is installed (CI installs it); prints a note when it is not.
fn gnu_parallel() -> bool {
    let found = Command::new("parallel")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("GNU"));
    if !found {
        println!("note: GNU parallel is not on PATH; the comparison with it is skipped");
    }
    found
}

/// Runs GNU parallel with `args` in `dir`.
fn run_gnu(dir: &Path, args: &[&str]) {
    let status = Command::new("parallel")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run GNU parallel");
    // Its exit status is the number of failed jobs.
    assert!(status.code().is_some(), "GNU parallel {args:?}: {status}");
}

/// A joblog's lines, each split into its columns (a tab inside the Command stays in it).
fn joblog(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| l.splitn(9, '\t').map(str::to_string).collect())
        .collect()
}

/// A timing column with its digits masked: `1700000000.123` → `dddddddddd.ddd`, and the
/// right-aligned JobRuntime `     0.004` → `     d.ddd`.
fn shape(column: &str) -> String {
    column
        .chars()
        .map(|c| if c.is_ascii_digit() { 'd' } else { c })
        .collect()
}

/// Compares two joblogs column by column: the header and every row's columns exactly, except
/// the times (Starttime, JobRuntime), whose shape must match.
fn assert_same_joblog(ours: &Path, gnu: &Path) {
    let (ours, gnu) = (joblog(ours), joblog(gnu));
    let context = format!("ours:\n{ours:?}\nGNU parallel's:\n{gnu:?}");
    assert_eq!(ours.len(), gnu.len(), "number of lines\n{context}");
    assert_eq!(ours[0], gnu[0], "header\n{context}");
    for (row, (a, b)) in ours.iter().zip(&gnu).enumerate().skip(1) {
        assert_eq!(a.len(), 9, "row {row} has 9 columns\n{context}");
        assert_eq!(a.len(), b.len(), "row {row}: number of columns\n{context}");
        for (col, name) in gnu[0].iter().enumerate() {
            let (x, y) = (&a[col], &b[col]);
            if name == "Starttime" || name == "JobRuntime" {
                assert_eq!(shape(x), shape(y), "row {row} {name}\n{context}");
            } else {
                assert_eq!(x, y, "row {row} {name}\n{context}");
            }
        }
        let runtime = &a[3];
        assert_eq!(runtime.len(), 10, "JobRuntime is %10.3f\n{context}");
    }
}

#[test]
fn the_joblog_is_the_one_gnu_parallel_writes() {
    if !gnu_parallel() {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    // Shell command lines, as `parallel ::: LINE...` runs them.
    run_gnu(
        d,
        &[
            "--joblog",
            "gnu1.log",
            "-j1",
            ":::",
            "echo hi",
            "exit 3",
            "kill -9 $$",
            "sh -c 'exit 3'",
            "printf '%s\\n' abc 'd e'",
        ],
    );
    // A timeout.
    run_gnu(
        d,
        &[
            "--joblog",
            "gnu2.log",
            "-j1",
            "--timeout",
            "0.5",
            ":::",
            "sleep 5",
        ],
    );
    // Argument lists: `-q` quotes every word, as mpscript must for a list of strs.
    run_gnu(
        d,
        &[
            "-q",
            "--joblog",
            "gnu3.log",
            "-j1",
            "printf",
            "<%s>\\n",
            ":::",
            "b c",
            "it's",
            "",
            "a$b",
            "x",
            "tab\there",
        ],
    );
    // Retries: GNU parallel counts every run (3 = mpscript's retries = 2) and logs one row
    // per job, its last attempt's.
    run_gnu(
        d,
        &[
            "--joblog",
            "gnu4.log",
            "-j1",
            "--retries",
            "3",
            ":::",
            "echo x >> runs; exit 1",
            "echo ok",
        ],
    );
    Test::new()
        .in_dir(d)
        .script(
            r#"
            parallel(["echo x >> runs; exit 1", "echo ok"], jobs = 1, retries = 2, joblog = "ours4.log", check = false)
            parallel([
                "echo hi",
                "exit 3",
                "kill -9 $$",
                ["sh", "-c", "exit 3"],
                ["printf", "%s\\n", "abc", "d e"],
            ], jobs = 1, joblog = "ours1.log", check = false)
            parallel(["sleep 5"], jobs = 1, timeout = 0.5, joblog = "ours2.log", check = false)
            let cmds = []
            for w in ["b c", "it's", "", "a$b", "x", "tab\there"] {
                cmds.push(["printf", "<%s>\\n", w])
            }
            parallel(cmds, jobs = 1, joblog = "ours3.log")
            "#,
        )
        .stdout("ok\nhi\nabc\nd e\n<b c>\n<it's>\n<>\n<a$b>\n<x>\n<tab\there>\n")
        .run();
    let runs = std::fs::read_to_string(d.join("runs")).unwrap();
    assert_eq!(runs.lines().count(), 6, "three runs each");
    for n in 1..=4 {
        assert_same_joblog(
            &d.join(format!("ours{n}.log")),
            &d.join(format!("gnu{n}.log")),
        );
    }
    // What the comparison rests on, spelled out for the rows that differ most.
    let ours = joblog(&d.join("ours1.log"));
    let row = |r: usize| ours[r][4..].to_vec();
    assert_eq!(row(1), ["0", "3", "0", "0", "echo hi"]);
    assert_eq!(row(2), ["0", "0", "3", "0", "exit 3"]);
    assert_eq!(row(3), ["0", "0", "0", "9", "kill -9 $$"]);
    assert_eq!(ours[1][1], ":");
    let timed_out = joblog(&d.join("ours2.log"));
    assert_eq!(timed_out[1][6..], ["-1", "15", "sleep 5"]);
}

#[test]
fn the_joblog_has_one_row_per_job_even_without_gnu_parallel() {
    let dir = tempfile::tempdir().expect("temp dir");
    Test::new()
        .in_dir(dir.path())
        .script(
            r#"
            parallel([["echo", "a b"], "exit 1", ["true"]], jobs = 2, joblog = "jobs.log", check = false)
            "#,
        )
        .stdout("a b\n")
        .run();
    let log = joblog(&dir.path().join("jobs.log"));
    assert_eq!(
        log[0].join("\t"),
        "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand"
    );
    let mut rows: Vec<String> = log[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.len(), 9, "{r:?}");
            let start: f64 = r[2].parse().expect("Starttime");
            assert!(start > 1.6e9, "{r:?}");
            assert_eq!(shape(&r[3]), "     d.ddd", "{r:?}");
            [&r[0], &r[1], &r[4], &r[5], &r[6], &r[7], &r[8]]
                .map(String::as_str)
                .join(" ")
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            "1 : 0 4 0 0 echo 'a b'",
            "2 : 0 0 1 0 exit 1",
            "3 : 0 0 0 0 true"
        ]
    );
}

#[test]
fn resume_runs_only_the_jobs_that_failed_or_never_ran_and_appends_to_the_joblog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = r#"
        let cmds = [
            "echo 1 >> runs",
            "echo 2 >> runs; test -e marker || { touch marker; exit 1; }",
            "echo 3 >> runs",
        ]
        let resume = args()[0] == "resume"
        let done = parallel(cmds, jobs = 1, halt = "soon", joblog = "jobs.log", resume = resume, check = false)
        for c in done {
            if c == nil { print("nil") } else { print(c.code) }
        }
    "#;
    let run = |arg: &str, expected: &str| {
        Test::new()
            .in_dir(dir.path())
            .script(script)
            .args(&[arg])
            .stdout(expected)
            .run();
    };
    let runs = || std::fs::read_to_string(dir.path().join("runs")).expect("runs");
    let rows = || joblog(&dir.path().join("jobs.log"));
    // The first run: job 2 fails, so job 3 never starts (halt = "soon").
    run("first", "0\n1\nnil\n");
    assert_eq!(runs(), "1\n2\n");
    assert_eq!(rows().len(), 3);
    // Resuming runs jobs 2 and 3 only, and appends their rows.
    run("resume", "0\n0\n0\n");
    assert_eq!(runs(), "1\n2\n2\n3\n");
    let log = rows();
    let seq_exit: Vec<String> = log.iter().map(|r| format!("{} {}", r[0], r[6])).collect();
    assert_eq!(
        seq_exit,
        ["Seq Exitval", "1 0", "2 1", "2 0", "3 0"],
        "one header, the old rows kept"
    );
    // Everything has succeeded now: resuming again runs nothing.
    run("resume", "0\n0\n0\n");
    assert_eq!(runs(), "1\n2\n2\n3\n");
    assert_eq!(rows().len(), 5);
    // Without resume the joblog starts over.
    std::fs::write(dir.path().join("marker"), "").unwrap();
    run("again", "0\n0\n0\n");
    assert_eq!(rows().len(), 4);
}

#[test]
fn resume_without_a_joblog_or_from_a_malformed_one_is_an_error() {
    Test::new()
        .script("print(\"before\")\nparallel([[\"true\"]], resume = true)\n")
        .stdout("before\n")
        .stderr_contains("parallel(): `resume = true` needs a `joblog` to resume from")
        .stderr_contains("script.mps:2:1")
        .status(1)
        .run();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("jobs.log"),
        "Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n\
         1\t:\t1700000000.000\t     0.001\t0\t0\t0\t0\ttrue\n\
         this is not a joblog row\n",
    )
    .unwrap();
    Test::new()
        .in_dir(dir.path())
        .script(
            "let x = 1\nparallel([[\"true\"], [\"touch\", \"ran\"]], joblog = \"jobs.log\", resume = true)\n",
        )
        .stderr_contains("cannot resume from joblog")
        .stderr_contains("jobs.log:3: not a joblog row: this is not a joblog row")
        .stderr_contains("script.mps:2:1")
        .status(1)
        .run();
    assert!(!dir.path().join("ran").exists(), "no job runs");
}

// ---------------------------------------------------------------------------------------------
// 7. Ctrl-C and SIGTERM

fn wait_for_lines(path: &Path, n: usize) -> Vec<i32> {
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let pids: Vec<i32> = text.lines().filter_map(|l| l.trim().parse().ok()).collect();
        if pids.len() >= n {
            return pids;
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "only {} of {n} pids in {}",
            pids.len(),
            path.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_signal_to_the_script_ends_every_jobs_group() {
    for (signal, status) in [("-INT", 130), ("-TERM", 143)] {
        let dir = tempfile::tempdir().expect("temp dir");
        let job = format!(
            "\"sleep 60 & echo $! >> {0}/pids; echo $$ >> {0}/pids; wait\"",
            dir.path().display()
        );
        let running = Test::new()
            .script(&format!(
                "print(\"started\")\nparallel([{job}, {job}, {job}], jobs = 2)\nprint(\"not reached\")\n"
            ))
            .start();
        assert_eq!(running.line(Duration::from_secs(10)), "started");
        // Two jobs at once: their shells and their background sleeps.
        let pids = wait_for_lines(&dir.path().join("pids"), 4);
        send_signal(signal, &running.pid().to_string());
        let (code, stderr) = running.finish();
        assert_eq!(code, status, "{signal}: {stderr}");
        assert!(
            wait_gone(&pids, Duration::from_secs(3)),
            "{signal}: processes of the jobs were left behind: {pids:?}"
        );
        // The third job never started.
        std::thread::sleep(Duration::from_millis(100));
        let after = std::fs::read_to_string(dir.path().join("pids")).unwrap();
        assert_eq!(after.lines().count(), 4, "{signal}: {after}");
    }
}

// ---------------------------------------------------------------------------------------------
// 8. The progress bar

const SLOW: &str = r#"
    let cmds = []
    for i in range(8) {
        cmds.push(["sleep", "0.25"])
    }
    let done = parallel(cmds, jobs = 1, progress = true)
    print("finished", len(done))
"#;

#[test]
fn progress_draws_a_bar_on_a_terminal() {
    use expectrl::Expect;
    let (command, _dir) = Test::new().script(SLOW).cli(&["run"]).command();
    let mut session = expectrl::Session::spawn(command).expect("start mpscript in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    // The pty merges stdout and stderr: the bar, with counts of 8, comes before the end.
    let bar = session
        .expect(expectrl::Regex(r"[1-8]/8"))
        .expect("a progress bar with N/8");
    let seen = String::from_utf8_lossy(bar.before()).into_owned();
    assert!(
        !seen.contains("finished"),
        "the bar came after the end: {seen}"
    );
    session
        .expect("finished 8")
        .expect("the script's last line");
    use expectrl::process::unix::WaitStatus;
    match session.get_process().wait().unwrap() {
        WaitStatus::Exited(_, 0) => {}
        other => panic!("mpscript did not exit with 0: {other:?}"),
    }
}

#[test]
fn progress_draws_nothing_into_a_pipe() {
    Test::new()
        .script(SLOW)
        .stdout("finished 8\n")
        .stderr("")
        .run();
}

// ---------------------------------------------------------------------------------------------
// 9. In pool tasks and spawned children

/// Each of `names` ran a `parallel` whose first job printed `NAME-a` and, after a pause,
/// `NAME-b`: those two lines must be together (a job's output is relayed whole, though other
/// processes' jobs may come between two jobs of one `parallel`), and before its second job's
/// `NAME-c` (keep_order). Returns the other lines.
fn assert_groups<'a>(out: &'a str, names: &[&str]) -> Vec<&'a str> {
    let lines: Vec<&str> = out.lines().collect();
    let at = |line: String| {
        lines
            .iter()
            .position(|l| *l == line)
            .unwrap_or_else(|| panic!("no {line}: {out}"))
    };
    for name in names {
        let (a, b, c) = (
            at(format!("{name}-a")),
            at(format!("{name}-b")),
            at(format!("{name}-c")),
        );
        assert_eq!(
            a + 1,
            b,
            "the output of {name}'s first job was split: {out}"
        );
        assert!(b < c, "{name}'s jobs out of order: {out}");
    }
    lines
        .into_iter()
        .filter(|l| !names.iter().any(|n| l.starts_with(&format!("{n}-"))))
        .collect()
}

const JOB: &str = r#"
    fn job(n) {
        let done = parallel([
            ["sh", "-c", f"echo {n}-a; sleep 0.1; echo {n}-b"],
            ["sh", "-c", f"sleep 0.05; echo {n}-c"],
            ["sh", "-c", f"echo {n}-err >&2"],
        ], jobs = 3)
        return len(done)
    }
"#;

#[test]
fn parallel_works_in_pool_tasks() {
    both(|| {
        Test::new()
            .script(&format!(
                r#"
                {JOB}
                let p = pool(2)
                let results = []
                for n in ["w1", "w2", "w3", "w4"] {{
                    results.push(apply_async p, job(n))
                }}
                let total = 0
                for r in results {{
                    total += r.get()
                }}
                print("total", total)
                "#
            ))
            .stdout_check(|out| {
                let rest = assert_groups(out, &["w1", "w2", "w3", "w4"]);
                assert_eq!(rest, ["total 12"], "{out}");
            })
            .stderr_contains("w1-err\n")
            .stderr_contains("w4-err\n")
    });
}

#[test]
fn parallel_works_in_spawned_children() {
    both(|| {
        Test::new()
            .script(&format!(
                r#"
                {JOB}
                fn child(n) {{
                    print(n, "ran", job(n))
                }}
                let a = spawn child("c1")
                let b = spawn child("c2")
                join a
                join b
                print(a.exitcode, b.exitcode)
                "#
            ))
            .stdout_check(|out| {
                let mut rest = assert_groups(out, &["c1", "c2"]);
                let last = rest.pop();
                assert_eq!(last, Some("0 0"), "{out}");
                rest.sort();
                assert_eq!(rest, ["c1 ran 3", "c2 ran 3"], "{out}");
                // Each child's group comes before its own print.
                for n in ["c1", "c2"] {
                    let group = out.find(&format!("{n}-c")).unwrap();
                    let ran = out.find(&format!("{n} ran")).unwrap();
                    assert!(group < ran, "{out}");
                }
            })
            .stderr_contains("c1-err\n")
            .stderr_contains("c2-err\n")
    });
}
