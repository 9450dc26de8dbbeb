//! The interpreter: resolver (`compile`), IR (`ir`), evaluator (`eval`), values, operators,
//! builtins and methods. The process runtime it calls into lives in `crate::runtime`.

pub(crate) mod args;
pub mod builtins;
mod check;
pub mod compile;
pub mod deep;
pub mod eval;
mod facade;
pub mod format;
pub mod ir;
pub mod methods;
mod modules;
pub mod native;
pub mod ops;
pub mod record;
pub mod sizes;
pub mod sort;
pub mod stdlib;
mod strs;
pub mod value;

use std::io::Write;
use std::rc::Rc;

use crate::error::{Error, ErrorKind};
use crate::runtime::process;
use crate::syntax::{SourceId, SourceMap, Span};
use compile::Globals;
use eval::Slot;
use ir::FnProto;
use value::Value;

/// Limits that turn runaway scripts into errors.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Deepest nesting of script function calls.
    pub max_call_depth: usize,
    /// Loop iterations plus calls allowed in one run, plus the size of what operators,
    /// builtins and methods build (`None`: unlimited).
    pub max_operations: Option<u64>,
    /// Longest str, in bytes, that a script may build.
    pub max_string_size: usize,
    /// Longest list, in items, that a script may build.
    pub max_array_size: usize,
    /// Largest map, in entries, that a script may build.
    pub max_map_size: usize,
}

/// The default `max_string_size`: 1 GiB.
pub const DEFAULT_MAX_STRING_SIZE: usize = 1 << 30;
/// The default `max_array_size`: 100 million items.
pub const DEFAULT_MAX_ARRAY_SIZE: usize = 100_000_000;
/// The default `max_map_size`: 10 million entries.
pub const DEFAULT_MAX_MAP_SIZE: usize = 10_000_000;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_call_depth: 10_000,
            max_operations: None,
            max_string_size: DEFAULT_MAX_STRING_SIZE,
            max_array_size: DEFAULT_MAX_ARRAY_SIZE,
            max_map_size: DEFAULT_MAX_MAP_SIZE,
        }
    }
}

/// A runtime error on its way up the stack, located by span; becomes an [`Error`] at the edge.
#[derive(Debug)]
pub struct RtError {
    pub kind: ErrorKind,
    pub message: String,
    pub span: Span,
    /// Function names and call sites the error passed through, innermost first, with how many
    /// times in a row each one repeated (deep recursion shows as one line).
    pub trace: Vec<(Rc<str>, Span, u32)>,
}

pub type RtResult<T> = Result<T, Box<RtError>>;

/// How many call sites an error remembers.
const MAX_TRACE: usize = 8;

impl RtError {
    pub fn new(message: impl Into<String>, span: Span) -> Box<RtError> {
        Box::new(RtError {
            kind: ErrorKind::Runtime,
            message: message.into(),
            span,
            trace: Vec::new(),
        })
    }

    pub fn limit(message: impl Into<String>, span: Span) -> Box<RtError> {
        let mut e = RtError::new(message, span);
        e.kind = ErrorKind::Limit;
        e
    }

    pub fn interrupted(span: Span) -> Box<RtError> {
        let mut e = RtError::new("interrupted", span);
        e.kind = ErrorKind::Interrupted;
        e
    }

    /// `exit(value)`, as Python's `sys.exit`: nil is status 0; an int (a bool is 0 or 1) is
    /// its low 8 bits, except that a non-zero int never gives 0 (a multiple of 256 gives 1);
    /// any other value is written to stderr, as `print` shows it, and the status is 1.
    pub fn exit_with(value: Value, span: Span) -> Box<RtError> {
        let code = match value {
            Value::Nil => 0,
            Value::Bool(b) => i32::from(b),
            Value::Int(0) => 0,
            Value::Int(n) => match (n & 0xff) as i32 {
                0 => 1,
                low => low,
            },
            other => {
                crate::output::stderr_line(format_args!("{other}"));
                1
            }
        };
        RtError::exit(code, span)
    }

