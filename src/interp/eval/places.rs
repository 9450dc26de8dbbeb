//! Places (variables as read and assignment targets): reading a local, captured or global
//! slot, binding, assigning through shared cells, `x += n` in place, and the errors for a
//! variable without a value yet.

use super::{Frame, Slot};
use crate::interp::ir::Place;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;
use crate::syntax::ast::BinaryOp;

impl Interp {
    pub(crate) fn read(&self, f: &Frame, place: Place, span: Span) -> RtResult<Value> {
        let slot = match place {
            Place::Local(i) => &self.stack[f.base + i as usize],
            Place::Upvalue(i) => return Ok(f.captures[i as usize].borrow().clone()),
            Place::Global(i) => &self.globals[i as usize],
        };
        match slot {
            Slot::Val(v) => Ok(v.clone()),
            Slot::Cell(c) => Ok(c.borrow().clone()),
            Slot::Uninit => Err(self.undefined(f, place, span)),
        }
    }

    pub(super) fn undefined(&self, f: &Frame, place: Place, span: Span) -> Box<RtError> {
        match place {
            Place::Global(i) => {
                let name = self.names.name(i);
                let message = match crate::syntax::spelled_as(name) {
                    Some(word) => format!("undefined name `{name}`: mpscript spells it `{word}`"),
                    None => format!("undefined name `{name}`"),
                };
                RtError::new(message, span)
            }
            Place::Local(i) => RtError::new(
                format!(
                    "`{}` is used before its declaration runs",
                    f.proto.local_names[i as usize]
                ),
                span,
            ),
            Place::Upvalue(i) => RtError::new(
                format!("`{}` is not defined yet", f.proto.capture_names[i as usize]),
                span,
            ),
        }
    }

    /// A fresh binding (`let`, a loop variable, a parameter): never writes through a cell.
    pub(crate) fn bind(&mut self, f: &Frame, place: Place, v: Value) {
        match place {
            Place::Local(i) => self.stack[f.base + i as usize] = Slot::Val(v),
            Place::Global(i) => self.globals[i as usize] = Slot::Val(v),
            Place::Upvalue(i) => *f.captures[i as usize].borrow_mut() = v,
        }
    }

    /// Assignment to an existing variable: writes through to closures that share it.
    pub(super) fn assign(
        &mut self,
        f: &Frame,
        place: Place,
        name: &str,
        v: Value,
        span: Span,
    ) -> RtResult<()> {
        let slot = match place {
            Place::Local(i) => &mut self.stack[f.base + i as usize],
            Place::Global(i) => &mut self.globals[i as usize],
            Place::Upvalue(i) => {
                *f.captures[i as usize].borrow_mut() = v;
                return Ok(());
            }
        };
        match slot {
            Slot::Cell(c) => *c.borrow_mut() = v,
            Slot::Val(old) => *old = v,
            Slot::Uninit => {
                return Err(RtError::new(
                    format!(
                        "cannot assign to `{name}`: it was never declared (use `let {name} = ...`)"
                    ),
                    span,
                ));
            }
        }
        Ok(())
    }

    /// The slot of a local or global (a captured variable lives in a cell instead: `None`).
    #[inline(always)]
    fn own_slot(&mut self, f: &Frame, place: Place) -> Option<&mut Slot> {
        match place {
            Place::Local(i) => Some(&mut self.stack[f.base + i as usize]),
            Place::Global(i) => Some(&mut self.globals[i as usize]),
            Place::Upvalue(_) => None,
        }
    }

    /// `x += n` on an int variable (or `+= -= *=` on a float variable, by a float or an int),
    /// done where the variable lives. False if not applicable (other types, overflow, a
    /// shared cell): the general path then runs and reports errors.
    #[inline]
    pub(super) fn update_int_in_place(
        &mut self,
        f: &Frame,
        place: Place,
        op: BinaryOp,
        rhs: &Value,
    ) -> bool {
        let Value::Int(y) = *rhs else {
            return self.update_float_in_place(f, place, op, rhs);
        };
        let Some(Slot::Val(Value::Int(x))) = self.own_slot(f, place) else {
            return self.update_float_in_place(f, place, op, rhs);
        };
        let updated = match op {
            BinaryOp::Add => x.checked_add(y),
            BinaryOp::Sub => x.checked_sub(y),
            BinaryOp::Mul => x.checked_mul(y),
            _ => None,
        };
        match updated {
            Some(r) => {
                *x = r;
                true
            }
            None => false,
        }
    }

    /// `x += y` (`-=`, `*=`) on a float variable with a float or int `y`; see
    /// `update_int_in_place`.
    #[inline(never)]
    fn update_float_in_place(
        &mut self,
        f: &Frame,
        place: Place,
        op: BinaryOp,
        rhs: &Value,
    ) -> bool {
        let y = match *rhs {
            Value::Float(y) => y,
            Value::Int(y) => y as f64,
            _ => return false,
        };
        let Some(Slot::Val(Value::Float(x))) = self.own_slot(f, place) else {
            return false;
        };
        match op {
            BinaryOp::Add => *x += y,
            BinaryOp::Sub => *x -= y,
            BinaryOp::Mul => *x *= y,
            _ => return false,
        }
        true
    }
}
