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
        .stderr_contains("repetition is too large")
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
