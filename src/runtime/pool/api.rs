//! What scripts call on pools: `apply_async` with its options, `pool.map`/`starmap`/`apply`,
//! `map_async`/`starmap_async` (one result for the whole list), and the result handle's `get`,
//! `wait`, `ready`, `successful`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::life;
use super::life::{check_mine, note_interrupt};
use super::schedule;
use super::{
    AsyncResult, Outcome, Pool, ResultCell, SUBMIT_PUMP_EVERY, Task, TaskKind, callee_name,
    describe_call,
};
use crate::interp::eval::NamedArgs;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::process::timeout_arg;
use crate::runtime::reactor;
use crate::runtime::wire::Encoder;
use crate::syntax::Span;

/// `apply_async P, CALL, callback = f, error_callback = g, timeout = s, retries = n`.
pub(crate) fn apply_async(
    interp: &mut Interp,
    pool: Value,
    callee: Value,
    args: Vec<Value>,
    named: NamedArgs,
    options: NamedArgs,
    span: Span,
) -> RtResult<Value> {
    let Some(pool) = crate::runtime::as_pool(&pool) else {
        return Err(RtError::new(
            format!(
                "`apply_async` needs a pool, not {}",
                crate::interp::value::a(pool.type_name())
            ),
            span,
        ));
    };
    let mut task = new_task(
        &pool,
        TaskKind::Call {
            callee,
            args,
            named,
        },
        span,
    )?;
    for (name, value) in options {
        match &*name {
            "callback" => task.callback = callable_option(value, "callback", span)?,
            "error_callback" => {
                task.error_callback = callable_option(value, "error_callback", span)?
            }
            "timeout" => {
                task.timeout = match value {
                    Value::Nil => None,
                    v => Some(timeout_arg(&v, "apply_async", span)?),
                }
            }
            "retries" => {
                task.retries = match value {
                    Value::Int(n) if (0..=1000).contains(&n) => n as u32,
                    other => {
                        return Err(RtError::new(
                            format!(
                                "apply_async: `retries` must be an int from 0 to 1000, not {}",
                                other.repr()
                            ),
                            span,
                        ));
                    }
                }
            }
            other => {
                return Err(RtError::new(
                    format!(
                        "apply_async has no option `{other}` (it has: callback, error_callback, timeout, retries)"
                    ),
                    span,
                ));
            }
        }
    }
    let cell = task.result.clone();
    let id = submit(interp, &pool, task);
    // Keep workers fed while the script is busy submitting: hand work to idle workers now,
    // and now and then collect results (which frees workers) without waiting.
    if id % SUBMIT_PUMP_EVERY == 0 {
        reactor::turn(interp, Some(Duration::ZERO), span)?;
    } else {
        schedule::dispatch(interp, &pool, span)?;
    }
    Ok(Value::handle(Rc::new(AsyncResult { cell, pool })))
}

/// One chunk of a `map`-like call: `callee` over `items[range]` (the range clipped to the
/// list), reading the globals as they were at the call.
fn chunk_task(
    pool: &Rc<Pool>,
    callee: &Value,
    items: &Rc<Vec<Value>>,
    range: std::ops::Range<usize>,
    star: bool,
    globals: &super::Globals,
    span: Span,
) -> RtResult<Task> {
    let start = range.start;
    let mut task = new_task(
        pool,
        TaskKind::Chunk {
            callee: callee.clone(),
            items: items.clone(),
            range: start..range.end.min(items.len()),
            star,
            offset: start,
        },
        span,
    )?;
    task.globals = Some(globals.clone());
    Ok(task)
}

pub(super) fn new_task(pool: &Rc<Pool>, kind: TaskKind, span: Span) -> RtResult<Task> {
    if pool.state.borrow().closed && !pool.state.borrow().terminated {
        check_mine(pool, span)?;
        return Err(RtError::new(
            "the pool is closed: no more tasks can be added",
            span,
        ));
    }
    build_task(pool, kind, None, span)
}

