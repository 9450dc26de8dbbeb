//! Limits the evaluator enforces as it runs: counting operations (and the items big operations
//! build) against `max_operations`, Ctrl-C, and the call-depth error.

use crate::interp::ir::FnProto;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;
use crate::syntax::ast::BinaryOp;

/// How many items a binary operation builds beyond a single value: the length of a repeated
/// or concatenated str or list (0 for everything else). The operation limit counts them, so a
/// limited script cannot build a huge value in one step.
pub(super) fn build_cost(op: BinaryOp, a: &Value, b: &Value) -> u64 {
    let len = |v: &Value| match v {
        Value::Str(s) => Some(s.len() as u64),
        Value::List(l) => Some(l.borrow().len() as u64),
        _ => None,
    };
    match (op, a, b) {
        (BinaryOp::Mul, v, Value::Int(n)) | (BinaryOp::Mul, Value::Int(n), v) => {
            len(v).map_or(0, |l| l.saturating_mul((*n).max(0) as u64))
        }
        (BinaryOp::Add, x, y) => match (len(x), len(y)) {
            (Some(l), Some(m)) => l.saturating_add(m),
            _ => 0,
        },
        // `k in m` on a shared map needs the interpreter (see `build_binary`).
        (BinaryOp::In | BinaryOp::NotIn, _, Value::Handle(_)) => 1,
        _ => 0,
    }
}

impl Interp {
    #[cold]
    pub(super) fn too_deep(&self, proto: &FnProto, span: Span) -> Box<RtError> {
        RtError::limit(
            format!(
                "recursion too deep: more than {} nested calls (in {}())",
                self.limits.max_call_depth, proto.name
            ),
            span,
        )
    }

    /// Counts one unit of work (a loop iteration or a call) and checks limits and Ctrl-C.
    #[inline]
    pub(crate) fn tick(&mut self, span: Span) -> RtResult<()> {
        self.ops += 1;
        if self.ops >= self.next_check {
            self.check_limits(span)?;
        }
        Ok(())
    }

    /// Counts `n` units of work at once (the items a big operation builds).
    pub(crate) fn charge(&mut self, n: u64, span: Span) -> RtResult<()> {
        self.ops = self.ops.saturating_add(n);
        if self.ops >= self.next_check {
            self.check_limits(span)?;
        }
        Ok(())
    }

    #[cold]
    fn check_limits(&mut self, span: Span) -> RtResult<()> {
        self.next_check = self.ops.saturating_add(4096);
        if let Some(max) = self.limits.max_operations {
            if self.ops > max {
                return Err(RtError::limit(
                    format!("operation limit exceeded: more than {max} operations"),
                    span,
                ));
            }
            self.next_check = self.next_check.min(max.saturating_add(1));
        }
        if crate::runtime::interrupted() {
            return Err(RtError::interrupted(span));
        }
        Ok(())
    }
}
