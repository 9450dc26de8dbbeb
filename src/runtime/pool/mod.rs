//! Pools of worker processes: `pool(n)`, `apply_async`, results, callbacks, `map`, `close`,
//! `join`, `terminate` — with the failure modes of Python's Pool designed out:
//!
//! - a worker that dies mid-task fails exactly that task ("worker PID died ... while running
//!   f(...)"), is replaced, and the other tasks go on;
//! - an error nobody reads is reported by `join`;
//! - functions travel by value (code identity plus captured values), so closures, lambdas and
//!   functions defined after the pool started all work.
//!
//! The parent keeps the task queue. Each worker is linked to the parent by its own link: a Unix
//! socket pair, or with `MPSCRIPT_WORKER_LINK=pipes` two pipes (a spawned worker's standard
//! input and output); see `os::channel`. The parent hands an idle worker a batch of tasks in one message and the worker streams one
//! result message per task, so the parent always knows which task a dead worker was running.
//! The pools register their links and task time limits with the one event loop (`reactor`),
//! which reads results and worker exits in one `poll` with everything else; nothing
//! busy-polls.
//!
//! The files: `protocol` (the messages between parent and worker), `start` (starting workers by
//! fork or by spawning the executable), `schedule` (the queue, batched dispatch, collecting
//! results, timeouts, retries and lost workers, a failed initializer, workers retiring after
//! `maxtasksperchild`), `api` (what scripts call: `apply_async`, `map`, `map_async`, `apply`,
//! results), `imap` (the streaming iterator of `imap` and `imap_unordered`), `worker` (the
//! worker's loop and its initializer), `life` (ownership, `close`, `join`, `terminate`, pools
//! kept until their tasks are done).

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use crate::interp::eval::NamedArgs;
use crate::interp::value::Value;
use crate::runtime::os::channel::Link;
use crate::runtime::os::sys;
use crate::runtime::{Handle, StartMethod};
use crate::syntax::Span;

mod api;
mod imap;
mod life;
mod protocol;
mod remote;
mod schedule;
mod start;
mod worker;

pub use life::{ForeignHandle, from_foreign, to_foreign};
// The pool's interface, under the same paths as the stand-ins in `unsupported/pool.rs`: what the
// interpreter calls, then what the rest of the runtime calls (the reactor's three exist only here).
pub(crate) use api::apply_async;
pub(crate) use life::end_interrupted;
pub(crate) use start::new_pool;

pub(super) use api::{pool_method, result_method};
pub(super) use imap::{is_iterator, next_item};
pub(super) use life::{close_pool, finish_pools, join_pool, terminate_all_pools, terminate_pool};
pub(super) use schedule::{pools_writable, register_pools, serve_pools};
pub use worker::{run_exec_worker, run_remote_worker};

/// The first argument that marks a process as a spawn-method pool worker.
pub const WORKER_ARG: &str = "--mpscript-pool-worker";

/// While a script submits tasks, results are collected every this many submissions.
const SUBMIT_PUMP_EVERY: u64 = 64;

/// Most tasks handed to a worker in one message.
const MAX_BATCH: usize = 256;

/// A pool of worker processes.
pub struct Pool {
    pub size: usize,
    owner: i32,
    state: RefCell<PoolState>,
    /// Ctrl-C came while the script waited for this pool (see `life`).
    interrupted: Cell<bool>,
    /// Where the workers run when not on this machine (hosts, a launcher).
    remote: RefCell<Option<remote::Remote>>,
    /// `initializer = f, initargs = [...]`: run by every worker when it starts.
    init: RefCell<Option<Rc<Init>>>,
    /// `maxtasksperchild = k`: a worker retires after running this many tasks.
    max_tasks: Cell<Option<u32>>,
}

/// A pool's initializer and its arguments.
pub(super) struct Init {
    callee: Value,
    args: Vec<Value>,
}

