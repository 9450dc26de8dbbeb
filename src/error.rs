//! The one error type the library returns, and the one function that renders every error:
//!
//! ```text
//! error: division by zero
//!  --> script.mps:3:9
//!   |
//! 3 | print(1 / 0)
//!   |         ^
//! ```

use std::fmt;
use std::sync::Arc;

use crate::syntax::{SourceMap, Span};

/// What kind of failure an [`Error`] is; decides the exit status of the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The source does not parse; nothing was run. Exit status 2.
    Syntax,
    /// An error raised while running. Exit status 1.
    Runtime,
    /// A configured limit (operations, call depth) was exceeded. Exit status 1.
    Limit,
    /// The script called `exit(code)`. Exit status `code`.
    Exit(i32),
    /// The run was interrupted by Ctrl-C (SIGINT). Exit status 130.
    Interrupted,
    /// A file could not be read, or the command line was wrong. Exit status 2.
    Usage,
}

/// Where in the source an error is, resolved to human terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file name (`<eval>`, `<stdin>`, `<repl:3>` for sources without a file).
    pub file: Arc<str>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    /// The whole source line the error is on.
    pub source_line: String,
    /// How many characters of the line to mark (at least 1).
    pub width: usize,
}

impl Location {
    /// Resolves a span with the sources it points into; `None` if the source is unknown.
    pub fn of(span: Span, sources: &SourceMap) -> Option<Location> {
        let source = sources.get(span.source)?;
        let start = source.line_col(span.start);
        let source_line = source.line_text(start.line).to_string();
        let end = source.line_col(span.end.max(span.start));
        let width = if end.line == start.line {
            end.col.saturating_sub(start.col)
        } else {
            source_line.chars().count().saturating_sub(start.col - 1)
        };
        Some(Location {
            file: source.name().clone(),
            line: start.line,
            col: start.col,
            source_line,
            width: width.max(1),
        })
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// An error from parsing or running a script.
///
/// `Display` renders the full diagnostic: the message, `--> FILE:LINE:COL`, the source line and
/// a caret under the place it is about.
///
/// ```
/// let mut engine = mpscript::Engine::new();
/// let err = engine.eval("let x = 1 +").unwrap_err();
/// assert_eq!(err.kind(), mpscript::ErrorKind::Syntax);
/// assert!(err.to_string().contains("<eval>:1:"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    // Boxed so that results carrying an error stay one pointer wide.
    inner: Box<Inner>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    message: String,
    location: Option<Location>,
    notes: Vec<String>,
    /// Set for an error reported by a child process: `(pid, function name)`.
    process: Option<(u32, String)>,
    /// Rendered as `warning:` (what `mpscript check` reports without failing).
    warning: bool,
}

impl Error {
    /// An error with no source location (a missing file, a bad command line).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                location: None,
                notes: Vec::new(),
                process: None,
                warning: false,
            }),
        }
    }

    /// An error located at `span`, resolved with `sources`.
    pub fn at(
        kind: ErrorKind,
        message: impl Into<String>,
        span: Span,
        sources: &SourceMap,
    ) -> Error {
        let mut error = Error::new(kind, message);
        error.inner.location = Location::of(span, sources);
        error
    }

    /// Adds a line shown after the source excerpt (`= note`).
    pub fn with_note(mut self, note: impl Into<String>) -> Error {
        self.inner.notes.push(note.into());
        self
    }

    /// Marks the error as having happened in child process `pid` running `function`: it then
    /// renders as `error in process PID (function): message`.
    pub fn in_process(mut self, pid: u32, function: &str) -> Error {
        self.inner.process = Some((pid, function.to_string()));
        self
    }

    /// Marks the diagnostic as a warning: it renders as `warning: message`.
    pub fn as_warning(mut self) -> Error {
        self.inner.warning = true;
        self
    }

    /// Whether this is a warning rather than an error.
    pub fn is_warning(&self) -> bool {
        self.inner.warning
    }

    /// What kind of failure this is (it decides the exit status).
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The message alone, without location.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// Where in the source the error is, if it is about a place in a script.
    pub fn location(&self) -> Option<&Location> {
        self.inner.location.as_ref()
    }

    /// Extra lines shown after the source excerpt (the calls an error passed through).
    pub fn notes(&self) -> &[String] {
        &self.inner.notes
    }

    /// Replaces the headline (used to say which process an error happened in).
    pub fn with_message(mut self, message: impl Into<String>) -> Error {
        self.inner.message = message.into();
        self
    }

    /// The exit status the command line uses for this error.
    pub fn exit_code(&self) -> i32 {
        match self.inner.kind {
            ErrorKind::Syntax | ErrorKind::Usage => 2,
            ErrorKind::Runtime | ErrorKind::Limit => 1,
            ErrorKind::Exit(code) => code,
            ErrorKind::Interrupted => 130,
        }
    }

    /// One line: `FILE:LINE:COL: message`, or the message alone when there is no location.
    pub fn short(&self) -> String {
        match &self.inner.location {
            Some(loc) => format!("{loc}: {}", self.inner.message),
            None => self.inner.message.clone(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.inner.process {
            Some((pid, function)) => write!(
                f,
                "error in process {pid} ({function}): {}",
                self.inner.message
            )?,
            None if self.inner.warning => write!(f, "warning: {}", self.inner.message)?,
            None => write!(f, "error: {}", self.inner.message)?,
        }
        if let Some(loc) = &self.inner.location {
            let gutter = loc.line.to_string().len();
            let pad = " ".repeat(gutter);
            let (line, caret_col, carets) = excerpt(&loc.source_line, loc.col, loc.width);
            let caret_pad = " ".repeat(caret_col);
            let carets = "^".repeat(carets);
            write!(
                f,
                "\n{pad}--> {loc}\n{pad} |\n{} | {line}\n{pad} | {caret_pad}{carets}",
                loc.line
            )?;
        }
        for note in &self.inner.notes {
            write!(f, "\n  = {note}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Lines longer than this many characters are quoted as a window around the column.
const EXCERPT_MAX: usize = 120;
/// How many characters a window shows before the column, and in all.
const WINDOW_BEFORE: usize = 40;
const WINDOW_WIDTH: usize = 100;

/// The part of `line` to quote for an error at 1-based `col` marking `width` characters: the
/// text shown (tabs as spaces, control characters as `\u{FFFD}`, and `...` where a long line
/// is cut), the 0-based display column of the caret, and how many carets to draw.
fn excerpt(line: &str, col: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line
        .chars()
        .map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect();
    let len = chars.len();
    let at = (col.max(1) - 1).min(len);
    let (start, end) = if len <= EXCERPT_MAX {
        (0, len)
    } else {
        let start = at.saturating_sub(WINDOW_BEFORE);
        let end = (start + WINDOW_WIDTH).min(len);
        (end.saturating_sub(WINDOW_WIDTH).min(start), end)
    };
    let mut shown = String::new();
    if start > 0 {
        shown.push_str("...");
    }
    shown.extend(&chars[start..end]);
    if end < len {
        shown.push_str("...");
    }
    let caret_col = at - start + if start > 0 { 3 } else { 0 };
    let carets = width.max(1).min(end.saturating_sub(at).max(1));
    (shown, caret_col, carets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::SourceMap;

    #[test]
    fn renders_caret_under_span() {
        let mut sources = SourceMap::new();
        let id = sources.add("t.mps", "let a = 1\nprint(1 / 0)\n");
        let span = Span::new(id, 16, 21);
        let err = Error::at(ErrorKind::Runtime, "division by zero", span, &sources);
        assert_eq!(
            err.to_string(),
            "error: division by zero\n --> t.mps:2:7\n  |\n2 | print(1 / 0)\n  |       ^^^^^"
        );
        assert_eq!(err.short(), "t.mps:2:7: division by zero");
        assert_eq!(err.exit_code(), 1);
    }

    #[test]
    fn long_lines_are_quoted_as_a_window_around_the_column() {
        let mut sources = SourceMap::new();
        let line = format!("{}print(1 / 0){}", "x".repeat(100_000), "y".repeat(100_000));
        let id = sources.add("t.mps", line);
        let span = Span::new(id, 100_006, 100_011);
        let err = Error::at(ErrorKind::Runtime, "division by zero", span, &sources);
        let text = err.to_string();
        assert!(text.len() < 400, "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], " --> t.mps:1:100007");
        let quoted = lines[3].strip_prefix("1 | ").unwrap();
        assert!(
            quoted.starts_with("...x") && quoted.ends_with("y..."),
            "{quoted}"
        );
        let caret = lines[4].find('^').unwrap() - "  | ".len();
        assert_eq!(&quoted[caret..caret + 5], "1 / 0");
        assert_eq!(lines[4].matches('^').count(), 5);
        // A short line is quoted whole; an error at the end of a long one still gets a caret.
        let (shown, at, n) = excerpt("let x = 1 +", 12, 1);
        assert_eq!((shown.as_str(), at, n), ("let x = 1 +", 11, 1));
        let long = "z".repeat(500);
        let (shown, at, n) = excerpt(&long, 501, 1);
        assert!(shown.starts_with("...") && !shown.ends_with("..."));
        assert_eq!((at, n), (shown.chars().count(), 1));
    }

    #[test]
    fn error_stays_small() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
