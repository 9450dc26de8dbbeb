//! What a front end needs from the library, on [`Engine`]: reading script files, handling
//! Ctrl-C, SIGTERM and SIGHUP the way the command line does, reporting errors on stderr, and
//! the names a line editor completes. The `mpscript` command and its REPL use only this and
//! the rest of the public API, so an embedder can do all that they do.

use std::path::Path;

use crate::{Engine, Error};

/// While a front end waits for a line of input: SIGTERM or SIGHUP then end the wait as the
/// end of input would (see [`Engine::awaiting_input`]). Dropping it ends that.
pub struct InputWait {
    _guard: crate::runtime::sys::AwaitingInput,
}

impl Engine {
    /// Reads a script file as text: a byte-order mark is skipped, and a directory, a missing
    /// file, a NUL byte or invalid UTF-8 is an error with a location.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("mps-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("job.mps");
    /// std::fs::write(&path, "\u{feff}print(1)\n").unwrap();
    /// assert_eq!(mpscript::Engine::read_script(&path).unwrap(), "print(1)\n");
    /// assert!(mpscript::Engine::read_script(&dir.join("missing.mps")).is_err());
    /// std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn read_script(path: &Path) -> Result<String, Error> {
        crate::engine::read_script(path)
    }

    /// Turns the bytes of a script that did not come from a file (standard input, say) into
    /// its text, with the same checks as [`Engine::read_script`]; `name` names it in errors.
    ///
    /// ```
    /// let text = mpscript::Engine::script_text("<stdin>", b"print(2)\n".to_vec()).unwrap();
    /// assert_eq!(text, "print(2)\n");
    /// assert!(mpscript::Engine::script_text("<stdin>", vec![0xff]).is_err());
    /// ```
    pub fn script_text(name: &str, bytes: Vec<u8>) -> Result<String, Error> {
        crate::engine::script_text(name, bytes)
    }

    /// Makes Ctrl-C, SIGTERM and SIGHUP interrupt the running code instead of killing the
    /// process, so that it can end its children, remove its shared-memory files and exit with
    /// [`Engine::interrupt_status`]. Call it again after a line editor took SIGINT over.
    pub fn catch_interrupts() {
        crate::runtime::sys::catch_interrupts();
    }

    /// Forgets an interruption that was handled (the REPL goes on after Ctrl-C).
    pub fn clear_interrupt() {
        crate::runtime::set_interrupted(false);
    }

    /// True once an interruption came and was not cleared.
    ///
    /// ```
    /// assert!(!mpscript::Engine::interrupted());
    /// ```
    pub fn interrupted() -> bool {
        crate::runtime::interrupted()
    }

    /// True if the last interruption asks the whole process to end (SIGTERM or SIGHUP), not
    /// only the code that was running (Ctrl-C).
    ///
    /// ```
    /// assert!(!mpscript::Engine::interrupted_to_end());
    /// ```
    pub fn interrupted_to_end() -> bool {
        crate::runtime::sys::interrupted_to_end()
    }

    /// The exit status after an interruption: 130 after Ctrl-C, 143 after SIGTERM, 129 after
    /// SIGHUP.
    ///
    /// ```
    /// assert_eq!(mpscript::Engine::interrupt_status(), 130);
    /// ```
    pub fn interrupt_status() -> i32 {
        crate::runtime::sys::interrupt_status()
    }

    /// After an interruption ended the script and its children: removes every shared-memory
    /// file of the script's IPC handles, those of children killed before they could included.
    pub fn clean_up_after_interrupt() {
        crate::runtime::ipc::remove_all_segments();
    }

    /// Marks the time a front end waits for a line of input (until the value is dropped).
    pub fn awaiting_input() -> InputWait {
        InputWait {
            _guard: crate::runtime::sys::awaiting_input(),
        }
    }

    /// Writes one line on stderr in one write (so that it is not interleaved with children's
    /// reports), as every error report is written.
    pub fn report_line(args: std::fmt::Arguments<'_>) {
        crate::output::stderr_line(args);
    }

    /// The words of the language, for completion and highlighting.
    ///
    /// ```
    /// assert!(mpscript::Engine::keywords().contains(&"spawn"));
    /// ```
    pub fn keywords() -> &'static [&'static str] {
        crate::syntax::KEYWORDS
    }

    /// The names of the builtin functions.
    ///
    /// ```
    /// assert!(mpscript::Engine::builtin_names().any(|name| name == "print"));
    /// ```
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        crate::interp::builtins::Builtin::ALL
            .iter()
            .map(|b| b.name())
    }

    /// The methods of values whose `type()` is `type_name` (empty for types without methods).
    ///
    /// ```
    /// assert!(mpscript::Engine::method_names("list").contains(&"push"));
    /// ```
    pub fn method_names(type_name: &str) -> &'static [&'static str] {
        crate::interp::methods::method_names(type_name)
    }
}
