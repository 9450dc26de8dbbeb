//! The parent's side of running tasks: one round of waiting over every pool's links, batched
//! dispatch to idle workers, collecting results, retries, timeouts, and a lost worker failing
//! exactly its task and being replaced.

use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;

use super::life;
use super::protocol::{Batch, Done, Report, SpecKind, TaskSpec, remote_message, span_tuple};
use super::start;
use super::{MAX_BATCH, MapGroup, Outcome, Pool, PoolState, Task, TaskKind, Worker};
use crate::interp::value::{Function, Value};
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::os::channel::ReadOutcome;
use crate::runtime::os::sys::{self, ExitStatus};
use crate::runtime::reactor::{Interest, Ready, Source};
use crate::runtime::wire::{Decoder, Encoder};
use crate::syntax::Span;

pub(super) fn live_pools(interp: &mut Interp) -> Vec<Rc<Pool>> {
    interp.runtime.pools.retain(|p| p.strong_count() > 0);
    interp
        .runtime
        .pools
        .iter()
        .filter_map(Weak::upgrade)
        .filter(|p| p.mine())
        .collect()
}

/// The pools' part of a reactor turn before its wait: hands queued tasks to idle workers,
/// and registers every worker's link (to read; to write while a batch is still going out)
/// and the time limit of each running task. Returns the pools of this turn, in the order
/// their [`Source::Worker`] indices refer to.
pub(in crate::runtime) fn register_pools(
    interp: &mut Interp,
    interest: &mut Interest,
    span: Span,
) -> RtResult<Vec<Rc<Pool>>> {
    let pools = live_pools(interp);
    for (pi, pool) in pools.iter().enumerate() {
        dispatch(interp, pool, span)?;
        let st = pool.state.borrow();
        for (wi, w) in st.workers.iter().enumerate() {
            let source = Source::Worker {
                pool: pi,
                worker: wi,
            };
            interest.read(w.link.fd(), source);
            if w.link.wants_write() {
                interest.write(w.link.write_fd(), source);
            }
            if let Some(&head) = w.in_flight.front() {
                if let Some(limit) = st.tasks.get(&head).and_then(|t| t.timeout) {
                    interest.deadline(w.started + limit);
                }
            }
        }
    }
    Ok(pools)
}

/// After the wait: sends more of the batches whose links can take them.
pub(in crate::runtime) fn pools_writable(pools: &[Rc<Pool>], ready: &Ready) {
    for source in &ready.writes {
        if let Source::Worker { pool, worker } = *source {
            let mut st = pools[pool].state.borrow_mut();
            if let Some(w) = st.workers.get_mut(worker) {
                let _ = w.link.flush();
            }
        }
    }
}

/// After the wait: reads what the ready workers sent, handles lost workers and overdue
/// tasks, and lets go of kept pools that are done.
pub(in crate::runtime) fn serve_pools(
    interp: &mut Interp,
    pools: &[Rc<Pool>],
    ready: &Ready,
    span: Span,
) -> RtResult<()> {
    let mut by_pool: Vec<Vec<usize>> = vec![Vec::new(); pools.len()];
    for source in &ready.reads {
        if let Source::Worker { pool, worker } = *source {
            by_pool[pool].push(worker);
        }
    }
    for (pi, pool) in pools.iter().enumerate() {
        collect(interp, pool, &by_pool[pi], span)?;
        enforce_timeouts(interp, pool, span)?;
    }
    life::release_kept_pools(interp);
    Ok(())
}

/// Hands queued tasks to idle workers. A task that cannot be encoded (a value that cannot
/// cross, put into its list after it was queued) fails alone; the others go on.
pub(super) fn dispatch(interp: &mut Interp, pool: &Rc<Pool>, _span: Span) -> RtResult<()> {
    while let Some((task, message)) = dispatch_some(interp, pool) {
        complete(interp, pool, task, Outcome::Error(message));
    }
    Ok(())
}

