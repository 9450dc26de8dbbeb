//! Syntax errors for habits from Python, shell and C-like languages: when the text around a
//! parse error looks like `def`, `elif`, `0..10`, `apply_async p, f, x`, `if c:`, `i++`, `&&`,
//! `||` or `!x`, the message says what to write in mpscript instead. The parser asks here
//! first and falls back to its general messages.

use super::code_chars::{Piece, code_chars};

/// A message for the error at `pos`, and the byte range it marks.
pub struct Hint {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

/// How mpscript spells a constant another language spells `name` (`True` → `true`).
pub fn spelled_as(name: &str) -> Option<&'static str> {
    match name {
        "True" => Some("true"),
        "False" => Some("false"),
        "None" | "null" | "NULL" => Some("nil"),
        _ => None,
    }
}

/// `owner` is the construct whose `{` body the parser expected at `pos`, if it expected one.
pub fn habit(text: &str, pos: usize, owner: Option<&str>) -> Option<Hint> {
    let pos = pos.min(text.len());
    // An error at the end of the input belongs to the last line with code.
    let anchor = pos.min(text.trim_end().len());
    let line_start = text[..anchor].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[anchor..].find('\n').map_or(text.len(), |i| anchor + i);
    let line = &text[line_start..line_end];
    let words = words(line);
    let before = |w: &(usize, &str)| line_start + w.0 < pos.max(line_start + 1);
    let hint = |message: String, start: usize, end: usize| {
        Some(Hint {
            message,
            start: line_start + start,
            end: line_start + end,
        })
    };

    if let Some(&(at, _)) = words.first().filter(|w| w.1 == "def" && before(w)) {
        return hint(
            "`def` is not a keyword: functions are declared with `fn name(args) { ... }`".into(),
            at,
            at + 3,
        );
    }
    if let Some(&(at, _)) = words.iter().find(|w| w.1 == "elif" && before(w)) {
        return hint(
            "`elif` is not a keyword: write `else if cond { ... }`".into(),
            at,
            at + 4,
        );
    }
    if let Some(h) = range_dots(text, pos) {
        return Some(h);
    }
    if let Some(&(at, _)) = words
        .iter()
        .rev()
        .find(|w| w.1 == "apply_async" && before(w))
    {
        if let Some((message, start, end)) = apply_async_args(line, at + "apply_async".len()) {
            return hint(message, start, end);
        }
    }
    if let Some((op, at)) = increment(line) {
        let name = words.iter().map(|w| w.1).next().unwrap_or("i");
        let fix = if op == "++" { "+=" } else { "-=" };
        return hint(
            format!("mpscript has no `{op}` operator: write `{name} {fix} 1`"),
            at,
            at + 2,
        );
    }
    let rest = &text[pos..];
    if let (Some(owner), true) = (owner, rest.starts_with(':')) {
        let example = match owner {
            "`if`" => "`if cond { ... }`",
            "`while`" => "`while cond { ... }`",
            "`for`" => "`for x in items { ... }`",
            "`fn`" => "`fn name(args) { ... }`",
            "`else`" => "`else { ... }`",
            "`try`" | "`catch`" => "`try { ... } catch e { ... }`",
            "`with`" => "`with lock { ... }`",
            _ => "`{ ... }`",
        };
        return Some(Hint {
            message: format!(
                "expected `{{` to start the body of {owner}, found `:`: blocks are written in braces, like {example}"
            ),
            start: pos,
            end: pos + 1,
        });
    }
    for (op, word) in [("&&", "and"), ("||", "or")] {
        if rest.starts_with(op) {
            return Some(Hint {
                message: format!("`{op}` is not an operator: write `{word}`"),
                start: pos,
                end: pos + 2,
            });
        }
    }
    if rest.starts_with('!') && !rest.starts_with("!=") {
        return Some(Hint {
            message: "`!` is not an operator: write `not x`".into(),
            start: pos,
            end: pos + 1,
        });
    }
    None
}

/// The identifier-like words of a line with their byte offsets, outside strings and comments.
fn words(line: &str) -> Vec<(usize, &str)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for piece in code_chars(line) {
        match piece {
            Piece::Comment(_) => break,
            Piece::Code(i, c) if is_word(c) => match spans.last_mut() {
                Some((_, end)) if *end == i => *end = i + c.len_utf8(),
                _ => spans.push((i, i + c.len_utf8())),
            },
            Piece::Code(..) => {}
        }
    }
    spans.into_iter().map(|(s, e)| (s, &line[s..e])).collect()
}

