//! The parser and resolver on arbitrary bytes (through the public API): they return a program
//! or an error with a location, and never panic or overflow the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Parses and resolves, without running anything.
    let _ = mpscript::Engine::new().check("<fuzz>", text);
    let _ = mpscript::Engine::is_complete(text);
});
