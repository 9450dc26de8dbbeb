//! Expressions: the specialized runners for the hot node kinds (constants, variables, int
//! operations; `ir::Expr::run` points at them), the general evaluator they fall back to, the
//! less common expressions kept out of line, conditions, operands and argument lists.

use super::calls::{run_call, run_call_global, run_call_sibling, run_method, run_namespace_call};
use super::limits::build_cost;
use super::{Frame, NamedArgs, Slot};
use crate::interp::ir::{self, Args, ExprKind, Place};
use crate::interp::ops;
use crate::interp::sizes::Kind;
use crate::interp::value::{Value, scalars_equal};
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime;
use crate::syntax::Span;
use crate::syntax::ast::BinaryOp;

/// An operand of a fast binary operation.
enum Operand<'a> {
    Borrowed(&'a Value),
    Owned(Value),
}

impl std::ops::Deref for Operand<'_> {
    type Target = Value;
    fn deref(&self) -> &Value {
        match self {
            Operand::Borrowed(v) => v,
            Operand::Owned(v) => v,
        }
    }
}

/// An operation on two ints, when it has an int or bool result (`None`: overflow, or an
/// operator `int_division` or the general path handles, such as `/`).
#[inline(always)]
fn int_op(op: BinaryOp, x: i64, y: i64) -> Option<Value> {
    if let Some(truth) = int_compare(op, x, y) {
        return Some(Value::Bool(truth));
    }
    match op {
        BinaryOp::Add => x.checked_add(y).map(Value::Int),
        BinaryOp::Sub => x.checked_sub(y).map(Value::Int),
        BinaryOp::Mul => x.checked_mul(y).map(Value::Int),
        BinaryOp::BitAnd => Some(Value::Int(x & y)),
        BinaryOp::BitOr => Some(Value::Int(x | y)),
        BinaryOp::BitXor => Some(Value::Int(x ^ y)),
        _ => None,
    }
}

/// `%`, `//` and `/` on two ints (`None`: a zero divisor, overflow, another operator); out
/// of line, so that `int_op` keeps its result in registers.
#[inline(never)]
fn int_division(op: BinaryOp, x: i64, y: i64) -> Option<Value> {
    if y == 0 {
        return None;
    }
    match op {
        BinaryOp::Mod => Some(Value::Int(ops::floor_mod(x, y))),
        BinaryOp::FloorDiv => ops::floor_div(x, y).map(Value::Int),
        BinaryOp::Div => Some(Value::Float(x as f64 / y as f64)),
        _ => None,
    }
}

/// A comparison of two ints (`None` for operators that are not comparisons).
#[inline(always)]
fn int_compare(op: BinaryOp, x: i64, y: i64) -> Option<bool> {
    match op {
        BinaryOp::Lt => Some(x < y),
        BinaryOp::Le => Some(x <= y),
        BinaryOp::Gt => Some(x > y),
        BinaryOp::Ge => Some(x >= y),
        BinaryOp::Eq => Some(x == y),
        BinaryOp::Ne => Some(x != y),
        _ => None,
    }
}

/// An operation on two floats that cannot fail (`None`: division by zero, ordering a nan, or
/// an operator the general path handles). Mixed int and float operands come here converted,
/// as `ops::binary` converts them, except for `==` and `!=` (see `scalar_op`).
#[inline(always)]
fn float_op(op: BinaryOp, x: f64, y: f64) -> Option<Value> {
    Some(match op {
        BinaryOp::Add => Value::Float(x + y),
        BinaryOp::Sub => Value::Float(x - y),
        BinaryOp::Mul => Value::Float(x * y),
        BinaryOp::Div if y != 0.0 => Value::Float(x / y),
        BinaryOp::Lt => Value::Bool(x.partial_cmp(&y)?.is_lt()),
        BinaryOp::Le => Value::Bool(x.partial_cmp(&y)?.is_le()),
        BinaryOp::Gt => Value::Bool(x.partial_cmp(&y)?.is_gt()),
        BinaryOp::Ge => Value::Bool(x.partial_cmp(&y)?.is_ge()),
        BinaryOp::Eq => Value::Bool(x == y),
        BinaryOp::Ne => Value::Bool(x != y),
        _ => return None,
    })
}

