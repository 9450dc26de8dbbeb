//! Counting a str's characters without walking it on every `s[i]` and `len(s)`.
//!
//! Strs are UTF-8 and indexes count characters, so `s[i]` and `len(s)` would walk the str from
//! its start on every call (a parser reading its input char by char would be quadratic). The
//! interpreter remembers, for the last few long strs it measured, whether the str is ASCII (then
//! a character index is a byte index), its character count, and the last position it reached
//! in it (so reading a non-ASCII str in order walks each character once).
//!
//! An entry is keyed by the str's `Rc` address and holds a `Weak` to it: the allocation (and so
//! the address) cannot be reused while the entry lives, and strs are immutable while anything
//! else refers to them (`Rc::get_mut` fails when a `Weak` exists), so an entry never goes
//! stale. The `Weak` does not keep the text itself alive: a str the script dropped frees its
//! bytes as before.
//!
//! One-character ASCII strs (what indexing and iterating over an ASCII str give) are shared
//! from a table rather than allocated each time.

use std::rc::{Rc, Weak};

use super::value::Value;

/// Strs shorter than this are measured directly (cheaper than the cache).
const SHORT: usize = 64;
/// How many long strs are remembered.
const ENTRIES: usize = 4;

struct Entry {
    str: Weak<String>,
    ascii: bool,
    chars: usize,
    /// The last position reached in a non-ASCII str: a character index and its byte offset.
    at_char: usize,
    at_byte: usize,
}

/// The interpreter's memory of long strs, and its one-character strs.
#[derive(Default)]
pub struct StrCache {
    entries: [Option<Entry>; ENTRIES],
    next: usize,
    ascii_chars: Vec<Rc<String>>,
}

impl StrCache {
    /// The entry of `s` (made if it has none).
    fn entry(&mut self, s: &Rc<String>) -> &mut Entry {
        let ptr = Rc::as_ptr(s);
        let found = self
            .entries
            .iter()
            .position(|e| e.as_ref().is_some_and(|e| e.str.as_ptr() == ptr));
        let i = match found {
            Some(i) => i,
            None => {
                let i = self.next;
                self.next = (self.next + 1) % ENTRIES;
                let ascii = s.is_ascii();
                self.entries[i] = Some(Entry {
                    str: Rc::downgrade(s),
                    ascii,
                    chars: if ascii { s.len() } else { s.chars().count() },
                    at_char: 0,
                    at_byte: 0,
                });
                i
            }
        };
        self.entries[i]
            .as_mut()
            .expect("the entry was just found or made")
    }

    /// The number of characters in `s`.
    pub fn char_count(&mut self, s: &Rc<String>) -> usize {
        if s.len() < SHORT {
            return if s.is_ascii() {
                s.len()
            } else {
                s.chars().count()
            };
        }
        self.entry(s).chars
    }

    /// Whether `s` is all ASCII (its character indexes are byte indexes).
    pub fn is_ascii(&mut self, s: &Rc<String>) -> bool {
        if s.len() < SHORT {
            return s.is_ascii();
        }
        self.entry(s).ascii
    }

    /// `s[i]` (`i` may be negative, counting from the end): the character as a str, or the
    /// str's length in characters when `i` is out of range.
    pub fn char_at(&mut self, s: &Rc<String>, i: i64) -> Result<Value, usize> {
        if s.len() < SHORT {
            if s.is_ascii() {
                return self.ascii_index(s, i, s.len());
            }
            let len = s.chars().count();
            let j = if i < 0 { i + len as i64 } else { i };
            if j < 0 || j >= len as i64 {
                return Err(len);
            }
            let c = s.chars().nth(j as usize).expect("in range");
            return Ok(self.char_str(c));
        }
        let entry = self.entry(s);
        let len = entry.chars;
        if entry.ascii {
            return self.ascii_index(s, i, len);
        }
        let j = if i < 0 { i + len as i64 } else { i };
        if j < 0 || j >= len as i64 {
            return Err(len);
        }
        let j = j as usize;
        // Walk from the nearest known position: the start, the last one, or the end.
        let (mut at_char, mut at_byte) = (entry.at_char, entry.at_byte);
        if j < at_char && j < at_char - j {
            (at_char, at_byte) = (0, 0);
        } else if j > at_char && len - j < j - at_char {
            (at_char, at_byte) = (len, s.len());
        }
        while at_char < j {
            at_byte += utf8_width(s.as_bytes()[at_byte]);
            at_char += 1;
        }
        while at_char > j {
            at_byte -= 1;
            while !s.is_char_boundary(at_byte) {
                at_byte -= 1;
            }
            at_char -= 1;
        }
        entry.at_char = at_char;
        entry.at_byte = at_byte;
        let c = s[at_byte..].chars().next().expect("in range");
        Ok(self.char_str(c))
    }

