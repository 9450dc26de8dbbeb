//! `parallel(cmds, ...)` with real processes: results in input order, how many jobs run at
//! once (measured, not assumed), how output is grouped, ordered and tagged, timeouts, retries,
//! halting, `check`, and bad arguments. Joblog, resume, signals, the progress bar and
//! `parallel` inside children and workers are in parallel_joblog.rs.

use std::path::Path;
use std::time::Duration;

use crate::harness::{Test, wait_gone};

// ---------------------------------------------------------------------------------------------
// 1. Results

#[test]
fn results_come_back_in_input_order_for_argv_str_and_pipeline_commands() {
    Test::new()
        .script(
            r#"
            let cmds = [
                ["sh", "-c", "sleep 0.3; echo first"],
                "echo second; exit 4",
                [["printf", "x\ny\nz\n"], ["wc", "-l"]],
                ["true"],
            ]
            let done = parallel(cmds, jobs = 4, check = false, keep_order = false)
            for c in done {
                print(type(c), c.code, c.ok, c.stdout, c.cmd, c.pid > 0)
            }
            print(parallel([]))
            "#,
        )
        .stdout_check(|out| {
            let lines: Vec<&str> = out.lines().collect();
            // The completed values (the last five lines) are in input order whatever the order
            // the jobs ended in; their output (the first lines) is in completion order.
            assert_eq!(
                lines[lines.len() - 5..],
                [
                    "completed 0 true nil [\"sh\", \"-c\", \"sleep 0.3; echo first\"] true",
                    "completed 4 false nil echo second; exit 4 true",
                    "completed 0 true nil [[\"printf\", \"x\\ny\\nz\\n\"], [\"wc\", \"-l\"]] true",
                    "completed 0 true nil [\"true\"] true",
                    "[]",
                ],
                "{out}"
            );
            let mut printed: Vec<&str> = lines[..lines.len() - 5].to_vec();
            assert_eq!(
                printed.last(),
                Some(&"first"),
                "the slow job ends last: {out}"
            );
            printed.sort();
            assert_eq!(printed, ["3", "first", "second"], "{out}");
        })
        .run();
}

#[test]
fn capture_puts_each_jobs_output_in_its_value_and_prints_nothing() {
    Test::new()
        .script(
            r#"
            let done = parallel([
                ["sh", "-c", "echo out1; echo err1 >&2"],
                "printf 'no newline'",
                [["echo", "piped"], ["tr", "a-z", "A-Z"]],
            ], capture = true)
            for c in done {
                print(repr(c.stdout), repr(c.stderr))
            }
            "#,
        )
        .stdout("\"out1\\n\" \"err1\\n\"\n\"no newline\" \"\"\n\"PIPED\\n\" \"\"\n")
        .stderr("")
        .run();
}

// ---------------------------------------------------------------------------------------------
// 2. How many at once

/// Runs `count` jobs that each register in `running/`, append how many are registered to
/// `counts`, wait `pause` seconds and leave; returns the counts and what the script printed.
fn concurrency(jobs_option: &str, count_expr: &str, pause: f64) -> (Vec<usize>, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Test::new()
        .in_dir(dir.path())
        .script(&format!(
            r#"
            run(["mkdir", "running"])
            let cmds = []
            for i in range({count_expr}) {{
                cmds.push("touch running/$$; ls running | wc -l >> counts; sleep {pause}; rm running/$$")
            }}
            let done = parallel(cmds{jobs_option})
            print(cpu_count(), len(done))
            "#
        ))
        .any_stdout()
        .run();
    let counts = std::fs::read_to_string(dir.path().join("counts")).expect("counts");
    let counts: Vec<usize> = counts
        .lines()
        .map(|l| l.trim().parse().expect("a count"))
        .collect();
    assert!(
        std::fs::read_dir(dir.path().join("running"))
            .unwrap()
            .next()
            .is_none(),
        "a job was still registered at the end"
    );
    (counts, out.stdout)
}

#[test]
fn at_most_jobs_run_at_once_and_exactly_that_many_do() {
    for jobs in 1..=3 {
        let n = 3 * jobs + 1;
        let (counts, out) = concurrency(&format!(", jobs = {jobs}"), &n.to_string(), 0.2);
        assert_eq!(counts.len(), n, "every job ran once: {counts:?}");
        assert_eq!(
            counts.iter().max(),
            Some(&jobs),
            "jobs = {jobs}: the most running at once must be {jobs}: {counts:?} ({out})"
        );
    }
}