/// An operation on two values that are not both ints, when it is cheap and cannot fail:
/// float and mixed int/float arithmetic and comparisons inline, then (out of line) `==` and
/// `!=` of scalars (`x == nil`, bools, strs), ordering of strs and bools. It builds
/// nothing the operation limit counts (see `build_cost`), as the int path builds nothing.
/// `None` sends the operation to the general path, which also reports the errors.
#[inline(always)]
fn scalar_op(op: BinaryOp, a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        // Ints the int path did not take: divisions, or else errors (overflow...) and `**`.
        (Value::Int(x), Value::Int(y)) => int_division(op, *x, *y),
        _ => match float_pair_op(op, a, b) {
            Some(v) => Some(v),
            None => other_scalar_op(op, a, b),
        },
    }
}

/// The float part of `scalar_op`: two floats, or an int and a float (but for `==` and `!=`,
/// which compare an int and a float exactly, in `other_scalar_op`). The result owns nothing
/// and neither do the operands when it is `Some`.
#[inline(always)]
fn float_pair_op(op: BinaryOp, a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => float_op(op, *x, *y),
        (Value::Int(i), Value::Float(y)) if !is_equality(op) => float_op(op, *i as f64, *y),
        (Value::Float(x), Value::Int(j)) if !is_equality(op) => float_op(op, *x, *j as f64),
        _ => None,
    }
}

#[inline(always)]
fn is_equality(op: BinaryOp) -> bool {
    matches!(op, BinaryOp::Eq | BinaryOp::Ne)
}

/// The rest of `scalar_op`, out of line.
#[inline(never)]
fn other_scalar_op(op: BinaryOp, a: &Value, b: &Value) -> Option<Value> {
    use std::cmp::Ordering;
    let order = |o: Ordering| match op {
        BinaryOp::Lt => Some(Value::Bool(o.is_lt())),
        BinaryOp::Le => Some(Value::Bool(o.is_le())),
        BinaryOp::Gt => Some(Value::Bool(o.is_gt())),
        BinaryOp::Ge => Some(Value::Bool(o.is_ge())),
        _ => None,
    };
    match (op, a, b) {
        // Containers compare element by element (`deep::equal`); the general path does it.
        (_, Value::List(_), Value::List(_))
        | (_, Value::Map(_), Value::Map(_))
        | (_, Value::Record(_), Value::Record(_)) => None,
        (BinaryOp::Eq, ..) => Some(Value::Bool(scalars_equal(a, b))),
        (BinaryOp::Ne, ..) => Some(Value::Bool(!scalars_equal(a, b))),
        (_, Value::Str(x), Value::Str(y)) => order(x.as_str().cmp(y.as_str())),
        (_, Value::Bool(x), Value::Bool(y)) => order(x.cmp(y)),
        _ => None,
    }
}

/// The int path, then `scalar_op`: every binary operation that needs neither the operation
/// limit nor an error message.
#[inline(always)]
fn quick_op(op: BinaryOp, a: &Value, b: &Value) -> Option<Value> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        if let Some(v) = int_op(op, *x, *y) {
            return Some(v);
        }
    }
    scalar_op(op, a, b)
}

/// A binary operation with the integer and other cheap cases done first, inline.
#[inline]
pub fn binary_values(op: BinaryOp, a: &Value, b: &Value) -> Result<Value, String> {
    match quick_op(op, a, b) {
        Some(v) => Ok(v),
        None => ops::binary(op, a, b),
    }
}

/// Drops a value, sparing the call to the general drop for the kinds that own nothing.
#[inline(always)]
fn release(v: Value) {
    match v {
        Value::Nil | Value::Bool(_) | Value::Int(_) | Value::Float(_) => std::mem::forget(v),
        other => drop(other),
    }
}

/// `e == nil` / `e != nil` (either side nil): the operand's tag tested, nothing else.
fn nil_test(kind: &ExprKind) -> Option<BinaryOp> {
    let is_nil = |e: &ir::Expr| matches!(e.kind, ExprKind::Const(Value::Nil));
    let op = match kind {
        ExprKind::Binary(op, lhs, rhs) if is_nil(lhs) || is_nil(rhs) => *op,
        ExprKind::BinaryFast(op, ir::Operand::Local(_), ir::Operand::Const(Value::Nil))
        | ExprKind::BinaryFast(op, ir::Operand::Const(Value::Nil), ir::Operand::Local(_)) => *op,
        _ => return None,
    };
    is_equality(op).then_some(op)
}

