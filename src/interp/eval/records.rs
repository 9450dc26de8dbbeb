//! Records in the evaluator: making one in its constructor's frame, reading a field through
//! the site's slot cache (a record in a local is read in place, touching no reference count,
//! so `p.x` costs about what reading a local does), and writing one.

use super::{Frame, Slot};
use crate::interp::ir::{self, ExprKind};
use crate::interp::record::{FieldCache, Record, RecordType};
use crate::interp::value::{Value, a};
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;
use crate::syntax::ast::BinaryOp;
use std::rc::Rc;

pub(super) fn run_field(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    // The common read (a record in a local, the site's cache hit) has nothing else in this
    // function, so that it saves no registers; the rest is `run_field_slow`.
    if let ExprKind::Field { object, cache, .. } = &e.kind
        && let ExprKind::Local(i) = object.kind
        && let Slot::Val(Value::Record(record)) = &interp.stack[f.base + i as usize]
        && let Some(slot) = cache.hit(&record.ty)
    {
        return Ok(record.slots()[slot].clone());
    }
    run_field_slow(interp, f, e)
}

#[inline(never)]
fn run_field_slow(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::Field {
        object,
        name,
        cache,
    } = &e.kind
    {
        if let ExprKind::Local(i) = object.kind
            && let Slot::Val(Value::Record(record)) = &interp.stack[f.base + i as usize]
            && let Some(slot) = cache.slot(&record.ty, name)
        {
            return Ok(record.slots()[slot].clone());
        }
        let object = interp.eval(f, object)?;
        let value = interp.read_field(&object, name, cache, e.span);
        object.release();
        return value;
    }
    interp.eval_any(f, e)
}

impl Interp {
    /// `object.name`: a record's field through the site's cache; anything else as `field`.
    pub(super) fn read_field(
        &mut self,
        object: &Value,
        name: &Rc<str>,
        cache: &FieldCache,
        span: Span,
    ) -> RtResult<Value> {
        match object {
            Value::Record(record) => match cache.slot(&record.ty, name) {
                Some(slot) => Ok(record.slots()[slot].clone()),
                None => Err(RtError::new(record.ty.no_field(name), span)),
            },
            other => self.field(other, name, span),
        }
    }

    /// The record a constructor returns: its parameters, which are the fields.
    pub(super) fn make_record(&self, f: &Frame, ty: &Rc<RecordType>) -> Value {
        let built: Result<Value, std::convert::Infallible> = Record::build(ty, |i| {
            Ok(match &self.stack[f.base + i] {
                Slot::Val(v) => v.clone(),
                Slot::Cell(cell) => cell.borrow().clone(),
                Slot::Uninit => Value::Nil,
            })
        });
        match built {
            Ok(v) => v,
        }
    }

    /// `object.name = value`, or `object.name op= value`. A record in a local is held by its
    /// reference (no general clone and drop of the value), and a number field is updated in
    /// place.
    #[inline(never)]
    pub(super) fn assign_field(
        &mut self,
        f: &Frame,
        (object, name, op, value, cache): (
            &ir::Expr,
            &Rc<str>,
            Option<BinaryOp>,
            &ir::Expr,
            &FieldCache,
        ),
        span: Span,
    ) -> RtResult<()> {
        if let ExprKind::Local(i) = object.kind
            && let Slot::Val(Value::Record(record)) = &self.stack[f.base + i as usize]
        {
            let record = record.clone();
            return self.store_field(f, &record, (name, op, value, cache), span);
        }
        // The record is held as itself, not as a value, so that letting it go is an inline
        // decrement rather than the general drop.
        let record = match self.eval(f, object)? {
            Value::Record(record) => record,
            object => return Err(cannot_assign_field(object, name, span)),
        };
        self.store_field(f, &record, (name, op, value, cache), span)
    }

    fn store_field(
        &mut self,
        f: &Frame,
        record: &Record,
        (name, op, value, cache): (&Rc<str>, Option<BinaryOp>, &ir::Expr, &FieldCache),
        span: Span,
    ) -> RtResult<()> {
        let Some(slot) = cache.slot(&record.ty, name) else {
            return Err(RtError::new(record.ty.no_field(name), span));
        };
        let mut v = self.eval(f, value)?;
        if let Some(op) = op {
            let old = {
                let mut fields = record.slots_mut();
                let field = &mut fields[slot];
                if super::statements::update_number_in_place(field, op, &v) {
                    return Ok(());
                }
                field.clone()
            };
            v = self.binary(op, &old, &v, span)?;
        }
        // The old value is dropped after the borrow ends: dropping it may drop records.
        let old = std::mem::replace(&mut record.slots_mut()[slot], v);
        old.release();
        Ok(())
    }
}

/// The error for `object.name = value` on a value that is not a record.
#[cold]
fn cannot_assign_field(object: Value, name: &str, span: Span) -> Box<RtError> {
    let hint = match &object {
        Value::Handle(_) => ": fields of handles are read-only".to_string(),
        Value::Map(_) => format!(" (use [\"{name}\"] to set a key)"),
        _ => String::new(),
    };
    RtError::new(
        format!(
            "cannot assign to field `{name}` of {}{hint}",
            match object {
                Value::Nil => "nil".to_string(),
                other => a(other.type_name()),
            }
        ),
        span,
    )
}