/// Sends batches to idle workers until the queue or the idle workers run out; stops early
/// with a task that cannot be sent (the tasks taken with it are queued again, in order).
pub(super) fn dispatch_some(interp: &mut Interp, pool: &Rc<Pool>) -> Option<(Task, String)> {
    let remote = pool.is_remote();
    let mut st = pool.state.borrow_mut();
    if st.queue.is_empty() || st.terminated {
        return None;
    }
    let idle: Vec<usize> = (0..st.workers.len())
        .filter(|&i| st.workers[i].in_flight.is_empty() && st.workers[i].tasks_left != Some(0))
        .collect();
    let share = (st.queue.len() / (2 * st.workers.len().max(1))).clamp(1, MAX_BATCH);
    for wi in idle {
        if st.queue.is_empty() {
            break;
        }
        let mut ids = Vec::new();
        // The globals the batch carries: a task that saw another value of one of them (it
        // was changed between two submissions) waits for the next batch.
        let mut merged: Vec<(u32, Value)> = Vec::new();
        let mut last: Option<super::Globals> = None;
        // A worker that retires after `maxtasksperchild` tasks is never handed more.
        let share = st.workers[wi]
            .tasks_left
            .map_or(share, |left| share.min(left as usize));
        while ids.len() < share {
            let Some(&id) = st.queue.front() else { break };
            let special = st
                .tasks
                .get(&id)
                .is_some_and(|t| t.timeout.is_some() || t.retries > 0);
            if special && !ids.is_empty() {
                break;
            }
            if let Some(seen) = st.tasks.get(&id).and_then(|t| t.globals.clone()) {
                if !last.as_ref().is_some_and(|l| Rc::ptr_eq(l, &seen)) {
                    if clashes(&merged, &seen) {
                        break;
                    }
                    for (slot, v) in seen.iter() {
                        if !merged.iter().any(|(s, _)| s == slot) {
                            merged.push((*slot, v.clone()));
                        }
                    }
                    last = Some(seen);
                }
            }
            st.queue.pop_front();
            ids.push(id);
            if special {
                break;
            }
        }
        let batch = match encode_batch(interp, &st, &st.workers[wi], &ids, remote) {
            Ok(batch) => batch,
            Err((bad, message)) => {
                for &id in ids.iter().rev().filter(|&&id| id != bad) {
                    st.queue.push_front(id);
                }
                let task = st.tasks.remove(&bad)?;
                let message = super::life::unsendable_message(&task, &message);
                return Some((task, message));
            }
        };
        let sources_now = interp.source_count();
        let w = &mut st.workers[wi];
        w.known_sources = sources_now;
        w.link.send(&batch);
        let _ = w.link.flush();
        w.in_flight.extend(ids.iter().copied());
        w.started = Instant::now();
        if let Some(left) = &mut w.tasks_left {
            *left -= ids.len() as u32;
        }
    }
    None
}

/// Whether a snapshot of globals holds another value for a slot than the batch's.
fn clashes(batch: &[(u32, Value)], seen: &[(u32, Value)]) -> bool {
    seen.iter().any(|(slot, v)| {
        batch
            .iter()
            .any(|(s, w)| s == slot && !super::same_value(v, w))
    })
}

/// The globals `callee` uses (following the global functions it calls), as they are now: what
/// a task sees in its worker, whenever it is handed out.
pub(super) fn snapshot_globals(interp: &Interp, callee: &Value) -> super::Globals {
    Rc::new(
        globals_used_by(interp, callee)
            .into_iter()
            .filter_map(|slot| Some((slot, interp.global_value(slot)?)))
            .collect(),
    )
}