/// How an expression node is evaluated (see `ir::Expr::run`).
pub type EvalFn = fn(&mut Interp, &Frame, &ir::Expr) -> RtResult<Value>;

/// Picks the evaluator for a node: small functions for the hot kinds, the general one else.
pub fn runner_for(kind: &ExprKind) -> EvalFn {
    match kind {
        ExprKind::Const(_) => run_const,
        ExprKind::Local(_) => run_local,
        ExprKind::Global(_) => run_global,
        ExprKind::BinaryFast(..) if nil_test(kind).is_some() => run_local_nil_test,
        ExprKind::BinaryFast(_, a, b) => binary_fast_runner(a, b),
        ExprKind::LocalIntOp(..) => run_local_int_op,
        ExprKind::Binary(..) if nil_test(kind).is_some() => run_nil_test,
        ExprKind::Binary(_, _, rhs) => binary_runner(rhs),
        ExprKind::CallGlobal(..) => run_call_global,
        ExprKind::CallSibling(..) => run_call_sibling,
        ExprKind::NamespaceCall(..) => run_namespace_call,
        ExprKind::Method { .. } => run_method,
        ExprKind::Call(_) => run_call,
        ExprKind::Var(Place::Upvalue(_)) => super::closures::run_upvalue,
        ExprKind::IfElse { .. } => run_if_else,
        ExprKind::And(..) | ExprKind::Or(..) | ExprKind::Not(_) => run_logic,
        ExprKind::Field { .. } => super::records::run_field,
        ExprKind::Index { .. } => super::indexing::run_index,
        _ => Interp::eval_any,
    }
}

/// `a and b`, `a or b`, `not a`, without the general evaluator's frame; an operand that
/// decides only by its truth goes through `eval_cond` (its int and float comparisons).
fn run_logic(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    match &e.kind {
        ExprKind::Not(x) => Ok(Value::Bool(!interp.eval_cond(f, x)?)),
        ExprKind::And(lhs, rhs) => {
            let a = interp.eval(f, lhs)?;
            if !a.truthy() {
                return Ok(a);
            }
            release(a);
            interp.eval(f, rhs)
        }
        ExprKind::Or(lhs, rhs) => {
            let a = interp.eval(f, lhs)?;
            if a.truthy() {
                return Ok(a);
            }
            release(a);
            interp.eval(f, rhs)
        }
        _ => interp.eval_any(f, e),
    }
}

/// `then if cond else otherwise`: the condition through `eval_cond`'s int fast path, then
/// only the chosen side.
fn run_if_else(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::IfElse {
        cond,
        then,
        otherwise,
    } = &e.kind
    {
        return if interp.eval_cond(f, cond)? {
            interp.eval(f, then)
        } else {
            interp.eval(f, otherwise)
        };
    }
    interp.eval_any(f, e)
}

fn run_const(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    match &e.kind {
        ExprKind::Const(v) => Ok(v.clone()),
        _ => interp.eval_any(f, e),
    }
}

fn run_local(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::Local(i) = &e.kind {
        match &interp.stack[f.base + *i as usize] {
            // An int copies without the general clone's dispatch.
            Slot::Val(Value::Int(n)) => return Ok(Value::Int(*n)),
            Slot::Val(v) => return Ok(v.clone()),
            _ => {}
        }
    }
    interp.eval_any(f, e)
}

fn run_global(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::Global(i) = &e.kind {
        if let Slot::Val(v) = &interp.globals[*i as usize] {
            return Ok(v.clone());
        }
    }
    interp.eval_any(f, e)
}

/// An operand's value where it lies, if it is a plain value (not a shared cell, not unset).
#[inline(always)]
fn plain_operand<'a>(interp: &'a Interp, f: &Frame, operand: &'a ir::Operand) -> Option<&'a Value> {
    match operand {
        ir::Operand::Const(v) => Some(v),
        ir::Operand::Local(i) => match &interp.stack[f.base + *i as usize] {
            Slot::Val(v) => Some(v),
            _ => None,
        },
        ir::Operand::Global(i) => match &interp.globals[*i as usize] {
            Slot::Val(v) => Some(v),
            _ => None,
        },
    }
}

