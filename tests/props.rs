//! Property tests over generated scripts (stable Rust; the fuzz-style check CI can run):
//! whatever the input, the interpreter returns a value or an error that points at a place in
//! the source — it never panics and never runs away.

use proptest::prelude::*;

/// Source fragments that combine into mostly-valid, sometimes-broken programs.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("let x = 1\n".to_string()),
        Just("x = x + 1\n".to_string()),
        Just("fn f(a, b) { return a * b }\n".to_string()),
        Just("print(f(x, 2))\n".to_string()),
        Just("let l = [1, \"a\", nil, [2]]\n".to_string()),
        Just("l.push(x)\n".to_string()),
        Just("let m = {\"k\": 1}\n".to_string()),
        Just("m[\"j\"] = l\n".to_string()),
        Just("for i in range(3) { x += i }\n".to_string()),
        Just("while x < 50 { x *= 2 }\n".to_string()),
        Just("if x > 3 { print(\"big\") } else { print(\"small\") }\n".to_string()),
        Just("try { throw \"t\" } catch e { print(e) }\n".to_string()),
        Just("print(f\"{x:>5} {1.5:.2f}\")\n".to_string()),
        Just("let g = fn(y) { return y + x }\n".to_string()),
        Just("print(g(1))\n".to_string()),
        Just("print(x / 0)\n".to_string()),
        Just("print(9223372036854775807 + x)\n".to_string()),
        Just("print(l[10])\n".to_string()),
        Just("print(undefined_name)\n".to_string()),
        Just("fn r(n) { return r(n + 1) }\nr(0)\n".to_string()),
        Just("print(l[1:], l[::-1], \"abc\"[x:], l[::x - x])\n".to_string()),
        Just("let sq = [i * x for i in range(4) if i != x]\n".to_string()),
        Just("let mm = {k: v for k, v in items(m)}\n".to_string()),
        Just("for a, b in [[1, 2], [3]] { x += a }\n".to_string()),
        Just("let [p, q] = l\n".to_string()),
        Just("print(x if x > 2 else -x, 1 << x, x ** x, ~x & 7 | x ^ 3 >> 1)\n".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("(".to_string()),
        Just("\"unterminated".to_string()),
        Just("+ * /".to_string()),
        "[a-z0-9 (){}\\[\\]+*/<>=!,.:\"#\n&|^~-]{0,20}",
    ]
}

fn script() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..12).prop_map(|parts| parts.concat())
}

fn check(code: &str) {
    let mut engine = mpscript::Engine::new();
    engine.set_output(std::io::sink());
    engine.set_max_operations(200_000);
    engine.set_max_call_depth(200);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| engine.eval(code)));
    match result {
        Err(_) => panic!("the interpreter panicked on {code:?}"),
        Ok(Ok(_)) => {}
        Ok(Err(e)) => {
            let text = e.to_string();
            assert!(
                text.contains("<eval>:"),
                "the error has no location: {text}\nscript: {code:?}"
            );
        }
    }
}

/// CPython's slice semantics, written the way CPython's `PySlice_AdjustIndices` reads: the
/// reference the interpreter's slices are checked against.
fn python_slice(len: i64, start: Option<i64>, stop: Option<i64>, step: i64) -> Vec<i64> {
    let (lower, upper) = if step > 0 { (0, len) } else { (-1, len - 1) };
    let adjust = |bound: Option<i64>, default: i64| match bound {
        None => default,
        Some(b) if b < 0 => (b + len).max(lower),
        Some(b) => b.min(upper),
    };
    let first = adjust(start, if step > 0 { lower } else { upper });
    let end = adjust(stop, if step > 0 { upper } else { lower });
    let mut out = Vec::new();
    let mut i = first;
    while (step > 0 && i < end) || (step < 0 && i > end) {
        out.push(i);
        i += step;
    }
    out
}

fn bound_text(b: Option<i64>) -> String {
    b.map_or(String::new(), |b| b.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// `xs[a:b:c]` on a list and on a str (ASCII and not) picks what CPython picks.
    #[test]
    fn slices_match_python(
        len in 0i64..9,
        start in prop::option::of(-12i64..12),
        stop in prop::option::of(-12i64..12),
        step in prop::option::of(prop_oneof![-5i64..0, 1i64..6]),
        wide in any::<bool>(),
    ) {
        let expected = python_slice(len, start, stop, step.unwrap_or(1));
        let bounds = format!(
            "{}:{}{}",
            bound_text(start),
            bound_text(stop),
            step.map_or(String::new(), |s| format!(":{s}"))
        );
        let letter = if wide { "é" } else { "a" };
        // Each item is one character, so str indexes and list indexes agree.
        let code = format!(
            "let xs = []\nlet t = \"\"\n\
             for i in range({len}) {{ xs.push(i) ; t = t + (\"{letter}\" if i == 0 else str(i)) }}\n\
             [xs[{bounds}], t[{bounds}]]"
        );
        let mut engine = mpscript::Engine::new();
        let got = engine.eval(&code).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let list = format!(
            "[{}]",
            expected.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
        );
        let text: String = expected
            .iter()
            .map(|&i| if i == 0 { letter.to_string() } else { i.to_string() })
            .collect();
        prop_assert_eq!(got.to_string(), format!("[{list}, \"{text}\"]"), "{}", code);
    }

    #[test]
    fn generated_scripts_never_panic_and_errors_have_a_location(code in script()) {
        check(&code);
    }

    #[test]
    fn mutated_examples_never_panic(seed in 0usize..1000, cut in 0usize..4000, junk in "[ -~\n]{0,8}") {
        let examples = ["tests/golden/fstrings.mps", "tests/golden/closures.mps", "tests/golden/control_flow.mps", "tests/golden/lists.mps", "tests/golden/functions.mps", "tests/golden/arithmetic.mps"];
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(examples[seed % examples.len()]);
        let Ok(text) = std::fs::read_to_string(&path) else { return Ok(()) };
        let mut at = cut.min(text.len());
        while !text.is_char_boundary(at) { at -= 1; }
        let mutated = format!("{}{}{}", &text[..at], junk, &text[at..]);
        // Processes are not started here: only scripts without spawn/pool are run.
        if !mutated.contains("spawn") && !mutated.contains("pool") && !mutated.contains("sleep") {
            check(&mutated);
        }
    }
}
