//! The worker's side: reading batches from the link, running each task, sending one result
//! per task; and the entry point of a spawn-method worker.

use std::io::Write;

use super::protocol::{Batch, Done, RemoteError, Report, SpecKind, WorkerStart, span_of};
use super::start::PIPES_ARG;
use crate::interp::eval::NamedArgs;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError};
use crate::runtime::os::channel::{BlockingLink, LinkEnds, frame};
use crate::runtime::os::sys;
use crate::runtime::wire::Decoder;
use crate::syntax::Span;

/// A worker's life: run batches until the parent closes the link. The globals in `pinned`
/// (those the pool's initializer assigned) keep this worker's values: batches do not set them.
pub(super) fn worker_loop(interp: &mut Interp, link: BlockingLink, pinned: &[u32]) -> i32 {
    let code = serve_batches(interp, link, pinned);
    // A command a task started and left running ends with the worker, with its whole group,
    // as at the end of a script (its leader alone would die with the worker).
    crate::runtime::command::end_all(interp);
    code
}

fn serve_batches(interp: &mut Interp, mut link: BlockingLink, pinned: &[u32]) -> i32 {
    while let Some(message) = link.recv::<Batch>() {
        let Ok(batch) = message else { return 1 };
        let ended = run_batch(interp, batch, &mut link, pinned);
        sys::set_busy(false);
        if let Some(code) = ended {
            return code;
        }
    }
    0
}

/// Runs a batch, sending one result per task. `Some(code)` if the worker must exit.
pub(super) fn run_batch(
    interp: &mut Interp,
    batch: Batch,
    link: &mut BlockingLink,
    pinned: &[u32],
) -> Option<i32> {
    if !batch.sources.is_empty() {
        interp.adopt_global_names(&batch.names);
        interp.adopt_sources(&batch.sources);
    }
    let decoder = match Decoder::new(interp, &batch.packet) {
        Ok(d) => d,
        Err(_) => return Some(1),
    };
    let mut values = batch.packet.values.iter();
    for &slot in &batch.global_slots {
        let value = values.next().and_then(|w| decoder.value(interp, w).ok())?;
        if !pinned.contains(&slot) {
            interp.set_global_slot(slot as usize, value);
        }
    }
    for spec in batch.tasks {
        // Busy while the task's code runs, not while its result is sent: the parent may close
        // the link as soon as it has the last result, and that is no reason to die.
        sys::set_busy(true);
        let span = span_of(spec.span);
        let mut next = || values.next().and_then(|w| decoder.value(interp, w).ok());
        let result = match spec.kind {
            SpecKind::Call { n_args, named } => {
                let callee = next()?;
                let args: Vec<Value> = (0..n_args).map(|_| next()).collect::<Option<_>>()?;
                let named: NamedArgs = named
                    .iter()
                    .map(|n| Some((n.as_str().into(), next()?)))
                    .collect::<Option<_>>()?;
                interp
                    .call_value(callee, args, named, span)
                    .map_err(|e| (e, None, Vec::new()))
            }
            SpecKind::Chunk { star } => {
                let callee = next()?;
                let Value::List(items) = next()? else {
                    return Some(1);
                };
                let items = std::mem::take(&mut *items.borrow_mut());
                run_chunk(interp, callee, items, star, span)
            }
        };
        sys::set_busy(false);
        let result = match result {
            Ok(v) => crate::runtime::wire::encode_one(&v).map_err(|m| RemoteError {
                message: format!("the task's result cannot be sent back: {m}"),
                location: None,
                item: None,
                partial: None,
            }),
            Err((e, item, partial)) => match e.kind {
                crate::ErrorKind::Exit(code) => return Some(code),
                crate::ErrorKind::Interrupted => return Some(130),
                _ => {
                    let location =
                        crate::error::Location::of(e.span, interp.sources()).map(|l| l.to_string());
                    let partial = if partial.is_empty() {
                        None
                    } else {
                        crate::runtime::wire::encode_one(&Value::list(partial)).ok()
                    };
                    Err(RemoteError {
                        message: e.message,
                        location,
                        item,
                        partial,
                    })
                }
            },
        };
        if link
            .send(&Report::Done(Done {
                id: spec.id,
                result,
            }))
            .is_err()
        {
            return Some(0);
        }
    }
    None
}