/// A task for a pool that is not terminated or joined (closed is fine: `imap` goes on
/// handing out its items after `close`, as in Python, where they were all queued at once).
pub(super) fn build_task(
    pool: &Rc<Pool>,
    kind: TaskKind,
    description: Option<String>,
    span: Span,
) -> RtResult<Task> {
    check_mine(pool, span)?;
    {
        let st = pool.state.borrow();
        if st.terminated {
            return Err(RtError::new("the pool was terminated", span));
        }
        if st.released {
            return Err(RtError::new(
                "the pool was joined: its workers are gone",
                span,
            ));
        }
    }
    let (callee, description) = match &kind {
        TaskKind::Call { callee, args, .. } => (
            callee,
            description.unwrap_or_else(|| describe_call(&callee_name(callee), args)),
        ),
        TaskKind::Chunk { callee, range, .. } => (
            callee,
            description.unwrap_or_else(|| {
                format!("{}(...) over {} items", callee_name(callee), range.len())
            }),
        ),
    };
    if !matches!(callee, Value::Function(_)) {
        return Err(RtError::new(
            format!(
                "a pool task needs a function, but {} was given",
                crate::interp::value::a(callee.type_name())
            ),
            span,
        ));
    }
    // Refuse what cannot cross now, in the sender, at the line that sent it.
    let remote = pool.is_remote();
    let mut check = if remote {
        Encoder::for_remote()
    } else {
        Encoder::new()
    };
    let values: Vec<&Value> = match &kind {
        TaskKind::Call {
            callee,
            args,
            named,
        } => std::iter::once(callee)
            .chain(args.iter())
            .chain(named.iter().map(|(_, v)| v))
            .collect(),
        // Items going to another machine are looked at here too, so that a local handle
        // among them is an error at the sending line.
        TaskKind::Chunk {
            callee,
            items,
            range,
            ..
        } if remote => std::iter::once(callee)
            .chain(items[range.clone()].iter())
            .collect(),
        TaskKind::Chunk { callee, .. } => vec![callee],
    };
    for v in values {
        check.push(v).map_err(|m| RtError::new(m, span))?;
        crate::runtime::ipc::hand_over(v);
    }
    Ok(Task {
        kind,
        result: Rc::new(ResultCell {
            outcome: RefCell::new(Outcome::Pending),
            observed: Cell::new(false),
            description,
            partial: Default::default(),
        }),
        callback: None,
        error_callback: None,
        retries: 0,
        timeout: None,
        span,
        group: None,
        globals: None,
    })
}

pub(super) fn submit(interp: &mut Interp, pool: &Rc<Pool>, mut task: Task) -> u64 {
    life::keep_pool(interp, pool);
    if task.globals.is_none() {
        let callee = match &task.kind {
            TaskKind::Call { callee, .. } | TaskKind::Chunk { callee, .. } => callee,
        };
        task.globals = Some(schedule::snapshot_globals(interp, callee));
    }
    let mut st = pool.state.borrow_mut();
    let id = st.next_id;
    st.next_id += 1;
    if let Some(message) = st.broken.clone() {
        // The initializer failed: the task fails with its error, as the queued ones did.
        drop(st);
        let message = format!("{message} (so {} never ran)", task.result.description);
        schedule::complete(interp, pool, task, Outcome::Error(message));
        return id;
    }
    st.tasks.insert(id, task);
    st.queue.push_back(id);
    id
}

