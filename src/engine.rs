//! The embedding API: everything the CLI, the REPL and host programs use.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, ErrorKind};
use crate::interp::Interp;
use crate::interp::native::RegisterFn;
use crate::interp::value::{Function, Value};
use crate::runtime::pool;

/// An interpreter with its globals, sources and settings. State persists across calls to
/// [`Engine::eval`], as in a REPL session.
///
/// ```
/// let mut engine = mpscript::Engine::new();
/// engine.eval("let total = 0").unwrap();
/// engine.eval("for i in range(4) { total += i }").unwrap();
/// assert_eq!(engine.eval("total").unwrap(), mpscript::Value::Int(6));
/// ```
pub struct Engine {
    interp: Interp,
    evals: usize,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

impl Engine {
    /// A new engine printing to the process's standard output.
    ///
    /// ```
    /// let engine = mpscript::Engine::new();
    /// assert!(engine.global_names().contains(&"print".to_string()));
    /// ```
    pub fn new() -> Engine {
        refuse_unserved_child();
        Engine {
            interp: Interp::new(Box::new(crate::output::Stdout)),
            evals: 0,
        }
    }

    /// Runs code and returns the value of its last top-level expression statement (or nil).
    /// Errors name the source `<eval>`.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// assert_eq!(engine.eval("1 + 2 * 3").unwrap(), mpscript::Value::Int(7));
    /// let err = engine.eval("1 / 0").unwrap_err();
    /// assert_eq!(err.short(), "<eval>:1:1: division by zero");
    /// ```
    pub fn eval(&mut self, code: &str) -> Result<Value, Error> {
        self.evals += 1;
        self.interp.eval_source("<eval>", code)
    }

    /// Runs code under a given source name (used in error locations).
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// let err = engine.eval_named("job.mps", "nope").unwrap_err();
    /// assert_eq!(err.short(), "job.mps:1:1: undefined name `nope`");
    /// ```
    pub fn eval_named(&mut self, name: &str, code: &str) -> Result<Value, Error> {
        self.interp.eval_source(name, code)
    }

    /// Parses and resolves code without running it.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// assert!(engine.check("ok.mps", "let x = 1").is_ok());
    /// assert_eq!(engine.check("bad.mps", "break").unwrap_err().kind(), mpscript::ErrorKind::Syntax);
    /// ```
    pub fn check(&mut self, name: &str, code: &str) -> Result<(), Error> {
        self.interp.compile(name, code).map(|_| ())
    }

    /// Like [`Engine::check`], and also lists warnings: each name the code uses that is
    /// defined nowhere (no `let` or `fn` declares it, and it is neither a builtin nor a host
    /// function), at its first use. Such a name fails only when its line runs.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// let warnings = engine.lint("typo.mps", "let x = 1\nprnt(x)").unwrap();
    /// assert_eq!(warnings.len(), 1);
    /// assert!(warnings[0].is_warning());
    /// assert!(warnings[0].short().starts_with("typo.mps:2:1: `prnt` is not defined anywhere"));
    /// ```
    pub fn lint(&mut self, name: &str, code: &str) -> Result<Vec<Error>, Error> {
        self.interp.check_source(name, code)
    }

    /// Serves a pool on another machine: `mpscript worker`, which a pool started with
    /// `hosts`, `launcher` or `slurm` runs on the far side through ssh, `srun` or any
    /// command that connects standard input and output. It greets the pool (a different
    /// mpscript version on either side is refused with a message naming both), runs the
    /// tasks it is sent, relays prints over the link, and returns the exit status once the
    /// pool lets go (2 for a refused handshake). A host program that registers functions serves
    /// workers with them this way; it must be the same version as the pool's.
    ///
    /// ```no_run
    /// let mut engine = mpscript::Engine::new();
    /// engine.register_fn("double", |x: i64| x * 2);
    /// std::process::exit(engine.serve_remote_worker());
    /// ```
    pub fn serve_remote_worker(&mut self) -> i32 {
        crate::runtime::pool::run_remote_worker(&mut self.interp)
    }