/// A chunk's failure: the error, the failing item's index in the chunk, and the results of
/// the items before it.
type ChunkError = (Box<RtError>, Option<usize>, Vec<Value>);

pub(super) fn run_chunk(
    interp: &mut Interp,
    callee: Value,
    items: Vec<Value>,
    star: bool,
    span: Span,
) -> Result<Value, ChunkError> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let result = match (star, item) {
            (false, item) => interp.call_one(&callee, item, span),
            (true, Value::List(args)) => {
                let args = args.borrow().clone();
                interp.call_value(callee.clone(), args, Vec::new(), span)
            }
            (true, other) => Err(RtError::new(
                format!(
                    "starmap needs a list of argument lists, found {}",
                    crate::interp::value::a(other.type_name())
                ),
                span,
            )),
        };
        match result {
            Ok(v) => out.push(v),
            Err(e) => return Err((e, Some(i), out)),
        }
    }
    Ok(Value::list(out))
}

/// Where a worker whose standard output is its link prints: each print (one `write`) goes to
/// the parent as one message, which the parent writes to its own output whole.
struct LinkOutput(std::fs::File);

impl Write for LinkOutput {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut message = Vec::with_capacity(buf.len() + 8);
        frame(&Report::Output(buf.to_vec()), &mut message);
        self.0.write_all(&message)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Serves a spawn-method pool worker: reads the start message from its link (a socket on
/// standard input, or standard input and output as two pipes) and runs batches until the
/// parent lets go. Returns the exit status.
pub fn run_exec_worker(interp: &mut Interp) -> i32 {
    sys::ignore_interrupts();
    crate::runtime::os::command::keep_stdio_from_commands();
    let pipes = std::env::args_os().nth(2).is_some_and(|a| a == PIPES_ARG);
    let mut link = if pipes {
        let Ok((read, write)) = sys::take_stdio_link() else {
            return 1;
        };
        let link = BlockingLink::new(LinkEnds { read, write });
        let Ok(writer) = link.writer() else {
            return 1;
        };
        // Prints travel to the parent as messages on the link; children of the worker print
        // into pipes relayed to them.
        interp.set_output(Box::new(LinkOutput(writer)));
        link
    } else {
        let Ok(ends) = LinkEnds::socket(sys::stdin_socket()) else {
            return 1;
        };
        BlockingLink::new(ends)
    };
    let Some(Ok(start)) = link.recv::<WorkerStart>() else {
        return 1;
    };
    if !start.program.adopt(interp) {
        return 1;
    }
    start_serving(interp, start, link)
}

/// How long a remote worker waits for the pool to answer its greeting.
const GREETING_PATIENCE_SECONDS: u32 = 60;

/// Serves `mpscript worker`: a pool worker on another machine, reached through a launcher
/// (`ssh`, `srun`, `kubectl exec -i`...) that connects its standard input and output to the
/// pool. It greets the pool (the handshake refuses another version), takes the program it is
/// sent, and runs batches until the link closes; a link that hangs up in the middle of a task
/// ends it at once. Diagnostics go to standard error, which the pool relays with the host's
/// name. Returns the exit status.
pub fn run_remote_worker(interp: &mut Interp) -> i32 {
    sys::ignore_interrupts();
    sys::die_with_parent();
    crate::runtime::os::command::keep_stdio_from_commands();
    let fail = |message: &str| {
        crate::output::stderr_line(format_args!("mpscript worker: {message}"));
        2
    };
    let (read, write) = match sys::take_stdio_link() {
        Ok(ends) => ends,
        Err(e) => return fail(&format!("cannot take over standard input and output: {e}")),
    };
    let mut reader = std::fs::File::from(read);
    let mut writer = std::fs::File::from(write);
    // The pool answers at once; a worker that hears nothing for a minute has lost it (its
    // launcher was killed before the answer, and the far side kept the link open) and must
    // not wait for ever: the alarm's default action ends it.
    sys::alarm(GREETING_PATIENCE_SECONDS);
    if let Err(message) = crate::runtime::os::launch::greet_parent(&mut reader, &mut writer) {
        return fail(&message);
    }
    sys::alarm(0);
    let link = BlockingLink::new(LinkEnds {
        read: reader.into(),
        write: writer.into(),
    });
    if let Err(e) = sys::die_when_link_hangs_up(link.read_fd()) {
        return fail(&format!("cannot watch the link: {e}"));
    }
    let Ok(output) = link.writer() else {
        return fail("cannot duplicate the link");
    };
    interp.set_output(Box::new(LinkOutput(output)));
    let mut link = link;
    let start = match link.recv::<WorkerStart>() {
        Some(Ok(start)) => start,
        Some(Err(e)) => return fail(&format!("the pool's start message is corrupt: {e}")),
        None => return 0,
    };
    start.program.adopt_program(interp);
    start_serving(interp, start, link)
}

/// Sets the globals a start message carries, runs the initializer, then serves batches.
fn start_serving(interp: &mut Interp, start: WorkerStart, mut link: BlockingLink) -> i32 {
    if let Ok(decoder) = Decoder::new(interp, &start.globals) {
        for (slot, wire) in start.global_slots.iter().zip(start.globals.values.iter()) {
            if let Ok(v) = decoder.value(interp, wire) {
                interp.set_global_slot(*slot as usize, v);
            }
        }
    }
    let mut pinned = Vec::new();
    if let Some(init) = start.init {
        let span = span_of(init.span);
        let Ok(decoder) = Decoder::new(interp, &init.packet) else {
            return 1;
        };
        let mut values = Vec::new();
        for wire in &init.packet.values {
            match decoder.value(interp, wire) {
                Ok(v) => values.push(v),
                Err(_) => return 1,
            }
        }
        if values.is_empty() {
            return 1;
        }
        let callee = values.remove(0);
        match run_initializer(interp, &mut link, callee, values, span) {
            Ok(slots) => pinned = slots,
            Err(code) => return code,
        }
    }
    worker_loop(interp, link, &pinned)
}

/// Runs the pool's initializer in this worker. `Ok`: the global slots it assigned (they keep
/// this worker's values from now on); `Err`: it raised, the pool was told, exit with this.
pub(super) fn run_initializer(
    interp: &mut Interp,
    link: &mut BlockingLink,
    callee: Value,
    args: Vec<Value>,
    span: Span,
) -> Result<Vec<u32>, i32> {
    let before: Vec<Option<Value>> = (0..interp.global_count())
        .map(|slot| interp.global_value(slot))
        .collect();
    sys::set_busy(true);
    let result = interp.call_value(callee, args, Vec::new(), span);
    sys::set_busy(false);
    if let Err(e) = result {
        if e.kind == crate::ErrorKind::Interrupted {
            return Err(130);
        }
        let message = match e.kind {
            crate::ErrorKind::Exit(code) => format!("it called exit({code})"),
            _ => e.message,
        };
        let location = crate::error::Location::of(e.span, interp.sources()).map(|l| l.to_string());
        let _ = link.send(&Report::InitFailed(RemoteError {
            message,
            location,
            item: None,
            partial: None,
        }));
        return Err(1);
    }
    let changed = (0..interp.global_count())
        .filter(|&slot| {
            let now = interp.global_value(slot);
            let was = before.get(slot as usize).cloned().flatten();
            !same_value(&was, &now)
        })
        .collect();
    Ok(changed)
}

/// Whether a global still holds the very value it held (the same list, not an equal one).
fn same_value(a: &Option<Value>, b: &Option<Value>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => super::same_value(a, b),
        _ => false,
    }
}
