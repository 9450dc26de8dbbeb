//! mpscript: a small, fast scripting language for orchestrating operating-system processes.
//!
//! The pipeline: source → [`syntax`] (pest grammar, typed AST with spans) → [`interp`]
//! (resolver to slots, tree-walking evaluator) → [`runtime`] (processes, pools, IPC). The
//! command line and the REPL are thin front ends over [`Engine`].
//!
//! ```
//! let mut engine = mpscript::Engine::new();
//! engine.register_fn("double", |x: i64| x * 2);
//! assert_eq!(engine.eval("double(21)").unwrap(), mpscript::Value::Int(42));
//! ```

pub mod error;
pub mod interp;
pub mod output;
pub mod runtime;
pub mod syntax;

mod engine;
pub use engine::{read_script as engine_read_script, script_text};

pub use engine::{Engine, init, init_with};
pub use error::{Error, ErrorKind, Location};
pub use interp::value::Value;
pub use runtime::StartMethod;