    fn ascii_index(&mut self, s: &str, i: i64, len: usize) -> Result<Value, usize> {
        let j = if i < 0 { i + len as i64 } else { i };
        if j < 0 || j >= len as i64 {
            return Err(len);
        }
        Ok(self.char_str(s.as_bytes()[j as usize] as char))
    }

    /// `c` as a str: shared from the table when it is ASCII.
    pub fn char_str(&mut self, c: char) -> Value {
        if !c.is_ascii() {
            return Value::Str(Rc::new(c.to_string()));
        }
        if self.ascii_chars.is_empty() {
            self.ascii_chars = (0..128u8)
                .map(|b| Rc::new((b as char).to_string()))
                .collect();
        }
        Value::Str(self.ascii_chars[c as usize].clone())
    }
}

/// The length in bytes of the UTF-8 sequence that starts with `first`.
fn utf8_width(first: u8) -> usize {
    match first {
        0..0x80 => 1,
        0xE0..0xF0 => 3,
        0xF0.. => 4,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(cache: &mut StrCache, s: &Rc<String>, i: i64) -> Result<String, usize> {
        cache.char_at(s, i).map(|v| match v {
            Value::Str(c) => c.to_string(),
            _ => unreachable!(),
        })
    }

    #[test]
    fn indexes_count_characters_in_long_strs() {
        let mut cache = StrCache::default();
        let text: String = "aé€😀".repeat(40);
        let s = Rc::new(text.clone());
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(cache.char_count(&s), chars.len());
        let n = chars.len() as i64;
        // In order, backwards, and jumping about.
        let order: Vec<i64> = (0..n)
            .chain((0..n).rev())
            .chain([5, 150, 2, 159, 80, 79, 81, 0])
            .collect();
        for i in order {
            assert_eq!(at(&mut cache, &s, i), Ok(chars[i as usize].to_string()));
            assert_eq!(at(&mut cache, &s, i - n), Ok(chars[i as usize].to_string()));
        }
        assert_eq!(at(&mut cache, &s, n), Err(chars.len()));
        assert_eq!(at(&mut cache, &s, -n - 1), Err(chars.len()));
    }

    #[test]
    fn short_and_ascii_strs() {
        let mut cache = StrCache::default();
        for text in ["", "abc", "héllo", &"x".repeat(100)] {
            let s = Rc::new(text.to_string());
            let chars: Vec<char> = text.chars().collect();
            assert_eq!(cache.char_count(&s), chars.len());
            for (i, c) in chars.iter().enumerate() {
                assert_eq!(at(&mut cache, &s, i as i64), Ok(c.to_string()));
            }
            assert_eq!(
                at(&mut cache, &s, -1),
                chars.last().map(|c| c.to_string()).ok_or(0)
            );
        }
    }

    #[test]
    fn entries_are_replaced_and_not_confused() {
        let mut cache = StrCache::default();
        for k in 0..20 {
            let s = Rc::new(format!("{}{}", "é".repeat(k), "a".repeat(100)));
            assert_eq!(cache.char_count(&s), k + 100);
            assert_eq!(cache.is_ascii(&s), k == 0);
            assert_eq!(
                at(&mut cache, &s, 0),
                Ok(if k == 0 { "a" } else { "é" }.into())
            );
        }
    }
}
