//! Hostile inputs too large to keep as files: each must end with a clean error (or run), never
//! a panic, a stack overflow or a hang.

use crate::harness::Test;

fn rejects(script: String, status: i32, message: &str) {
    let out = Test::new()
        .script(&script)
        .any_stderr()
        .status(status)
        .run();
    assert!(
        out.stderr.contains(message),
        "expected {message:?} in:\n{}",
        &out.stderr[..out.stderr.len().min(2000)]
    );
    assert!(
        out.stderr.contains("script.mps:"),
        "no location in:\n{}",
        out.stderr
    );
}

#[test]
fn hundred_thousand_open_parens() {
    rejects("(".repeat(100_000), 2, "nesting too deep");
}

#[test]
fn hundred_thousand_open_brackets() {
    rejects(
        format!("let x = {}", "[".repeat(100_000)),
        2,
        "nesting too deep",
    );
}

#[test]
fn hundred_thousand_balanced_parens() {
    rejects(
        format!("print({}1{})", "(".repeat(100_000), ")".repeat(100_000)),
        2,
        "nesting too deep",
    );
}

#[test]
fn twenty_thousand_nested_blocks() {
    let script = format!(
        "{}print(1)\n{}",
        "if true {\n".repeat(20_000),
        "}\n".repeat(20_000)
    );
    rejects(script, 2, "nesting too deep");
}

#[test]
fn hundred_thousand_unary_minus() {
    let out = Test::new()
        .script(&format!("print({}1)", "-".repeat(100_000)))
        .any_stderr()
        .run_status_any();
    assert!(out.status == 0 || out.status == 2, "status {}", out.status);
}

#[test]
fn hundred_thousand_not() {
    let out = Test::new()
        .script(&format!("print({}true)", "not ".repeat(100_000)))
        .any_stderr()
        .run_status_any();
    assert!(out.status == 0 || out.status == 2, "status {}", out.status);
}

#[test]
fn long_addition_chain() {
    let script = format!("print({})", vec!["1"; 100_000].join(" + "));
    let out = Test::new().script(&script).any_stderr().run_status_any();
    assert!(out.status == 0 || out.status == 2, "status {}", out.status);
    if out.status == 0 {
        assert_eq!(out.stdout, "100000\n");
    }
}

#[test]
fn megabyte_line() {
    let script = format!("let s = \"{}\"\nprint(len(s))", "x".repeat(1 << 20));
    Test::new().script(&script).stdout("1048576\n").run();
}

#[test]
fn deep_data_prints_and_drops() {
    Test::new()
        .script(
            "
            let x = []
            for i in range(200000) { x = [x] }
            let s = str(x)
            print(len(s) > 100)
            ",
        )
        .stdout("true\n")
        .run();
}

#[test]
fn self_containing_list_prints() {
    Test::new()
        .script("let xs = [1]\nxs.push(xs)\nprint(xs)\nprint(xs == xs)")
        .stdout("[1, [...]]\ntrue\n")
        .run();
}

#[test]
fn recursion_limit_is_an_error() {
    Test::new()
        .script("fn f(n) { return f(n + 1) }\nf(0)")
        .stderr_contains("recursion too deep")
        .stderr_contains("script.mps:1:18")
        .status(1)
        .run();
}

#[test]
fn deep_recursion_within_limit_runs() {
    Test::new()
        .script("fn f(n) { if n == 0 { return 0 } return 1 + f(n - 1) }\nprint(f(9000))")
        .stdout("9000\n")
        .run();
}

#[test]
fn huge_repetition_is_refused() {
    Test::new()
        .script("let s = \"x\" * 9223372036854775807")
        .stderr_contains("size limit exceeded: a str of 9223372036854775807 bytes")
        .status(1)
        .run();
}

#[test]
fn for_over_a_huge_range_counts_without_building_the_list() {
    // Building this list would be refused (too large); counting it is fine.
    crate::harness::Test::new()
        .script(
            r#"
            for i in range(9000000000000000000) {
                if i == 3 { break }
            }
            fn inside() {
                for j in range(1, 9000000000000000000, 2) { if j > 5 { return j } }
            }
            print(inside())
            "#,
        )
        .stdout("7\n")
        .run();
}