/// `0..10` (the parser stops at the second dot): ranges are `range(0, 10)`.
fn range_dots(text: &str, pos: usize) -> Option<Hint> {
    let bytes = text.as_bytes();
    if pos == 0 || bytes.get(pos) != Some(&b'.') || bytes[pos - 1] != b'.' {
        return None;
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut start = pos - 1;
    while start > 0 && word(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = pos + 1;
    while end < bytes.len() && word(bytes[end]) {
        end += 1;
    }
    let (a, b) = (&text[start..pos - 1], &text[pos + 1..end]);
    let (a, b) = if a.is_empty() || b.is_empty() {
        ("a", "b")
    } else {
        (a, b)
    };
    Some(Hint {
        message: format!(
            "`..` is not an operator: ranges are written `range({a}, {b})` (from {a} up to, not including, {b})"
        ),
        start,
        end,
    })
}

/// `apply_async p, f, x`: the function and its arguments given apart instead of as a call.
/// `from` is where the text after the keyword starts in `line`.
fn apply_async_args(line: &str, from: usize) -> Option<(String, usize, usize)> {
    let mut rest = &line[from..];
    let mut base = from;
    let trimmed = rest.trim_start();
    if let Some(inner) = trimmed.strip_prefix('(') {
        base += rest.len() - inner.len();
        rest = inner;
    }
    let parts = split_commas(rest);
    if parts.len() < 3 {
        return None;
    }
    let (f_at, f) = parts[1];
    let callable = f.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && f.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.');
    if !callable {
        return None;
    }
    let is_option = |p: &str| {
        let name_len = p
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(p.len());
        let after = p[name_len..].trim_start();
        name_len > 0 && after.starts_with('=') && !after.starts_with("==")
    };
    let args: Vec<(usize, &str)> = parts[2..]
        .iter()
        .copied()
        .take_while(|(_, p)| !is_option(p))
        .collect();
    if args.iter().any(|(_, a)| a.is_empty()) {
        return None;
    }
    let &(last_at, last) = args.last()?;
    let call = format!(
        "{f}({})",
        args.iter().map(|(_, a)| *a).collect::<Vec<_>>().join(", ")
    );
    Some((
        format!(
            "`apply_async` takes a pool and a call, like `apply_async p, f(x)`: write the call as `{call}`"
        ),
        base + f_at,
        base + last_at + last.len(),
    ))
}

/// Splits at commas outside brackets and strings, up to a closing bracket that was never
/// opened; each part trimmed, with its offset in `text`.
fn split_commas(text: &str) -> Vec<(usize, &str)> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut end = text.len();
    for piece in code_chars(text) {
        let (i, c) = match piece {
            Piece::Comment(i) => {
                end = i;
                break;
            }
            Piece::Code(i, c) => (i, c),
        };
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => {
                end = i;
                break;
            }
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push((start, i));
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push((start, end));
    parts
        .into_iter()
        .map(|(s, e)| {
            let part = &text[s..e];
            let lead = part.len() - part.trim_start().len();
            (s + lead, part.trim())
        })
        .collect()
}

/// `i++`, `i--` or `++i` as a whole statement: the operator and its offset in `line`.
fn increment(line: &str) -> Option<(&'static str, usize)> {
    let code = line.trim_end().trim_end_matches(';').trim_end();
    let lead = code.len() - code.trim_start().len();
    let code = code.trim_start();
    let is_name = |s: &str| {
        let s = s.trim();
        !s.is_empty()
            && s.starts_with(|c: char| c.is_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_alphanumeric() || c == '_')
    };
    for op in ["++", "--"] {
        if let Some(name) = code.strip_suffix(op) {
            if is_name(name) {
                return Some((op, lead + code.len() - 2));
            }
        }
        if let Some(name) = code.strip_prefix(op) {
            if op == "++" && is_name(name) {
                return Some((op, lead));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str, pos: usize) -> Option<(String, &str)> {
        habit(text, pos, None).map(|h| (h.message, &text[h.start..h.end]))
    }

    #[test]
    fn apply_async_split_arguments() {
        let text = "apply_async p, f, x, 3, callback = g\n";
        let (m, marked) = message(text, 18).unwrap();
        assert!(m.ends_with("write the call as `f(x, 3)`"), "{m}");
        assert_eq!(marked, "f, x, 3");
        let text = "let r = apply_async(p, work, [1, 2])\n";
        let (m, _) = message(text, 29).unwrap();
        assert!(m.ends_with("`work([1, 2])`"), "{m}");
    }

    #[test]
    fn increments() {
        assert_eq!(increment("  i++"), Some(("++", 3)));
        assert_eq!(increment("n--;"), Some(("--", 1)));
        assert_eq!(increment("++count"), Some(("++", 0)));
        assert_eq!(increment("a + +b"), None);
    }

    #[test]
    fn words_skip_strings_and_comments() {
        let w: Vec<&str> = words("print(\"elif\") # def")
            .into_iter()
            .map(|w| w.1)
            .collect();
        assert_eq!(w, ["print"]);
    }
}