    /// Runs code as a whole script: afterwards (also after an error) it waits for every child
    /// process the script started and did not join, as the command line does.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// let v = engine.run("job.mps", "let p = spawn exit(3)\n7").unwrap();
    /// assert_eq!(v, mpscript::Value::Int(7));
    /// ```
    pub fn run(&mut self, name: &str, code: &str) -> Result<Value, Error> {
        let result = self.eval_named(name, code);
        self.finish_children(result)
    }

    /// After a script: waits for its children, or ends them if the script was interrupted.
    /// Returns the script's result, or `Interrupted` if Ctrl-C came while waiting.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// let result = engine.eval("40 + 2");
    /// assert_eq!(engine.finish_children(result).unwrap(), mpscript::Value::Int(42));
    /// ```
    pub fn finish_children(&mut self, result: Result<Value, Error>) -> Result<Value, Error> {
        if matches!(&result, Err(e) if e.kind() == ErrorKind::Interrupted) {
            self.interp.end_children();
            return result;
        }
        match self.interp.wait_children() {
            Ok(()) => result,
            Err(e) => {
                self.interp.end_children();
                Err(e)
            }
        }
    }

    /// Ends every child process still running (SIGTERM, then SIGKILL after a short grace).
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.terminate_children(); // nothing running: nothing to do
    /// ```
    pub fn terminate_children(&mut self) {
        self.interp.end_children();
    }

    /// After an input was interrupted (Ctrl-C) in a session that goes on, like the REPL: ends
    /// every child process, and terminates the pools the input was waiting for (a map, a
    /// `get`, a `join`); the other pools keep working.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.end_interrupted(); // nothing running: nothing to do
    /// ```
    pub fn end_interrupted(&mut self) {
        pool::end_interrupted(&mut self.interp);
    }

    /// Chooses how `spawn` and pools start processes (default: fork on Unix).
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.set_start_method(mpscript::StartMethod::Spawn);
    /// ```
    pub fn set_start_method(&mut self, method: crate::runtime::StartMethod) -> &mut Engine {
        self.interp.set_start_method(method);
        self
    }

    /// Whether `join` on a pool may show a progress bar (only ever when stderr is a terminal).
    ///
    /// ```
    /// mpscript::Engine::new().set_progress(false);
    /// ```
    pub fn set_progress(&mut self, enabled: bool) -> &mut Engine {
        self.interp.runtime.progress = enabled;
        self
    }

    /// Reads and runs a script file, then waits for the children it left running.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// let err = engine.run_file("no/such/file.mps").unwrap_err();
    /// assert_eq!(err.kind(), mpscript::ErrorKind::Usage);
    /// ```
    pub fn run_file(&mut self, path: impl AsRef<Path>) -> Result<Value, Error> {
        let path = path.as_ref();
        let text = read_script(path)?;
        self.run(&path.display().to_string(), &text)
    }

    /// Makes a Rust closure of 0 to 4 arguments callable from scripts. Parameters may be
    /// `i64`, `f64`, `bool`, `String`, `Vec<Value>` or `Value`; the result any of those, `()`,
    /// or a `Result` whose error becomes a catchable script error.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.register_fn("greet", |name: String| format!("hi {name}"));
    /// assert_eq!(engine.eval(r#"greet("ann")"#).unwrap(), mpscript::Value::from("hi ann"));
    /// ```
    pub fn register_fn<Args, F: RegisterFn<Args>>(&mut self, name: &str, f: F) -> &mut Engine {
        let native = std::rc::Rc::new(f.into_native(name));
        self.interp
            .set_global(name, Value::Function(Function::Native(native)));
        self
    }