struct PoolState {
    workers: Vec<Worker>,
    queue: VecDeque<u64>,
    tasks: HashMap<u64, Task>,
    next_id: u64,
    closed: bool,
    terminated: bool,
    /// Joined: the workers were let go.
    released: bool,
    start_method: StartMethod,
    /// Finished with an error and not handed to an error callback: reported by `join`
    /// unless read with `get` first.
    failed: Vec<Rc<ResultCell>>,
    done: u64,
    failures: u64,
    /// Items finished: one per call, one per item of a chunk (`map`'s progress).
    items_done: u64,
    /// Why the pool cannot run tasks any more (its initializer failed).
    broken: Option<String>,
}

struct Worker {
    pid: i32,
    link: Link,
    in_flight: VecDeque<u64>,
    known_sources: usize,
    /// When the task at the head of `in_flight` started (approximately).
    started: Instant,
    /// For a remote worker, its place among the pool's hosts or launchers.
    place: Option<usize>,
    /// With `maxtasksperchild`: how many more tasks it may be handed before it retires.
    tasks_left: Option<u32>,
}

enum TaskKind {
    Call {
        callee: Value,
        args: Vec<Value>,
        named: NamedArgs,
    },
    Chunk {
        callee: Value,
        /// The whole list `map` was given (one snapshot shared by all its chunks) and this
        /// chunk's part of it.
        items: Rc<Vec<Value>>,
        range: std::ops::Range<usize>,
        star: bool,
        /// Index of the chunk's first item in the whole list, for error messages.
        offset: usize,
    },
}

struct Task {
    kind: TaskKind,
    result: Rc<ResultCell>,
    callback: Option<Value>,
    error_callback: Option<Value>,
    retries: u32,
    timeout: Option<Duration>,
    span: Span,
    /// A chunk of `map_async`: its group and its place in it.
    group: Option<(Rc<MapGroup>, usize)>,
    /// The globals its function uses, as they were when it was submitted (taken by `submit`
    /// unless the caller shares one snapshot among chunks).
    globals: Option<Globals>,
}

/// Global slots and their values, as a task's function saw them when it was submitted.
type Globals = Rc<Vec<(u32, Value)>>;

/// The chunks of one `map_async`: their results, joined into one result when the last is in
/// (or failed at the first error), with the callbacks of the whole.
pub(super) struct MapGroup {
    result: Rc<ResultCell>,
    parts: RefCell<Vec<Option<Value>>>,
    left: Cell<usize>,
    callback: Option<Value>,
    error_callback: Option<Value>,
}

/// Where a task's outcome lands; shared by the pool and the script's result handle.
pub struct ResultCell {
    outcome: RefCell<Outcome>,
    /// Someone looked at the error (`get`, `successful`, or an error callback).
    observed: Cell<bool>,
    description: String,
    /// For a chunk that failed, the results of its items before the failing one (`imap`
    /// yields them before raising).
    partial: RefCell<Vec<Value>>,
}

#[derive(Clone)]
enum Outcome {
    Pending,
    Value(Value),
    Error(String),
}

/// What a script holds after `apply_async`.
pub struct AsyncResult {
    cell: Rc<ResultCell>,
    pool: Rc<Pool>,
}

impl Handle for Pool {
    fn type_name(&self) -> &'static str {
        "pool"
    }
    fn describe(&self) -> String {
        if self.state.borrow().terminated {
            format!("<pool {} workers, terminated>", self.size)
        } else {
            format!("<pool {} workers>", self.size)
        }
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Handle for AsyncResult {
    fn type_name(&self) -> &'static str {
        "result"
    }
    fn describe(&self) -> String {
        let state = match &*self.cell.outcome.borrow() {
            Outcome::Pending => "pending",
            Outcome::Value(_) => "ready",
            Outcome::Error(_) => "failed",
        };
        format!("<result {} {state}>", self.cell.description)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        if self.owner == sys::my_pid() as i32 {
            self.kill_workers();
        }
    }
}

