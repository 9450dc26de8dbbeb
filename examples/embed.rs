//! A host program embedding mpscript: it registers a Rust function, runs a pool and a child
//! process over it, and captures everything scripts print (children and workers included).
//!
//! Run it with `cargo run --example embed` (or `-- spawn` for the spawn start method).

use std::sync::{Arc, Mutex};

/// A sink that keeps what scripts print.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("sink lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The host's functions. Registered in the parent and, for the spawn start method, in every
/// child (a child is a fresh copy of this program).
fn register(engine: &mut mpscript::Engine) {
    engine.register_fn("double", |x: i64| x * 2);
    engine.register_fn("greet", |name: String| format!("hi {name}"));
}

const SCRIPT: &str = r#"
let p = pool(2)
print(p.map(double, [1, 2, 3]))
fn shout(x) {
    print(greet("worker"), double(x))
}
join spawn shout(21)
apply_async(p, shout(5)).get()
close p
join p
print("done")
"#;

fn main() -> anyhow::Result<()> {
    // First line of main: a spawn-method child or pool worker runs its call here and exits.
    mpscript::init_with(register);

    let mut engine = mpscript::Engine::new();
    register(&mut engine);
    if std::env::args().nth(1).as_deref() == Some("spawn") {
        engine.set_start_method(mpscript::StartMethod::Spawn);
    }
    let captured = Captured::default();
    engine.set_output(captured.clone());
    engine.run("embed.mps", SCRIPT)?;

    let text = String::from_utf8(captured.0.lock().expect("sink lock").clone())?;
    print!("captured:\n{text}");
    Ok(())
}
