//! The library used in-process, as a host program would.

use mpscript::{Engine, ErrorKind};

use crate::harness::Test;

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
        let out = Test::new()
            .program(example("embed"))
            .cli(&[method])
            .run_unchecked();
        assert_eq!(out.status, 0, "{method}: {out:?}");
        assert_eq!(
            out.stdout, "captured:\n[2, 4, 6]\nhi worker 42\nhi worker 10\ndone\n",
            "{method}: stderr: {}",
            out.stderr
        );
    }
}

#[test]
fn native_functions_with_each_supported_type() {
    use mpscript::Value;
    let mut engine = Engine::new();
    engine.register_fn("zero", || 0i64);
    engine.register_fn("half", |x: f64| x / 2.0);
    engine.register_fn("flip", |b: bool| !b);
    engine.register_fn("shout", |s: String| s.to_uppercase());
    engine.register_fn("count", |xs: Vec<Value>| xs.len() as i64);
    engine.register_fn("same", |v: Value| v);
    engine.register_fn("add3", |a: i64, b: i64, c: i64| a + b + c);
    engine.register_fn("join4", |a: String, b: String, c: String, d: String| {
        a + &b + &c + &d
    });
    engine.register_fn("nothing", || ());
    assert_eq!(engine.eval("zero()").unwrap(), Value::Int(0));
    assert_eq!(engine.eval("half(3)").unwrap(), Value::Float(1.5));
    assert_eq!(engine.eval("flip(false)").unwrap(), Value::Bool(true));
    assert_eq!(engine.eval(r#"shout("hi")"#).unwrap(), Value::from("HI"));
    assert_eq!(engine.eval("count([1, nil, 3])").unwrap(), Value::Int(3));
    assert_eq!(
        engine.eval(r#"same({"k": [1]})"#).unwrap().to_string(),
        r#"{"k": [1]}"#
    );
    assert_eq!(engine.eval("add3(1, 2, 3)").unwrap(), Value::Int(6));
    assert_eq!(
        engine.eval(r#"join4("a", "b", "c", "d")"#).unwrap(),
        Value::from("abcd")
    );
    assert_eq!(engine.eval("nothing()").unwrap(), Value::Nil);
    assert_eq!(engine.eval("type(zero)").unwrap(), Value::from("function"));
}

#[test]
fn native_errors_are_catchable_script_errors() {
    let mut engine = Engine::new();
    engine.register_fn("checked", |x: i64| {
        if x < 0 {
            Err(format!("{x} is negative"))
        } else {
            Ok(x)
        }
    });
    let err = engine.eval("checked(-1)").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Runtime);
    assert_eq!(err.short(), "<eval>:1:1: checked(): -1 is negative");
    let caught = engine
        .eval("let m = nil\ntry { checked(-2) } catch e { m = e }\nm")
        .unwrap();
    assert_eq!(caught.to_string(), "checked(): -2 is negative");
    let err = engine.eval(r#"checked("x")"#).unwrap_err();
    assert_eq!(err.message(), "checked(): expected an int, got str");
    let err = engine.eval("checked(1, 2)").unwrap_err();
    assert_eq!(err.message(), "checked() takes 1 argument but 2 were given");
}

#[test]
fn operation_and_depth_limits() {
    let mut engine = Engine::new();
    engine.set_max_operations(10_000);
    let err = engine.eval("let i = 0\nwhile true { i += 1 }").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
    assert!(
        err.message().starts_with("operation limit exceeded"),
        "{}",
        err.message()
    );
    // Limits are not catchable by the script.
    let err = engine
        .eval("try { while true { } } catch e { }")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);

    let mut engine = Engine::new();
    engine.set_max_call_depth(50);
    let err = engine
        .eval("fn f(n) { return f(n + 1) }\nf(0)")
        .unwrap_err();
    assert!(
        err.message()
            .starts_with("recursion too deep: more than 50"),
        "{}",
        err.message()
    );
    assert!(
        engine
            .eval("fn g(n) { if n == 0 { return 0 } return g(n - 1) }\ng(40)")
            .is_ok()
    );
}

#[test]
fn the_operation_limit_counts_the_items_an_operation_builds() {
    // One `*` or `+` may build a huge str or list; the limit must stop it before it is built.
    for (code, col) in [
        ("let x = [0] * 50000000", 9),
        ("let s = \"ab\" * 50000000", 9),
        ("let l = [1, 2]\nfor i in range(40) { l = l + l }", 26),
        ("let l = [1, 2]\nfor i in range(40) { l += l }", 22),
        ("fn f(n) { return [n] * n }\nf(50000000)", 18),
        ("let x = [1, 2, 3] * 9223372036854775807", 9),
    ] {
        let mut engine = Engine::new();
        engine.set_max_operations(100_000);
        let started = std::time::Instant::now();
        let err = engine.eval(code).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Limit, "{code}: {}", err.message());
        assert!(
            err.to_string().contains(&format!(":{col}\n")),
            "{code}: {err}"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{code}"
        );
    }
    // Small values stay well inside the limit.
    let mut engine = Engine::new();
    engine.set_max_operations(100_000);
    assert_eq!(
        engine.eval("len([0] * 1000 + [1] * 1000)").unwrap(),
        mpscript::Value::Int(2000)
    );
    // An embedder's "no limit" (u64::MAX) does not overflow the counter.
    let mut engine = Engine::new();
    engine.set_max_operations(u64::MAX);
    assert!(
        engine
            .eval("let x = [1, 2, 3] * 9223372036854775807")
            .is_err()
    );
}

#[test]
fn errors_render_with_location() {
    let mut engine = Engine::new();
    let err = engine.eval("let x = [1,\n 2 +]").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Syntax);
    assert_eq!(err.exit_code(), 2);
    let err = engine
        .eval_named("job.mps", "let a = 1\nprint(a / 0)")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "error: division by zero\n --> job.mps:2:7\n  |\n2 | print(a / 0)\n  |       ^^^^^"
    );
    let err = engine.run_file("definitely/missing.mps").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(
        err.message(),
        "definitely/missing.mps: cannot read: no such file"
    );
}

