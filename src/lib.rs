//! mpscript: a small, fast scripting language for orchestrating operating-system processes.
//!
//! The pipeline: source → syntax (pest grammar, typed AST with spans) → interp (resolver to
//! slots, tree-walking evaluator) → runtime (processes, pools, wire format, signals). The
//! command line and the REPL are thin front ends over [`Engine`], which is the API for host
//! programs too (see `docs/embedding.md`).
//!
//! ```
//! let mut engine = mpscript::Engine::new();
//! engine.register_fn("double", |x: i64| x * 2);
//! assert_eq!(engine.eval("double(21)").unwrap(), mpscript::Value::Int(42));
//! ```

#![warn(missing_docs)]
// Every `unsafe` block lives in the platform module (`runtime::sys`), which allows it, each with
// a `// SAFETY:` comment.
#![deny(unsafe_code)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod error;
// The layers below are public for the command line and the tests; their items are internal
// and not part of the documented, stable API (everything a host needs is re-exported here).
#[doc(hidden)]
pub mod interp;
#[doc(hidden)]
pub mod output;
#[doc(hidden)]
pub mod runtime;
#[doc(hidden)]
pub mod syntax;

mod engine;
mod front;

pub use front::InputWait;

pub use engine::{Engine, init, init_with};
pub use error::{Error, ErrorKind, Location};
pub use interp::native::{FromValue, IntoResult, NativeFn, RegisterFn};
pub use interp::value::{Closure, Function, HandleRef, Key, List, Map, Value};
pub use runtime::{Handle, StartMethod};
