//! Limits on what a script may build: a runaway script ends with a located error, and the
//! host goes on. Shown in docs/embedding.md ("Limits") and run by tests/embedding.rs.
//!
//! Run it with `cargo run --example limits`.

fn main() {
    mpscript::init();
    let mut engine = mpscript::Engine::new();
    engine
        .set_max_string_size(1 << 20) // bytes
        .set_max_array_size(100_000) // items
        .set_max_map_size(10_000) // entries
        .set_max_operations(10_000_000);
    for code in [
        "let s = \"ab\"\nwhile true { s = s + s }",
        "let l = [0]\nwhile true { l.extend(l) }",
        "let m = {}\nfor i in range(20000) { m[i] = i }",
        "let t = \"ab\" * 1000\nwhile true { t = t.replace(\"a\", \"aa\") }",
    ] {
        let err = engine.eval(code).unwrap_err();
        assert_eq!(err.kind(), mpscript::ErrorKind::Limit);
        println!("{}", err.short());
    }
    // The script's `try` does not catch a limit; the engine stays usable afterwards.
    assert!(
        engine
            .eval("try { let s = \"x\" * 2000000 } catch e { }")
            .is_err()
    );
    assert_eq!(
        engine.eval("len(\"x\" * 1000)").unwrap(),
        mpscript::Value::Int(1000)
    );
}
