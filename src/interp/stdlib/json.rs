//! The `json` namespace: `json.parse` (JSON text straight into values, no intermediate tree)
//! and `json.dump` (values to JSON text, compact or indented like Python's `json.dumps`).

use std::fmt::{self, Write as _};
use std::rc::Rc;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{CallArgs, text_arg};
use crate::interp::args::Arity;
use crate::interp::builtins::Builtin;
use crate::interp::sizes::Kind;
use crate::interp::value::{Key, MAX_VALUE_DEPTH, MapEntries, Value, a as article, write_float};
use crate::interp::{Interp, RtResult};

pub(super) fn call(interp: &mut Interp, builtin: Builtin, a: &mut CallArgs) -> RtResult<Value> {
    let span = a.span;
    if builtin == Builtin::JsonParse {
        a.named(&[])?;
        a.count(Arity::exactly(1))?;
        let text = text_arg(a, 0)?;
        interp.charge(text.len() as u64 / 8, span)?;
        return parse(&text).map_err(|e| a.err(e));
    }
    let indent = a.named(&["indent"])?.pop().flatten();
    a.count(Arity::exactly(1))?;
    let indent = match indent {
        None | Some(Value::Nil) => None,
        Some(Value::Int(n)) => Some(" ".repeat(n.clamp(0, 64) as usize)),
        Some(Value::Str(s)) => Some(s.to_string()),
        Some(other) => {
            return Err(a.err(format!(
                "`indent` must be an int or a str, not {}",
                article(other.type_name())
            )));
        }
    };
    let mut out = String::new();
    let mut writer = Writer {
        out: &mut out,
        indent: indent.as_deref(),
    };
    writer.value(&a.positional[0], 0).map_err(|m| a.err(m))?;
    interp.building(Kind::Str, out.len(), span)?;
    Ok(Value::Str(Rc::new(out)))
}

/// Parses JSON text; an error names the line and column, as serde_json reports them.
fn parse(text: &str) -> Result<Value, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut keys = KeyCache::default();
    let value =
        de::DeserializeSeed::deserialize(Seed(&mut keys), &mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(value)
}

/// The keys met lately, so that the same key in a thousand objects is one shared str (as
/// CPython's `json` memoizes keys): a direct-mapped table, one slot per hash bucket, a miss
/// only costs the new key's allocation it would have cost anyway.
struct KeyCache(Box<[Option<Rc<String>>; KEY_CACHE_SLOTS]>);

const KEY_CACHE_SLOTS: usize = 512;

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache(Box::new([const { None }; KEY_CACHE_SLOTS]))
    }
}

impl KeyCache {
    fn key(&mut self, s: &str) -> Key {
        // Length and the first and last two bytes place a key: cheap, and distinct enough
        // for the field names of real documents.
        let b = s.as_bytes();
        let mut h = b.len() as u32;
        if let [first, second, ..] = b {
            h = h
                .wrapping_mul(31)
                .wrapping_add(u32::from(*first) << 8 | u32::from(*second));
        }
        if let [.., before_last, last] = b {
            h = h
                .wrapping_mul(31)
                .wrapping_add(u32::from(*before_last) << 8 | u32::from(*last));
        }
        let slot = &mut self.0[(h.wrapping_mul(0x9E37_79B9) >> 23) as usize % KEY_CACHE_SLOTS];
        match slot {
            Some(known) if known.as_str() == s => Key::Str(known.clone()),
            _ => {
                let key = Rc::new(s.to_string());
                *slot = Some(key.clone());
                Key::Str(key)
            }
        }
    }
}

/// Builds a [`Value`] while serde_json reads the text.
struct Seed<'k>(&'k mut KeyCache);

