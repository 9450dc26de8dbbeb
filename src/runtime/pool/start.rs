//! Starting a pool and its workers: the options every pool takes (`initializer`, `initargs`,
//! `maxtasksperchild`), workers by fork (a copy of the running interpreter) or by spawning the
//! executable with a start message (sources, global names, globals, the initializer).

use std::collections::VecDeque;
use std::process::{Command, Stdio};
use std::rc::Rc;
use std::time::Instant;

use super::protocol::{InitSpec, WorkerStart, span_tuple};
use super::worker;
use super::{Init, Pool, WORKER_ARG, Worker};
use crate::interp::eval::NamedArgs;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::StartMethod;
use crate::runtime::child::ParentProgram;
use crate::runtime::os::channel::{BlockingLink, Link, LinkEnds};
use crate::runtime::os::sys;
use crate::runtime::process;
use crate::runtime::wire::Encoder;
use crate::syntax::Span;

/// The argument after [`WORKER_ARG`] that tells a spawned worker its link is its standard input
/// and output (not a socket on standard input).
pub(super) const PIPES_ARG: &str = "--link=pipes";

/// The hidden environment variable that selects how workers are linked: `pipes` for a pair of
/// pipes (a spawned worker's standard input and output), anything else for a socket pair.
const LINK_ENV: &str = "MPSCRIPT_WORKER_LINK";

/// Whether pool workers are linked by pipes rather than a socket pair (read once).
fn links_over_pipes() -> bool {
    static PIPES: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *PIPES.get_or_init(|| std::env::var_os(LINK_ENV).is_some_and(|v| v == "pipes"))
}

/// `pool(n)`.
pub(crate) fn new_pool(
    interp: &mut Interp,
    args: Vec<Value>,
    named: NamedArgs,
    span: Span,
) -> RtResult<Value> {
    let size = match args.as_slice() {
        [] | [Value::Nil] => None,
        [Value::Int(n)] if *n >= 1 && *n <= 1024 => Some(*n as usize),
        [Value::Int(n)] => {
            return Err(RtError::new(
                format!("pool() needs between 1 and 1024 workers, got {n}"),
                span,
            ));
        }
        [other] => {
            return Err(RtError::new(
                format!(
                    "pool() needs an int number of workers, not {}",
                    other.type_name()
                ),
                span,
            ));
        }
        _ => {
            let callee = crate::interp::args::Callee::Function("pool");
            let message = crate::interp::args::Arity::at_most(1).message(callee, args.len());
            return Err(RtError::new(message, span));
        }
    };
    let (options, named) = pool_options(named, span)?;
    if !named.is_empty() {
        return super::remote::new_remote_pool(interp, size, named, options, span);
    }
    let size = size.unwrap_or_else(crate::interp::builtins::cpu_count);
    interp.flush_output();
    let pool = Rc::new(Pool::new(
        size,
        std::process::id() as i32,
        interp.runtime.start_method,
    ));
    options.apply(&pool);
    // Registered before any worker starts: a worker forked later must close its inherited
    // copies of the earlier workers' links (see `forget_inherited`), or those workers would
    // never see their parent let go of them.
    interp.runtime.pools.push(Rc::downgrade(&pool));
    for _ in 0..size {
        let worker = start_worker(interp, &pool, span)?;
        pool.state.borrow_mut().workers.push(worker);
    }
    Ok(Value::handle(pool))
}

/// The options every pool takes, local or remote: `initializer`, `initargs`,
/// `maxtasksperchild`.
pub(super) struct PoolOptions {
    init: Option<Rc<Init>>,
    max_tasks: Option<u32>,
}

impl PoolOptions {
    pub(super) fn init(&self) -> Option<&Init> {
        self.init.as_deref()
    }

    pub(super) fn apply(self, pool: &Pool) {
        *pool.init.borrow_mut() = self.init;
        pool.max_tasks.set(self.max_tasks);
    }
}