#[test]
fn the_default_is_one_job_per_cpu() {
    // A longer pause: on a machine with many CPUs the first job must still be running when
    // the last of the first round has started.
    let (counts, out) = concurrency("", "2 * cpu_count() + 1", 0.5);
    let cpus: usize = out.split_whitespace().next().unwrap().parse().unwrap();
    assert_eq!(counts.len(), 2 * cpus + 1, "{out}");
    assert_eq!(counts.iter().max(), Some(&cpus), "{counts:?}");
}

// ---------------------------------------------------------------------------------------------
// 3. Output

/// A job that prints `name`1..5 on stdout (and `name`-err on stderr) with pauses between.
fn slow_printer(name: &str) -> String {
    format!("\"for i in 1 2 3 4 5; do echo {name}$i; echo {name}-err$i >&2; sleep 0.04; done\"")
}

/// `text` is the three `groups`, each whole, in some order.
fn assert_whole_groups(stream: &str, text: &str, [a, b, c]: [&String; 3]) {
    let orders = [
        [a, b, c],
        [a, c, b],
        [b, a, c],
        [b, c, a],
        [c, a, b],
        [c, b, a],
    ];
    assert!(
        orders
            .iter()
            .any(|o| text == format!("{}{}{}", o[0], o[1], o[2])),
        "{stream} interleaved:\n{text}"
    );
}

#[test]
fn each_jobs_output_is_printed_whole_never_interleaved() {
    let block = |name: &str| -> String { (1..=5).map(|i| format!("{name}{i}\n")).collect() };
    let err_block =
        |name: &str| -> String { (1..=5).map(|i| format!("{name}-err{i}\n")).collect() };
    let (a, b, c) = (block("A"), block("B"), block("C"));
    let (ea, eb, ec) = (err_block("A"), err_block("B"), err_block("C"));
    let out = Test::new()
        .script(&format!(
            "parallel([{}, {}, {}], jobs = 3, keep_order = false)\n",
            slow_printer("A"),
            slow_printer("B"),
            slow_printer("C")
        ))
        .any_stderr()
        .any_stdout()
        .run();
    assert_whole_groups("stdout", &out.stdout, [&a, &b, &c]);
    assert_whole_groups("stderr", &out.stderr, [&ea, &eb, &ec]);
}

/// Three jobs that end in the order 3, 2, 1 for certain: each waits for the next one's file.
const BACKWARDS: &str = r#"
    let cmds = [
        "while [ ! -e two ]; do sleep 0.01; done; sleep 0.05; echo one; echo one-err >&2",
        "while [ ! -e three ]; do sleep 0.01; done; sleep 0.05; echo two; touch two",
        "echo three; echo three-err >&2; touch three",
    ]
"#;

#[test]
fn keep_order_prints_in_input_order_even_when_later_jobs_end_first() {
    for option in ["", ", keep_order = true"] {
        Test::new()
            .script(&format!(
                "{BACKWARDS}\nlet done = parallel(cmds, jobs = 3{option})\nprint(len(done))\n"
            ))
            .stdout("one\ntwo\nthree\n3\n")
            .stderr("one-err\nthree-err\n")
            .run();
    }
}

#[test]
fn without_keep_order_output_comes_in_completion_order() {
    Test::new()
        .script(&format!(
            "{BACKWARDS}\nparallel(cmds, jobs = 3, keep_order = false)\n"
        ))
        .stdout("three\ntwo\none\n")
        .stderr("three-err\none-err\n")
        .run();
}

#[test]
fn tag_prefixes_every_stdout_and_stderr_line_with_the_command() {
    Test::new()
        .script(
            r#"
            parallel([
                ["echo", "b c"],
                ["printf", "%s\\n", "it's", "x"],
                "echo out; echo err >&2",
                ["sh", "-c", "printf 'no end'"],
                ["true"],
            ], tag = true, jobs = 2)
            "#,
        )
        .stdout(
            "echo 'b c'\tb c\n\
             printf '%s\\n' 'it'\"'\"'s' x\tit's\n\
             printf '%s\\n' 'it'\"'\"'s' x\tx\n\
             echo out; echo err >&2\tout\n\
             sh -c 'printf '\"'\"'no end'\"'\"\tno end\n",
        )
        .stderr("echo out; echo err >&2\terr\n")
        .run();
}

