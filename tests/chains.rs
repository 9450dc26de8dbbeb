//! Long flat chains — `1 + 1 + ...`, `a and b and ...`, `s.strip().strip()...`, `f()()...` —
//! are not nesting: with 5,000 and 50,000 links they parse, compile, run and are dropped
//! without a stack overflow. Real nesting stays limited, with a located error.

use crate::harness::Test;

/// 50,000-term chains take about 40 s in a debug build on a loaded 2-core machine: more than
/// the harness's usual limit, which is there to catch hangs, not to time scripts.
const LONG_SCRIPT: std::time::Duration = std::time::Duration::from_secs(240);

fn chain(first: &str, link: &str, n: usize) -> String {
    let mut text = String::with_capacity(first.len() + link.len() * n);
    text.push_str(first);
    for _ in 1..n {
        text.push_str(link);
    }
    text
}

#[test]
fn long_arithmetic_chains_run() {
    for n in [501, 5_000, 50_000] {
        Test::new()
            .timeout(LONG_SCRIPT)
            .script(&format!(
                "let x = 1\nprint({})\nprint({})\n",
                chain("1", " + 1", n),
                chain("x", " - x * 2 + 3", n)
            ))
            .stdout(&format!("{n}\n{n}\n"))
            .run();
    }
}

#[test]
fn long_boolean_chains_short_circuit() {
    for n in [501, 50_000] {
        Test::new()
            .timeout(LONG_SCRIPT)
            .script(&format!(
                "fn t() {{ return true }}\nprint({})\nprint({})\nprint({})\n",
                chain("t()", " and t()", n),
                chain("false", " or false", n) + " or 7",
                chain("0", " and 1 / 0", n),
            ))
            .stdout("true\n7\n0\n")
            .run();
    }
}

#[test]
fn long_call_chains_run() {
    for n in [501, 50_000] {
        Test::new()
            .timeout(LONG_SCRIPT)
            .script(&format!(
                "let s = \" ab \"\nprint({})\nfn f() {{ return f }}\nprint({})\nlet xs = [[1]]\nprint(len({}))\n",
                chain("s", ".strip()", n),
                chain("f", "()", n),
                chain("xs", "[0]", 2) + &chain("", ".copy()", n),
            ))
            .stdout("ab\n<function f>\n1\n")
            .run();
    }
}

#[test]
fn errors_inside_a_long_chain_are_located() {
    let script = format!("let x = {} + \"a\"\n", chain("1", " + 1", 5_000));
    let out = Test::new()
        .timeout(LONG_SCRIPT)
        .script(&script)
        .stderr_contains(
            "error: unsupported operand types for `+`: int and str\n --> script.mps:1:9\n",
        )
        .status(1)
        .run();
    assert!(out.stderr.len() < 1000, "{}", out.stderr);
    Test::new()
        .timeout(LONG_SCRIPT)
        .script(&format!(
            "let s = \"a\"\nprint({}.nope())\n",
            chain("s", ".strip()", 5_000)
        ))
        .stderr_contains(" --> script.mps:2:7\n")
        .status(1)
        .run();
}

#[test]
fn a_long_chain_as_assignment_target_and_spawned_call() {
    // `a` holds itself, so `a[0][0]...[0]` is `a` again, however long.
    let script = |n: usize| {
        format!(
            "let a = [0, 0]\na[0] = a\n{}[1] = 5\nprint(a[1])\nfn child(x) {{ print(\"child\", x) }}\na[1] = child\njoin spawn {}[1](3)\n",
            chain("a", "[0]", n),
            chain("a", "[0]", n),
        )
    };
    for n in [100, 5_000] {
        Test::new()
            .timeout(LONG_SCRIPT)
            .script(&script(n))
            .stdout("5\nchild 3\n")
            .run();
        Test::new()
            .timeout(LONG_SCRIPT)
            .script(&script(n))
            .spawn_method()
            .stdout("5\nchild 3\n")
            .run();
    }
}

#[test]
fn real_nesting_stays_limited() {
    // `not x == not x == ...` nests to the right: each `not` holds the rest.
    let script = format!("let x = 1\nprint({})\n", chain("not x", " == not x", 600));
    Test::new()
        .timeout(LONG_SCRIPT)
        .script(&script)
        .stderr_contains("expression is too deeply nested")
        .stderr_contains(" --> script.mps:2:")
        .status(2)
        .run();
    Test::new()
        .timeout(LONG_SCRIPT)
        .script(&format!(
            "let x = 1\nprint({})\n",
            chain("not x", " == not x", 200)
        ))
        .any_stdout()
        .run();
}