pub(in crate::runtime) fn pool_method(
    interp: &mut Interp,
    pool: Rc<Pool>,
    name: &str,
    args: Vec<Value>,
    named: NamedArgs,
    span: Span,
) -> RtResult<Value> {
    check_mine(&pool, span)?;
    match name {
        "map" | "starmap" | "map_async" | "starmap_async" | "imap" | "imap_unordered" => {
            let (callee, items) = function_and_items(name, args, span)?;
            let star = name.starts_with("star");
            match name {
                "imap" | "imap_unordered" => {
                    super::imap::imap(interp, &pool, callee, items, name == "imap", named, span)
                }
                "map_async" | "starmap_async" => {
                    map_async(interp, &pool, callee, items, star, named, span)
                }
                _ => map(interp, &pool, callee, items, star, named, span),
            }
        }
        "apply" => {
            let mut args = args.into_iter();
            let Some(callee) = args.next() else {
                return Err(RtError::new("pool.apply() needs a function", span));
            };
            let task = new_task(
                &pool,
                TaskKind::Call {
                    callee,
                    args: args.collect(),
                    named,
                },
                span,
            )?;
            let cell = task.result.clone();
            submit(interp, &pool, task);
            await_result(interp, &pool, &cell, None, span)
        }
        "terminate" => {
            life::terminate_pool(&pool);
            Ok(Value::Nil)
        }
        "close" => {
            life::close_pool(&pool, span)?;
            Ok(Value::Nil)
        }
        "join" => {
            life::join_pool(interp, &pool, span)?;
            Ok(Value::Nil)
        }
        _ => Err(RtError::new(
            format!(
                "a pool has no method `{name}` (it has: map, starmap, imap, imap_unordered, \
                 map_async, starmap_async, apply, close, join, terminate)"
            ),
            span,
        )),
    }
}

/// The two arguments of `map` and its kin: a function and a list, the list as a snapshot.
fn function_and_items(
    name: &str,
    args: Vec<Value>,
    span: Span,
) -> RtResult<(Value, Rc<Vec<Value>>)> {
    let [callee, items] = <[Value; 2]>::try_from(args).map_err(|a| {
        let callee = crate::interp::args::Callee::Method("pool", name);
        let message = crate::interp::args::Arity::exactly(2).message(callee, a.len());
        RtError::new(format!("{message} (a function and a list)"), span)
    })?;
    let Value::List(items) = items else {
        return Err(RtError::new(
            format!(
                "pool.{name}() needs a list of items, not {}",
                items.type_name()
            ),
            span,
        ));
    };
    // A snapshot, since the script may change its list while the tasks run; a list
    // nobody else holds (like the result of `range`) is simply taken.
    let items = match Rc::try_unwrap(items) {
        Ok(list) => Rc::new(std::mem::take(&mut *list.borrow_mut())),
        Err(shared) => Rc::new(shared.borrow().clone()),
    };
    Ok((callee, items))
}

/// `map`'s chunk size: `chunksize = n`, or about 64 chunks per worker.
fn chunk_size(pool: &Pool, len: usize, chunk: Option<usize>) -> usize {
    // About 64 chunks per worker (Python uses four): smaller chunks let the parent
    // encode the next chunk and decode finished ones while the workers compute, which
    // measured 5-10% faster on `map` over 500,000 ints.
    chunk.unwrap_or_else(|| len.div_ceil(pool.size * 64)).max(1)
}