#[test]
fn output_goes_to_the_sink() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sink = Sink::default();
    let mut engine = Engine::new();
    engine.set_output(sink.clone());
    engine.set_global("n", 3i64);
    engine
        .eval("for i in range(n) { print(f\"line {i}\") }")
        .unwrap();
    assert_eq!(
        String::from_utf8(sink.0.lock().unwrap().clone()).unwrap(),
        "line 0\nline 1\nline 2\n"
    );
}

/// Runs an example with a hang guard that ends its whole process group, and ends whatever it
/// left in the group.
fn run_example_guarded(name: &str, arg: &str) -> (String, String, i32) {
    let out = Test::new()
        .program(example(name))
        .cli(&[arg])
        .timeout(std::time::Duration::from_secs(30))
        .kill_leftovers()
        .run_unchecked();
    (out.stdout, out.stderr, out.status)
}

#[test]
fn a_host_that_forgot_init_gets_a_clear_error_not_endless_children() {
    let (stdout, stderr, status) = run_example_guarded("forgot_init", "spawn");
    assert_eq!(stdout, "exitcode 1\nhost done\n", "stderr: {stderr}");
    assert_eq!(status, 0, "stderr: {stderr}");
    assert!(stderr.contains("call mpscript::init()"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    let (stdout, stderr, status) = run_example_guarded("forgot_init", "pool");
    assert_eq!(stdout, "", "stderr: {stderr}");
    assert_eq!(status, 1, "stderr: {stderr}");
    assert!(stderr.contains("call mpscript::init()"), "{stderr}");
}

/// Runs `code` on an engine set up by `setup` and checks that it ends with a limit error of
/// `message` at `line:col`.
fn limit_error(setup: impl Fn(&mut Engine), code: &str, message: &str, at: &str) {
    let mut engine = Engine::new();
    setup(&mut engine);
    let err = engine.eval(code).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit, "{code}: {err}");
    assert!(err.message().contains(message), "{code}: {err}");
    assert!(
        err.short().starts_with(&format!("<eval>:{at}:")),
        "{code}: {err}"
    );
}

#[test]
fn the_operation_limit_counts_what_builtins_and_methods_build() {
    // Each of these doubles a value 40 times: without counting what they build, the operation
    // limit never stops them before the host runs out of memory.
    let ops = |e: &mut Engine| {
        e.set_max_operations(100_000);
    };
    for (code, at) in [
        ("let l = [1, 2]\nfor i in range(40) { l.extend(l) }", "2:22"),
        (
            "let s = \"ab\"\nfor i in range(40) { s = \"\".join([s, s]) }",
            "2:26",
        ),
        (
            "let s = \"ab\"\nfor i in range(40) { s = f\"{s}{s}\" }",
            "2:26",
        ),
        (
            "let s = \"a\"\nwhile true { s = s.replace(\"a\", \"aa\") }",
            "2:18",
        ),
        (
            "let s = \"ab \" * 1000\nwhile true { let w = s.split() }",
            "2:22",
        ),
        (
            "let s = [\"ab\"]\nwhile true { let t = str(s)\ns = [t, t] }",
            "2:22",
        ),
    ] {
        limit_error(ops, code, "operation limit exceeded", at);
    }
}

#[test]
fn size_limits_end_the_script_with_a_located_error() {
    let strs = |e: &mut Engine| {
        e.set_max_string_size(1000);
    };
    for (code, at) in [
        (
            "let s = \"ab\"\nfor i in range(40) { s = \"\".join([s, s]) }",
            "2:26",
        ),
        ("let s = \"ab\"\nfor i in range(40) { s += s }", "2:22"),
        (
            "let s = \"a\"\nwhile true { s = s.replace(\"a\", \"aa\") }",
            "2:18",
        ),
        ("let s = \"x\" * 600\nlet t = f\"{s}{s}\"", "2:9"),
        ("let l = [\"abcdefghij\"] * 200\nlet t = str(l)", "2:9"),
        ("let l = [\"abcdefghij\"] * 200\nprint(l)", "2:1"),
        ("let s = \"x\" * 1001", "1:9"),
        ("let s = \"ΐ\" * 400\nlet t = s.upper()", "2:9"),
    ] {
        limit_error(strs, code, "size limit exceeded: a str of", at);
    }
    let lists = |e: &mut Engine| {
        e.set_max_array_size(1000);
    };
    for (code, at) in [
        ("let l = [1, 2]\nfor i in range(40) { l.extend(l) }", "2:22"),
        ("let l = []\nwhile true { l.push(1) }", "2:14"),
        ("let l = []\nwhile true { l.insert(0, 1) }", "2:14"),
        ("let l = [1] * 600\nlet m = l + l", "2:9"),
        ("let l = [1] * 1001", "1:9"),
        ("let l = range(1001)", "1:9"),
        ("let w = (\"x \" * 1001).split()", "1:9"),
        ("let w = sorted(\"x\" * 1001)", "1:9"),
    ] {
        limit_error(lists, code, "size limit exceeded: a list of", at);
    }
    let maps = |e: &mut Engine| {
        e.set_max_map_size(100);
    };
    for (code, at) in [
        ("let m = {}\nfor i in range(1000) { m[i] = i }", "2:24"),
        ("let m = {}\nfor i in range(1000) { m[str(i)] = i }", "2:24"),
    ] {
        limit_error(maps, code, "size limit exceeded: a map of", at);
    }
    // Up to the limit is fine; limits are not catchable by the script.
    let mut engine = Engine::new();
    engine
        .set_max_string_size(10)
        .set_max_array_size(10)
        .set_max_map_size(10);
    assert_eq!(
        engine.eval("let m = {}\nfor i in range(10) { m[i] = i }\nlen(\"x\" * 10) + len([0] * 10) + len(m)").unwrap(),
        mpscript::Value::Int(30)
    );
    let err = engine
        .eval("try { let s = \"x\" * 11 } catch e { }")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Limit);
}