/// Takes the options every pool takes out of `named`; the rest are for a remote pool.
fn pool_options(named: NamedArgs, span: Span) -> RtResult<(PoolOptions, NamedArgs)> {
    let fail = |m: String| RtError::new(m, span);
    let (mut callee, mut args, mut max_tasks, mut rest) = (None, None, None, Vec::new());
    for (name, value) in named {
        match (&*name, value) {
            ("initializer", Value::Nil) => {}
            ("initializer", f @ Value::Function(_)) => callee = Some(f),
            ("initializer", other) => {
                return Err(fail(format!(
                    "pool(): `initializer` must be a function, not {}",
                    crate::interp::value::a(other.type_name())
                )));
            }
            ("initargs", Value::Nil) => {}
            ("initargs", Value::List(list)) => args = Some(list.borrow().clone()),
            ("initargs", other) => {
                return Err(fail(format!(
                    "pool(): `initargs` must be a list of arguments, not {}",
                    crate::interp::value::a(other.type_name())
                )));
            }
            ("maxtasksperchild", Value::Nil) => {}
            ("maxtasksperchild", Value::Int(n)) if (1..=u32::MAX as i64).contains(&n) => {
                max_tasks = Some(n as u32)
            }
            ("maxtasksperchild", other) => {
                return Err(fail(format!(
                    "pool(): `maxtasksperchild` must be an int >= 1, not {}",
                    other.repr()
                )));
            }
            (_, value) => rest.push((name.clone(), value)),
        }
    }
    if args.is_some() && callee.is_none() {
        return Err(fail(
            "pool(): `initargs` without an `initializer` (give both)".into(),
        ));
    }
    let init = match callee {
        Some(callee) => {
            let init = Init {
                callee,
                args: args.unwrap_or_default(),
            };
            // What cannot reach a worker is refused here, at the `pool(...)` line.
            init_spec(&init, !rest.is_empty(), span)?;
            Some(Rc::new(init))
        }
        None => None,
    };
    Ok((PoolOptions { init, max_tasks }, rest))
}

/// The initializer as a start message carries it.
pub(super) fn init_spec(init: &Init, remote: bool, span: Span) -> RtResult<InitSpec> {
    let mut encoder = if remote {
        Encoder::for_remote()
    } else {
        Encoder::new()
    };
    for v in std::iter::once(&init.callee).chain(init.args.iter()) {
        encoder.push(v).map_err(|m| {
            RtError::new(
                format!("pool(): the initializer cannot reach the workers: {m}"),
                span,
            )
        })?;
    }
    Ok(InitSpec {
        packet: encoder.finish(),
        span: span_tuple(span),
    })
}

pub(super) fn start_worker(interp: &mut Interp, pool: &Pool, span: Span) -> RtResult<Worker> {
    let pipes = links_over_pipes();
    let (parent_end, worker_end) = if pipes {
        LinkEnds::pipe_pair()
            .map_err(|e| RtError::new(format!("cannot create a pipe: {e}"), span))?
    } else {
        LinkEnds::socket_pair()
            .map_err(|e| RtError::new(format!("cannot create a socket: {e}"), span))?
    };
    let method = pool.state.borrow().start_method;
    let init = pool.init.borrow().clone();
    let (pid, parent_end, start) = match method {
        StartMethod::Fork => {
            let (pid, parent_end) = fork_worker(interp, parent_end, worker_end, init, span)?;
            (pid, parent_end, None)
        }
        StartMethod::Spawn => {
            let init = init.map(|i| init_spec(&i, false, span)).transpose()?;
            let (pid, start) = exec_worker(interp, worker_end, pipes, init, span)?;
            (pid, parent_end, Some(start))
        }
    };
    let mut link = Link::new(parent_end)
        .map_err(|e| RtError::new(format!("cannot set up the worker link: {e}"), span))?;
    if let Some(start) = start {
        // Queued first, so the worker reads it before any batch.
        link.send(&start);
        let _ = link.flush();
    }
    Ok(Worker {
        pid,
        link,
        in_flight: VecDeque::new(),
        known_sources: interp.source_count(),
        started: Instant::now(),
        place: None,
        tasks_left: pool.max_tasks.get(),
    })
}

