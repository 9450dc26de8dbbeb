//! The interpreter on arbitrary scripts, with an operation limit and a call-depth limit.
//! Scripts that would start processes, sleep or make IPC handles are skipped (processes
//! disabled): the fuzzer exercises the language, the tests exercise the process runtime.
#![no_main]

use libfuzzer_sys::fuzz_target;

const SKIPPED: &[&str] = &[
    "spawn", "pool", "apply_async", "sleep", "queue", "pipe", "lock", "shared", "exit", "join",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if SKIPPED.iter().any(|word| text.contains(word)) {
        return;
    }
    let mut engine = mpscript::Engine::new();
    engine.set_output(std::io::sink());
    engine.set_max_operations(100_000);
    engine.set_max_call_depth(200);
    if let Err(e) = engine.eval(text) {
        let shown = e.to_string();
        assert!(shown.contains("<eval>:"), "an error without a location: {shown}");
    }
});