/// `p.map_async(f, xs)`, `p.starmap_async(f, xs)`: the chunks of `map`, and one result
/// handle for the whole list (with `callback`, `error_callback` and `chunksize`).
fn map_async(
    interp: &mut Interp,
    pool: &Rc<Pool>,
    callee: Value,
    items: Rc<Vec<Value>>,
    star: bool,
    named: NamedArgs,
    span: Span,
) -> RtResult<Value> {
    let what = if star { "starmap_async" } else { "map_async" };
    let (mut chunk, mut callback, mut error_callback) = (None, None, None);
    for (name, value) in named {
        match (&*name, value) {
            ("chunksize", Value::Int(n)) if n >= 1 => chunk = Some(n as usize),
            ("chunksize", Value::Nil) => {}
            ("callback", v) => callback = callable_option(v, "callback", span)?,
            ("error_callback", v) => error_callback = callable_option(v, "error_callback", span)?,
            (other, v) => {
                return Err(RtError::new(
                    format!(
                        "pool.{what}: bad option `{other} = {}` (it has: chunksize, an int >= 1; \
                         callback; error_callback)",
                        v.repr()
                    ),
                    span,
                ));
            }
        }
    }
    let size = chunk_size(pool, items.len(), chunk);
    let starts: Vec<usize> = (0..items.len()).step_by(size).collect();
    let group = Rc::new(super::MapGroup {
        result: Rc::new(ResultCell {
            outcome: RefCell::new(Outcome::Pending),
            observed: Cell::new(false),
            description: format!("{}(...) over {} items", callee_name(&callee), items.len()),
            partial: Default::default(),
        }),
        parts: RefCell::new(vec![None; starts.len()]),
        left: Cell::new(starts.len()),
        callback,
        error_callback,
    });
    let globals = schedule::snapshot_globals(interp, &callee);
    let mut tasks = Vec::with_capacity(starts.len());
    for (part, &start) in starts.iter().enumerate() {
        let mut task = chunk_task(
            pool,
            &callee,
            &items,
            start..start + size,
            star,
            &globals,
            span,
        )?;
        task.group = Some((group.clone(), part));
        tasks.push(task);
    }
    if tasks.is_empty() {
        // Nothing to run: done at once, its callback with the empty list.
        *group.result.outcome.borrow_mut() = Outcome::Value(Value::list(Vec::new()));
        if let Some(cb) = &group.callback {
            interp
                .runtime
                .callbacks
                .push_back((cb.clone(), Value::list(Vec::new())));
        }
    }
    for task in tasks {
        submit(interp, pool, task);
    }
    schedule::dispatch(interp, pool, span)?;
    Ok(Value::handle(Rc::new(AsyncResult {
        cell: group.result.clone(),
        pool: pool.clone(),
    })))
}

pub(super) fn map(
    interp: &mut Interp,
    pool: &Rc<Pool>,
    callee: Value,
    items: Rc<Vec<Value>>,
    star: bool,
    named: NamedArgs,
    span: Span,
) -> RtResult<Value> {
    let mut chunk_size = None;
    for (name, value) in named {
        match (&*name, value) {
            ("chunksize", Value::Int(n)) if n >= 1 => chunk_size = Some(n as usize),
            ("chunksize", Value::Nil) => {}
            (other, v) => {
                return Err(RtError::new(
                    format!(
                        "pool.map: bad option `{other} = {}` (it has: chunksize, an int >= 1)",
                        v.repr()
                    ),
                    span,
                ));
            }
        }
    }
    if items.is_empty() {
        return Ok(Value::list(Vec::new()));
    }
    let size = self::chunk_size(pool, items.len(), chunk_size);
    let globals = schedule::snapshot_globals(interp, &callee);
    let mut cells = Vec::new();
    for start in (0..items.len()).step_by(size) {
        let task = chunk_task(
            pool,
            &callee,
            &items,
            start..start + size,
            star,
            &globals,
            span,
        )?;
        cells.push(task.result.clone());
        submit(interp, pool, task);
    }
    let mut out = Vec::with_capacity(items.len());
    // The bar counts items, as chunks finish (on a terminal, after a second).
    let progress = crate::runtime::os::progress::Progress::new(interp.runtime.progress, "items");
    let (base, total) = (pool.state.borrow().items_done, items.len() as u64);
    for cell in cells {
        let ready = reactor::wait_until(interp, None, span, |_| {
            let done = pool
                .state
                .borrow()
                .items_done
                .saturating_sub(base)
                .min(total);
            progress.tick((done, total, 0));
            !matches!(*cell.outcome.borrow(), Outcome::Pending)
        });
        note_interrupt(pool, ready)?;
        await_result(interp, pool, &cell, None, span)?;
        // Only `map` holds these cells: take each chunk's list rather than copy it.
        let taken = std::mem::replace(&mut *cell.outcome.borrow_mut(), Outcome::Pending);
        match taken {
            Outcome::Value(Value::List(part)) => match Rc::try_unwrap(part) {
                Ok(list) => out.append(&mut list.borrow_mut()),
                Err(shared) => out.extend(shared.borrow().iter().cloned()),
            },
            Outcome::Value(other) => out.push(other),
            Outcome::Error(m) => return Err(RtError::new(m, span)),
            Outcome::Pending => return Err(RtError::new("result is still pending", span)),
        }
    }
    Ok(Value::list(out))
}