/// Encodes a batch; `Err` names the task that cannot be sent, and why.
pub(super) fn encode_batch(
    interp: &Interp,
    st: &PoolState,
    worker: &Worker,
    ids: &[u64],
    remote: bool,
) -> Result<Batch, (u64, String)> {
    let mut encoder = if remote {
        Encoder::for_remote()
    } else {
        Encoder::new()
    };
    // The globals the tasks' functions use, as they were when the tasks were submitted
    // (`dispatch_some` put only tasks that agree on them in one batch).
    let mut values: Vec<(u32, Value)> = Vec::new();
    let mut snapshots: Vec<&super::Globals> = Vec::new();
    for id in ids {
        let task = &st.tasks[id];
        let globals = match &task.globals {
            Some(g) => g,
            None => continue,
        };
        if snapshots.iter().any(|g| Rc::ptr_eq(g, globals)) {
            continue;
        }
        snapshots.push(globals);
        for (slot, v) in globals.iter() {
            if !values.iter().any(|(s, _)| s == slot) {
                values.push((*slot, v.clone()));
            }
        }
    }
    let global_slots = crate::runtime::wire::push_global_values(&mut encoder, values);
    let mut tasks = Vec::with_capacity(ids.len());
    for &id in ids {
        let task = &st.tasks[&id];
        let fail = |m: String| (id, m);
        let kind = match &task.kind {
            TaskKind::Call {
                callee,
                args,
                named,
            } => {
                encoder.push(callee).map_err(fail)?;
                for v in args.iter().chain(named.iter().map(|(_, v)| v)) {
                    encoder.push(v).map_err(fail)?;
                }
                SpecKind::Call {
                    n_args: args.len(),
                    named: named.iter().map(|(n, _)| n.to_string()).collect(),
                }
            }
            TaskKind::Chunk {
                callee,
                items,
                range,
                star,
                ..
            } => {
                encoder.push(callee).map_err(fail)?;
                encoder.push_list(&items[range.clone()]).map_err(fail)?;
                SpecKind::Chunk { star: *star }
            }
        };
        tasks.push(TaskSpec {
            id,
            kind,
            span: span_tuple(task.span),
        });
    }
    let new_sources = worker.known_sources < interp.source_count();
    Ok(Batch {
        sources: if new_sources {
            interp.source_texts(worker.known_sources)
        } else {
            Vec::new()
        },
        names: if new_sources {
            interp.global_name_table()
        } else {
            Vec::new()
        },
        packet: encoder.finish(),
        global_slots,
        tasks,
    })
}

/// The global slots a function reads, following global functions it calls.
pub(super) fn globals_used_by(interp: &Interp, callee: &Value) -> Vec<u32> {
    let mut seen = Vec::new();
    let mut todo = Vec::new();
    if let Value::Function(Function::Closure(c)) = callee {
        todo.push(c.proto.clone());
        // Local functions it refers to travel in its group, and may use other globals.
        if let Some(group) = &c.group {
            todo.extend(group.members().into_iter().map(|(_, proto, _)| proto));
        }
    }
    let mut visited = Vec::new();
    while let Some(proto) = todo.pop() {
        if visited.contains(&(proto.source, proto.index)) {
            continue;
        }
        visited.push((proto.source, proto.index));
        for &slot in proto.globals_used.iter() {
            if seen.contains(&slot) {
                continue;
            }
            seen.push(slot);
            if let Some(code) = interp.global_function_code(slot) {
                todo.push(code);
            }
        }
    }
    seen
}

/// Reads what the ready workers sent; handles finished tasks and dead workers.
pub(super) fn collect(
    interp: &mut Interp,
    pool: &Rc<Pool>,
    ready: &[usize],
    span: Span,
) -> RtResult<()> {
    let mut dead = Vec::new();
    for &wi in ready {
        let mut messages = Vec::new();
        let closed = {
            let mut st = pool.state.borrow_mut();
            let Some(w) = st.workers.get_mut(wi) else {
                continue;
            };
            let outcome = w.link.fill();
            while let Some(m) = w.link.next_message::<Report>() {
                messages.push(m);
            }
            matches!(outcome, ReadOutcome::Closed)
        };
        for message in messages {
            match message {
                Ok(Report::Done(done)) => finish_task(interp, pool, wi, done)?,
                Ok(Report::InitFailed(error)) => {
                    let who = super::remote::who_at(pool, wi);
                    init_failed(interp, pool, &error, &who);
                    return Ok(());
                }
                Ok(Report::Output(text)) => {
                    if let Err(e) = write_worker_output(interp, &text, span) {
                        // Nobody reads the output any more: as when a worker meets that.
                        life::terminate_pool(pool);
                        return Err(e);
                    }
                }
                Err(_) => {
                    dead.push(wi);
                    break;
                }
            }
        }
        if closed {
            dead.push(wi);
        }
    }
    dead.sort_unstable();
    dead.dedup();
    for wi in dead.into_iter().rev() {
        worker_died(interp, pool, wi, None, span)?;
    }
    retire_spent(interp, pool, span)
}

