//! The tree-walking evaluator over the resolved IR: what a frame is, running a program, and
//! the one dispatch every expression goes through (`eval`). The work is in the submodules.
//!
//! Locals live on one value stack (`Interp::stack`), a frame being a window `base..base+n`.
//! A local captured by a closure is moved into a shared cell the first time a closure captures
//! it ("lazy boxing"), so plain locals never pay for closures that might exist.

mod calls;
mod chain;
mod closures;
mod comprehensions;
mod expressions;
mod indexing;
mod limits;
mod places;
mod records;
mod slices;
mod statements;

use std::cell::RefCell;
use std::rc::Rc;

use super::ir::{self, FnProto, StmtKind};
use super::value::{Closure, Value};
use super::{Interp, RtResult};

pub use expressions::{EvalFn, binary_values, runner_for};

/// Arguments passed as `name = value`, in call order.
pub type NamedArgs = Vec<(Rc<str>, Value)>;

/// One variable slot of a frame or of the globals.
#[derive(Clone, Default)]
pub enum Slot {
    /// Declared but not yet given a value (a hoisted `fn`, a global used before its `let`).
    #[default]
    Uninit,
    Val(Value),
    /// A variable shared with closures that captured it.
    Cell(Rc<RefCell<Value>>),
}

/// What a statement did besides its effects.
pub enum Flow {
    Normal,
    Break,
    Continue,
    Return(Value),
}

/// The running function: where its locals start and what it captured.
pub struct Frame<'a> {
    pub base: usize,
    pub captures: &'a [Rc<RefCell<Value>>],
    pub proto: &'a FnProto,
    /// The running closure (`None` for the top-level code), from which the function itself
    /// and its siblings are rebuilt (see `ExprKind::Sibling`).
    pub closure: Option<&'a Rc<Closure>>,
}

impl Interp {
    /// Runs a compiled top-level program; returns the value of its last expression statement.
    pub(crate) fn run_main(&mut self, proto: &Rc<FnProto>) -> RtResult<Value> {
        let base = self.stack.len();
        self.stack
            .resize(base + proto.n_locals as usize, Slot::Uninit);
        let frame = Frame {
            base,
            captures: &[],
            proto,
            closure: None,
        };
        let mut last = Value::Nil;
        let mut result = Ok(());
        for stmt in proto.body.iter() {
            let step = match &stmt.kind {
                StmtKind::Expr(e) => self.eval(&frame, e).map(|v| last = v),
                _ => self.exec(&frame, stmt).map(|_| last = Value::Nil),
            };
            if let Err(e) = step {
                result = Err(e);
                break;
            }
        }
        self.stack.truncate(base);
        result.map(|_| last)
    }

    #[inline(always)]
    pub(crate) fn eval(&mut self, f: &Frame, expr: &ir::Expr) -> RtResult<Value> {
        (expr.run)(self, f, expr)
    }
}
