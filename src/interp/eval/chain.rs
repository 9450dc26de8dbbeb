//! Running a flat chain (`ir::ExprKind::Chain`): the head, then each link applied to the value
//! so far, in a loop, so a chain of any length takes one stack frame.

use super::{Frame, Interp, RtResult};
use crate::interp::ir::{self, LinkOp};
use crate::interp::value::Value;

impl Interp {
    pub(super) fn eval_chain(&mut self, f: &Frame, chain: &ir::Chain) -> RtResult<Value> {
        let mut value = self.eval(f, &chain.head)?;
        for link in chain.links.iter() {
            let span = link.span;
            value = match &link.op {
                LinkOp::Binary(op, rhs) => {
                    let rhs = self.eval(f, rhs)?;
                    self.binary(*op, &value, &rhs, span)?
                }
                LinkOp::And(rhs) if value.truthy() => self.eval(f, rhs)?,
                LinkOp::Or(rhs) if !value.truthy() => self.eval(f, rhs)?,
                LinkOp::And(_) | LinkOp::Or(_) => value,
                LinkOp::Call(args) => self.eval_call(f, value, args, span)?,
                LinkOp::Method(name, args) => {
                    let (positional, named) = self.eval_args(f, args)?;
                    self.call_method(value, name, positional, named, span)?
                }
                LinkOp::Field(name) => self.field(&value, name, span)?,
                LinkOp::Index(index) => {
                    let index = self.eval(f, index)?;
                    self.index(&value, &index, span)?
                }
                LinkOp::Slice(bounds) => self.slice_value(f, &value, bounds, span)?,
            };
        }
        Ok(value)
    }
}