impl Pool {
    /// A pool without workers yet, owned by process `owner`.
    fn new(size: usize, owner: i32, start_method: StartMethod) -> Pool {
        Pool {
            size,
            owner,
            state: RefCell::new(PoolState {
                workers: Vec::with_capacity(size),
                queue: VecDeque::new(),
                tasks: HashMap::new(),
                next_id: 0,
                closed: false,
                terminated: false,
                released: false,
                start_method,
                failed: Vec::new(),
                done: 0,
                failures: 0,
                items_done: 0,
                broken: None,
            }),
            interrupted: Cell::new(false),
            remote: RefCell::new(None),
            init: RefCell::new(None),
            max_tasks: Cell::new(None),
        }
    }

    pub(crate) fn mine(&self) -> bool {
        self.owner == sys::my_pid() as i32
    }

    /// Kills and reaps every worker (terminate, or a pool dropped without `join`).
    fn kill_workers(&self) {
        let workers = std::mem::take(&mut self.state.borrow_mut().workers);
        // SIGTERM first: a worker dies of it at once, but kills the process groups of the
        // commands its task runs on the way (SIGKILL would leave a shell's background job
        // behind); SIGKILL for one still there a moment later.
        for w in &workers {
            sys::send_signal(w.pid, Signal::SIGTERM);
        }
        let moment = Instant::now() + Duration::from_millis(500);
        for w in &workers {
            if sys::reap(w.pid, moment).is_none() {
                sys::send_signal(w.pid, Signal::SIGKILL);
                let _ = sys::reap(w.pid, Instant::now() + Duration::from_secs(5));
            }
        }
        self.end_masters();
    }

    /// Ends a remote pool's ssh master connections, once its workers are gone.
    fn end_masters(&self) {
        if let Some(remote) = self.remote.borrow_mut().as_mut() {
            remote.end_masters();
        }
    }

    /// Whether the workers run elsewhere (their values cross machines: no local handles).
    fn is_remote(&self) -> bool {
        self.remote.borrow().is_some()
    }

    /// Kills the workers if this process owns the pool.
    pub fn stop_if_mine(&self) {
        if self.mine() {
            self.kill_workers();
        }
    }

    /// In a forked child: close our copies of the parent's links without touching its workers.
    pub fn abandon(&self) {
        let workers = std::mem::take(&mut self.state.borrow_mut().workers);
        drop(workers);
        if let Some(remote) = self.remote.borrow_mut().as_mut() {
            remote.abandon();
        }
    }

    fn is_idle(&self) -> bool {
        let st = self.state.borrow();
        st.tasks.is_empty()
    }
}

fn describe_call(name: &str, args: &[Value]) -> String {
    let mut text: String = args.iter().map(|a| a.repr()).collect::<Vec<_>>().join(", ");
    if text.chars().count() > 60 {
        text = text.chars().take(57).collect::<String>() + "...";
    }
    format!("{name}({text})")
}

fn pool_counts(pool: &Pool) -> (u64, u64, u64) {
    let st = pool.state.borrow();
    (st.done, st.done + st.tasks.len() as u64, st.failures)
}

fn callee_name(callee: &Value) -> Rc<str> {
    match callee {
        Value::Function(f) => f.name(),
        other => other.type_name().into(),
    }
}

/// Whether two values are the very same value: equal scalars and strs, the same list, map,
/// record, function or handle (not merely equal ones).
pub(super) fn same_value(a: &Value, b: &Value) -> bool {
    use crate::interp::value::Function;
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Str(x), Value::Str(y)) => Rc::ptr_eq(x, y) || x == y,
        (Value::List(x), Value::List(y)) => Rc::ptr_eq(x, y),
        (Value::Map(x), Value::Map(y)) => Rc::ptr_eq(x, y),
        (Value::Record(x), Value::Record(y)) => Rc::ptr_eq(x, y),
        (Value::Handle(x), Value::Handle(y)) => Rc::ptr_eq(x, y),
        (Value::Function(Function::Closure(x)), Value::Function(Function::Closure(y))) => {
            Rc::ptr_eq(x, y)
        }
        (Value::Function(Function::Native(x)), Value::Function(Function::Native(y))) => {
            Rc::ptr_eq(x, y)
        }
        (Value::Function(Function::Builtin(x)), Value::Function(Function::Builtin(y))) => x == y,
        _ => false,
    }
}
