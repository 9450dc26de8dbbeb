//! Reading `object[index]`: a list in a local (or in a field of a record in a local,
//! `self.items[i]`) indexed by an int local or constant is read in place (no reference count
//! touched but the item's), any list by an int in range inline;
//! anything else goes through `Interp::index` (`methods.rs`), which also words the errors.

use super::{Frame, Slot};
use crate::interp::Interp;
use crate::interp::RtResult;
use crate::interp::ir::{self, ExprKind};
use crate::interp::value::Value;

pub(super) fn run_index(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    let ExprKind::Index { object, index } = &e.kind else {
        return interp.eval_any(f, e);
    };
    if let ExprKind::Local(o) = object.kind
        && let Slot::Val(Value::List(list)) = &interp.stack[f.base + o as usize]
    {
        // Reading a local or a constant has no effects, so it may come before the list's.
        let i = match &index.kind {
            ExprKind::Local(i) => match &interp.stack[f.base + *i as usize] {
                Slot::Val(Value::Int(i)) => Some(*i),
                _ => None,
            },
            ExprKind::Const(Value::Int(i)) => Some(*i),
            _ => None,
        };
        if let Some(i) = i {
            let items = list.borrow();
            let len = items.len() as i64;
            let j = if i < 0 { i + len } else { i };
            if (0..len).contains(&j) {
                return Ok(items[j as usize].clone());
            }
        }
    }
    // `self.items[i]`: a list in a field of a record in a local, read in place as well.
    if let ExprKind::Field {
        object: record,
        name,
        cache,
    } = &object.kind
        && let ExprKind::Local(r) = record.kind
        && let Slot::Val(Value::Record(record)) = &interp.stack[f.base + r as usize]
        && let Some(slot) = cache.slot(&record.ty, name)
        && let Some(i) = match &index.kind {
            ExprKind::Local(i) => match &interp.stack[f.base + *i as usize] {
                Slot::Val(Value::Int(i)) => Some(*i),
                _ => None,
            },
            ExprKind::Const(Value::Int(i)) => Some(*i),
            _ => None,
        }
        && let Value::List(list) = &record.slots()[slot]
    {
        let items = list.borrow();
        let len = items.len() as i64;
        let j = if i < 0 { i + len } else { i };
        if (0..len).contains(&j) {
            return Ok(items[j as usize].clone());
        }
    }
    let object = interp.eval(f, object)?;
    let index = interp.eval(f, index)?;
    if let (Value::List(list), Value::Int(i)) = (&object, &index) {
        let items = list.borrow();
        let len = items.len() as i64;
        let j = if *i < 0 { i + len } else { *i };
        if (0..len).contains(&j) {
            return Ok(items[j as usize].clone());
        }
    }
    interp.index(&object, &index, e.span)
}
