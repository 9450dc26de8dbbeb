//! `event()`, `semaphore(n)` and `barrier(n)`, and [`block_on`], the one way an IPC handle
//! waits (a queue's blocking `put` and `join`, a pipe end's `poll` too).
//!
//! Each is one shared-memory segment whose words change under the segment's dead-holder-safe
//! lock; waiters sleep on the segment's event counter (a futex), which every change bumps.
//! Nothing is ever lost to a process that dies: a semaphore keeps a table of which process
//! holds how many slots, and gives back the slots of a holder that died; a barrier keeps the
//! pids of the parties waiting at it, and breaks (every waiter gets an error) when one died.

use std::any::Any;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::{PAGE, SERVE_EVERY, arity, deadline_arg, no_method, remember_created};
use crate::interp::args::Callee;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::Handle;
use crate::runtime::os::shm::{BODY, LockError, Segment, WaitError};
use crate::runtime::os::sys::{my_pid, pid_is_dead};
use crate::runtime::reactor;
use crate::syntax::Span;

pub(super) const EVENT: u32 = 0x4556_4e54;
pub(super) const SEMAPHORE: u32 = 0x5345_4d41;
pub(super) const BARRIER: u32 = 0x4241_5252;

/// How long a waiter goes without looking for dead holders or parties (one system call per
/// process it looks at) while other processes keep the handle busy.
const CHECK_EVERY: Duration = Duration::from_millis(50);

/// Waits until `attempt` gives a value or the deadline passes (`Ok(None)`). `attempt(check)`
/// is called after every change of the segment; with `check` it should also look for dead
/// processes (it costs system calls: true at most every [`CHECK_EVERY`]). With pools to serve
/// or output to relay, the wait runs the event loop and polls every [`SERVE_EVERY`];
/// otherwise it spins briefly, then sleeps on the segment's futex.
pub(super) fn block_on<R>(
    interp: &mut Interp,
    segment: &Segment,
    deadline: Option<Instant>,
    span: Span,
    mut attempt: impl FnMut(bool) -> RtResult<Option<R>>,
) -> RtResult<Option<R>> {
    let mut last_check = Instant::now();
    let mut due = move || {
        let due = last_check.elapsed() >= CHECK_EVERY;
        if due {
            last_check = Instant::now();
        }
        due
    };
    if super::serves_while_waiting(interp) {
        let mut outcome = Ok(None);
        reactor::wait_until_checking(interp, deadline, SERVE_EVERY, span, |_| {
            outcome = attempt(due());
            !matches!(outcome, Ok(None))
        })?;
        return outcome;
    }
    loop {
        let seen = segment.event_seq();
        if let Some(done) = attempt(due())? {
            return Ok(Some(done));
        }
        if segment.spin_until(|s| s.event_seq() != seen) {
            continue;
        }
        match segment.wait_event(seen, deadline) {
            Ok(()) => {}
            Err(WaitError::TimedOut) => return Ok(None),
            Err(WaitError::Interrupted) => return Err(RtError::interrupted(span)),
        }
    }
}

/// Holds a segment's lock; releases it when dropped.
pub(super) struct Held<'a>(&'a Segment);

