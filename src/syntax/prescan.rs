//! A quick scan before pest runs. It matches brackets (skipping comments and strings, and
//! entering the code inside f-string `{...}`), so that unclosed and mismatched brackets and
//! unterminated strings get precise errors, and it bounds nesting depth: pest has no depth
//! limit of its own, so without this check deeply nested input would overflow the stack.

use super::parser::{MAX_EXPR_DEPTH, MAX_NESTING};

/// A problem found by the scan: message, byte range, and whether the input just ended early.
#[derive(Debug, PartialEq)]
pub struct ScanError {
    pub message: String,
    pub start: usize,
    pub end: usize,
    pub at_end: bool,
}

enum Frame {
    /// An open `(`, `[` or `{` at this offset.
    Bracket(u8, usize),
    /// Inside the `{...}` of an f-string whose quote is this byte.
    Interp(u8, usize),
}

fn err(message: String, start: usize, end: usize, at_end: bool) -> Result<(), ScanError> {
    Err(ScanError {
        message,
        start,
        end,
        at_end,
    })
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn closer(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

pub fn prescan(text: &str) -> Result<(), ScanError> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    let mut unary_run = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'\'' => {
                let is_f = i > 0
                    && bytes[i - 1] == b'f'
                    && (i < 2 || !(bytes[i - 2].is_ascii_alphanumeric() || bytes[i - 2] == b'_'));
                let start = if is_f { i - 1 } else { i };
                let scanned = scan_string(text, i, b, is_f).map_err(|e| {
                    // `f"{x"`: the quote meant to end the f-string, not to start a string.
                    match stack.last() {
                        Some(Frame::Interp(q, at)) if *q == b && e.message == "unterminated string" => {
                            let (line, col) = line_col(text, *at);
                            ScanError {
                                message: format!(
                                    "expected `}}` before `{}`: the `{{` of the f-string at {line}:{col} is never closed",
                                    b as char
                                ),
                                start: i,
                                end: i + 1,
                                at_end: false,
                            }
                        }
                        _ => e,
                    }
                })?;
                match scanned {
                    StringEnd::Closed(next) => i = next,
                    StringEnd::Interp(next) => {
                        if stack.len() >= MAX_NESTING {
                            return err(too_deep(), next - 1, next, false);
                        }
                        stack.push(Frame::Interp(b, start));
                        i = next;
                    }
                }
                unary_run = 0;
                continue;
            }
            b'(' | b'[' | b'{' => {
                if stack.len() >= MAX_NESTING {
                    return err(too_deep(), i, i + 1, false);
                }
                stack.push(Frame::Bracket(b, i));
                unary_run = 0;
            }
            b')' | b']' | b'}' => {
                match stack.pop() {
                    Some(Frame::Bracket(open, _)) if closer(open) == b => {}
                    Some(Frame::Bracket(open, at)) => {
                        let (line, col) = line_col(text, at);
                        return err(
                            format!(
                                "mismatched `{}`: `{}` at {line}:{col} is still open",
                                b as char, open as char
                            ),
                            i,
                            i + 1,
                            false,
                        );
                    }
                    Some(Frame::Interp(quote, _)) if b == b'}' => {
                        // Back in the f-string's text.
                        match scan_fstring_text(text, i + 1, quote)? {
                            StringEnd::Closed(next) => i = next,
                            StringEnd::Interp(next) => {
                                stack.push(Frame::Interp(quote, i));
                                i = next;
                            }
                        }
                        continue;
                    }
                    Some(Frame::Interp(_, at)) => {
                        return err(
                            format!(
                                "unclosed `{{` in f-string: expected `}}` before `{}`",
                                b as char
                            ),
                            at,
                            i + 1,
                            false,
                        );
                    }
                    None => {
                        return err(format!("unmatched `{}`", b as char), i, i + 1, false);
                    }
                }
                unary_run = 0;
            }
            b'-' => {
                unary_run += 1;
            }
            b'n' if text[i..].starts_with("not")
                && !bytes
                    .get(i + 3)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                unary_run += 1;
                i += 3;
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => unary_run = 0,
        }
        if unary_run > MAX_EXPR_DEPTH {
            return err(
                format!(
                    "expression is too deeply nested: more than {MAX_EXPR_DEPTH} operators in a row"
                ),
                i,
                i + 1,
                false,
            );
        }
        if b != b'n' || unary_run == 0 {
            i += 1;
        }
    }
    match stack.last() {
        None => Ok(()),
        Some(Frame::Bracket(open, at)) => {
            err(format!("unclosed `{}`", *open as char), *at, at + 1, true)
        }
        Some(Frame::Interp(_, at)) => err("unterminated f-string".into(), *at, at + 1, true),
    }
}