/// An operand's int value, if it is a plain int where it lies.
#[inline(always)]
fn int_operand(interp: &Interp, f: &Frame, operand: &ir::Operand) -> Option<i64> {
    match plain_operand(interp, f, operand) {
        Some(Value::Int(i)) => Some(*i),
        _ => None,
    }
}

/// Two numbers read in place: ints first (the common case), then floats and mixed pairs;
/// `None` for anything else, or an int result that overflows, left to the general path.
#[inline(always)]
fn number_pair_op(op: BinaryOp, x: &Value, y: &Value) -> Option<Value> {
    if let (Value::Int(x), Value::Int(y)) = (x, y)
        && let Some(v) = int_op(op, *x, *y)
    {
        return Some(v);
    }
    float_pair_op(op, x, y)
}

fn run_binary_fast(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::BinaryFast(op, a, b) = &e.kind {
        if let (Some(x), Some(y)) = (plain_operand(interp, f, a), plain_operand(interp, f, b)) {
            if let Some(v) = number_pair_op(*op, x, y) {
                return Ok(v);
            }
        }
    }
    run_binary_fast_slow(interp, f, e)
}

/// How a `BinaryFast` operand is stored, for `run_binary_shaped`.
const LOCAL: u8 = 0;
const GLOBAL: u8 = 1;
const CONST: u8 = 2;

fn operand_shape(operand: &ir::Operand) -> u8 {
    match operand {
        ir::Operand::Local(_) => LOCAL,
        ir::Operand::Global(_) => GLOBAL,
        ir::Operand::Const(_) => CONST,
    }
}

/// `plain_operand` for an operand known to be of shape `K`: one test of the operand's kind.
#[inline(always)]
fn shaped_operand<'a, const K: u8>(
    interp: &'a Interp,
    f: &Frame,
    operand: &'a ir::Operand,
) -> Option<&'a Value> {
    let slot = match (K, operand) {
        (LOCAL, ir::Operand::Local(i)) => &interp.stack[f.base + *i as usize],
        (GLOBAL, ir::Operand::Global(i)) => &interp.globals[*i as usize],
        (CONST, ir::Operand::Const(v)) => return Some(v),
        _ => return None,
    };
    match slot {
        Slot::Val(v) => Some(v),
        _ => None,
    }
}

/// `run_binary_fast` for operands of shapes `A` and `B` (chosen by `runner_for`), which
/// spares decoding how each operand is stored.
fn run_binary_shaped<const A: u8, const B: u8>(
    interp: &mut Interp,
    f: &Frame,
    e: &ir::Expr,
) -> RtResult<Value> {
    if let ExprKind::BinaryFast(op, a, b) = &e.kind {
        if let (Some(x), Some(y)) = (
            shaped_operand::<A>(interp, f, a),
            shaped_operand::<B>(interp, f, b),
        ) {
            if let Some(v) = number_pair_op(*op, x, y) {
                return Ok(v);
            }
        }
    }
    run_binary_fast_slow(interp, f, e)
}

/// The runner for a `BinaryFast` node: shaped when neither operand is a constant or only one.
fn binary_fast_runner(a: &ir::Operand, b: &ir::Operand) -> EvalFn {
    match (operand_shape(a), operand_shape(b)) {
        (LOCAL, LOCAL) => run_binary_shaped::<LOCAL, LOCAL>,
        (LOCAL, CONST) => run_binary_shaped::<LOCAL, CONST>,
        (CONST, LOCAL) => run_binary_shaped::<CONST, LOCAL>,
        (LOCAL, GLOBAL) => run_binary_shaped::<LOCAL, GLOBAL>,
        (GLOBAL, LOCAL) => run_binary_shaped::<GLOBAL, LOCAL>,
        (GLOBAL, GLOBAL) => run_binary_shaped::<GLOBAL, GLOBAL>,
        (GLOBAL, CONST) => run_binary_shaped::<GLOBAL, CONST>,
        (CONST, GLOBAL) => run_binary_shaped::<CONST, GLOBAL>,
        _ => run_binary_fast,
    }
}

