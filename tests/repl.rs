//! The REPL, driven in a real pseudo-terminal as a person would type at it, and scripted
//! through a pipe.

use std::process::Command;
use std::time::Duration;

use expectrl::process::unix::WaitStatus;
use expectrl::{Expect, Session};

use crate::harness::{Test, alive, wait_gone};

const CTRL_C: &str = "\x03";
const CTRL_D: &str = "\x04";

/// The command for a REPL session in `dir` with its history in `history`, for a pseudo-terminal.
fn repl_command(dir: &std::path::Path, history: &std::path::Path, extra: &[&str]) -> Command {
    let mut cli = vec!["repl"];
    cli.extend_from_slice(extra);
    let (cmd, _) = Test::new()
        .cli(&cli)
        .in_dir(dir)
        .env("MPSCRIPT_HISTORY", history)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .command();
    cmd
}

struct Repl {
    session: expectrl::session::OsSession,
    _dir: tempfile::TempDir,
    history: std::path::PathBuf,
}

impl Repl {
    fn start(extra: &[&str]) -> Repl {
        let dir = tempfile::tempdir().unwrap();
        let history = dir.path().join("state").join("history");
        let cmd = repl_command(dir.path(), &history, extra);
        let mut session = Session::spawn(cmd).expect("start the REPL in a pty");
        session.set_expect_timeout(Some(Duration::from_secs(20)));
        let mut repl = Repl {
            session,
            _dir: dir,
            history,
        };
        repl.expect("mps> ");
        repl
    }

    fn expect(&mut self, text: &str) -> String {
        match self.session.expect(text) {
            Ok(found) => String::from_utf8_lossy(found.before()).into_owned(),
            Err(e) => panic!("expected {text:?} from the REPL: {e}"),
        }
    }

    /// Types a line and waits for the next prompt; returns what was printed before it.
    fn line(&mut self, text: &str) -> String {
        self.session.send_line(text).unwrap();
        self.expect("mps> ")
    }

    fn send(&mut self, text: &str) {
        self.session.send(text).unwrap();
    }

    /// Types lines that each leave the input open: each must be met by the continuation
    /// prompt.
    fn continued(&mut self, lines: &[&str]) {
        for text in lines {
            self.session.send_line(text).unwrap();
            self.expect("...> ");
        }
    }

    /// Leaves with Ctrl-D and returns the exit status.
    fn quit(mut self) -> i32 {
        self.send(CTRL_D);
        let status = self.session.get_process().wait().unwrap();
        match status {
            WaitStatus::Exited(_, code) => code,
            other => panic!("the REPL did not exit normally: {other:?}"),
        }
    }
}

