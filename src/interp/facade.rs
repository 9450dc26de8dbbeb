//! The facade the process layer (`runtime`) reaches the interpreter through, instead of its
//! fields: reading globals and their names (with `Interp::sources` for error locations), finding a function's code by identity, the
//! sources to send to or adopt from another process, the output sink, and resetting a child.
//! With `call_value`/`call_one` (in `eval`), `set_global_slot` and `adopt_global_names` (in
//! `interp`), this is all a process, pool or IPC handle needs of an interpreter.
//!
//! `Interp::runtime` stays open to the runtime: it is the runtime's own state, kept in the
//! interpreter so that every process has exactly one.

use std::io::Write;
use std::rc::Rc;

use super::Interp;
use super::eval::Slot;
use super::ir::FnProto;
use super::value::Value;

impl Interp {
    /// How many global slots there are (defined or not).
    pub(crate) fn global_count(&self) -> u32 {
        self.globals.len() as u32
    }

    /// The value of a global slot, if it is defined.
    pub(crate) fn global_value(&self, slot: u32) -> Option<Value> {
        match self.globals.get(slot as usize) {
            Some(Slot::Val(v)) => Some(v.clone()),
            Some(Slot::Cell(c)) => Some(c.borrow().clone()),
            _ => None,
        }
    }

    /// The code of the script function a global holds directly (not through a cell).
    #[cfg(unix)] // pools and forked children exist on Unix only
    pub(crate) fn global_function_code(&self, slot: u32) -> Option<Rc<FnProto>> {
        match self.globals.get(slot as usize) {
            Some(Slot::Val(Value::Function(super::value::Function::Closure(c)))) => {
                Some(c.proto.clone())
            }
            _ => None,
        }
    }

    /// The whole global name table, in slot order (what another process adopts).
    pub(crate) fn global_name_table(&self) -> Vec<String> {
        self.names.names().iter().map(|n| n.to_string()).collect()
    }

    /// A function's code by its identity: function `index` of source `source`.
    pub(crate) fn function_code(&self, source: u32, index: u32) -> Option<Rc<FnProto>> {
        self.protos
            .get(source as usize)
            .and_then(|p| p.get(index as usize))
            .cloned()
    }

    /// How many sources are loaded.
    #[cfg(unix)] // pools and forked children exist on Unix only
    pub(crate) fn source_count(&self) -> usize {
        self.sources.len()
    }

    /// The names and texts of the sources from `from` on, to send to another process.
    pub(crate) fn source_texts(&self, from: usize) -> Vec<(String, String)> {
        self.sources
            .iter()
            .skip(from)
            .map(|s| (s.name().to_string(), s.text().to_string()))
            .collect()
    }

    /// Loads and compiles a source another process sent. A source that failed to compile
    /// there fails here too; compiling it still keeps source ids and global slots in step.
    pub(crate) fn adopt_source(&mut self, name: &str, text: &str) {
        let id = self.sources.add(name, text);
        let _ = self.compile_source(id);
    }

    /// The script's arguments (`args()`).
    pub(crate) fn script_args(&self) -> &[String] {
        &self.script_args
    }

    /// Writes out what is buffered for the output sink (before forking, waiting, exiting).
    pub(crate) fn flush_output(&mut self) {
        let _ = self.out.flush();
    }

    /// Writes bytes to the output sink at once (another process's prints).
    #[cfg(unix)] // pools and forked children exist on Unix only
    pub(crate) fn write_output(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.out.write_all(bytes).and_then(|_| self.out.flush())
    }

    /// In a child whose prints are relayed by its parent: prints go into this pipe.
    #[cfg(unix)]
    pub(crate) fn print_into(&mut self, pipe: std::os::fd::OwnedFd) {
        self.out = Box::new(crate::output::Pipe(pipe));
    }

    /// In a new child: a fresh random state and call depth (the runtime forgets the parent's
    /// children and pools itself).
    #[cfg(unix)] // pools and forked children exist on Unix only
    pub(crate) fn reset_for_child(&mut self) {
        self.rng = super::builtins::Rng::seeded();
        self.depth = 0;
    }
}
