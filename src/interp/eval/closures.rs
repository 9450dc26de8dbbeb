//! Closures: making them, capturing their variables (a captured local moves into a shared
//! cell once, "lazy boxing"), and the groups of local functions declared in one block that
//! reach each other without reference cycles.

use std::cell::RefCell;
use std::rc::Rc;

use super::{Frame, Slot};
use crate::interp::ir::{self, Capture, FnProto, Place};
use crate::interp::value::{Closure, Function, Group, Value};
use crate::interp::{Interp, RtResult};

/// A captured variable, read from its cell.
pub(super) fn run_upvalue(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ir::ExprKind::Var(Place::Upvalue(i)) = e.kind {
        return Ok(f.captures[i as usize].borrow().clone());
    }
    interp.eval_any(f, e)
}

impl Interp {
    pub(crate) fn make_closure(&mut self, f: &Frame, proto: &Rc<FnProto>) -> Value {
        let captures = self.capture(f, proto);
        Value::Function(Function::Closure(Rc::new(Closure {
            proto: proto.clone(),
            captures,
            group: None,
        })))
    }

    /// The cells a closure of `proto` made in frame `f` captures.
    fn capture(&mut self, f: &Frame, proto: &FnProto) -> Box<[Rc<RefCell<Value>>]> {
        proto
            .captures
            .iter()
            .map(|capture| match *capture {
                Capture::Upvalue(i) => f.captures[i as usize].clone(),
                Capture::Local(slot) => self.box_local(f.base + slot as usize),
                // Not declared yet (the running function was called before the rest of its
                // block ran): nil, as the variable would have been.
                Capture::Sibling(j) => {
                    Rc::new(RefCell::new(self.sibling(f, j).unwrap_or_default()))
                }
            })
            .collect()
    }

    /// Sibling function `j` of the running function (itself, or one declared in the same
    /// block); `None` if its declaration has not run yet.
    pub(super) fn sibling(&self, f: &Frame, j: u32) -> Option<Value> {
        let closure = f.closure?;
        let found = if f.proto.sibling_index == Some(j) {
            closure.clone()
        } else {
            closure.group.as_ref()?.get(j)?
        };
        Some(Value::Function(Function::Closure(found)))
    }

    /// Runs `fn name() {...}`: makes the closure (joining its block's group, if it has one) and
    /// stores it in its variable, through the variable's cell if a closure captured it.
    pub(super) fn declare_fn(
        &mut self,
        f: &Frame,
        place: Place,
        proto: &Rc<FnProto>,
        group: Option<ir::GroupDecl>,
    ) {
        let group = group.map(|decl| {
            let existing = decl.first.and_then(|slot| {
                let first = match &self.stack[f.base + slot as usize] {
                    Slot::Val(v) => v.clone(),
                    Slot::Cell(c) => c.borrow().clone(),
                    Slot::Uninit => Value::Nil,
                };
                match first {
                    Value::Function(Function::Closure(c)) => c.group.clone(),
                    _ => None,
                }
            });
            existing.unwrap_or_else(|| Rc::new(Group::new(decl.size as usize)))
        });
        let captures = self.capture(f, proto);
        let closure = Rc::new(Closure {
            proto: proto.clone(),
            captures,
            group,
        });
        if let (Some(group), Some(index)) = (&closure.group, proto.sibling_index) {
            group.set(index, &closure);
        }
        let value = Value::Function(Function::Closure(closure));
        match place {
            Place::Local(i) => match &mut self.stack[f.base + i as usize] {
                Slot::Cell(c) => *c.borrow_mut() = value,
                slot => *slot = Slot::Val(value),
            },
            _ => self.bind(f, place, value),
        }
    }

    /// Moves a local into a shared cell (once) and returns the cell.
    fn box_local(&mut self, index: usize) -> Rc<RefCell<Value>> {
        let slot = &mut self.stack[index];
        if let Slot::Cell(cell) = slot {
            return cell.clone();
        }
        let value = match std::mem::take(slot) {
            Slot::Val(v) => v,
            _ => Value::Nil,
        };
        let cell = Rc::new(RefCell::new(value));
        *slot = Slot::Cell(cell.clone());
        cell
    }
}
