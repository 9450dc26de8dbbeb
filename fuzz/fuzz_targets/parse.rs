//! The parser on arbitrary bytes: it returns a program or a syntax error with a location,
//! and never panics or overflows the stack.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut sources = mpscript::syntax::SourceMap::new();
    let id = sources.add("<fuzz>", text);
    let _ = mpscript::syntax::parse(id, text);
    let _ = mpscript::Engine::is_complete(text);
});