    pub fn exit(code: i32, span: Span) -> Box<RtError> {
        let mut e = RtError::new(format!("exit({code})"), span);
        e.kind = ErrorKind::Exit(code);
        e
    }

    /// `try`/`catch` catches script errors, not limits, `exit()` or Ctrl-C.
    pub fn catchable(&self) -> bool {
        self.kind == ErrorKind::Runtime
    }

    pub fn add_trace(&mut self, function: &Rc<str>, call_site: Span) {
        if let Some((last, site, count)) = self.trace.last_mut() {
            if *site == call_site && last == function {
                *count += 1;
                return;
            }
        }
        if self.trace.len() < MAX_TRACE {
            self.trace.push((function.clone(), call_site, 1));
        }
    }

    /// Resolves the spans into a user-facing [`Error`].
    pub fn into_error(self, sources: &SourceMap) -> Error {
        let mut error = Error::at(self.kind, self.message, self.span, sources);
        for (function, site, count) in &self.trace {
            if let Some(loc) = crate::error::Location::of(*site, sources) {
                let times = if *count > 1 {
                    format!(" ({count} times)")
                } else {
                    String::new()
                };
                error = error.with_note(format!("in {function}(), called at {loc}{times}"));
            }
        }
        error
    }
}

/// Where `print` writes. Each call receives whole lines, written with one `write`.
pub type Output = Box<dyn Write>;

/// The interpreter state: sources, globals, the value stack, limits and the output sink. The
/// fields are private to `interp`; the process layer goes through the facade (`facade.rs`).
pub struct Interp {
    stack: Vec<Slot>,
    globals: Vec<Slot>,
    names: Globals,
    sources: SourceMap,
    /// The functions of every source, by source id then index: how a function value that
    /// crossed from another process finds its code.
    protos: Vec<Vec<Rc<FnProto>>>,
    depth: usize,
    limits: Limits,
    ops: u64,
    next_check: u64,
    out: Output,
    rng: builtins::Rng,
    script_args: Vec<String>,
    /// The modules loaded and run (`import`).
    modules: modules::Modules,
    /// The directories `fs.tempdir()` made, removed when this interpreter ends.
    tempdirs: stdlib::TempDirs,
    /// What `s[i]` and `len(s)` remember of long strs, and the one-character strs.
    strs: strs::StrCache,
    /// The runtime's own state (children, pools, relays...): open to `runtime`, which owns it.
    pub(crate) runtime: crate::runtime::Runtime,
}

impl Interp {
    pub fn new(out: Output) -> Interp {
        let mut interp = Interp {
            stack: Vec::with_capacity(1024),
            globals: Vec::new(),
            names: Globals::default(),
            sources: SourceMap::new(),
            protos: Vec::new(),
            depth: 0,
            limits: Limits::default(),
            ops: 0,
            next_check: 0,
            out,
            rng: builtins::Rng::seeded(),
            script_args: Vec::new(),
            tempdirs: stdlib::TempDirs::default(),
            modules: modules::Modules::default(),
            strs: strs::StrCache::default(),
            runtime: crate::runtime::Runtime::default(),
        };
        // A namespace's functions (`fs.read`) are reached through its global, not their own.
        for builtin in builtins::Builtin::ALL
            .iter()
            .filter(|b| !b.name().contains('.'))
        {
            interp.set_global(
                builtin.name(),
                Value::Function(value::Function::Builtin(*builtin)),
            );
        }
        for namespace in stdlib::Namespace::ALL {
            interp.set_global(namespace.name(), namespace.value());
        }
        interp
    }

    /// Takes a builtin, a namespace or a keyword (`import`) away from the scripts this
    /// interpreter compiles from now on: using it is a compile-time error (see
    /// [`Globals::disable`]).
    pub fn disable(&mut self, name: &str) {
        let name: Rc<str> = Rc::from(name);
        self.names.disable(&name);
        if let Some(slot) = self.names.lookup(&name) {
            if let Some(value) = self.globals.get_mut(slot as usize) {
                *value = Slot::Uninit;
            }
        }
    }

