//! The messages between a pool's parent and its workers: the spawn-method worker's start
//! message, batches of tasks, and one result per task; spans and errors in their wire form.

use serde::{Deserialize, Serialize};

use crate::runtime::wire::Packet;
use crate::syntax::{SourceId, Span};

#[derive(Serialize, Deserialize, Debug)]
pub(super) struct WorkerStart {
    pub(super) program: crate::runtime::child::ParentProgram,
    pub(super) globals: Packet,
    pub(super) global_slots: Vec<u32>,
    /// The pool's initializer and its arguments, run before the first batch.
    pub(super) init: Option<InitSpec>,
}

/// The initializer as it travels: the function, then its arguments, in one packet.
#[derive(Serialize, Deserialize, Debug)]
pub(super) struct InitSpec {
    pub(super) packet: Packet,
    pub(super) span: (u32, u32, u32),
}

#[derive(Serialize, Deserialize, Debug)]
pub(super) struct Batch {
    /// Sources the worker has not seen, with the global name table to compile them against.
    pub(super) sources: Vec<(String, String)>,
    pub(super) names: Vec<String>,
    /// Values: the globals first (one per `global_slots`), then each task's values.
    pub(super) packet: Packet,
    pub(super) global_slots: Vec<u32>,
    pub(super) tasks: Vec<TaskSpec>,
}

#[derive(Serialize, Deserialize, Debug)]
pub(super) struct TaskSpec {
    pub(super) id: u64,
    pub(super) kind: SpecKind,
    pub(super) span: (u32, u32, u32),
}

#[derive(Serialize, Deserialize, Debug)]
pub(super) enum SpecKind {
    /// Callee, then `n_args` positional values, then one value per named argument.
    Call { n_args: usize, named: Vec<String> },
    /// Callee, then one list of items: `f(item)` for each (`star`: `f(*item)`).
    Chunk { star: bool },
}

#[derive(Serialize, Deserialize, Debug)]
pub(super) struct Done {
    pub(super) id: u64,
    pub(super) result: Result<Packet, RemoteError>,
}

/// What a worker sends the parent.
#[derive(Serialize, Deserialize, Debug)]
pub(super) enum Report {
    /// A task finished.
    Done(Done),
    /// What the worker printed, when its standard output is the link (see `LinkOutput`): the
    /// parent writes it to its own output as it arrives, whole.
    Output(Vec<u8>),
    /// The pool's initializer raised in this worker, which then exits.
    InitFailed(RemoteError),
}

#[derive(Serialize, Deserialize, Debug, Clone)]
pub(super) struct RemoteError {
    pub(super) message: String,
    pub(super) location: Option<String>,
    /// For a chunk of `map`, the index of the item that failed.
    pub(super) item: Option<usize>,
    /// For a chunk, the results of the items before the one that failed (a list).
    pub(super) partial: Option<Packet>,
}

pub(super) fn span_tuple(span: Span) -> (u32, u32, u32) {
    (span.source.0, span.start, span.end)
}

pub(super) fn span_of(t: (u32, u32, u32)) -> Span {
    Span {
        source: SourceId(t.0),
        start: t.1,
        end: t.2,
    }
}

pub(super) fn remote_message(remote: &RemoteError, who: &str, description: &str) -> String {
    let item = remote
        .item
        .map(|i| format!(", item {i}"))
        .unwrap_or_default();
    match &remote.location {
        Some(loc) => format!(
            "{} (in {description}{item}, {who}, at {loc})",
            remote.message
        ),
        None => format!("{} (in {description}{item}, {who})", remote.message),
    }
}