fn too_deep() -> String {
    format!("nesting too deep: more than {MAX_NESTING} levels of brackets and blocks")
}

enum StringEnd {
    /// The string closed; scanning goes on at this offset.
    Closed(usize),
    /// An f-string interpolation opened; code starts at this offset.
    Interp(usize),
}

/// Scans a string starting at its opening quote.
fn scan_string(text: &str, open: usize, quote: u8, is_f: bool) -> Result<StringEnd, ScanError> {
    if is_f {
        return scan_fstring_text(text, open + 1, quote).map_err(|mut e| {
            if e.message == "unterminated string" {
                e.start = open - 1;
                e.end = open;
            }
            e
        });
    }
    let bytes = text.as_bytes();
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => break,
            c if c == quote => return Ok(StringEnd::Closed(i + 1)),
            _ => i += 1,
        }
    }
    Err(ScanError {
        message: "unterminated string".into(),
        start: open,
        end: open + 1,
        at_end: false,
    })
}

/// Scans f-string text from `from` up to the closing quote or the next interpolation.
fn scan_fstring_text(text: &str, from: usize, quote: u8) -> Result<StringEnd, ScanError> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => break,
            b'{' if bytes.get(i + 1) == Some(&b'{') => i += 2,
            b'}' if bytes.get(i + 1) == Some(&b'}') => i += 2,
            b'{' => return Ok(StringEnd::Interp(i + 1)),
            b'}' => {
                return Err(ScanError {
                    message: "single `}` in f-string: write `}}` for a literal brace".into(),
                    start: i,
                    end: i + 1,
                    at_end: false,
                });
            }
            c if c == quote => return Ok(StringEnd::Closed(i + 1)),
            _ => i += 1,
        }
    }
    Err(ScanError {
        message: "unterminated string".into(),
        start: from.saturating_sub(1),
        end: from,
        at_end: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> String {
        prescan(text).unwrap_err().message
    }

    #[test]
    fn balanced_input_passes() {
        assert!(
            prescan("print((1), [2], {\"a\": f\"{x[0]} {{ }}\"}) # ) unbalanced in comment")
                .is_ok()
        );
        assert!(prescan("print(f\"{m[\"k\"]}\")").is_ok());
        assert!(prescan("let s = \"(\" + ')'").is_ok());
    }

    #[test]
    fn bracket_errors() {
        assert_eq!(message("print((1 + 2)"), "unclosed `(`");
        assert!(prescan("print((1 + 2)").unwrap_err().at_end);
        assert_eq!(message("print(1))"), "unmatched `)`");
        assert_eq!(
            message("let x = [1,\n 2)"),
            "mismatched `)`: `[` at 1:9 is still open"
        );
    }

    #[test]
    fn string_errors() {
        assert_eq!(message("print(\"abc)\n"), "unterminated string");
        assert_eq!(prescan("x = \"abc").unwrap_err().start, 4);
        assert_eq!(
            message("f\"a } b\""),
            "single `}` in f-string: write `}}` for a literal brace"
        );
        assert_eq!(
            message("f\"{x\""),
            "expected `}` before `\"`: the `{` of the f-string at 1:1 is never closed"
        );
    }

    #[test]
    fn depth_is_bounded() {
        assert!(message(&"(".repeat(100_000)).starts_with("nesting too deep"));
        assert!(message(&"-".repeat(5_000)).starts_with("expression is too deeply nested"));
        assert!(message(&"not ".repeat(5_000)).starts_with("expression is too deeply nested"));
        assert!(prescan(&format!("{}1{}", "(".repeat(150), ")".repeat(150))).is_ok());
    }
}
