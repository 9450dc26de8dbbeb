//! The spawn start method: a child is a fresh copy of the current executable, started with a
//! marker argument, that reads what it must run (sources, globals, the call) from its standard
//! input in the wire format, runs it, and exits with the call's status.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use super::StartMethod;
use super::wire::{self, Decoder, Encoder, Packet};
use crate::interp::eval::NamedArgs;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime::process;
use crate::syntax::{SourceId, Span};

/// The first argument that marks a process as a spawn-method child.
pub const CHILD_ARG: &str = "--mpscript-child-process";

/// What a spawned process (a child or a pool worker) takes over from its parent: who the
/// parent is, the program (its sources, compiled against the parent's global name table) and
/// the script's arguments.
#[derive(Serialize, Deserialize, Debug)]
pub struct ParentProgram {
    pub parent: i32,
    pub sources: Vec<(String, String)>,
    /// The parent's global names in slot order, so recompiling gives the same slots.
    pub names: Vec<String>,
    pub script_args: Vec<String>,
}

impl ParentProgram {
    /// This process's program, for a process it starts.
    pub(crate) fn of(interp: &Interp) -> ParentProgram {
        ParentProgram {
            parent: std::process::id() as i32,
            sources: interp.source_texts(0),
            names: interp.global_name_table(),
            script_args: interp.script_args().to_vec(),
        }
    }

    /// Makes a freshly started process a child of the parent running the parent's program: it
    /// dies with the parent, and has the parent's sources compiled with the parent's global
    /// slots. False if the parent is already gone.
    pub(crate) fn adopt(&self, interp: &mut Interp) -> bool {
        if !super::os::sys::setup_child(self.parent) {
            return false;
        }
        self.adopt_program(interp);
        true
    }

    /// Takes the parent's program without becoming its child: a worker on another machine
    /// (`mpscript worker`), whose parent here is `sshd` or Slurm's step daemon.
    pub(crate) fn adopt_program(&self, interp: &mut Interp) {
        interp.runtime.start_method = StartMethod::Spawn;
        interp.adopt_global_names(&self.names);
        interp.adopt_sources(&self.sources);
        interp.set_args(self.script_args.clone());
    }
}

/// Everything a spawn-method child needs.
#[derive(Serialize, Deserialize, Debug)]
pub struct ChildStart {
    pub program: ParentProgram,
    /// The callee, the positional arguments, the named arguments, then the globals.
    pub packet: Packet,
    pub n_args: usize,
    pub named: Vec<String>,
    pub global_slots: Vec<u32>,
    pub span: (u32, u32, u32),
}

/// Starts a spawn-method child running `callee(args)`; returns its pid.
pub fn spawn_exec(
    interp: &mut Interp,
    callee: &Value,
    args: &[Value],
    named: &NamedArgs,
    span: Span,
) -> RtResult<i32> {
    let fail = |m: String| RtError::new(m, span);
    let mut encoder = Encoder::new();
    encoder.push(callee).map_err(fail)?;
    for v in args.iter().chain(named.iter().map(|(_, v)| v)) {
        encoder.push(v).map_err(fail)?;
    }
    let global_slots = wire::push_globals(&mut encoder, interp, 0..interp.global_count());
    let start = ChildStart {
        program: ParentProgram::of(interp),
        packet: encoder.finish(),
        n_args: args.len(),
        named: named.iter().map(|(n, _)| n.to_string()).collect(),
        global_slots,
        span: (span.source.0, span.start, span.end),
    };
    let exe = std::env::current_exe()
        .map_err(|e| fail(format!("cannot find the executable to start a child: {e}")))?;
    let relay = interp.runtime.relay_output;
    let mut command = Command::new(exe);
    // The child shares the lock that keeps long lines whole (see `outlock`).
    #[cfg(unix)]
    command.envs(super::os::outlock::share());
    let mut child = command
        .arg(CHILD_ARG)
        .stdin(Stdio::piped())
        .stdout(if relay {
            Stdio::piped()
        } else {
            Stdio::inherit()
        })
        .spawn()
        .map_err(|e| fail(format!("cannot start a child process: {e}")))?;
    if let Some(stdout) = child.stdout.take() {
        interp
            .runtime
            .relays
            .push(super::os::relay::Relay::from_child(stdout));
    }
    let bytes = wire::to_bytes(&start);
    if let Some(mut stdin) = child.stdin.take() {
        match stdin.write_all(&bytes) {
            // The child ended before it read its call (a host that does not call
            // `mpscript::init()` first, say): it said why on stderr, and its exit code tells.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.map_err(|e| fail(format!("cannot send the call to the child: {e}")))?,
        }
    }
    Ok(super::os::sys::keep_child(child))
}

/// True if this process was started as a spawn-method child.
pub fn is_child_process() -> bool {
    std::env::args_os().nth(1).is_some_and(|a| a == CHILD_ARG)
}

/// Reads the start message from standard input.
pub fn read_start() -> Result<ChildStart, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the start message: {e}"))?;
    wire::from_bytes(&bytes)
}

/// Runs a spawn-method child in `interp` (which has the host's functions registered) and
/// returns the exit status.
pub fn run_child(interp: &mut Interp, start: ChildStart) -> i32 {
    if !start.program.adopt(interp) {
        return 1;
    }
    let decoded = decode_call(interp, &start);
    let span = Span {
        source: SourceId(start.span.0),
        start: start.span.1,
        end: start.span.2,
    };
    match decoded {
        Ok((callee, args, named)) => process::run_as_child(interp, callee, args, named, span),
        Err(message) => {
            crate::output::stderr_line(format_args!(
                "error in process {}: cannot start: {message}",
                std::process::id()
            ));
            1
        }
    }
}

type DecodedCall = (Value, Vec<Value>, NamedArgs);

fn decode_call(interp: &mut Interp, start: &ChildStart) -> Result<DecodedCall, String> {
    let decoder = Decoder::new(interp, &start.packet)?;
    let mut values = start.packet.values.iter();
    let mut next = || -> Result<Value, String> {
        let wire = values.next().ok_or("the start message is truncated")?;
        decoder.value(interp, wire)
    };
    let callee = next()?;
    let args = (0..start.n_args)
        .map(|_| next())
        .collect::<Result<Vec<_>, _>>()?;
    let named = start
        .named
        .iter()
        .map(|n| Ok((n.as_str().into(), next()?)))
        .collect::<Result<NamedArgs, String>>()?;
    let globals = start
        .global_slots
        .iter()
        .map(|&slot| Ok((slot, next()?)))
        .collect::<Result<Vec<_>, String>>()?;
    for (slot, value) in globals {
        interp.set_global_slot(slot as usize, value);
    }
    Ok((callee, args, named))
}