#[test]
fn values_are_echoed_in_literal_form() {
    let mut repl = Repl::start(&[]);
    assert!(repl.line("40 + 2").contains("42"));
    assert!(repl.line(r#""hi" + "!""#).contains(r#""hi!""#));
    assert!(repl.line(r#"[1, "a", nil]"#).contains(r#"[1, "a", nil]"#));
    let quiet = repl.line("let x = 5");
    assert!(!quiet.contains("nil"), "a let is not echoed: {quiet:?}");
    let none = repl.line("nil");
    assert!(!none.contains("\r\nnil"), "nil is not echoed: {none:?}");
    assert!(repl.line(r#"print("printed", x)"#).contains("printed 5"));
    assert_eq!(repl.quit(), 0);
}

#[test]
fn a_function_typed_over_several_lines() {
    let mut repl = Repl::start(&[]);
    repl.continued(&["fn triple(x) {", "    let y = x * 3", "    return y"]);
    repl.line("}");
    assert!(repl.line("triple(14)").contains("42"));
    // A trailing operator continues too.
    repl.session.send_line("let z = 100 +").unwrap();
    repl.expect("...> ");
    repl.line("23");
    assert!(repl.line("z").contains("123"));
    assert_eq!(repl.quit(), 0);
}

#[test]
fn a_struct_typed_over_several_lines_reaches_a_pool_started_before_it() {
    for method in ["fork", "spawn"] {
        let mut repl = Repl::start(&["--start-method", method]);
        repl.line("let p = pool(1)");
        repl.continued(&["struct Point {", "    x", "    y = 0"]);
        repl.line("}");
        repl.line("fn grow(pt) { pt.x *= 10; return pt }");
        let out = repl.line("(apply_async p, grow(Point(4))).get()");
        assert!(out.contains("Point(x=40, y=0)"), "{method}: {out}");
        assert_eq!(repl.quit(), 0);
    }
}

#[test]
fn an_error_shows_the_line_and_the_session_goes_on() {
    let mut repl = Repl::start(&[]);
    let shown = repl.line("let q = 10 / 0");
    assert!(shown.contains("division by zero"), "{shown}");
    assert!(shown.contains("<repl:1>:1:9"), "{shown}");
    assert!(shown.contains("let q = 10 / 0"), "{shown}");
    assert!(shown.contains('^'), "{shown}");
    let shown = repl.line("let = 3");
    assert!(shown.contains("<repl:2>:1:"), "{shown}");
    assert!(repl.line("6 * 7").contains("42"));
    assert_eq!(repl.quit(), 0);
}

#[test]
fn a_pool_runs_a_function_defined_after_it_and_ctrl_d_ends_the_workers() {
    for method in ["fork", "spawn"] {
        let mut repl = Repl::start(&["--start-method", method]);
        repl.line("let p = pool(2)");
        repl.line("fn cube(x) { return x * x * x }");
        assert!(repl.line("p.map(cube, [1, 2, 3])").contains("[1, 8, 27]"));
        let out = repl.line("p.map(fn(x) { sleep(0.05); return getpid() }, range(8))");
        let list = out
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with('[') && l.ends_with(']'))
            .unwrap_or_else(|| panic!("no list of pids in {out:?}"));
        let pids: Vec<i32> = list[1..list.len() - 1]
            .split(", ")
            .map(|p| p.parse().unwrap())
            .collect();
        assert!(pids.iter().all(|&p| alive(p)), "workers run: {pids:?}");
        assert_eq!(repl.quit(), 0);
        assert!(
            wait_gone(&pids, Duration::from_secs(5)),
            "{method}: workers {pids:?} outlived the REPL"
        );
    }
}

#[test]
fn tab_completes_names_and_methods() {
    let mut repl = Repl::start(&[]);
    repl.line("let counter_of_things = 41");
    repl.send("counter_of_th\t");
    repl.expect("counter_of_things");
    assert!(repl.line(" + 1").contains("42"));
    repl.line("let jobs = queue()");
    repl.send("jobs.emp\t");
    repl.expect("jobs.empty");
    assert!(repl.line("()").contains("true"));
    repl.send("cpu_cou\t");
    repl.expect("cpu_count");
    repl.line("()");
    // A namespace's functions.
    repl.send("fs.bas\t");
    repl.expect("fs.basename");
    assert!(repl.line("(\"a/b.txt\")").contains("b.txt"));
    assert_eq!(repl.quit(), 0);
}

#[test]
fn ctrl_c_interrupts_running_code_and_its_children() {
    let mut repl = Repl::start(&[]);
    repl.line("fn nap() { sleep(30) }");
    let out = repl.line("let c = spawn nap(); c.pid");
    let pid: i32 = out
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no pid in {out:?}"));
    assert!(alive(pid));
    repl.session.send_line("sleep(30)").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    repl.send(CTRL_C);
    repl.expect("interrupted");
    repl.expect("mps> ");
    assert!(
        wait_gone(&[pid], Duration::from_secs(5)),
        "the child was ended"
    );
    assert!(repl.line("1 + 1").contains('2'));
    assert_eq!(repl.quit(), 0);
}

#[test]
fn ctrl_c_at_the_prompt_clears_the_line() {
    let mut repl = Repl::start(&[]);
    repl.send("this is not code");
    repl.send(CTRL_C);
    repl.expect("mps> ");
    repl.session.send_line("fn unfinished() {").unwrap();
    repl.expect("...> ");
    repl.send(CTRL_C);
    repl.expect("mps> ");
    assert!(repl.line("2 + 2").contains('4'));
    assert_eq!(repl.quit(), 0);
}

#[test]
fn history_is_written_and_read_back() {
    let mut repl = Repl::start(&[]);
    repl.line("let remembered = 31337");
    let history = repl.history.clone();
    let dir = repl._dir.path().to_path_buf();
    // Keep the directory alive: take the session out and quit it.
    assert_eq!(repl.quit_keep(), 0);
    let text = std::fs::read_to_string(&history).expect("the history file exists");
    assert!(text.contains("let remembered = 31337"), "{text}");
    // A second session adds to the same file.
    let cmd = repl_command(&dir, &history, &[]);
    let mut session = Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session.expect("mps> ").unwrap();
    session.send_line("let second = 2").unwrap();
    session.expect("mps> ").unwrap();
    session.send(CTRL_D).unwrap();
    session.get_process().wait().unwrap();
    let text = std::fs::read_to_string(&history).unwrap();
    assert!(
        text.contains("let remembered = 31337") && text.contains("let second = 2"),
        "{text}"
    );
}

#[test]
fn help_vars_load_and_quit() {
    let mut repl = Repl::start(&[]);
    let help = repl.line(":help");
    assert!(
        help.contains(":load FILE") && help.contains("apply_async"),
        "{help}"
    );
    std::fs::write(
        repl._dir.path().join("lib.mps"),
        "fn loaded() { return 99 }\nlet v = 1\n",
    )
    .unwrap();
    repl.line(":load lib.mps");
    assert!(repl.line("loaded()").contains("99"));
    let vars = repl.line(":vars");
    assert!(vars.contains("loaded = <function loaded>"), "{vars}");
    assert!(vars.contains("v = 1"), "{vars}");
    assert!(!vars.contains("print ="), "builtins are not listed: {vars}");
    assert!(repl.line(":nonsense").contains("unknown command"));
    repl.session.send_line(":quit").unwrap();
    match repl.session.get_process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0),
        other => panic!("{other:?}"),
    }
}

impl Repl {
    /// Like `quit`, for a test that still needs the temporary directory afterwards.
    fn quit_keep(&mut self) -> i32 {
        self.send(CTRL_D);
        match self.session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn scripted_through_a_pipe_without_prompts() {
    Test::new()
        .cli(&["repl"])
        .stdin("let x = 20\nfn f(a) {\n    return a + 1\n}\nf(x) * 2\n\"s\"\n1 / 0\nprint(\"after\")\n")
        .stdout("42\n\"s\"\nafter\n")
        .stderr_contains("<repl:5>:1:1")
        .stderr_contains("division by zero")
        .status(1)
        .run();
}

/// An open `[` of a comprehension (or any bracket) continues the input on the next lines.
#[test]
fn a_comprehension_typed_over_several_lines() {
    Test::new()
        .cli(&["repl"])
        .stdin("[x * 2\n    for x in range(4)\n    if x > 0]\nlet [a, b] = [1, 2]\na + b if a else 0\n")
        .stdout("[2, 4, 6]\n3\n")
        .status(0)
        .run();
}

#[test]
fn scripted_session_exit_code_and_pool() {
    Test::new()
        .cli(&["repl"])
        .stdin("let p = pool(2)\nfn sq(x) { return x * x }\np.map(sq, range(4))\nexit(3)\nprint(\"not reached\")\n")
        .stdout("[0, 1, 4, 9]\n")
        .status(3)
        .run();
}

/// The children of `pid` that have ended and were not waited for.
fn zombie_children(pid: u32) -> Vec<i32> {
    let mut out = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for task in tasks.flatten() {
        let children = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        for child in children
            .split_whitespace()
            .filter_map(|p| p.parse::<i32>().ok())
        {
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).unwrap_or_default();
            let state = stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .split_whitespace()
                .next();
            if state == Some("Z") {
                out.push(child);
            }
        }
    }
    out
}

#[test]
fn ctrl_c_reaps_the_workers_it_ends() {
    for method in ["fork", "spawn"] {
        let mut repl = Repl::start(&["--start-method", method]);
        let pid = repl.session.get_process().pid().as_raw() as u32;
        for round in 0..3 {
            repl.line(&format!("let p{round} = pool(3)"));
            repl.session
                .send_line(format!(
                    "p{round}.map(fn (x) {{ print(\"task\" + \"started\"); sleep(30) }}, range(3))"
                ))
                .unwrap();
            repl.expect("taskstarted");
            repl.send(CTRL_C);
            repl.expect("interrupted");
            repl.expect("mps> ");
            let zombies = zombie_children(pid);
            assert!(
                zombies.is_empty(),
                "{method} round {round}: zombies {zombies:?}"
            );
        }
        assert_eq!(repl.quit(), 0);
    }
}

#[test]
fn ctrl_c_ends_only_the_pools_the_input_was_using() {
    for method in ["fork", "spawn"] {
        let mut repl = Repl::start(&["--start-method", method]);
        repl.line("fn sq(x) { return x * x }");
        repl.line("let a = pool(2)");
        repl.line("let b = pool(2)");
        assert!(repl.line("a.map(sq, [1, 2])").contains("[1, 4]"));
        // An unrelated statement: both pools keep working.
        repl.session.send_line("sleep(30)").unwrap();
        std::thread::sleep(Duration::from_millis(300));
        repl.send(CTRL_C);
        repl.expect("interrupted");
        repl.expect("mps> ");
        let out = repl.line("print(a, b, a.map(sq, [3]), b.map(sq, [4]))");
        assert!(
            out.contains("<pool 2 workers> <pool 2 workers> [9] [16]"),
            "{method}: {out:?}"
        );
        // The statement that waits for `b` ends `b`, which says so; `a` goes on.
        repl.session
            .send_line(r#"b.map(fn (x) { print("task" + "started"); sleep(30) }, range(4))"#)
            .unwrap();
        repl.expect("taskstarted");
        repl.send(CTRL_C);
        repl.expect("interrupted");
        repl.expect("mps> ");
        let out = repl.line("print(a, b, a.map(sq, [5]))");
        assert!(
            out.contains("<pool 2 workers> <pool 2 workers, terminated> [25]"),
            "{method}: {out:?}"
        );
        let out = repl.line("b.map(sq, [1])");
        assert!(out.contains("the pool was terminated"), "{method}: {out:?}");
        assert_eq!(repl.quit(), 0);
    }
}

#[test]
fn lines_typed_while_a_statement_runs_all_run_afterwards() {
    let mut repl = Repl::start(&[]);
    repl.session
        .send_line(r#"print("run" + "ning"); sleep(1)"#)
        .unwrap();
    repl.expect("running");
    repl.session.send_line("print(1110 + 1)").unwrap();
    repl.session.send_line("let typed = 2220 + 2").unwrap();
    repl.session.send_line("print(typed, 3333)").unwrap();
    repl.expect("1111");
    repl.expect("2222 3333");
    repl.expect("mps> ");
    assert!(repl.line("typed + 1").contains("2223"));
    assert_eq!(repl.quit(), 0);
}

#[test]
fn sigterm_and_sighup_at_the_prompt_clean_up_and_leave() {
    for (signal, status) in [("-TERM", 143), ("-HUP", 129)] {
        let mut repl = Repl::start(&[]);
        let pid = repl.session.get_process().pid().as_raw();
        repl.line("let q = queue()");
        repl.line("let p = pool(2)");
        let out = repl.line("let c = spawn sleep(60); c.pid");
        let child: i32 = out
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .next_back()
            .unwrap_or_else(|| panic!("no pid in {out:?}"));
        let segments = format!("mpscript-{pid}-");
        let count = || {
            std::fs::read_dir("/dev/shm")
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(&segments))
                .count()
        };
        assert!(count() > 0, "the queue made a segment");
        crate::harness::send_signal(signal, &pid.to_string());
        assert!(
            wait_gone(&[pid], Duration::from_secs(20)),
            "{signal}: the REPL did not leave"
        );
        match repl.session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => assert_eq!(code, status, "{signal}"),
            other => panic!("{signal}: the REPL did not exit: {other:?}"),
        }
        assert_eq!(count(), 0, "{signal}: segments left");
        assert!(wait_gone(&[child], Duration::from_secs(5)), "{signal}");
    }
}