#[test]
fn a_hundred_jobs_of_ten_thousand_lines_come_out_complete_and_in_order() {
    let mut expected = String::new();
    for job in 0..100 {
        for line in 1..=10_000 {
            expected.push_str(&format!("J{job}-{line}\n"));
        }
    }
    Test::new()
        .script(
            r#"
            let cmds = []
            for i in range(100) {
                cmds.push(["seq", "-f", "J" + str(i) + "-%.0f", "1", "10000"])
            }
            parallel(cmds, jobs = 8)
            "#,
        )
        .stdout_check(move |out| {
            if out != expected {
                let at = out
                    .lines()
                    .zip(expected.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(out.lines().count().min(expected.lines().count()));
                panic!(
                    "output differs at line {} (got {:?}, expected {:?}); {} lines of {}",
                    at + 1,
                    out.lines().nth(at),
                    expected.lines().nth(at),
                    out.lines().count(),
                    expected.lines().count()
                );
            }
        })
        .run();
}

// ---------------------------------------------------------------------------------------------
// 4. Timeouts, retries, halting

fn pid_in(dir: &Path, file: &str) -> i32 {
    std::fs::read_to_string(dir.join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
        .trim()
        .parse()
        .expect("a pid")
}

#[test]
fn a_job_past_its_timeout_is_ended_with_its_group() {
    let dir = tempfile::tempdir().expect("temp dir");
    Test::new()
        .in_dir(dir.path())
        .script(
            r#"
            let done = parallel([
                "sleep 60 & echo $! > pid; wait",
                ["echo", "quick"],
            ], timeout = 0.4, check = false)
            print(done[0].code, done[0].ok, done[1].code, done[0].secs < 10)
            "#,
        )
        .stdout("quick\n-15 false 0 true\n")
        .run();
    let grandchild = pid_in(dir.path(), "pid");
    assert!(
        wait_gone(&[grandchild], Duration::from_secs(3)),
        "the timed-out job's background sleep {grandchild} was left behind"
    );
}

#[test]
fn retries_run_a_failed_job_again() {
    let flaky = r#"let flaky = "n=$(cat tries 2>/dev/null || echo 0); echo $((n + 1)) > tries; test $n -ge 2""#;
    // Fails twice, succeeds on its third run: retries = 2 is enough.
    Test::new()
        .script(&format!(
            "{flaky}\nlet done = parallel([flaky, [\"true\"]], retries = 2)\n\
             print(done[0].code, done[1].code, run([\"cat\", \"tries\"], capture = true).stdout.strip())\n"
        ))
        .stdout("0 0 3\n")
        .run();
    // retries = 1 is not: two runs, then it has failed for good.
    Test::new()
        .script(&format!(
            "{flaky}\nlet done = parallel([flaky], retries = 1, check = false)\n\
             print(done[0].code, run([\"cat\", \"tries\"], capture = true).stdout.strip())\n\
             run([\"rm\", \"tries\"])\n\
             parallel([flaky], retries = 1)\n"
        ))
        .stdout("1 2\n")
        .stderr_contains("job 1 \"n=$(cat tries")
        .stderr_contains("script.mps:5:1")
        .status(1)
        .run();
}

#[test]
fn halt_soon_starts_no_new_job_after_a_failure_and_lets_the_running_ones_finish() {
    Test::new()
        .script(
            r#"
            fn exists(path) {
                return run(["test", "-e", path], check = false).ok
            }
            let cmds = [
                "sleep 0.1; exit 1",
                "sleep 0.5; touch b-done",
                "touch c-started",
                "touch d-started",
            ]
            let done = parallel(cmds, jobs = 2, halt = "soon", check = false)
            print(done[0].code, done[1].code, done[2], done[3])
            print(exists("b-done"), exists("c-started"), exists("d-started"))
            parallel(["exit 2", "sleep 0.2", "touch e-started"], jobs = 2, halt = "soon")
            "#,
        )
        .stdout("1 0 nil nil\ntrue false false\n")
        .stderr_contains("parallel(): 1 of 3 jobs failed:\n    job 1 \"exit 2\" exited with code 2")
        .stderr_contains("(1 job was not run: halt)")
        .stderr_contains("script.mps:13:1")
        .status(1)
        .run();
}

#[test]
fn halt_now_also_ends_the_running_jobs() {
    Test::new()
        .script(
            r#"
            fn exists(path) {
                return run(["test", "-e", path], check = false).ok
            }
            let cmds = [
                "sleep 0.1; exit 1",
                "sleep 0.6; touch b-done",
                "touch c-started",
            ]
            let done = parallel(cmds, jobs = 2, halt = "now", check = false)
            print(done[0].code, done[1].code, done[2], done[0].secs < 3)
            sleep(0.8)
            print(exists("b-done"), exists("c-started"))
            "#,
        )
        .stdout("1 -15 nil true\nfalse false\n")
        .run();
}

#[test]
fn bad_halt_values_are_errors() {
    for (value, message) in [
        (
            "\"later\"",
            "parallel(): `halt` must be \"never\", \"soon\" or \"now\", not \"later\"",
        ),
        ("1", "parallel(): `halt` must be a str, not an int"),
    ] {
        Test::new()
            .script(&format!("parallel([[\"true\"]], halt = {value})"))
            .stderr_contains(message)
            .stderr_contains("script.mps:1:1")
            .status(1)
            .run();
    }
}

// ---------------------------------------------------------------------------------------------
// 5. check

#[test]
fn check_raises_one_error_listing_every_failed_job_after_all_ran() {
    let out = Test::new()
        .script(
            r#"
            let x = 1
            let done = parallel([
                ["false"],
                ["sh", "-c", "exit 3"],
                "kill -9 $$",
                ["sleep", "5"],
                ["echo", "later job ran"],
            ], jobs = 1, timeout = 0.3)
            print("not reached")
            "#,
        )
        .stdout("later job ran\n")
        .any_stderr()
        .status(1)
        .run();
    let expected = "error: parallel(): 4 of 5 jobs failed:\n    \
         job 1 [\"false\"] exited with code 1\n    \
         job 2 [\"sh\", \"-c\", \"exit 3\"] exited with code 3\n    \
         job 3 \"kill -9 $$\" was ended by signal 9 (SIGKILL)\n    \
         job 4 [\"sleep\", \"5\"] timed out after 0.3 s\n";
    assert!(out.stderr.starts_with(expected), "{}", out.stderr);
    assert!(out.stderr.contains("script.mps:2:12"), "{}", out.stderr);
    assert!(!out.stderr.contains("job 5"), "{}", out.stderr);
}

#[test]
fn check_false_returns_every_value() {
    Test::new()
        .script(
            r#"
            let done = parallel([["true"], ["false"], "exit 3", "kill -9 $$"], check = false)
            for c in done {
                print(c.cmd, c.code, c.ok)
            }
            "#,
        )
        .stdout("[\"true\"] 0 true\n[\"false\"] 1 false\nexit 3 3 false\nkill -9 $$ -9 false\n")
        .run();
}

// ---------------------------------------------------------------------------------------------
// 10. Bad arguments

#[test]
fn bad_arguments_are_located_errors() {
    for (call, message) in [
        (
            "parallel(\"echo hi\")",
            "parallel(): the commands must be a list, not a str",
        ),
        ("parallel([[\"true\"], 1])", "parallel(): command 2: "),
        (
            "parallel([[]])",
            "parallel(): command 1: the command list is empty",
        ),
        (
            "parallel([[\"true\"]], jobs = 0)",
            "parallel(): `jobs` must be at least 1, not 0",
        ),
        (
            "parallel([[\"true\"]], jobs = \"x\")",
            "parallel(): `jobs` must be an int, not a str",
        ),
        (
            "parallel([[\"true\"]], retries = -1)",
            "parallel(): `retries` must be at least 0, not -1",
        ),
        ("parallel([[\"true\"]], tag = 1)", "`tag` must be a bool"),
        (
            "parallel([[\"true\"]], frobnicate = 1)",
            "unexpected argument `frobnicate`",
        ),
    ] {
        let out = Test::new()
            .script(&format!("print(\"before\")\n{call}\nprint(\"after\")\n"))
            .stdout("before\n")
            .stderr_contains(message)
            .stderr_contains("script.mps:2:1")
            .status(1)
            .run();
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}
