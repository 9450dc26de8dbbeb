//! Reading a text file line by line (`fs.lines`): a chunked reader that checks UTF-8 once per
//! chunk rather than once per line and cuts lines with `memchr`, and the loop form
//! `for line in fs.lines(p)` that reuses one line's memory for the next.

use std::io::Read;
use std::rc::Rc;

use super::reason;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;

/// Bytes read from the file at a time; a longer line grows the buffer.
const CHUNK: usize = 64 * 1024;

/// Reads a file line by line without holding it whole: one chunk of it at a time.
pub struct LineReader {
    path: Rc<String>,
    file: std::fs::File,
    /// Checked text; `text[start..]` is not handed out yet.
    text: String,
    start: usize,
    /// Bytes read but not checked yet: a character cut by the end of a read.
    raw: Vec<u8>,
    /// The file offset of `text[0]`, for error messages.
    offset: u64,
    /// Where the file's invalid UTF-8 begins (file offset), once the check has met it.
    bad: Option<u64>,
    at_eof: bool,
}

impl LineReader {
    pub fn open(path: &Rc<String>) -> Result<LineReader, String> {
        let file = std::fs::File::open(&**path).map_err(|e| format!("{}: {path}", reason(&e)))?;
        Ok(LineReader {
            path: path.clone(),
            file,
            text: String::with_capacity(CHUNK),
            start: 0,
            raw: Vec::with_capacity(CHUNK),
            offset: 0,
            bad: None,
            at_eof: false,
        })
    }

    /// The next line without its `\n` (or `\r\n`); `None` at the end of the file.
    pub fn next_line(&mut self) -> Result<Option<String>, String> {
        let mut line = String::new();
        Ok(self.next_line_into(&mut line)?.then(|| {
            // Exact size: a list of a big file's lines holds no spare capacity.
            line.shrink_to_fit();
            line
        }))
    }

    /// Reads the next line into `line`, reusing its allocation; false at the end of the file.
    pub fn next_line_into(&mut self, line: &mut String) -> Result<bool, String> {
        loop {
            let pending = &self.text[self.start..];
            let (content, taken) = match memchr::memchr(b'\n', pending.as_bytes()) {
                Some(at) => (&pending[..at], at + 1),
                None if !self.at_eof => {
                    self.fill()?;
                    continue;
                }
                None if self.bad.is_some() => return Err(self.invalid_utf8()),
                None if pending.is_empty() => return Ok(false),
                None => (pending, pending.len()),
            };
            let content = match content.strip_suffix('\r') {
                Some(stripped) if taken > content.len() => stripped,
                _ => content,
            };
            line.clear();
            line.push_str(content);
            self.start += taken;
            return Ok(true);
        }
    }

    /// Reads the next chunk and appends its checked text; stops reading at invalid UTF-8 (the
    /// lines before it are still handed out, the line holding it is an error).
    fn fill(&mut self) -> Result<(), String> {
        if self.bad.is_some() {
            self.at_eof = true;
            return Ok(());
        }
        self.offset += self.start as u64;
        self.text.drain(..self.start);
        self.start = 0;
        let have = self.raw.len();
        self.raw.resize(have + CHUNK, 0);
        let n = loop {
            match self.file.read(&mut self.raw[have..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("{}: {}", reason(&e), self.path)),
            }
        };
        self.raw.truncate(have + n);
        self.at_eof = n == 0;
        let (valid, error) = match std::str::from_utf8(&self.raw) {
            Ok(text) => (text, None),
            Err(e) => {
                let valid = std::str::from_utf8(&self.raw[..e.valid_up_to()]).unwrap_or("");
                (valid, Some(e))
            }
        };
        self.text.push_str(valid);
        let used = valid.len();
        match error {
            // A character cut by the end of the read: the rest comes with the next one.
            Some(e) if e.error_len().is_none() && !self.at_eof => {}
            Some(_) => {
                self.bad = Some(self.offset + self.text.len() as u64);
                self.at_eof = true;
            }
            None => {}
        }
        self.raw.drain(..used);
        Ok(())
    }

    fn invalid_utf8(&self) -> String {
        format!(
            "invalid UTF-8 at byte {}: {}",
            self.bad.unwrap_or(self.offset),
            self.path
        )
    }
}

/// `for line in fs.lines(path) { ... }` without the list: runs `body` on each line as it is
/// read, until it returns false. Errors read as those of `fs.lines()`. When the body kept no
/// reference to the last line (it let go of its loop variable), the next line reuses that
/// line's allocations, so counting or filtering lines allocates nothing per line.
pub fn for_each_line(
    interp: &mut Interp,
    path: &Value,
    span: Span,
    mut body: impl FnMut(&mut Interp, Value) -> RtResult<bool>,
) -> RtResult<()> {
    let fail = |m: String| RtError::new(format!("fs.lines(): {m}"), span);
    let path = match path {
        Value::Str(s) => s.clone(),
        other => {
            return Err(fail(format!(
                "expected a str, got {}",
                crate::interp::value::a(other.type_name())
            )));
        }
    };
    let mut reader = LineReader::open(&path).map_err(fail)?;
    let mut line = Rc::new(String::new());
    loop {
        let more = match Rc::get_mut(&mut line) {
            Some(text) => reader.next_line_into(text),
            None => {
                let mut text = String::new();
                let more = reader.next_line_into(&mut text);
                line = Rc::new(text);
                more
            }
        }
        .map_err(fail)?;
        if !more || !body(interp, Value::Str(line.clone()))? {
            return Ok(());
        }
    }
}