/// `x == nil` or `x != nil` on a local: its tag, read in place.
fn run_local_nil_test(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::BinaryFast(op, a, b) = &e.kind {
        let slot = match (a, b) {
            (ir::Operand::Local(i), _) | (_, ir::Operand::Local(i)) => {
                &interp.stack[f.base + *i as usize]
            }
            _ => return interp.eval_any(f, e),
        };
        if let Slot::Val(v) = slot {
            return Ok(Value::Bool(
                matches!(v, Value::Nil) == (*op == BinaryOp::Eq),
            ));
        }
    }
    interp.eval_any(f, e)
}

/// `e == nil` or `e != nil` (either side nil): the other side evaluated and its tag tested.
fn run_nil_test(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::Binary(op, lhs, rhs) = &e.kind {
        let other = match &rhs.kind {
            ExprKind::Const(Value::Nil) => lhs,
            _ => rhs,
        };
        // `node.next == nil` on a record in a local: the field is looked at where it is.
        if let ExprKind::Field {
            object,
            name,
            cache,
        } = &other.kind
            && let ExprKind::Local(i) = object.kind
            && let Slot::Val(Value::Record(record)) = &interp.stack[f.base + i as usize]
            && let Some(slot) = cache.slot(&record.ty, name)
        {
            let is_nil = matches!(record.slots()[slot], Value::Nil);
            return Ok(Value::Bool(is_nil == (*op == BinaryOp::Eq)));
        }
        let v = interp.eval(f, other)?;
        let is_nil = matches!(v, Value::Nil);
        release(v);
        return Ok(Value::Bool(is_nil == (*op == BinaryOp::Eq)));
    }
    interp.eval_any(f, e)
}

fn run_local_int_op(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::LocalIntOp(op, i, k) = &e.kind {
        if let Slot::Val(Value::Int(x)) = &interp.stack[f.base + *i as usize] {
            if let Some(v) = int_op(*op, *x, *k) {
                return Ok(v);
            }
        }
    }
    interp.eval_any(f, e)
}

/// Everything but int-with-int: floats, strs, overflow, errors, shared cells.
#[inline(never)]
fn run_binary_fast_slow(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::BinaryFast(op, a, b) = &e.kind {
        let (x, y, size) = match (interp.operand(f, a), interp.operand(f, b)) {
            (Some(x), Some(y)) => match build_cost(*op, &x, &y) {
                0 => return binary_values(*op, &x, &y).map_err(|m| RtError::new(m, e.span)),
                size => (x.clone(), y.clone(), size),
            },
            _ => return interp.eval_any(f, e),
        };
        return interp.build_binary(*op, &x, &y, size, e.span);
    }
    interp.eval_any(f, e)
}

/// `run_binary` for a right operand that is a local, a global or a constant (shape `B`, as
/// `runner_for` chose): read in place after the left one is evaluated, as `eval` would read
/// it, without a copy for the number cases.
fn run_binary_rhs<const B: u8>(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::Binary(op, lhs, rhs) = &e.kind {
        let a = interp.eval(f, lhs)?;
        let y = match (B, &rhs.kind) {
            (LOCAL, ExprKind::Local(i)) => match &interp.stack[f.base + *i as usize] {
                Slot::Val(v) => Some(v),
                _ => None,
            },
            (GLOBAL, ExprKind::Global(i)) => match &interp.globals[*i as usize] {
                Slot::Val(v) => Some(v),
                _ => None,
            },
            (CONST, ExprKind::Const(v)) => Some(v),
            _ => None,
        };
        let b = match y {
            Some(y) => {
                let v = match (&a, y) {
                    (Value::Int(x), Value::Int(y)) => int_op(*op, *x, *y),
                    _ => None,
                };
                if let Some(v) = v.or_else(|| scalar_op(*op, &a, y)) {
                    release(a);
                    return Ok(v);
                }
                y.clone()
            }
            None => interp.eval(f, rhs)?,
        };
        return interp.binary(*op, &a, &b, e.span);
    }
    interp.eval_any(f, e)
}

