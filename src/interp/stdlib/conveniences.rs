//! The v0.2 convenience builtins: `eprint`, `input`, `stdin_lines`, `isatty`, `enumerate`,
//! `zip`, `any`, `all`, `ord`, `chr` and `hex`.

use std::io::{BufRead, IsTerminal};
use std::rc::Rc;

use super::{CallArgs, text_arg};
use crate::interp::args::Arity;
use crate::interp::builtins::{Builtin, text_option};
use crate::interp::sizes::Kind;
use crate::interp::value::{Value, a as article};
use crate::interp::{Interp, RtError, RtResult};

pub(super) fn call(interp: &mut Interp, builtin: Builtin, a: &mut CallArgs) -> RtResult<Value> {
    let span = a.span;
    match builtin {
        Builtin::Eprint => {
            let mut opts = a.named(&["sep", "end"])?;
            let end = opts.pop().flatten();
            let sep = opts.pop().flatten();
            let sep = text_option(a, sep, " ")?;
            let end = text_option(a, end, "\n")?;
            let line = interp.printed_line(&a.positional, &sep, &end, span)?;
            // Standard output first, so that what the script printed before comes before.
            interp.flush_output();
            crate::output::stderr_text(&line);
            Ok(Value::Nil)
        }
        Builtin::Input => {
            let prompt = a.named(&["prompt"])?.pop().flatten();
            a.count(Arity::at_most(1))?;
            let prompt = match a.positional.first().cloned().or(prompt) {
                None | Some(Value::Nil) => String::new(),
                Some(v) => interp.display(&v, span)?.to_string(),
            };
            if !prompt.is_empty() {
                interp.write_out(&prompt, span)?;
            }
            let mut line = Vec::new();
            let n = std::io::stdin()
                .lock()
                .read_until(b'\n', &mut line)
                .map_err(|e| a.err(format!("cannot read standard input: {}", super::reason(&e))))?;
            if n == 0 {
                return Ok(Value::Nil);
            }
            Ok(Value::Str(Rc::new(line_text(a, line, 0)?)))
        }
        Builtin::StdinLines => {
            a.named(&[])?;
            a.count(Arity::exactly(0))?;
            let mut lines = Vec::new();
            let mut stdin = std::io::stdin().lock();
            for number in 1.. {
                let mut line = Vec::new();
                let n = stdin.read_until(b'\n', &mut line).map_err(|e| {
                    a.err(format!("cannot read standard input: {}", super::reason(&e)))
                })?;
                if n == 0 {
                    break;
                }
                interp.check_size(Kind::List, lines.len() + 1, span)?;
                lines.push(Value::Str(Rc::new(line_text(a, line, number)?)));
            }
            interp.charge(lines.len() as u64, span)?;
            Ok(Value::list(lines))
        }
        Builtin::Isatty => {
            a.named(&[])?;
            a.count(Arity::exactly(0))?;
            Ok(Value::Bool(std::io::stdout().is_terminal()))
        }
        Builtin::Enumerate => {
            let start = a.named(&["start"])?.pop().flatten();
            a.count(Arity::between(1, 2))?;
            let start = match a.positional.get(1).cloned().or(start) {
                None => 0,
                Some(Value::Int(n)) => n,
                Some(other) => {
                    return Err(a.err(format!(
                        "`start` must be an int, not {}",
                        article(other.type_name())
                    )));
                }
            };
            let items = iterable(interp, a, 0)?;
            let mut pairs = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let index = start
                    .checked_add(i as i64)
                    .ok_or_else(|| a.err("integer overflow"))?;
                pairs.push(Value::list(vec![Value::Int(index), item]));
            }
            Ok(Value::list(pairs))
        }
        Builtin::Zip => {
            a.named(&[])?;
            let columns = (0..a.positional.len())
                .map(|i| iterable(interp, a, i))
                .collect::<RtResult<Vec<_>>>()?;
            let len = columns.iter().map(Vec::len).min().unwrap_or(0);
            interp.building(Kind::List, len, span)?;
            let rows = (0..len)
                .map(|i| Value::list(columns.iter().map(|c| c[i].clone()).collect()))
                .collect();
            Ok(Value::list(rows))
        }
        Builtin::Any | Builtin::All => {
            a.named(&[])?;
            a.count(Arity::exactly(1))?;
            let items = iterable(interp, a, 0)?;
            let want = builtin == Builtin::Any;
            Ok(Value::Bool(if want {
                items.iter().any(Value::truthy)
            } else {
                items.iter().all(Value::truthy)
            }))
        }
        Builtin::Ord => {
            a.named(&[])?;
            a.count(Arity::exactly(1))?;
            let text = text_arg(a, 0)?;
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(Value::Int(c as i64)),
                _ => Err(a.err(format!(
                    "expected one character, got a str of length {}",
                    text.chars().count()
                ))),
            }
        }
        Builtin::Chr => {
            a.named(&[])?;
            a.count(Arity::exactly(1))?;
            let code = a.int(0)?;
            u32::try_from(code)
                .ok()
                .and_then(char::from_u32)
                .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
                .ok_or_else(|| a.err(format!("{code} is not a Unicode code point")))
        }
        Builtin::Hex => {
            a.named(&[])?;
            a.count(Arity::exactly(1))?;
            let n = a.int(0)?;
            let sign = if n < 0 { "-" } else { "" };
            Ok(Value::str(&format!("{sign}0x{:x}", n.unsigned_abs())))
        }
        other => Err(a.err(format!("internal error: {} is not here", other.name()))),
    }
}

/// A line read from standard input, without its line end, as text.
fn line_text(a: &CallArgs, mut line: Vec<u8>, number: usize) -> RtResult<String> {
    if line.ends_with(b"\n") {
        line.pop();
        if line.ends_with(b"\r") {
            line.pop();
        }
    }
    String::from_utf8(line).map_err(|e| {
        let at = if number > 0 {
            format!("line {number}, ")
        } else {
            String::new()
        };
        a.err(format!(
            "standard input is not valid UTF-8 ({at}byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Argument `i`'s items: a list's items, a str's characters or a map's keys.
fn iterable(interp: &mut Interp, a: &CallArgs, i: usize) -> RtResult<Vec<Value>> {
    let items: Vec<Value> = match &a.positional[i] {
        Value::List(items) => items.borrow().clone(),
        Value::Str(s) => s
            .chars()
            .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
            .collect(),
        Value::Map(m) => m.borrow().keys().map(|k| k.to_value()).collect(),
        other => {
            return Err(RtError::new(
                format!(
                    "{}(): expected a list, str or map, got {}",
                    a.name,
                    article(other.type_name())
                ),
                a.span,
            ));
        }
    };
    interp.charge(items.len() as u64, a.span)?;
    Ok(items)
}