/// Forks a worker. The parent's end of the link is moved in and handed back to the parent,
/// so that the child closes its copy: a worker holding its own parent end open would never
/// see the parent let go of it.
pub(super) fn fork_worker(
    interp: &mut Interp,
    parent_end: LinkEnds,
    worker_end: LinkEnds,
    init: Option<Rc<Init>>,
    span: Span,
) -> RtResult<(i32, LinkEnds)> {
    let threads = sys::thread_count();
    if threads > 1 {
        return Err(RtError::new(
            format!(
                "cannot fork pool workers: this process has {threads} threads; use the spawn \
                 start method (`--start-method spawn`, or Engine::set_start_method)"
            ),
            span,
        ));
    }
    sys::init_child_signals();
    let parent = std::process::id() as i32;
    interp.flush_output();
    let pipe = interp.output_pipe();
    match crate::runtime::os::fork() {
        Err(e) => Err(RtError::new(format!("cannot fork a worker: {e}"), span)),
        Ok(sys::Forked::Parent(pid)) => {
            drop(worker_end);
            if let Some((read, _write)) = pipe {
                interp
                    .runtime
                    .relays
                    .push(crate::runtime::os::relay::Relay::new(read));
            }
            Ok((pid, parent_end))
        }
        Ok(sys::Forked::Child) => {
            drop(parent_end);
            if !sys::setup_child(parent) {
                sys::exit_now(1);
            }
            sys::ignore_interrupts();
            process::become_child(interp);
            if let Some((_read, write)) = pipe {
                interp.print_into(write);
            }
            let mut link = BlockingLink::new(worker_end);
            let pinned = match init {
                Some(init) => {
                    let (callee, args) = (init.callee.clone(), init.args.clone());
                    match worker::run_initializer(interp, &mut link, callee, args, span) {
                        Ok(pinned) => pinned,
                        Err(code) => {
                            interp.flush_output();
                            sys::exit_now(code)
                        }
                    }
                }
                None => Vec::new(),
            };
            let code = worker::worker_loop(interp, link, &pinned);
            interp.flush_output();
            interp.runtime.remove_created_segments();
            interp.remove_own_tempdirs();
            sys::exit_now(code)
        }
    }
}

pub(super) fn exec_worker(
    interp: &mut Interp,
    worker_end: LinkEnds,
    pipes: bool,
    init: Option<InitSpec>,
    span: Span,
) -> RtResult<(i32, WorkerStart)> {
    let fail = |m: String| RtError::new(m, span);
    let mut encoder = Encoder::new();
    let global_slots =
        crate::runtime::wire::push_globals(&mut encoder, interp, 0..interp.global_count());
    let start = WorkerStart {
        program: ParentProgram::of(interp),
        globals: encoder.finish(),
        global_slots,
        init,
    };
    let exe = std::env::current_exe()
        .map_err(|e| fail(format!("cannot find the executable to start a worker: {e}")))?;
    // The worker reads its start message from its standard input: the socket, or the pipe
    // whose partner (its standard output) carries its results and its prints back.
    let relay = interp.runtime.relay_output;
    let mut command = Command::new(exe);
    command
        .envs(crate::runtime::os::outlock::share())
        .arg(WORKER_ARG)
        .stdin(Stdio::from(worker_end.read));
    if pipes {
        command.arg(PIPES_ARG).stdout(Stdio::from(worker_end.write));
    } else {
        drop(worker_end.write);
        command.stdout(if relay {
            Stdio::piped()
        } else {
            Stdio::inherit()
        });
    }
    let mut child = command
        .spawn()
        .map_err(|e| fail(format!("cannot start a worker process: {e}")))?;
    // The worker's ends were moved into `command`: closed here now, so that the link shows
    // closed when the worker ends.
    drop(command);
    if let Some(stdout) = child.stdout.take() {
        interp
            .runtime
            .relays
            .push(crate::runtime::os::relay::Relay::from_child(stdout));
    }
    Ok((child.id() as i32, start))
}