/// Equality, ordering, `in`, sorting and printing of deeply nested values give the right answer
/// at any depth (no depth cut-off that answers `false` or prints `...`).
#[test]
fn deep_values_compare_sort_and_print_right() {
    Test::new()
        .script(
            r#"
            fn nest(n, leaf) {
                let x = leaf
                for i in range(n) { x = [x] }
                return x
            }
            fn nest_map(n, leaf) {
                let x = leaf
                for i in range(n) { x = {"k": x, "n": i} }
                return x
            }
            for n in [600, 10000, 100000] {
                let a = nest(n, 1)
                let b = nest(n, 1)
                let c = nest(n, 2)
                print(n, a == b, a != b, a == c, a != c, a < c, c > a, a <= b, a < b)
                print(nest_map(n, 1) == nest_map(n, 1), nest_map(n, 1) != nest_map(n, 2))
                print(a in [c, b], [c, a].index(b), sorted([c, a, b])[2] == c, max([a, c]) == c)
                print(len(str(a)) == 2 * n + 1, str(c).endswith("2" + "]" * n))
                print([a, 1] == [b, 1], nest(n + 1, 1) == a, a == [b], {"x": a} == {"x": b})
            }
            "#,
        )
        .stdout(
            "
            600 true false false true true true true false
            true true
            true 1 true true
            true true
            true false false true
            10000 true false false true true true true false
            true true
            true 1 true true
            true true
            true false false true
            100000 true false false true true true true false
            true true
            true 1 true true
            true true
            true false false true
            ",
        )
        .run();
}

/// Values that contain themselves: equality compares them as the infinite values they are
/// (both print as `[1, [...]]`), ordering them is a located error, never a hang or a crash.
#[test]
fn self_containing_values_compare_or_raise() {
    Test::new()
        .script(
            "
            let a = [1]
            a.push(a)
            let b = [1]
            b.push(b)
            let c = [2]
            c.push(c)
            print(a == b, a == c, a == a, a < c, a <= a)
            print(a < b)
            ",
        )
        .stdout("true false true true true\n")
        .stderr_contains("cannot order lists that contain themselves")
        .stderr_contains("script.mps:8:7")
        .status(1)
        .run();
}

/// Sending a value nested deeper than the wire format carries is a located error.
#[test]
fn sending_a_deep_value_is_a_located_error() {
    crate::harness::both(|| {
        Test::new()
            .script(
                "
                let x = 1
                for i in range(100000) { x = [x] }
                fn f(v) { return 1 }
                let p = spawn f(x)
                ",
            )
            .stderr_contains("nested too deeply")
            .stderr_contains("script.mps:4:9")
            .status(1)
    });
}

/// The default size limits of the command line refuse a huge str or list before building it.
#[test]
fn default_size_limits_refuse_huge_values_before_building_them() {
    Test::new()
        .script("let s = \"x\" * 2000000000")
        .stderr_contains("size limit exceeded: a str of 2000000000 bytes")
        .stderr_contains("script.mps:1:9")
        .status(1)
        .run();
    Test::new()
        .script("let xs = [1, 2]\nlet ys = range(200000000)")
        .stderr_contains("size limit exceeded: a list of 200000000 items")
        .stderr_contains("script.mps:2:10")
        .status(1)
        .run();
}

/// Runs a script with its address space capped (`ulimit -v`), so a doubling value runs out of
/// memory long before the default size limits; the allocation that fails must become a
/// located error, not the allocator's abort.
fn run_with_memory_cap(script: &str, kib: u64) -> crate::harness::Output {
    crate::harness::Test::new()
        .script(script)
        .wrapped(
            "sh",
            &["-c", &format!("ulimit -v {kib} && exec {{mpscript}}")],
        )
        .run_unchecked()
}

#[test]
fn running_out_of_memory_is_a_located_error_not_an_abort() {
    for (script, what, at) in [
        (
            "let s = \"ab\" * 1000\nwhile true { s = \"\".join([s, s]) }",
            "out of memory building a str of",
            "script.mps:2:18",
        ),
        (
            "let l = [1, 2]\nwhile true { l.extend(l) }",
            "out of memory building a list of",
            "script.mps:2:14",
        ),
        (
            "let s = \"ab\" * 1000\nwhile true { s = s.replace(\"ab\", \"abab\") }",
            "out of memory building a str of",
            "script.mps:2:18",
        ),
    ] {
        let out = run_with_memory_cap(script, 200_000);
        assert_eq!(out.status, 1, "{script}: {out:?}");
        assert!(out.stderr.contains(what), "{script}: {}", out.stderr);
        assert!(out.stderr.contains(at), "{script}: {}", out.stderr);
        assert!(
            !out.stderr.contains("memory allocation of"),
            "{script}: {}",
            out.stderr
        );
    }
}

/// A comparison that fails half way through a sort (nan, mixed types) is a located error; it
/// used to make the standard library's sort panic ("does not implement a total order").
#[test]
fn sorting_with_a_failing_comparison_raises() {
    for (setup, message) in [
        ("xs[1000] = float(\"nan\")", "cannot order nan"),
        ("xs[1000] = \"a\"", "cannot compare"),
        ("xs[1000] = [1]", "cannot compare"),
    ] {
        Test::new()
            .script(&format!(
                "let xs = []\nfor i in range(2000) {{ xs.push(random()) }}\n{setup}\nxs.sort()\n"
            ))
            .stderr_contains(message)
            .stderr_contains("script.mps:4:1")
            .status(1)
            .run();
    }
}