    /// Defines (or redefines) a global variable.
    pub fn set_global(&mut self, name: &str, value: Value) {
        let slot = self.names.slot(&Rc::from(name)) as usize;
        if self.globals.len() <= slot {
            self.globals.resize(slot + 1, Slot::Uninit);
        }
        self.globals[slot] = Slot::Val(value);
    }

    pub fn set_start_method(&mut self, method: crate::runtime::StartMethod) {
        self.runtime.start_method = method;
    }

    /// The value of a global, if it is defined.
    pub fn global(&self, name: &str) -> Option<Value> {
        let slot = self.names.lookup(name)? as usize;
        match self.globals.get(slot)? {
            Slot::Val(v) => Some(v.clone()),
            Slot::Cell(c) => Some(c.borrow().clone()),
            Slot::Uninit => None,
        }
    }

    /// Names of the defined globals, in definition order.
    pub fn global_names(&self) -> Vec<Rc<str>> {
        (0..self.names.len())
            .filter(|&i| matches!(self.globals.get(i), Some(Slot::Val(_) | Slot::Cell(_))))
            .map(|i| self.names.name(i as u32).clone())
            .collect()
    }

    pub fn sources(&self) -> &SourceMap {
        &self.sources
    }

    /// Parses and resolves a source; nothing runs. Syntax and static errors come back located.
    pub fn compile(&mut self, name: &str, text: &str) -> Result<Rc<FnProto>, Error> {
        let id = self.sources.add(name, text);
        self.compile_source(id)
    }

    /// Compiles one source of the map (and the modules it imports). Sources are compiled in
    /// id order, each exactly once.
    pub(crate) fn compile_source(&mut self, id: SourceId) -> Result<Rc<FnProto>, Error> {
        self.compile_unit(id, None).map(|(main, _, _)| main)
    }

    /// Runs compiled top-level code; the value of its last expression statement comes back.
    pub fn run(&mut self, proto: &Rc<FnProto>) -> Result<Value, Error> {
        self.depth = 0;
        let result = self.run_main(proto);
        let _ = self.out.flush();
        result.map_err(|e| e.into_error(&self.sources))
    }

    /// Compiles and runs a source.
    pub fn eval_source(&mut self, name: &str, text: &str) -> Result<Value, Error> {
        let proto = self.compile(name, text)?;
        self.run(&proto)
    }

    /// Sends prints to `out`; children's prints are relayed to it.
    pub fn set_output(&mut self, out: Output) {
        self.out = out;
        self.runtime.relay_output = true;
    }

    pub fn set_args(&mut self, args: Vec<String>) {
        self.script_args = args;
    }

    pub fn limits_mut(&mut self) -> &mut Limits {
        &mut self.limits
    }

    /// Waits for every child started here and not yet joined.
    pub fn wait_children(&mut self) -> Result<(), Error> {
        process::join_children(self, Span::default()).map_err(|e| e.into_error(&self.sources))
    }

    /// Ends every child still running.
    pub fn end_children(&mut self) {
        process::terminate_children(self);
    }

    /// Writes text with one write call, as `print` does. Output that nobody reads any more (a
    /// pipe into `head` that has gone) ends this process quietly with status 141, as a Unix
    /// tool killed by SIGPIPE (128 + 13) would; see `crate::output::BROKEN_PIPE_STATUS`.
    pub(crate) fn write_out(&mut self, text: &str, span: Span) -> RtResult<()> {
        self.out
            .write_all(text.as_bytes())
            .and_then(|_| self.out.flush())
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe => {
                    RtError::exit(crate::output::BROKEN_PIPE_STATUS, span)
                }
                _ => RtError::new(format!("cannot write output: {e}"), span),
            })
    }
}