/// The runner for a `Binary` node (its right operand is not a plain one if its left is).
fn binary_runner(rhs: &ir::Expr) -> EvalFn {
    match rhs.kind {
        ExprKind::Local(_) => run_binary_rhs::<LOCAL>,
        ExprKind::Global(_) => run_binary_rhs::<GLOBAL>,
        ExprKind::Const(_) => run_binary_rhs::<CONST>,
        _ => run_binary,
    }
}

fn run_binary(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::Binary(op, lhs, rhs) = &e.kind {
        let a = interp.eval(f, lhs)?;
        let b = interp.eval(f, rhs)?;
        if let (Value::Int(x), Value::Int(y)) = (&a, &b) {
            if let Some(v) = int_op(*op, *x, *y) {
                // Ints own nothing; forgetting them spares two calls to the general drop.
                std::mem::forget(a);
                std::mem::forget(b);
                return Ok(v);
            }
        }
        if let Some(v) = float_pair_op(*op, &a, &b) {
            // Numbers, like ints, own nothing.
            std::mem::forget(a);
            std::mem::forget(b);
            return Ok(v);
        }
        return interp.binary(*op, &a, &b, e.span);
    }
    interp.eval_any(f, e)
}

impl Interp {
    /// The general evaluator: every kind of node (the specialized runners fall back here).
    pub(super) fn eval_any(&mut self, f: &Frame, expr: &ir::Expr) -> RtResult<Value> {
        match &expr.kind {
            ExprKind::Const(v) => Ok(v.clone()),
            ExprKind::Local(i) => match &self.stack[f.base + *i as usize] {
                Slot::Val(v) => Ok(v.clone()),
                Slot::Cell(c) => Ok(c.borrow().clone()),
                Slot::Uninit => Err(self.undefined(f, Place::Local(*i), expr.span)),
            },
            ExprKind::Global(i) => match &self.globals[*i as usize] {
                Slot::Val(v) => Ok(v.clone()),
                Slot::Cell(c) => Ok(c.borrow().clone()),
                Slot::Uninit => Err(self.undefined(f, Place::Global(*i), expr.span)),
            },
            ExprKind::Var(place) => self.read(f, *place, expr.span),
            ExprKind::Sibling(j, name) => self
                .sibling(f, *j)
                .ok_or_else(|| RtError::new(format!("`{name}` is not defined yet"), expr.span)),
            ExprKind::CallSibling(j, name, args) => {
                let Some(callee) = self.sibling(f, *j) else {
                    return Err(RtError::new(
                        format!("`{name}` is not defined yet"),
                        expr.span,
                    ));
                };
                self.eval_call(f, callee, args, expr.span)
            }
            ExprKind::Binary(op, lhs, rhs) => {
                let a = self.eval(f, lhs)?;
                let b = self.eval(f, rhs)?;
                self.binary(*op, &a, &b, expr.span)
            }
            ExprKind::BinaryFast(op, a, b) => {
                let (x, y) = match (self.operand(f, a), self.operand(f, b)) {
                    (Some(x), Some(y)) => (x.clone(), y.clone()),
                    _ => return Err(self.undefined_operand(f, a, b, expr.span)),
                };
                self.binary(*op, &x, &y, expr.span)
            }
            ExprKind::LocalIntOp(op, i, k) => {
                let a = self.read(f, Place::Local(*i), expr.span)?;
                self.binary(*op, &a, &Value::Int(*k), expr.span)
            }
            ExprKind::Call(call) => {
                let callee = self.eval(f, &call.callee)?;
                self.eval_call(f, callee, &call.args, expr.span)
            }
            ExprKind::CallGlobal(slot, args) => {
                let callee = match &self.globals[*slot as usize] {
                    Slot::Val(v) => v.clone(),
                    Slot::Cell(c) => c.borrow().clone(),
                    Slot::Uninit => return Err(self.undefined(f, Place::Global(*slot), expr.span)),
                };
                self.eval_call(f, callee, args, expr.span)
            }
            ExprKind::And(lhs, rhs) => {
                let a = self.eval(f, lhs)?;
                if !a.truthy() {
                    return Ok(a);
                }
                self.eval(f, rhs)
            }
            ExprKind::Or(lhs, rhs) => {
                let a = self.eval(f, lhs)?;
                if a.truthy() {
                    return Ok(a);
                }
                self.eval(f, rhs)
            }
            ExprKind::Not(e) => Ok(Value::Bool(!self.eval(f, e)?.truthy())),
            ExprKind::Neg(e) => {
                let v = self.eval(f, e)?;
                ops::negate(&v).map_err(|m| RtError::new(m, expr.span))
            }
            _ => self.eval_cold(f, expr),
        }
    }

