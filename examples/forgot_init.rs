//! A host program that forgets to call `mpscript::init()` first in `main` (the test suite runs
//! it to check the clear error; do not copy it). With the spawn start method every child is a
//! fresh run of this program: without `init` it would run `main` again instead of its call.
//!
//! `cargo run --example forgot_init -- spawn` (or `-- pool`).

fn main() {
    let mut engine = mpscript::Engine::new();
    engine.set_start_method(mpscript::StartMethod::Spawn);
    let script = match std::env::args().nth(1).as_deref() {
        Some("pool") => "let p = pool(1)\nprint(p.map(fn (x) { return x * 2 }, [1, 2]))",
        _ => {
            "fn child() { print(\"child runs\") }\nlet p = spawn child()\njoin p\nprint(\"exitcode\", p.exitcode)"
        }
    };
    match engine.run("host.mps", script) {
        Ok(_) => println!("host done"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(e.exit_code());
        }
    }
}
