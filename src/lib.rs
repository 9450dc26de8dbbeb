//! mpscript: a small, fast scripting language for orchestrating operating-system processes.
pub mod error;
pub mod syntax;

pub use error::{Error, ErrorKind, Location};