/// The pool's initializer raised in a worker: the pool cannot run tasks any more (Python
/// would start workers for ever and hang). Every unfinished task fails with the
/// initializer's error, the workers are ended, and new tasks are refused with it.
fn init_failed(
    interp: &mut Interp,
    pool: &Rc<Pool>,
    error: &super::protocol::RemoteError,
    who: &str,
) {
    let at = error
        .location
        .as_ref()
        .map(|l| format!(", at {l}"))
        .unwrap_or_default();
    let message = format!(
        "the pool's initializer failed in {who}: {}{at}",
        error.message
    );
    let tasks: Vec<Task> = {
        let mut st = pool.state.borrow_mut();
        st.broken = Some(message.clone());
        st.queue.clear();
        st.tasks.drain().map(|(_, t)| t).collect()
    };
    pool.kill_workers();
    for task in tasks {
        let message = format!("{message} (so {} never ran)", task.result.description);
        complete(interp, pool, task, Outcome::Error(message));
    }
}

/// Workers that ran their `maxtasksperchild` tasks retire: the link closes (they exit), and
/// a new worker takes each one's place.
fn retire_spent(interp: &mut Interp, pool: &Rc<Pool>, span: Span) -> RtResult<()> {
    loop {
        let spent = {
            let st = pool.state.borrow();
            if st.terminated || st.released || st.broken.is_some() {
                return Ok(());
            }
            st.workers
                .iter()
                .position(|w| w.tasks_left == Some(0) && w.in_flight.is_empty())
        };
        let Some(wi) = spent else { return Ok(()) };
        let worker = pool.state.borrow_mut().workers.remove(wi);
        let (pid, place) = (worker.pid, worker.place);
        drop(worker);
        if sys::reap(pid, Instant::now() + Duration::from_secs(2)).is_none() {
            sys::send_signal(pid, Signal::SIGKILL);
            let _ = sys::reap(pid, Instant::now() + Duration::from_secs(2));
        }
        let replacement = match place {
            None => Some(start::start_worker(interp, pool, span)?),
            Some(place) => super::remote::replace_worker(interp, pool, place, span),
        };
        if let Some(w) = replacement {
            pool.state.borrow_mut().workers.push(w);
        }
    }
}

/// Writes what a worker printed (one print) to this process's output, whole. Output that
/// nobody reads any more ends the script quietly, as it would have ended the worker.
pub(super) fn write_worker_output(interp: &mut Interp, text: &[u8], span: Span) -> RtResult<()> {
    interp.write_output(text).map_err(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => RtError::exit(crate::output::BROKEN_PIPE_STATUS, span),
        _ => RtError::new(format!("cannot write output: {e}"), span),
    })
}

pub(super) fn finish_task(
    interp: &mut Interp,
    pool: &Rc<Pool>,
    wi: usize,
    done: Done,
) -> RtResult<()> {
    let task = {
        let mut st = pool.state.borrow_mut();
        if let Some(w) = st.workers.get_mut(wi) {
            if w.in_flight.front() == Some(&done.id) {
                w.in_flight.pop_front();
            } else {
                w.in_flight.retain(|&id| id != done.id);
            }
            w.started = Instant::now();
        }
        match st.tasks.remove(&done.id) {
            Some(t) => t,
            None => return Ok(()),
        }
    };
    let outcome = match done.result {
        Ok(packet) => match Decoder::new(interp, &packet).and_then(|d| {
            let wire = packet.values.first().ok_or("empty result")?;
            d.value(interp, wire)
        }) {
            Ok(v) => Outcome::Value(v),
            Err(m) => Outcome::Error(format!(
                "cannot read the result of {}: {m}",
                task.result.description
            )),
        },
        Err(remote) => {
            if task.retries > 0 {
                return retry(pool, task);
            }
            let who = super::remote::who_at(pool, wi);
            let mut remote = remote;
            if let TaskKind::Chunk { offset, .. } = &task.kind {
                remote.item = remote.item.map(|i| i + offset);
            }
            if let Some(packet) = remote.partial.take() {
                let decoded = Decoder::new(interp, &packet).and_then(|d| {
                    let wire = packet.values.first().ok_or("empty result")?;
                    d.value(interp, wire)
                });
                if let Ok(Value::List(list)) = decoded {
                    *task.result.partial.borrow_mut() = std::mem::take(&mut *list.borrow_mut());
                }
            }
            Outcome::Error(remote_message(&remote, &who, &task.result.description))
        }
    };
    complete(interp, pool, task, outcome);
    Ok(())
}