    /// Takes a capability away from the scripts this engine runs: a namespace (`"fs"`,
    /// `"os"`, `"json"`, `"math"`), a builtin (`"run"`, `"start"`, `"parallel"`, `"env"`,
    /// ...) or the `"import"` statement. A script that uses it fails to compile, with an
    /// error at the use: `` `fs` is not allowed here``. A script may still declare a
    /// variable of that name and use it: it is then the script's own, and reaches nothing.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.disable("fs").disable("run");
    /// let err = engine.eval(r#"fs.read("/etc/passwd")"#).unwrap_err();
    /// assert_eq!(err.short(), "<eval>:1:1: `fs` is not allowed here");
    /// assert!(engine.eval(r#"run(["ls"])"#).is_err());
    /// assert_eq!(engine.eval("let fs = 2\nfs * 3").unwrap(), mpscript::Value::Int(6));
    /// assert_eq!(engine.eval("math.sqrt(9.0)").unwrap(), mpscript::Value::Float(3.0));
    /// ```
    pub fn disable(&mut self, name: &str) -> &mut Engine {
        self.interp.disable(name);
        self
    }

    /// The names [`Engine::sandboxed`] disables: files, the environment and the host, external
    /// commands, and modules.
    pub const SANDBOXED: &'static [&'static str] =
        &["fs", "os", "env", "run", "start", "parallel", "import"];

    /// An engine for untrusted scripts: [`Engine::new`] with the names of
    /// [`Engine::SANDBOXED`] disabled, so that a script cannot touch files, the environment
    /// or external programs. Computation, `print`, `json` and `math` remain. (Processes and
    /// pools of the script's own functions remain too; limit a script's work with
    /// [`Engine::set_max_operations`] and the other limits.)
    ///
    /// ```
    /// let mut engine = mpscript::Engine::sandboxed();
    /// let err = engine.eval(r#"run("rm -rf /tmp/x")"#).unwrap_err();
    /// assert_eq!(err.short(), "<eval>:1:1: `run` is not allowed here");
    /// assert_eq!(engine.eval(r#"json.dump([1, 2])"#).unwrap(), mpscript::Value::from("[1, 2]"));
    /// ```
    pub fn sandboxed() -> Engine {
        let mut engine = Engine::new();
        for name in Engine::SANDBOXED {
            engine.disable(name);
        }
        engine
    }

    /// Defines a global variable visible to scripts.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.set_global("n", 5i64);
    /// assert_eq!(engine.eval("n * 2").unwrap(), mpscript::Value::Int(10));
    /// ```
    pub fn set_global(&mut self, name: &str, value: impl Into<Value>) -> &mut Engine {
        self.interp.set_global(name, value.into());
        self
    }

    /// The value of a global, if defined.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.eval("let answer = 6 * 7").unwrap();
    /// assert_eq!(engine.get_global("answer"), Some(mpscript::Value::Int(42)));
    /// assert_eq!(engine.get_global("missing"), None);
    /// ```
    pub fn get_global(&self, name: &str) -> Option<Value> {
        self.interp.global(name)
    }

    /// Sends everything scripts print to `out` instead of standard output.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// #[derive(Clone, Default)]
    /// struct Sink(Arc<Mutex<Vec<u8>>>);
    /// impl std::io::Write for Sink {
    ///     fn write(&mut self, b: &[u8]) -> std::io::Result<usize> { self.0.lock().unwrap().extend_from_slice(b); Ok(b.len()) }
    ///     fn flush(&mut self) -> std::io::Result<()> { Ok(()) }
    /// }
    /// let sink = Sink::default();
    /// let mut engine = mpscript::Engine::new();
    /// engine.set_output(sink.clone());
    /// engine.eval(r#"print("hello", 42)"#).unwrap();
    /// assert_eq!(String::from_utf8(sink.0.lock().unwrap().clone()).unwrap(), "hello 42\n");
    /// ```
    pub fn set_output(&mut self, out: impl Write + Send + 'static) -> &mut Engine {
        self.interp.set_output(Box::new(out));
        self
    }

