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

// The layers are internal: everything a host (or the command line) needs is on `Engine` and
// the types re-exported below.
pub(crate) mod error;
pub(crate) mod interp;
pub(crate) mod output;
pub(crate) mod runtime;
pub(crate) mod syntax;

mod engine;
mod front;

pub use front::InputWait;

pub use engine::{Engine, init, init_with};
pub use error::{Error, ErrorKind, Location};
pub use interp::native::{FromValue, IntoResult, NativeFn, RegisterFn};
pub use interp::value::{Closure, Function, HandleRef, Key, List, Map, Value};
pub use runtime::{Handle, StartMethod};