    /// The less common expressions, kept out of `eval` so its stack frame stays small: every
    /// nested expression and call pays for that frame.
    #[inline(never)]
    fn eval_cold(&mut self, f: &Frame, expr: &ir::Expr) -> RtResult<Value> {
        match &expr.kind {
            ExprKind::FString(parts) => {
                let mut out = String::new();
                for part in parts.iter() {
                    match part {
                        ir::FPart::Lit(s) => self.append(&mut out, s, expr.span)?,
                        ir::FPart::Expr(e, spec) => {
                            let v = self.eval(f, e)?;
                            match spec {
                                None => {
                                    let text = self.display(&v, expr.span)?;
                                    self.append(&mut out, &text, expr.span)?;
                                }
                                Some(spec) => {
                                    crate::interp::format::apply(spec, &v, &mut out)
                                        .map_err(|m| RtError::new(m, e.span))?;
                                    self.check_size(Kind::Str, out.len(), expr.span)?;
                                }
                            }
                        }
                    }
                }
                self.charge(out.len() as u64, expr.span)?;
                Ok(Value::Str(out.into()))
            }
            ExprKind::List(items) => Ok(Value::list(self.eval_all(f, items)?)),
            ExprKind::Map(entries) => {
                let mut map = crate::interp::value::MapEntries::with_capacity_and_hasher(
                    entries.len(),
                    Default::default(),
                );
                for (k, v) in entries.iter() {
                    let key = self.eval(f, k)?;
                    let key = key.to_key().map_err(|m| RtError::new(m, k.span))?;
                    let value = self.eval(f, v)?;
                    map.insert(key, value);
                }
                Ok(Value::map(map))
            }
            ExprKind::Method {
                object, name, args, ..
            } => {
                let object = self.eval(f, object)?;
                let (positional, named) = self.eval_args(f, args)?;
                self.call_method(object, name, positional, named, expr.span)
            }
            ExprKind::Field {
                object,
                name,
                cache,
            } => {
                let object = self.eval(f, object)?;
                self.read_field(&object, name, cache, expr.span)
            }
            ExprKind::MakeRecord(ty) => Ok(self.make_record(f, ty)),
            ExprKind::Index { object, index } => {
                let object = self.eval(f, object)?;
                let index = self.eval(f, index)?;
                self.index(&object, &index, expr.span)
            }
            ExprKind::Closure(proto) => Ok(self.make_closure(f, proto)),
            ExprKind::Spawn(call) => {
                let callee = self.eval(f, &call.callee)?;
                let (positional, named) = self.eval_args(f, &call.args)?;
                runtime::process::spawn(self, callee, positional, named, expr.span)
            }
            ExprKind::Pool(args) => {
                let (positional, named) = self.eval_args(f, args)?;
                runtime::pool::new_pool(self, positional, named, expr.span)
            }
            ExprKind::ApplyAsync {
                pool,
                call,
                options,
            } => {
                let pool = self.eval(f, pool)?;
                let callee = self.eval(f, &call.callee)?;
                let (positional, named) = self.eval_args(f, &call.args)?;
                let (_, options) = self.eval_args(f, options)?;
                runtime::pool::apply_async(
                    self, pool, callee, positional, named, options, expr.span,
                )
            }
            ExprKind::Chain(chain) => self.eval_chain(f, chain),
            ExprKind::NamespaceCall(call) => self.namespace_call(f, call, expr.span),
            ExprKind::BitNot(e) => {
                let v = self.eval(f, e)?;
                ops::bit_not(&v).map_err(|m| RtError::new(m, expr.span))
            }
            ExprKind::IfElse { .. } => run_if_else(self, f, expr),
            ExprKind::Slice(slice) => self.eval_slice(f, slice, expr.span),
            ExprKind::Comprehension(comp) => self.eval_comprehension(f, comp, expr.span),
            _ => self.eval_any(f, expr),
        }
    }

