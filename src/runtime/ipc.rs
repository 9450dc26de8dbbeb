//! Inter-process communication handles (queue, pipe, lock, shared cell). They cross process
//! boundaries as references to the same OS object.

use crate::interp::value::Value;

use serde::{Deserialize, Serialize};

use super::Handle;

/// An IPC handle as it travels to another process.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub enum WireHandle {}

/// The wire form of a handle, or `None` for handles that cannot cross (process, pool, result).
pub fn to_wire(_handle: &dyn Handle) -> Option<WireHandle> {
    None
}

pub fn from_wire(handle: &WireHandle) -> Result<Value, String> {
    match *handle {}
}
