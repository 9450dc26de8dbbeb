//! Script bytes → script text: a UTF-8 byte-order mark is skipped, and a NUL byte or invalid
//! UTF-8 is refused with an error located like any other (`FILE:LINE:COL`, the line, a caret).

use crate::error::{Error, ErrorKind};
use crate::syntax::{SourceMap, Span};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks that `bytes` are a text script (UTF-8 without NUL bytes) and returns the text, without
/// a leading byte-order mark (so columns count from the first real character).
pub fn script_text(name: &str, mut bytes: Vec<u8>) -> Result<String, Error> {
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    let nul = bytes.iter().position(|&b| b == 0);
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => match nul {
            None => return Ok(text),
            Some(at) => {
                return Err(located(name, &text, at, "not a text file: NUL byte".into()));
            }
        },
        Err(e) => e,
    };
    let valid = bytes.utf8_error().valid_up_to();
    let raw = bytes.into_bytes();
    let (at, message) = match nul {
        Some(at) if at < valid => (at, "not a text file: NUL byte".to_string()),
        _ => (
            valid,
            format!("not valid UTF-8: invalid byte 0x{:02X}", raw[valid]),
        ),
    };
    // Everything before `at` is valid UTF-8, so the lossy text has the same offsets up to it.
    let text = String::from_utf8_lossy(&raw);
    Err(located(name, &text, at, message))
}

fn located(name: &str, text: &str, at: usize, message: String) -> Error {
    let mut sources = SourceMap::new();
    let id = sources.add(name, text);
    Error::at(
        ErrorKind::Usage,
        message,
        Span::new(id, at, at + 1),
        &sources,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_skipped() {
        let text = script_text("t", b"\xEF\xBB\xBFprint(1)\n".to_vec()).unwrap();
        assert_eq!(text, "print(1)\n");
    }

    #[test]
    fn bad_bytes_are_located() {
        let err = script_text("t.mps", b"let a = 1\nprint(\"caf\xE9\")\n".to_vec()).unwrap_err();
        assert_eq!(
            err.short(),
            "t.mps:2:11: not valid UTF-8: invalid byte 0xE9"
        );
        let err = script_text("t.mps", b"\xEF\xBB\xBFab\0c".to_vec()).unwrap_err();
        assert_eq!(err.short(), "t.mps:1:3: not a text file: NUL byte");
        // The first problem is reported, whichever kind it is.
        let err = script_text("t.mps", b"\xFFa\0".to_vec()).unwrap_err();
        assert_eq!(err.short(), "t.mps:1:1: not valid UTF-8: invalid byte 0xFF");
        assert_eq!(err.exit_code(), 2);
    }
}