    /// Caps loop iterations plus function calls per run, counting also the size of what
    /// operators, builtins and methods build (bytes of a str, items of a list, entries of a
    /// map); past it, the run fails with a clear error (before a huge value is built).
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.set_max_operations(1000);
    /// let err = engine.eval("while true { }").unwrap_err();
    /// assert!(err.message().contains("operation limit"));
    /// let err = engine.eval("let big = [0] * 1000000").unwrap_err();
    /// assert!(err.message().contains("operation limit"));
    /// let err = engine.eval("let l = [0]\nwhile true { l.extend(l) }").unwrap_err();
    /// assert!(err.message().contains("operation limit"));
    /// ```
    pub fn set_max_operations(&mut self, max: u64) -> &mut Engine {
        self.interp.limits_mut().max_operations = Some(max);
        self
    }

    /// Caps the length in bytes of every str a script builds (`+`, `*`, f-strings, `str()`,
    /// `print`, `join`, `replace`, ...); past it the run fails with an `ErrorKind::Limit` error
    /// at the line that would build it, before the str is built. The default is 1 GiB;
    /// `usize::MAX` removes the limit.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.set_max_string_size(1000);
    /// let err = engine.eval("let s = \"ab\"\nwhile true { s = s + s }").unwrap_err();
    /// assert_eq!(err.kind(), mpscript::ErrorKind::Limit);
    /// assert_eq!(err.short(), "<eval>:2:18: size limit exceeded: a str of 1024 bytes (the limit is 1000)");
    /// ```
    pub fn set_max_string_size(&mut self, bytes: usize) -> &mut Engine {
        self.interp.limits_mut().max_string_size = bytes;
        self
    }

    /// Caps the number of items of every list a script builds (`push`, `extend`, `+`, `*`,
    /// `range`, `split`, ...), as [`Engine::set_max_string_size`] does for strs. The default
    /// is 100,000,000 items.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.set_max_array_size(100);
    /// let err = engine.eval("let l = []\nwhile true { l.push(0) }").unwrap_err();
    /// assert_eq!(err.short(), "<eval>:2:14: size limit exceeded: a list of 101 items (the limit is 100)");
    /// ```
    pub fn set_max_array_size(&mut self, items: usize) -> &mut Engine {
        self.interp.limits_mut().max_array_size = items;
        self
    }

    /// Caps the number of entries of every map a script builds (`m[k] = v`, map literals,
    /// `copy`), as [`Engine::set_max_string_size`] does for strs. The default is 10,000,000
    /// entries.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.set_max_map_size(100);
    /// let err = engine.eval("let m = {}\nfor i in range(1000) { m[i] = i }").unwrap_err();
    /// assert_eq!(err.short(), "<eval>:2:24: size limit exceeded: a map of 101 entries (the limit is 100)");
    /// ```
    pub fn set_max_map_size(&mut self, entries: usize) -> &mut Engine {
        self.interp.limits_mut().max_map_size = entries;
        self
    }

    /// Caps the nesting of script function calls ("recursion too deep" past it).
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.set_max_call_depth(10);
    /// let err = engine.eval("fn f(n) { return f(n + 1) }\nf(0)").unwrap_err();
    /// assert!(err.message().starts_with("recursion too deep"));
    /// ```
    pub fn set_max_call_depth(&mut self, depth: usize) -> &mut Engine {
        self.interp.limits_mut().max_call_depth = depth;
        self
    }

    /// The list `args()` returns to scripts.
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.set_args(vec!["a".into(), "b".into()]);
    /// assert_eq!(engine.eval("args()").unwrap().to_string(), r#"["a", "b"]"#);
    /// ```
    pub fn set_args(&mut self, args: Vec<String>) -> &mut Engine {
        self.interp.set_args(args);
        self
    }

    /// Names of the globals defined so far (builtins included).
    ///
    /// ```
    /// let mut engine = mpscript::Engine::new();
    /// engine.eval("fn mine() {}").unwrap();
    /// assert!(engine.global_names().contains(&"mine".to_string()));
    /// ```
    pub fn global_names(&self) -> Vec<String> {
        self.interp
            .global_names()
            .iter()
            .map(|n| n.to_string())
            .collect()
    }