impl<'a> Held<'a> {
    pub(super) fn take(segment: &'a Segment, span: Span) -> RtResult<Held<'a>> {
        match segment.lock(None) {
            Ok(_) => Ok(Held(segment)),
            Err(LockError::Wait(WaitError::Interrupted)) => Err(RtError::interrupted(span)),
            Err(_) => Err(RtError::new(
                "internal error: a handle's lock was taken twice",
                span,
            )),
        }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.unlock();
    }
}

macro_rules! handle {
    ($type:ident, $name:literal) => {
        impl Handle for $type {
            fn type_name(&self) -> &'static str {
                $name
            }
            fn describe(&self) -> String {
                self.describe()
            }
            fn as_any(&self) -> &dyn Any {
                self
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------
// event()

/// `event()`: a flag processes set, clear and wait for.
pub struct Event {
    pub(super) segment: Segment,
}
handle!(Event, "event");

const FLAG: usize = BODY;

impl Event {
    fn describe(&self) -> String {
        if self.is_set() {
            "<event set>".into()
        } else {
            "<event clear>".into()
        }
    }

    fn is_set(&self) -> bool {
        self.segment.word(FLAG) != 0
    }
}

/// `event()`.
pub(crate) fn new_event(interp: &mut Interp, span: Span) -> RtResult<Value> {
    let segment = Segment::create(EVENT, PAGE).map_err(|e| RtError::new(e, span))?;
    remember_created(interp, &[segment.path()]);
    Ok(Value::handle(Rc::new(Event { segment })))
}

pub(super) fn event_method(
    interp: &mut Interp,
    e: &Event,
    name: &str,
    args: &[Value],
    span: Span,
) -> RtResult<Value> {
    let what = Callee::Method("event", name);
    match name {
        "set" => {
            arity(what, args, 0, 0, span)?;
            e.segment.set_word(FLAG, 1);
            e.segment.notify();
            Ok(Value::Nil)
        }
        "clear" => {
            arity(what, args, 0, 0, span)?;
            e.segment.set_word(FLAG, 0);
            Ok(Value::Nil)
        }
        "is_set" => {
            arity(what, args, 0, 0, span)?;
            Ok(Value::Bool(e.is_set()))
        }
        "wait" => {
            arity(what, args, 0, 1, span)?;
            let deadline = deadline_arg(args, what, span)?;
            let set = block_on(interp, &e.segment, deadline, span, |_| {
                Ok(e.is_set().then_some(()))
            })?;
            Ok(Value::Bool(set.is_some()))
        }
        _ => Err(no_method(
            "an event",
            name,
            "set, clear, is_set, wait",
            span,
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// semaphore(n)

/// `semaphore(n)`: at most `n` slots held at once, across processes. Like Python's
/// `BoundedSemaphore`: releasing more than was acquired is an error.
pub struct Semaphore {
    pub(super) segment: Segment,
}
handle!(Semaphore, "semaphore");

/// Free slots.
const VALUE: usize = BODY;
/// The `n` it was made with.
const LIMIT: usize = BODY + 4;
/// Entries in use in the holders' table.
const HOLDERS: usize = BODY + 8;
/// The holders' table: (pid, slots held) pairs of u32.
const TABLE: usize = 128;
const SEMAPHORE_SIZE: usize = 16 * PAGE;
const MAX_HOLDERS: u32 = ((SEMAPHORE_SIZE - TABLE) / 8) as u32;

impl Semaphore {
    fn describe(&self) -> String {
        format!(
            "<semaphore {} of {} free>",
            self.segment.word(VALUE),
            self.segment.word(LIMIT)
        )
    }

    fn entry(&self, i: u32) -> (usize, u32, u32) {
        let at = TABLE + 8 * i as usize;
        (at, self.segment.word(at), self.segment.word(at + 4))
    }

    /// Under the lock: gives back the slots of holders that died; their pids.
    fn recover_dead(&self) -> Vec<u32> {
        let s = &self.segment;
        let mut dead = Vec::new();
        let mut i = 0;
        while i < s.word(HOLDERS) {
            let (_, pid, slots) = self.entry(i);
            if pid != my_pid() && pid_is_dead(pid) {
                s.set_word(VALUE, s.word(VALUE) + slots);
                self.remove_entry(i);
                dead.push(pid);
            } else {
                i += 1;
            }
        }
        dead
    }

    fn remove_entry(&self, i: u32) {
        let s = &self.segment;
        let last = s.word(HOLDERS) - 1;
        let (at, _, _) = self.entry(i);
        let (from, pid, slots) = self.entry(last);
        if at != from {
            s.set_word(at, pid);
            s.set_word(at + 4, slots);
        }
        s.set_word(HOLDERS, last);
    }

    /// Under the lock: takes a slot if one is free.
    fn try_acquire(&self, check: bool, span: Span) -> RtResult<Option<()>> {
        let s = &self.segment;
        if s.word(VALUE) == 0 && !check {
            return Ok(None);
        }
        let _held = Held::take(s, span)?;
        if s.word(VALUE) == 0 && check {
            for pid in self.recover_dead() {
                crate::output::stderr_line(format_args!(
                    "warning: semaphore slot recovered: process {pid} died holding it"
                ));
            }
        }
        if s.word(VALUE) == 0 {
            return Ok(None);
        }
        let me = my_pid();
        let holders = s.word(HOLDERS);
        match (0..holders).map(|i| self.entry(i)).find(|e| e.1 == me) {
            Some((at, _, slots)) => s.set_word(at + 4, slots + 1),
            None if holders >= MAX_HOLDERS => {
                return Err(RtError::new(
                    format!("semaphore.acquire(): more than {MAX_HOLDERS} processes hold slots"),
                    span,
                ));
            }
            None => {
                let (at, _, _) = self.entry(holders);
                s.set_word(at, me);
                s.set_word(at + 4, 1);
                s.set_word(HOLDERS, holders + 1);
            }
        }
        s.set_word(VALUE, s.word(VALUE) - 1);
        Ok(Some(()))
    }

    fn release(&self, span: Span) -> RtResult<()> {
        let s = &self.segment;
        {
            let _held = Held::take(s, span)?;
            let holders = s.word(HOLDERS);
            if s.word(VALUE) >= s.word(LIMIT) || holders == 0 {
                return Err(RtError::new(
                    format!(
                        "semaphore.release(): released more times than acquired (it has {} \
                         slots, all free)",
                        s.word(LIMIT)
                    ),
                    span,
                ));
            }
            // This process's slot, or (a semaphore is not owned, as in Python) another's.
            let me = my_pid();
            let i = (0..holders).find(|&i| self.entry(i).1 == me).unwrap_or(0);
            let (at, _, slots) = self.entry(i);
            if slots <= 1 {
                self.remove_entry(i);
            } else {
                s.set_word(at + 4, slots - 1);
            }
            s.set_word(VALUE, s.word(VALUE) + 1);
        }
        s.notify();
        Ok(())
    }
}

/// `semaphore(n)`.
pub(crate) fn new_semaphore(interp: &mut Interp, n: &Value, span: Span) -> RtResult<Value> {
    let n = count_arg(n, "semaphore", 0, span)?;
    let segment = Segment::create(SEMAPHORE, SEMAPHORE_SIZE).map_err(|e| RtError::new(e, span))?;
    segment.set_word(VALUE, n);
    segment.set_word(LIMIT, n);
    remember_created(interp, &[segment.path()]);
    Ok(Value::handle(Rc::new(Semaphore { segment })))
}

/// The `n` of `semaphore(n)` or `barrier(n)`: an int of at least `min`.
fn count_arg(n: &Value, what: &str, min: i64, span: Span) -> RtResult<u32> {
    match n {
        Value::Int(i) if (min..=1_000_000).contains(i) => Ok(*i as u32),
        Value::Int(i) => Err(RtError::new(
            format!("{what}(): expected a count from {min} to 1000000, got {i}"),
            span,
        )),
        other => Err(RtError::new(
            format!("{what}(): expected an int, got {}", other.type_name()),
            span,
        )),
    }
}

pub(super) fn semaphore_method(
    interp: &mut Interp,
    sem: &Semaphore,
    name: &str,
    args: &[Value],
    span: Span,
) -> RtResult<Value> {
    let what = Callee::Method("semaphore", name);
    match name {
        "acquire" => {
            arity(what, args, 0, 1, span)?;
            let deadline = deadline_arg(args, what, span)?;
            let taken = block_on(interp, &sem.segment, deadline, span, |check| {
                sem.try_acquire(check, span)
            })?;
            Ok(Value::Bool(taken.is_some()))
        }
        "release" => {
            arity(what, args, 0, 0, span)?;
            sem.release(span)?;
            Ok(Value::Nil)
        }
        "get_value" => {
            arity(what, args, 0, 0, span)?;
            Ok(Value::Int(i64::from(sem.segment.word(VALUE))))
        }
        _ => Err(no_method(
            "a semaphore",
            name,
            "acquire, release, get_value",
            span,
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// barrier(n)

/// `barrier(n)`: `n` parties wait for each other. Broken (every waiter gets an error, as
/// Python's `BrokenBarrierError`) when a wait times out, a waiting party dies, or `abort()`.
pub struct Barrier {
    pub(super) segment: Segment,
}
handle!(Barrier, "barrier");

const PARTIES: usize = BODY;
const ARRIVED: usize = BODY + 4;
const GENERATION: usize = BODY + 8;
/// 0, or why it broke: [`TIMED_OUT`], [`ABORTED`] or [`DIED`] (then `BROKEN_BY` is the pid).
const BROKEN: usize = BODY + 12;
const BROKEN_BY: usize = BODY + 16;
/// The pids of the parties waiting now, in arrival order (u32 each).
const WAITING: usize = 128;

const TIMED_OUT: u32 = 1;
const ABORTED: u32 = 2;
const DIED: u32 = 3;

impl Barrier {
    fn describe(&self) -> String {
        format!(
            "<barrier {} of {} waiting{}>",
            self.segment.word(ARRIVED),
            self.segment.word(PARTIES),
            if self.segment.word(BROKEN) != 0 {
                ", broken"
            } else {
                ""
            }
        )
    }

    fn broken_error(&self, what: Callee, span: Span) -> Box<RtError> {
        let why = match self.segment.word(BROKEN) {
            TIMED_OUT => "a wait at it timed out".to_string(),
            ABORTED => "abort() was called".to_string(),
            _ => format!(
                "process {} died while waiting at it",
                self.segment.word(BROKEN_BY)
            ),
        };
        RtError::new(format!("{what}: the barrier is broken ({why})"), span)
    }

    /// Under the lock, breaks the barrier.
    fn break_it(&self, why: u32, by: u32) {
        let s = &self.segment;
        if s.word(BROKEN) == 0 {
            s.set_word(BROKEN_BY, by);
            s.set_word(BROKEN, why);
        }
        s.set_word(ARRIVED, 0);
    }

    fn wait(&self, interp: &mut Interp, deadline: Option<Instant>, span: Span) -> RtResult<Value> {
        let what = Callee::Method("barrier", "wait");
        let s = &self.segment;
        let me = my_pid();
        let (index, generation) = {
            let _held = Held::take(s, span)?;
            if s.word(BROKEN) != 0 {
                return Err(self.broken_error(what, span));
            }
            let index = s.word(ARRIVED);
            s.set_word(WAITING + 4 * index as usize, me);
            if index + 1 == s.word(PARTIES) {
                s.set_word(ARRIVED, 0);
                s.set_word(GENERATION, s.word(GENERATION).wrapping_add(1));
                drop(_held);
                s.notify();
                return Ok(Value::Int(i64::from(index)));
            }
            s.set_word(ARRIVED, index + 1);
            (index, s.word(GENERATION))
        };
        let passed = block_on(interp, s, deadline, span, |check| {
            if s.word(GENERATION) != generation {
                return Ok(Some(true));
            }
            if s.word(BROKEN) != 0 {
                return Ok(Some(false));
            }
            if check {
                let _held = Held::take(s, span)?;
                if s.word(GENERATION) == generation && s.word(BROKEN) == 0 {
                    let dead = (0..s.word(ARRIVED))
                        .map(|i| s.word(WAITING + 4 * i as usize))
                        .find(|&pid| pid != me && pid_is_dead(pid));
                    if let Some(pid) = dead {
                        self.break_it(DIED, pid);
                        drop(_held);
                        s.notify();
                        return Ok(Some(false));
                    }
                }
            }
            Ok(None)
        })?;
        match passed {
            Some(true) => Ok(Value::Int(i64::from(index))),
            Some(false) => Err(self.broken_error(what, span)),
            None => {
                {
                    let _held = Held::take(s, span)?;
                    if s.word(GENERATION) != generation {
                        return Ok(Value::Int(i64::from(index)));
                    }
                    self.break_it(TIMED_OUT, me);
                }
                s.notify();
                Err(RtError::new(
                    format!("{what}: timed out (the barrier is broken now, as in Python)"),
                    span,
                ))
            }
        }
    }
}

/// `barrier(n)`.
pub(crate) fn new_barrier(interp: &mut Interp, n: &Value, span: Span) -> RtResult<Value> {
    let n = count_arg(n, "barrier", 1, span)?;
    let size = (WAITING + 4 * n as usize).next_multiple_of(PAGE);
    let segment = Segment::create(BARRIER, size).map_err(|e| RtError::new(e, span))?;
    segment.set_word(PARTIES, n);
    remember_created(interp, &[segment.path()]);
    Ok(Value::handle(Rc::new(Barrier { segment })))
}

pub(super) fn barrier_method(
    interp: &mut Interp,
    b: &Barrier,
    name: &str,
    args: &[Value],
    span: Span,
) -> RtResult<Value> {
    let what = Callee::Method("barrier", name);
    let s = &b.segment;
    match name {
        "wait" => {
            arity(what, args, 0, 1, span)?;
            let deadline = deadline_arg(args, what, span)?;
            b.wait(interp, deadline, span)
        }
        "abort" => {
            arity(what, args, 0, 0, span)?;
            {
                let _held = Held::take(s, span)?;
                b.break_it(ABORTED, my_pid());
            }
            s.notify();
            Ok(Value::Nil)
        }
        "broken" => {
            arity(what, args, 0, 0, span)?;
            Ok(Value::Bool(s.word(BROKEN) != 0))
        }
        "n_waiting" => {
            arity(what, args, 0, 0, span)?;
            Ok(Value::Int(i64::from(s.word(ARRIVED))))
        }
        "parties" => {
            arity(what, args, 0, 0, span)?;
            Ok(Value::Int(i64::from(s.word(PARTIES))))
        }
        _ => Err(no_method(
            "a barrier",
            name,
            "wait, abort, broken, n_waiting, parties",
            span,
        )),
    }
}