/// Waits for a result; its error becomes this process's error.
pub(super) fn await_result(
    interp: &mut Interp,
    pool: &Pool,
    cell: &Rc<ResultCell>,
    deadline: Option<Instant>,
    span: Span,
) -> RtResult<Value> {
    let ready = reactor::wait_until(interp, deadline, span, |_| {
        !matches!(*cell.outcome.borrow(), Outcome::Pending)
    });
    let ready = note_interrupt(pool, ready)?;
    if !ready {
        return Err(RtError::new(
            format!("timed out waiting for the result of {}", cell.description),
            span,
        ));
    }
    cell.observed.set(true);
    match &*cell.outcome.borrow() {
        Outcome::Value(v) => Ok(v.clone()),
        Outcome::Error(m) => Err(RtError::new(m.clone(), span)),
        Outcome::Pending => Err(RtError::new("result is still pending", span)),
    }
}

pub(in crate::runtime) fn result_method(
    interp: &mut Interp,
    result: &AsyncResult,
    name: &str,
    args: Vec<Value>,
    span: Span,
) -> RtResult<Value> {
    let deadline = |what: &str| -> RtResult<Option<Instant>> {
        match args.first() {
            None | Some(Value::Nil) => Ok(None),
            Some(v) => Ok(Some(
                Instant::now() + crate::runtime::process::timeout_arg(v, what, span)?,
            )),
        }
    };
    check_mine(&result.pool, span)?;
    crate::interp::args::Arity::at_most(1).check_at(
        crate::interp::args::Callee::Method("result", name),
        args.len(),
        span,
    )?;
    let _keep_pool_alive = &result.pool;
    match name {
        "get" => {
            let d = deadline("result.get()")?;
            await_result(interp, &result.pool, &result.cell, d, span)
        }
        "wait" => {
            let d = deadline("result.wait()")?;
            let cell = &result.cell;
            let ready = reactor::wait_until(interp, d, span, |_| {
                !matches!(*cell.outcome.borrow(), Outcome::Pending)
            });
            let ready = note_interrupt(&result.pool, ready)?;
            Ok(Value::Bool(ready))
        }
        "ready" => {
            reactor::turn(interp, Some(Duration::ZERO), span)?;
            Ok(Value::Bool(!matches!(
                *result.cell.outcome.borrow(),
                Outcome::Pending
            )))
        }
        "successful" => {
            reactor::turn(interp, Some(Duration::ZERO), span)?;
            match &*result.cell.outcome.borrow() {
                Outcome::Pending => Err(RtError::new(
                    "result.successful(): the task has not finished yet",
                    span,
                )),
                Outcome::Value(_) => Ok(Value::Bool(true)),
                Outcome::Error(_) => {
                    result.cell.observed.set(true);
                    Ok(Value::Bool(false))
                }
            }
        }
        _ => Err(RtError::new(
            format!("a result has no method `{name}` (it has: get, wait, ready, successful)"),
            span,
        )),
    }
}

pub(super) fn callable_option(value: Value, what: &str, span: Span) -> RtResult<Option<Value>> {
    match value {
        Value::Nil => Ok(None),
        f @ Value::Function(_) => Ok(Some(f)),
        other => Err(RtError::new(
            format!(
                "apply_async: `{what}` must be a function, not {}",
                other.type_name()
            ),
            span,
        )),
    }
}