/// The limits example of docs/embedding.md is `examples/limits.rs` word for word, and it runs
/// and prints what the docs say.
#[test]
fn the_documented_limits_example_runs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/embedding.md")).expect("read doc");
    let source = std::fs::read_to_string(root.join("examples/limits.rs")).expect("read example");
    let section = &doc[doc.find("## Limits").expect("Limits section")..];
    let block = |fence: &str| -> String {
        let start = section.find(fence).expect("fenced block") + fence.len();
        section[start..].split("\n```").next().unwrap().to_string()
    };
    let code = block("```rust\n");
    let main = &source[source.find("fn main()").expect("main")..];
    assert_eq!(
        code.trim_end(),
        main.trim_end(),
        "docs/embedding.md differs from the example"
    );
    let printed = section[section.find("\nprints\n").expect("printed output")..].to_string();
    let expected = {
        let start = printed.find("```\n").unwrap() + 4;
        printed[start..].split("```").next().unwrap().to_string()
    };
    let out = Test::new().program(example("limits")).run_unchecked();
    assert_eq!(out.status, 0, "{out:?}");
    assert_eq!(out.stdout, expected);
}

#[test]
fn a_sandboxed_engine_refuses_files_commands_and_the_environment_at_compile_time() {
    let mut engine = Engine::sandboxed();
    for (code, name) in [
        ("let t = fs.read(\"/etc/hostname\")", "fs"),
        ("print(1)\nlet f = fs", "fs"),
        ("os.setenv(\"X\", \"1\")", "os"),
        ("run([\"true\"])", "run"),
        ("fn f() { return start(\"sleep 1\") }", "start"),
        ("parallel([\"true\"])", "parallel"),
        ("env(\"HOME\")", "env"),
    ] {
        let err = engine.eval(code).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Syntax, "{code}: {err}");
        assert_eq!(
            err.message(),
            format!("`{name}` is not allowed here"),
            "{code}"
        );
        assert!(err.to_string().contains("<eval>:"), "{err}");
    }
    // Nothing ran: a refused script is refused whole, before its first statement.
    assert!(engine.get_global("t").is_none());
    // What is left works, and a script's own variable of a disabled name is its own.
    assert_eq!(
        engine
            .eval("json.dump([math.floor(2.5), hex(16)])")
            .unwrap(),
        mpscript::Value::from("[2, \"0x10\"]")
    );
    assert_eq!(
        engine
            .eval("fn g() { let fs = 3; return fs }\ng()")
            .unwrap(),
        mpscript::Value::Int(3)
    );
}

#[test]
fn a_sandboxed_engine_refuses_import_at_compile_time() {
    let mut engine = Engine::sandboxed();
    let err = engine
        .eval("let t = 1\nimport \"lib/util.mps\" as util")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Syntax);
    assert_eq!(err.message(), "`import` is not allowed here");
    assert!(err.to_string().contains("<eval>:2:1"), "{err}");
    assert!(engine.get_global("t").is_none());
}

#[test]
fn disabling_one_namespace_leaves_the_others() {
    let mut engine = Engine::new();
    engine.disable("os");
    assert!(engine.eval("os.platform()").is_err());
    assert_eq!(
        engine.eval("fs.basename(\"a/b\")").unwrap(),
        mpscript::Value::from("b")
    );
}
