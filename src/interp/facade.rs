//! The facade the process layer (`runtime`) reaches the interpreter through, instead of its
//! fields: reading and setting globals and their names, finding a function's code by identity,
//! the sources to send to or adopt from another process, the output sink and the relays of
//! children's prints into it, and resetting a child. With `call_value`/`call_one` (in `eval`,
//! to run a callback), the public `global` and `sources` (in `interp`) and `adopt_sources`
//! (in `interp/modules.rs`), this is all a process, pool or IPC handle needs of an
//! interpreter: the runtime's operations are free
//! functions that take the interpreter as an argument and reach it only through these.
//!
//! `Interp::runtime` stays open to the runtime: it is the runtime's own state, kept in the
//! interpreter so that every process has exactly one.

use std::io::Write;
use std::rc::Rc;

use super::Interp;
use super::compile::Globals;
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

    /// Before a forked child or worker exits (without running destructors): removes the
    /// directories `fs.tempdir()` made in it, never its parent's.
    #[cfg(unix)]
    pub(crate) fn remove_own_tempdirs(&mut self) {
        self.tempdirs = super::stdlib::TempDirs::default();
    }

    /// Sets a global by slot (a child receiving its parent's globals).
    pub(crate) fn set_global_slot(&mut self, slot: usize, value: Value) {
        if self.globals.len() <= slot {
            self.globals.resize(slot + 1, Slot::Uninit);
        }
        self.globals[slot] = Slot::Val(value);
    }

    /// Takes over another process's global name table (slot order), keeping the values of the
    /// globals defined here (builtins, host functions) under their names.
    pub(crate) fn adopt_global_names(&mut self, names: &[String]) {
        let defined: Vec<(Rc<str>, Slot)> = (0..self.names.len())
            .filter_map(|i| {
                let slot = self.globals.get(i)?.clone();
                (!matches!(slot, Slot::Uninit)).then(|| (self.names.name(i as u32).clone(), slot))
            })
            .collect();
        self.names = Globals::default();
        for name in names {
            self.names.slot(&Rc::from(name.as_str()));
        }
        self.globals = vec![Slot::Uninit; self.names.len()];
        for (name, slot) in defined {
            let i = self.names.slot(&name) as usize;
            if self.globals.len() <= i {
                self.globals.resize(i + 1, Slot::Uninit);
            }
            self.globals[i] = slot;
        }
    }

    /// If prints go to a host's sink: a pipe for a new child's prints, whose read end is
    /// relayed here (call in the parent) and whose write end the child prints to.
    #[cfg(unix)]
    pub(crate) fn output_pipe(&mut self) -> Option<(std::os::fd::OwnedFd, std::os::fd::OwnedFd)> {
        // Called before every fork: the child must share the lock that keeps long lines whole.
        crate::runtime::os::outlock::share();
        if !self.runtime.relay_output {
            return None;
        }
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).ok()
    }

    /// Passes on to the output sink what children have printed so far.
    pub(crate) fn pump_relays(&mut self) {
        let mut out = std::mem::replace(&mut self.out, Box::new(std::io::sink()));
        self.runtime.relays.retain_mut(|r| r.pump(&mut out));
        self.out = out;
    }
}