pub(super) fn retry(pool: &Rc<Pool>, mut task: Task) -> RtResult<()> {
    task.retries -= 1;
    let mut st = pool.state.borrow_mut();
    let id = st.next_id;
    st.next_id += 1;
    st.tasks.insert(id, task);
    st.queue.push_front(id);
    Ok(())
}

/// Records a task's outcome and queues its callback.
pub(super) fn complete(interp: &mut Interp, pool: &Rc<Pool>, task: Task, outcome: Outcome) {
    {
        let mut st = pool.state.borrow_mut();
        st.done += 1;
        st.items_done += match &task.kind {
            TaskKind::Chunk { range, .. } => range.len() as u64,
            TaskKind::Call { .. } => 1,
        };
        if let Outcome::Error(_) = outcome {
            st.failures += 1;
            if task.error_callback.is_none() && task.group.is_none() {
                st.failed.push(task.result.clone());
            }
        }
    }
    if let Some((group, part)) = &task.group {
        complete_part(interp, pool, group, *part, outcome);
        return;
    }
    *task.result.outcome.borrow_mut() = outcome.clone();
    match outcome {
        Outcome::Value(v) => {
            if let Some(cb) = task.callback {
                interp.runtime.callbacks.push_back((cb, v));
            }
        }
        Outcome::Error(message) => {
            if let Some(cb) = task.error_callback {
                task.result.observed.set(true);
                interp
                    .runtime
                    .callbacks
                    .push_back((cb, Value::Str(message.into())));
            }
        }
        Outcome::Pending => {}
    }
}

/// One chunk of a `map_async` is done: the whole result is set when the last chunk is in,
/// or at the first error (the other chunks' outcomes are then dropped, as in Python).
fn complete_part(
    interp: &mut Interp,
    pool: &Rc<Pool>,
    group: &Rc<MapGroup>,
    part: usize,
    outcome: Outcome,
) {
    if !matches!(*group.result.outcome.borrow(), Outcome::Pending) {
        return;
    }
    match outcome {
        Outcome::Value(v) => {
            group.parts.borrow_mut()[part] = Some(v);
            group.left.set(group.left.get() - 1);
            if group.left.get() > 0 {
                return;
            }
            let mut all = Vec::new();
            for v in group.parts.borrow_mut().drain(..).flatten() {
                match v {
                    Value::List(list) => all.extend(list.borrow().iter().cloned()),
                    other => all.push(other),
                }
            }
            let value = Value::list(all);
            *group.result.outcome.borrow_mut() = Outcome::Value(value.clone());
            if let Some(cb) = &group.callback {
                interp.runtime.callbacks.push_back((cb.clone(), value));
            }
        }
        Outcome::Error(message) => {
            group.parts.borrow_mut().clear();
            *group.result.outcome.borrow_mut() = Outcome::Error(message.clone());
            match &group.error_callback {
                Some(cb) => {
                    group.result.observed.set(true);
                    interp
                        .runtime
                        .callbacks
                        .push_back((cb.clone(), Value::Str(message.into())));
                }
                None => pool.state.borrow_mut().failed.push(group.result.clone()),
            }
        }
        Outcome::Pending => {}
    }
}