impl<'de> de::DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Nil)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Int(n))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        // Past i64 an integer keeps its magnitude as a float, as the language has no bigger int.
        Ok(i64::try_from(n).map_or(Value::Float(n as f64), Value::Int))
    }
    fn visit_f64<E>(self, x: f64) -> Result<Value, E> {
        Ok(Value::Float(x))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::str(s))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::Str(Rc::new(s)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(Seed(&mut *self.0))? {
            items.push(item);
        }
        Ok(Value::list(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries =
            MapEntries::with_capacity_and_hasher(map.size_hint().unwrap_or(0), Default::default());
        while let Some(key) = map.next_key_seed(KeySeed(&mut *self.0))? {
            let value = map.next_value_seed(Seed(&mut *self.0))?;
            entries.insert(key, value);
        }
        Ok(Value::map(entries))
    }
}

/// Reads an object's key as a borrowed str where the text allows, then shares it through
/// the [`KeyCache`].
struct KeySeed<'k>(&'k mut KeyCache);

impl<'de> de::DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, s: &str) -> Result<Key, E> {
        Ok(self.0.key(s))
    }
}

/// Writes JSON text: `", "` and `": "` between items when compact (Python's default), one
/// item per line under `indent`.
struct Writer<'a> {
    out: &'a mut String,
    indent: Option<&'a str>,
}

impl Writer<'_> {
    fn value(&mut self, v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_VALUE_DEPTH {
            return Err("the value is nested too deeply (or contains itself)".into());
        }
        match v {
            Value::Nil => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(n) => self.out.push_str(itoa::Buffer::new().format(*n)),
            Value::Float(x) => {
                if !x.is_finite() {
                    return Err(format!("{} is not valid JSON", Value::Float(*x)));
                }
                write_float(self.out, *x);
            }
            Value::Str(s) => self.string(s),
            Value::List(items) => {
                let items = items.borrow();
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    self.separator(i, depth + 1);
                    self.value(item, depth + 1)?;
                }
                self.close(items.is_empty(), depth, ']');
            }
            Value::Map(entries) => {
                let entries = entries.borrow();
                self.out.push('{');
                for (i, (k, item)) in entries.iter().enumerate() {
                    let Key::Str(k) = k else {
                        return Err(format!(
                            "map keys must be str to be JSON, got {}",
                            article(k.to_value().type_name())
                        ));
                    };
                    self.separator(i, depth + 1);
                    self.string(k);
                    self.out.push_str(": ");
                    self.value(item, depth + 1)?;
                }
                self.close(entries.is_empty(), depth, '}');
            }
            other => {
                return Err(format!(
                    "{} cannot be written as JSON",
                    article(other.type_name())
                ));
            }
        }
        Ok(())
    }

    /// A JSON string: quotes, backslashes and control characters escaped; other text,
    /// non-ASCII included, written as it is (Python's `ensure_ascii=False`).
    fn string(&mut self, s: &str) {
        self.out.push('"');
        let mut plain = 0;
        for (i, b) in s.bytes().enumerate() {
            let escape = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0..=0x1f => "",
                _ => continue,
            };
            self.out.push_str(&s[plain..i]);
            if escape.is_empty() {
                let _ = write!(self.out, "\\u{b:04x}");
            } else {
                self.out.push_str(escape);
            }
            plain = i + 1;
        }
        self.out.push_str(&s[plain..]);
        self.out.push('"');
    }

    fn separator(&mut self, i: usize, depth: usize) {
        match self.indent {
            None if i > 0 => self.out.push_str(", "),
            None => {}
            Some(unit) => {
                if i > 0 {
                    self.out.push(',');
                }
                self.newline(unit, depth);
            }
        }
    }

    fn close(&mut self, empty: bool, depth: usize, bracket: char) {
        if let (Some(unit), false) = (self.indent, empty) {
            self.newline(unit, depth);
        }
        self.out.push(bracket);
    }

    fn newline(&mut self, unit: &str, depth: usize) {
        self.out.push('\n');
        for _ in 0..depth {
            self.out.push_str(unit);
        }
    }
}