    /// False when `code` is the start of a statement that goes on (an open bracket or block,
    /// a trailing operator): an interactive front end then reads another line. Decided by
    /// the parser; any other syntax error counts as complete (running it reports the error).
    ///
    /// ```
    /// assert!(mpscript::Engine::is_complete("let x = 1 + 2"));
    /// assert!(!mpscript::Engine::is_complete("fn f(x) {"));
    /// assert!(!mpscript::Engine::is_complete("let y = 1 +"));
    /// assert!(mpscript::Engine::is_complete("let = 3"));
    /// ```
    pub fn is_complete(code: &str) -> bool {
        let mut sources = crate::syntax::SourceMap::new();
        let id = sources.add("<input>", code);
        !matches!(crate::syntax::parse(id, code), Err(e) if e.at_end)
    }
}

/// Set while [`init_with`] serves this process as a child: its own engine may be made.
static SERVING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// A process started as a spawn-method child or pool worker, in which an engine is made
/// without [`init`] having served it first, is a host whose `main` forgot to call `init`: it is
/// running `main` again instead of the call it was started for, and would start children of
/// its own without end. It ends at once with a message that says what to do; its parent sees
/// a child that failed (exit code 1), or a pool whose workers cannot start.
fn refuse_unserved_child() {
    if SERVING.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let marker = std::env::args_os().nth(1);
    let child = marker.as_deref().is_some_and(|a| {
        a == crate::runtime::child::CHILD_ARG || a == crate::runtime::pool::WORKER_ARG
    });
    if child {
        crate::output::stderr_line(format_args!(
            "error in process {}: this program was started as a child process by the spawn \
             start method, but it made an mpscript::Engine before serving that call; call \
             mpscript::init() (or mpscript::init_with) as the first thing in main",
            std::process::id()
        ));
        std::process::exit(1);
    }
}

/// Serves a spawn-method child, if this process is one; otherwise returns at once. A host
/// program that runs scripts using the spawn start method calls this first thing in `main`.
///
/// ```
/// mpscript::init(); // not a child: returns immediately
/// ```
pub fn init() {
    init_with(|_| {});
}

/// Like [`init`], with a setup step that registers the host's functions on the child's engine
/// (the same ones the parent registered), so scripts can call them in children too.
///
/// ```
/// fn register(engine: &mut mpscript::Engine) {
///     engine.register_fn("double", |x: i64| x * 2);
/// }
/// mpscript::init_with(register); // not a child: returns immediately
/// let mut engine = mpscript::Engine::new();
/// register(&mut engine);
/// ```
pub fn init_with(setup: impl FnOnce(&mut Engine)) {
    SERVING.store(true, std::sync::atomic::Ordering::Relaxed);
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == crate::runtime::pool::WORKER_ARG)
    {
        let mut engine = Engine::new();
        setup(&mut engine);
        let code = crate::runtime::pool::run_exec_worker(&mut engine.interp);
        drop(engine);
        std::process::exit(code);
    }
    if !crate::runtime::child::is_child_process() {
        return;
    }
    let start = match crate::runtime::child::read_start() {
        Ok(start) => start,
        Err(message) => {
            crate::output::stderr_line(format_args!(
                "error in process {}: {message}",
                std::process::id()
            ));
            std::process::exit(1);
        }
    };
    let mut engine = Engine::new();
    setup(&mut engine);
    let code = crate::runtime::child::run_child(&mut engine.interp, start);
    drop(engine);
    std::process::exit(code);
}

/// Reads a script, with one-line errors for the ways a path can fail to be a script.
pub fn read_script(path: &Path) -> Result<String, Error> {
    let shown = path.display();
    if path.is_dir() {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("{shown}: is a directory, not a script"),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        Error::new(ErrorKind::Usage, format!("{shown}: cannot read: {reason}"))
    })?;
    script_text(&shown.to_string(), bytes)
}

/// Checks that bytes are a text script: UTF-8 without NUL bytes (a leading byte-order mark is
/// skipped); a bad byte is reported at its `FILE:LINE:COL`.
pub fn script_text(name: &str, bytes: Vec<u8>) -> Result<String, Error> {
    crate::syntax::script_text(name, bytes)
}