/// A worker's link closed: fail (or retry) the task it was running, requeue the tasks it
/// had not started, and start a replacement.
pub(super) fn worker_died(
    interp: &mut Interp,
    pool: &Rc<Pool>,
    wi: usize,
    reason: Option<String>,
    span: Span,
) -> RtResult<()> {
    let worker = {
        let mut st = pool.state.borrow_mut();
        if wi >= st.workers.len() {
            return Ok(());
        }
        st.workers.remove(wi)
    };
    // Its link closed: it is exiting (or broken). Give it a moment to finish exiting on its
    // own, so its real exit status is reported, before making sure it is gone.
    let mut status = sys::reap(worker.pid, Instant::now() + Duration::from_secs(2));
    if status.is_none() {
        sys::send_signal(worker.pid, Signal::SIGKILL);
        status = sys::reap(worker.pid, Instant::now() + Duration::from_secs(5));
    }
    if status == Some(ExitStatus::Exited(crate::output::BROKEN_PIPE_STATUS)) {
        // The worker printed into the script's standard output after its reader had gone
        // (`| head -1`): the script's output has gone too, so the script ends as quietly
        // as the worker did, with the same status.
        // The pool ends with it: its other tasks would never be waited for (an orphaned
        // task kept the end of the script waiting for ever).
        life::terminate_pool(pool);
        return Err(RtError::exit(crate::output::BROKEN_PIPE_STATUS, span));
    }
    let how = match status {
        Some(ExitStatus::Signaled(s)) => format!("signal {s}"),
        Some(ExitStatus::Exited(c)) => format!("exit code {c}"),
        None => "unknown status".into(),
    };
    let who = super::remote::who(pool, &worker);
    let place = worker.place;
    let mut in_flight = worker.in_flight;
    if let Some(running) = in_flight.pop_front() {
        let task = pool.state.borrow_mut().tasks.remove(&running);
        if let Some(task) = task {
            if task.retries > 0 {
                retry(pool, task)?;
            } else {
                let message = match (&reason, place) {
                    (Some(r), _) => format!("{} {r}", task.result.description),
                    (None, None) => format!(
                        "worker {} died ({how}) while running {}",
                        worker.pid, task.result.description
                    ),
                    (None, Some(_)) => {
                        let ended = match status {
                            Some(ExitStatus::Signaled(s)) => format!("was killed by signal {s}"),
                            Some(ExitStatus::Exited(c)) => format!("exited with code {c}"),
                            None => "did not exit".into(),
                        };
                        format!(
                            "{who} was lost (the connection closed; its launcher {ended}) while \
                             running {}",
                            task.result.description
                        )
                    }
                };
                complete(interp, pool, task, Outcome::Error(message));
            }
        }
    }
    {
        let mut st = pool.state.borrow_mut();
        for id in in_flight.into_iter().rev() {
            st.queue.push_front(id);
        }
    }
    let replace = {
        let st = pool.state.borrow();
        !st.terminated && st.workers.len() < pool.size
    };
    if replace {
        match place {
            None => {
                let w = start::start_worker(interp, pool, span)?;
                pool.state.borrow_mut().workers.push(w);
            }
            Some(place) => {
                if let Some(w) = super::remote::replace_worker(interp, pool, place, span) {
                    pool.state.borrow_mut().workers.push(w);
                }
            }
        }
    }
    if pool.state.borrow().workers.is_empty() {
        // Every remote worker was lost and none could be replaced: the tasks left would wait
        // for ever.
        let tasks: Vec<Task> = {
            let mut st = pool.state.borrow_mut();
            st.queue.clear();
            st.tasks.drain().map(|(_, t)| t).collect()
        };
        for task in tasks {
            let message = format!(
                "no worker of the pool is left to run {} (every worker was lost)",
                task.result.description
            );
            complete(interp, pool, task, Outcome::Error(message));
        }
    }
    Ok(())
}

pub(super) fn enforce_timeouts(interp: &mut Interp, pool: &Rc<Pool>, span: Span) -> RtResult<()> {
    let now = Instant::now();
    let overdue: Vec<(usize, Duration)> = {
        let st = pool.state.borrow();
        st.workers
            .iter()
            .enumerate()
            .filter_map(|(wi, w)| {
                let head = w.in_flight.front()?;
                let limit = st.tasks.get(head)?.timeout?;
                (now >= w.started + limit).then_some((wi, limit))
            })
            .collect()
    };
    for (wi, limit) in overdue.into_iter().rev() {
        let pid = pool.state.borrow().workers[wi].pid;
        // SIGTERM: the worker dies of it at once, ending its commands' process groups on the
        // way (`worker_died` reaps it, with SIGKILL if it lingers).
        sys::send_signal(pid, Signal::SIGTERM);
        let reason = format!(
            "timed out after {} seconds",
            crate::interp::value::format_float(limit.as_secs_f64())
        );
        worker_died(interp, pool, wi, Some(reason), span)?;
    }
    Ok(())
}
