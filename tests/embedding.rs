//! The library used in-process, as a host program would.

use mpscript::{Engine, ErrorKind};

#[test]
fn fork_is_refused_in_a_threaded_host() {
    // The test harness runs tests on threads, so this process has several: forking here could
    // deadlock the child, and must be refused with a pointer to the spawn start method.
    let mut engine = Engine::new();
    let err = engine.eval("fn f() {}\nspawn f()").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Runtime);
    assert!(
        err.message().starts_with("cannot fork: this process has "),
        "{}",
        err.message()
    );
    assert!(
        err.message().contains("--start-method spawn"),
        "{}",
        err.message()
    );
    let err = engine.eval("let p = pool(1)").unwrap_err();
    assert!(
        err.message().starts_with("cannot fork pool workers"),
        "{}",
        err.message()
    );
}

#[test]
fn eval_keeps_state_and_returns_the_last_value() {
    let mut engine = Engine::new();
    engine.eval("let xs = [1, 2]").unwrap();
    engine.eval("fn total() { return sum(xs) }").unwrap();
    engine.eval("xs.push(3)").unwrap();
    assert_eq!(engine.eval("total()").unwrap(), mpscript::Value::Int(6));
    let err = engine.eval("total(").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Syntax);
    assert!(err.to_string().contains("<eval>:1:"), "{err}");
}

/// The `embed` example, built by `cargo test` next to the test binary.
fn example(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    dir.join("examples").join(name)
}

#[test]
fn host_functions_and_output_capture_reach_children_and_workers() {
    for method in ["fork", "spawn"] {
        let out = std::process::Command::new(example("embed"))
            .arg(method)
            .output()
            .expect("run the embed example");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{method}: {out:?}");
        assert_eq!(
            stdout,
            "captured:\n[2, 4, 6]\nhi worker 42\nhi worker 10\ndone\n",
            "{method}: stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