    pub(crate) fn binary(
        &mut self,
        op: BinaryOp,
        a: &Value,
        b: &Value,
        span: Span,
    ) -> RtResult<Value> {
        if let Some(v) = quick_op(op, a, b) {
            return Ok(v);
        }
        match build_cost(op, a, b) {
            0 => ops::binary(op, a, b).map_err(|m| RtError::new(m, span)),
            size => self.build_binary(op, a, b, size, span),
        }
    }

    pub(super) fn eval_all(&mut self, f: &Frame, exprs: &[ir::Expr]) -> RtResult<Vec<Value>> {
        let mut out = Vec::with_capacity(exprs.len());
        for e in exprs {
            out.push(self.eval(f, e)?);
        }
        Ok(out)
    }

    pub(crate) fn eval_args(
        &mut self,
        f: &Frame,
        args: &Args,
    ) -> RtResult<(Vec<Value>, NamedArgs)> {
        let positional = self.eval_all(f, &args.positional)?;
        let mut named = Vec::with_capacity(args.named.len());
        for (name, e) in args.named.iter() {
            named.push((name.clone(), self.eval(f, e)?));
        }
        Ok((positional, named))
    }

    /// A condition's truth. Int comparisons of plain operands are decided without building a
    /// value, since they are most loop and `if` conditions.
    #[inline(always)]
    pub(super) fn eval_cond(&mut self, f: &Frame, cond: &ir::Expr) -> RtResult<bool> {
        if let ExprKind::LocalIntOp(op, i, y) = &cond.kind {
            if let Slot::Val(Value::Int(x)) = &self.stack[f.base + *i as usize] {
                if let Some(truth) = int_compare(*op, *x, *y) {
                    return Ok(truth);
                }
            }
        }
        if let ExprKind::BinaryFast(op, a, b) = &cond.kind {
            if let (Some(x), Some(y)) = (int_operand(self, f, a), int_operand(self, f, b)) {
                if let Some(truth) = int_compare(*op, x, y) {
                    return Ok(truth);
                }
            }
        }
        self.eval_cond_slow(f, cond)
    }

    #[inline(never)]
    fn eval_cond_slow(&mut self, f: &Frame, cond: &ir::Expr) -> RtResult<bool> {
        // `x == nil` / `x != nil` on a local, the usual loop condition over a linked structure.
        if let ExprKind::BinaryFast(op, ir::Operand::Local(i), ir::Operand::Const(Value::Nil)) =
            &cond.kind
            && is_equality(*op)
            && let Slot::Val(v) = &self.stack[f.base + *i as usize]
        {
            return Ok(matches!(v, Value::Nil) == (*op == BinaryOp::Eq));
        }
        match self.eval(f, cond)? {
            Value::Bool(truth) => Ok(truth),
            v => Ok(v.truthy()),
        }
    }

    /// An operand, borrowed where it lies (a shared cell's content is copied); `None` if it
    /// has no value yet.
    #[inline]
    fn operand<'a>(&'a self, f: &Frame, operand: &'a ir::Operand) -> Option<Operand<'a>> {
        let slot = match operand {
            ir::Operand::Const(v) => return Some(Operand::Borrowed(v)),
            ir::Operand::Local(i) => &self.stack[f.base + *i as usize],
            ir::Operand::Global(i) => &self.globals[*i as usize],
        };
        match slot {
            Slot::Val(v) => Some(Operand::Borrowed(v)),
            Slot::Cell(c) => Some(Operand::Owned(c.borrow().clone())),
            Slot::Uninit => None,
        }
    }

    #[cold]
    fn undefined_operand(
        &self,
        f: &Frame,
        a: &ir::Operand,
        b: &ir::Operand,
        span: Span,
    ) -> Box<RtError> {
        let place = |o: &ir::Operand| match o {
            ir::Operand::Local(i) => Some(Place::Local(*i)),
            ir::Operand::Global(i) => Some(Place::Global(*i)),
            ir::Operand::Const(_) => None,
        };
        let missing = if self.operand(f, a).is_none() {
            place(a)
        } else {
            place(b)
        };
        match missing {
            Some(p) => self.undefined(f, p, span),
            None => RtError::new("operand has no value", span),
        }
    }
}
