//! The tree-walking evaluator over the resolved IR.
//!
//! Locals live on one value stack (`Interp::stack`), a frame being a window `base..base+n`.
//! A local captured by a closure is moved into a shared cell the first time a closure captures
//! it ("lazy boxing"), so plain locals never pay for closures that might exist.

mod chain;

use std::cell::RefCell;
use std::rc::Rc;

use super::builtins::Builtin;
use super::ir::{self, Args, Capture, ExprKind, FnProto, Place, StmtKind};
use super::ops;
use super::sizes::Kind;
use super::value::{Closure, Function, Group, Value};
use super::{Interp, RtError, RtResult};
use crate::syntax::Span;
use crate::syntax::ast::BinaryOp;

/// Arguments passed as `name = value`, in call order.
pub type NamedArgs = Vec<(Rc<str>, Value)>;

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
/// operator the general path handles, such as `/`).
#[inline(always)]
fn int_op(op: BinaryOp, x: i64, y: i64) -> Option<Value> {
    if let Some(truth) = int_compare(op, x, y) {
        return Some(Value::Bool(truth));
    }
    match op {
        BinaryOp::Add => x.checked_add(y).map(Value::Int),
        BinaryOp::Sub => x.checked_sub(y).map(Value::Int),
        BinaryOp::Mul => x.checked_mul(y).map(Value::Int),
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

/// A binary operation with the integer cases done first, inline.
#[inline]
pub fn binary_values(op: BinaryOp, a: &Value, b: &Value) -> Result<Value, String> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        if let Some(v) = int_op(op, *x, *y) {
            return Ok(v);
        }
    }
    ops::binary(op, a, b)
}

/// How an expression node is evaluated (see `ir::Expr::run`).
pub type EvalFn = fn(&mut Interp, &Frame, &ir::Expr) -> RtResult<Value>;

/// Picks the evaluator for a node: small functions for the hot kinds, the general one else.
pub fn runner_for(kind: &ExprKind) -> EvalFn {
    match kind {
        ExprKind::Const(_) => run_const,
        ExprKind::Local(_) => run_local,
        ExprKind::Global(_) => run_global,
        ExprKind::BinaryFast(..) => run_binary_fast,
        ExprKind::LocalIntOp(..) => run_local_int_op,
        ExprKind::Binary(..) => run_binary,
        ExprKind::CallGlobal(..) => run_call_global,
        ExprKind::CallSibling(..) => run_call_sibling,
        _ => Interp::eval_any,
    }
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

/// An operand's int value, if it is a plain int where it lies.
#[inline(always)]
fn int_operand(interp: &Interp, f: &Frame, operand: &ir::Operand) -> Option<i64> {
    let value = match operand {
        ir::Operand::Const(v) => v,
        ir::Operand::Local(i) => match &interp.stack[f.base + *i as usize] {
            Slot::Val(v) => v,
            _ => return None,
        },
        ir::Operand::Global(i) => match &interp.globals[*i as usize] {
            Slot::Val(v) => v,
            _ => return None,
        },
    };
    match value {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

fn run_binary_fast(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::BinaryFast(op, a, b) = &e.kind {
        // Integers, the common case, straight from their slots.
        if let (Some(x), Some(y)) = (int_operand(interp, f, a), int_operand(interp, f, b)) {
            if let Some(v) = int_op(*op, x, y) {
                return Ok(v);
            }
        }
    }
    run_binary_fast_slow(interp, f, e)
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

/// How many items a binary operation builds beyond a single value: the length of a repeated
/// or concatenated str or list (0 for everything else). The operation limit counts them, so a
/// limited script cannot build a huge value in one step.
fn build_cost(op: BinaryOp, a: &Value, b: &Value) -> u64 {
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
        _ => 0,
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
        return interp.binary(*op, &a, &b, e.span);
    }
    interp.eval_any(f, e)
}

fn run_call_global(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::CallGlobal(slot, args) = &e.kind {
        match &interp.globals[*slot as usize] {
            Slot::Val(Value::Function(Function::Closure(closure))) => {
                let closure = closure.clone();
                // The check `call_closure` makes, repeated so the common call skips a level.
                if is_exact_call(args, &closure.proto) {
                    return interp.call_exact(f, &closure, &args.positional, e.span);
                }
                return interp.call_closure(f, &closure, args, e.span);
            }
            Slot::Val(callee) => {
                let callee = callee.clone();
                return interp.eval_call(f, callee, args, e.span);
            }
            _ => {}
        }
    }
    interp.eval_any(f, e)
}

/// One positional argument for every parameter and none named: the call `call_exact` runs.
#[inline(always)]
fn is_exact_call(args: &Args, proto: &FnProto) -> bool {
    args.named.is_empty() && args.positional.len() == proto.params.len()
}

fn run_call_sibling(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::CallSibling(j, _, args) = &e.kind {
        // Recursion: the running closure calls itself, with no reference count to touch.
        if let (Some(closure), true) = (f.closure, f.proto.sibling_index == Some(*j)) {
            return interp.call_closure(f, closure, args, e.span);
        }
        if let Some(sibling) = f.closure.and_then(|c| c.group.as_ref()?.get(*j)) {
            return interp.call_closure(f, &sibling, args, e.span);
        }
    }
    interp.eval_any(f, e)
}

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

/// Stack kept free before entering a script function; deeper calls continue on a new segment.
const STACK_RED_ZONE: usize = 4 * 1024 * 1024;
const STACK_SEGMENT: usize = 16 * 1024 * 1024;
const STACK_CHECK_EVERY: usize = 16;

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

    #[inline]
    fn exec_block(&mut self, f: &Frame, block: &[ir::Stmt]) -> RtResult<Flow> {
        for stmt in block {
            match self.exec(f, stmt)? {
                Flow::Normal => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    fn exec(&mut self, f: &Frame, stmt: &ir::Stmt) -> RtResult<Flow> {
        match &stmt.kind {
            StmtKind::Expr(e) => {
                self.eval(f, e)?;
                Ok(Flow::Normal)
            }
            StmtKind::If { arms, otherwise } => {
                for (cond, body) in arms.iter() {
                    if self.eval_cond(f, cond)? {
                        return self.exec_block(f, body);
                    }
                }
                match otherwise {
                    Some(body) => self.exec_block(f, body),
                    None => Ok(Flow::Normal),
                }
            }
            StmtKind::ReturnIf { cond, value } => {
                if self.eval_cond(f, cond)? {
                    Ok(Flow::Return(self.eval(f, value)?))
                } else {
                    Ok(Flow::Normal)
                }
            }
            StmtKind::Return(Some(e)) => Ok(Flow::Return(self.eval(f, e)?)),
            StmtKind::Return(None) => Ok(Flow::Return(Value::Nil)),
            StmtKind::Break => Ok(Flow::Break),
            StmtKind::Continue => Ok(Flow::Continue),
            StmtKind::Let(..) | StmtKind::Assign { .. } => self.exec_binding(f, stmt),
            StmtKind::While { cond, body } => self.exec_while(f, cond, body, stmt.span),
            _ => self.exec_cold(f, stmt),
        }
    }

    #[inline(never)]
    fn exec_binding(&mut self, f: &Frame, stmt: &ir::Stmt) -> RtResult<Flow> {
        match &stmt.kind {
            StmtKind::Let(place, value) => {
                let v = self.eval(f, value)?;
                self.bind(f, *place, v);
            }
            StmtKind::Assign {
                place,
                name,
                op,
                value,
            } => {
                let mut v = self.eval(f, value)?;
                if let Some(op) = op {
                    if self.update_int_in_place(f, *place, *op, &v) {
                        return Ok(Flow::Normal);
                    }
                    let old = self.read(f, *place, stmt.span)?;
                    v = self.binary(*op, &old, &v, stmt.span)?;
                }
                self.assign(f, *place, name, v, stmt.span)?;
            }
            _ => return self.exec_cold(f, stmt),
        }
        Ok(Flow::Normal)
    }

    #[inline(never)]
    fn exec_while(
        &mut self,
        f: &Frame,
        cond: &ir::Expr,
        body: &[ir::Stmt],
        span: Span,
    ) -> RtResult<Flow> {
        while self.eval_cond(f, cond)? {
            self.tick(span)?;
            match self.exec_block(f, body)? {
                Flow::Break => break,
                Flow::Return(v) => return Ok(Flow::Return(v)),
                Flow::Normal | Flow::Continue => {}
            }
        }
        Ok(Flow::Normal)
    }

    /// The less common statements, out of line so that `exec` keeps a small stack frame.
    #[inline(never)]
    fn exec_cold(&mut self, f: &Frame, stmt: &ir::Stmt) -> RtResult<Flow> {
        match &stmt.kind {
            StmtKind::AssignIndex {
                object,
                index,
                op,
                value,
            } => {
                let object = self.eval(f, object)?;
                let index = self.eval(f, index)?;
                let mut v = self.eval(f, value)?;
                if let Some(op) = op {
                    let old = self.index(&object, &index, stmt.span)?;
                    v = self.binary(*op, &old, &v, stmt.span)?;
                }
                self.set_index(&object, index, v, stmt.span)?;
            }
            StmtKind::FnDecl {
                place,
                proto,
                group,
            } => self.declare_fn(f, *place, proto, *group),
            StmtKind::FreshFns(slots) => {
                for &slot in slots.iter() {
                    self.stack[f.base + slot as usize] = Slot::Uninit;
                }
            }
            StmtKind::For {
                var,
                iterable,
                body,
            } => return self.exec_for(f, *var, iterable, body, stmt.span),
            StmtKind::Throw(e) => {
                let v = self.eval(f, e)?;
                return Err(RtError::new(v.to_display(), stmt.span));
            }
            StmtKind::Try { body, err, handler } => {
                let depth = self.depth;
                let stack_len = self.stack.len();
                match self.exec_block(f, body) {
                    Err(e) if e.catchable() => {
                        self.depth = depth;
                        self.stack.truncate(stack_len);
                        if let Some(place) = err {
                            self.bind(f, *place, Value::Str(e.message.into()));
                        }
                        return self.exec_block(f, handler);
                    }
                    other => return other,
                }
            }
            StmtKind::With { lock, body } => {
                let lock = self.eval(f, lock)?;
                return self.exec_with(f, lock, body, stmt.span);
            }
            StmtKind::Close(e) => {
                let v = self.eval(f, e)?;
                self.close(v, stmt.span)?;
            }
            StmtKind::Join(e) => {
                let v = self.eval(f, e)?;
                self.join(v, stmt.span)?;
            }
            _ => return self.exec(f, stmt),
        }
        Ok(Flow::Normal)
    }

    /// `x += n` on an int variable, done where the variable lives. False if not applicable
    /// (other types, overflow, a shared cell): the general path then runs and reports errors.
    #[inline]
    fn update_int_in_place(&mut self, f: &Frame, place: Place, op: BinaryOp, rhs: &Value) -> bool {
        let Value::Int(y) = *rhs else { return false };
        let slot = match place {
            Place::Local(i) => &mut self.stack[f.base + i as usize],
            Place::Global(i) => &mut self.globals[i as usize],
            Place::Upvalue(_) => return false,
        };
        let Slot::Val(Value::Int(x)) = slot else {
            return false;
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

    fn exec_for(
        &mut self,
        f: &Frame,
        var: Place,
        iterable: &ir::Expr,
        body: &[ir::Stmt],
        span: Span,
    ) -> RtResult<Flow> {
        // `for i in range(...)` counts without building the list.
        let range_args = match &iterable.kind {
            ExprKind::Call(call) if call.args.named.is_empty() => {
                match self.eval(f, &call.callee)? {
                    Value::Function(Function::Builtin(Builtin::Range)) => {
                        Some(&call.args.positional)
                    }
                    _ => None,
                }
            }
            ExprKind::CallGlobal(slot, args) if args.named.is_empty() => {
                match self.globals.get(*slot as usize) {
                    Some(Slot::Val(Value::Function(Function::Builtin(Builtin::Range)))) => {
                        Some(&args.positional)
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(positional) = range_args {
            let args = self.eval_all(f, positional)?;
            let (start, stop, step) =
                super::builtins::range_bounds(&args).map_err(|m| RtError::new(m, iterable.span))?;
            let mut i = start;
            while (step > 0 && i < stop) || (step < 0 && i > stop) {
                self.tick(span)?;
                self.bind(f, var, Value::Int(i));
                match self.exec_block(f, body)? {
                    Flow::Break => break,
                    Flow::Return(v) => return Ok(Flow::Return(v)),
                    Flow::Normal | Flow::Continue => {}
                }
                let Some(next) = i.checked_add(step) else {
                    break;
                };
                i = next;
            }
            return Ok(Flow::Normal);
        }
        let seq = self.eval(f, iterable)?;
        let items = match &seq {
            Value::List(_) => seq,
            Value::Str(s) => Value::list(
                s.chars()
                    .map(|c| Value::Str(c.to_string().into()))
                    .collect(),
            ),
            // Iterate over a snapshot of the keys, so the body may change the map.
            Value::Map(m) => Value::list(m.borrow().keys().map(|k| k.to_value()).collect()),
            other => {
                return Err(RtError::new(
                    format!(
                        "cannot iterate over {}",
                        crate::interp::value::a(other.type_name())
                    ),
                    iterable.span,
                ));
            }
        };
        let Value::List(list) = &items else {
            return Ok(Flow::Normal);
        };
        let mut index = 0;
        // Read the list fresh at every step: the body may push to or pop from it.
        loop {
            let next = list.borrow().get(index).cloned();
            let Some(item) = next else { break };
            index += 1;
            self.tick(span)?;
            self.bind(f, var, item);
            match self.exec_block(f, body)? {
                Flow::Break => break,
                Flow::Return(v) => return Ok(Flow::Return(v)),
                Flow::Normal | Flow::Continue => {}
            }
        }
        Ok(Flow::Normal)
    }

    fn exec_with(
        &mut self,
        f: &Frame,
        lock: Value,
        body: &[ir::Stmt],
        span: Span,
    ) -> RtResult<Flow> {
        self.call_method(lock.clone(), "acquire", Vec::new(), Vec::new(), span)?;
        let result = self.exec_block(f, body);
        let released = self.call_method(lock, "release", Vec::new(), Vec::new(), span);
        let flow = result?;
        released?;
        Ok(flow)
    }

    #[inline(always)]
    pub(crate) fn eval(&mut self, f: &Frame, expr: &ir::Expr) -> RtResult<Value> {
        (expr.run)(self, f, expr)
    }

    /// The general evaluator: every kind of node (the specialized runners fall back here).
    fn eval_any(&mut self, f: &Frame, expr: &ir::Expr) -> RtResult<Value> {
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
                                    super::format::apply(spec, &v, &mut out)
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
                let mut map = indexmap::IndexMap::with_capacity(entries.len());
                for (k, v) in entries.iter() {
                    let key = self.eval(f, k)?;
                    let key = key.to_key().map_err(|m| RtError::new(m, k.span))?;
                    let value = self.eval(f, v)?;
                    map.insert(key, value);
                }
                Ok(Value::map(map))
            }
            ExprKind::Method { object, name, args } => {
                let object = self.eval(f, object)?;
                let (positional, named) = self.eval_args(f, args)?;
                self.call_method(object, name, positional, named, expr.span)
            }
            ExprKind::Field { object, name } => {
                let object = self.eval(f, object)?;
                self.field(&object, name, expr.span)
            }
            ExprKind::Index { object, index } => {
                let object = self.eval(f, object)?;
                let index = self.eval(f, index)?;
                self.index(&object, &index, expr.span)
            }
            ExprKind::Closure(proto) => Ok(self.make_closure(f, proto)),
            ExprKind::Spawn(call) => {
                let callee = self.eval(f, &call.callee)?;
                let (positional, named) = self.eval_args(f, &call.args)?;
                self.spawn(callee, positional, named, expr.span)
            }
            ExprKind::Pool(args) => {
                let (positional, named) = self.eval_args(f, args)?;
                self.new_pool(positional, named, expr.span)
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
                self.apply_async(pool, callee, positional, named, options, expr.span)
            }
            ExprKind::Chain(chain) => self.eval_chain(f, chain),
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
        match build_cost(op, a, b) {
            0 => binary_values(op, a, b).map_err(|m| RtError::new(m, span)),
            size => self.build_binary(op, a, b, size, span),
        }
    }

    fn eval_all(&mut self, f: &Frame, exprs: &[ir::Expr]) -> RtResult<Vec<Value>> {
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
    fn eval_cond(&mut self, f: &Frame, cond: &ir::Expr) -> RtResult<bool> {
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
        Ok(self.eval(f, cond)?.truthy())
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

    fn eval_call(
        &mut self,
        f: &Frame,
        callee: Value,
        call_args: &Args,
        span: Span,
    ) -> RtResult<Value> {
        match callee {
            Value::Function(Function::Closure(closure)) => {
                self.call_closure(f, &closure, call_args, span)
            }
            other => {
                let (positional, named) = self.eval_args(f, call_args)?;
                self.call_value(other, positional, named, span)
            }
        }
    }

    /// Calls a script function with unevaluated arguments: they are evaluated straight into
    /// the callee's frame, with no temporary vector.
    fn call_closure(
        &mut self,
        f: &Frame,
        closure: &Rc<Closure>,
        call_args: &Args,
        span: Span,
    ) -> RtResult<Value> {
        if is_exact_call(call_args, &closure.proto) {
            return self.call_exact(f, closure, &call_args.positional, span);
        }
        let base = self.stack.len();
        self.push_args(f, &call_args.positional, base)?;
        let mut named = Vec::with_capacity(call_args.named.len());
        for (name, e) in call_args.named.iter() {
            match self.eval(f, e) {
                Ok(v) => named.push((name.clone(), v)),
                Err(e) => {
                    self.stack.truncate(base);
                    return Err(e);
                }
            }
        }
        let named = (!named.is_empty()).then_some(named);
        self.invoke(closure, base, call_args.positional.len(), named, span)
    }

    /// Evaluates arguments onto the stack above `base`; on an error, the stack is cut back to
    /// `base`.
    #[inline(always)]
    fn push_args(&mut self, f: &Frame, args: &[ir::Expr], base: usize) -> RtResult<()> {
        for arg in args {
            match self.eval(f, arg) {
                Ok(v) => self.stack.push(Slot::Val(v)),
                Err(e) => {
                    self.stack.truncate(base);
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// The common call: one argument for every parameter, none named. Nothing to check but
    /// the depth and the operation count, and no defaults to fill, so it skips the general
    /// entry (`invoke`).
    #[inline]
    fn call_exact(
        &mut self,
        f: &Frame,
        closure: &Rc<Closure>,
        args: &[ir::Expr],
        span: Span,
    ) -> RtResult<Value> {
        let base = self.stack.len();
        self.push_args(f, args, base)?;
        let proto = &*closure.proto;
        if self.depth >= self.limits.max_call_depth {
            self.stack.truncate(base);
            return Err(self.too_deep(proto, span));
        }
        if let Err(e) = self.tick(span) {
            self.stack.truncate(base);
            return Err(e);
        }
        let n_locals = proto.n_locals as usize;
        if n_locals > args.len() {
            self.stack.resize(base + n_locals, Slot::Uninit);
        }
        self.depth += 1;
        let frame = Frame {
            base,
            captures: &closure.captures,
            proto,
            closure: Some(closure),
        };
        let result = if self.depth % STACK_CHECK_EVERY == 0 {
            stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                self.exec_block(&frame, &proto.body)
            })
        } else {
            self.exec_block(&frame, &proto.body)
        };
        self.depth -= 1;
        self.pop_frame(base);
        match result {
            Ok(Flow::Return(v)) => Ok(v),
            Ok(_) => Ok(Value::Nil),
            Err(mut e) => {
                e.add_trace(&proto.name, span);
                Err(e)
            }
        }
    }

    /// Removes a returning call's frame. Plain values own nothing, so they are forgotten
    /// rather than passed to the general drop (one call per slot otherwise).
    #[inline(always)]
    fn pop_frame(&mut self, base: usize) {
        while self.stack.len() > base {
            match self.stack.pop() {
                Some(Slot::Val(
                    v @ (Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Nil),
                )) => std::mem::forget(v),
                other => drop(other),
            }
        }
    }

    #[cold]
    fn too_deep(&self, proto: &FnProto, span: Span) -> Box<RtError> {
        RtError::limit(
            format!(
                "recursion too deep: more than {} nested calls (in {}())",
                self.limits.max_call_depth, proto.name
            ),
            span,
        )
    }

    /// Calls a callable with one argument (what `map` does for every item), without building
    /// an argument vector for script functions.
    #[cfg(unix)]
    pub(crate) fn call_one(&mut self, callee: &Value, arg: Value, span: Span) -> RtResult<Value> {
        match callee {
            Value::Function(Function::Closure(closure)) => {
                let base = self.stack.len();
                self.stack.push(Slot::Val(arg));
                self.invoke(closure, base, 1, None, span)
            }
            other => self.call_value(other.clone(), vec![arg], Vec::new(), span),
        }
    }

    /// Calls any callable value with evaluated arguments.
    pub(crate) fn call_value(
        &mut self,
        callee: Value,
        positional: Vec<Value>,
        named: Vec<(Rc<str>, Value)>,
        span: Span,
    ) -> RtResult<Value> {
        match callee {
            Value::Function(Function::Closure(closure)) => {
                let base = self.stack.len();
                let n = positional.len();
                self.stack.extend(positional.into_iter().map(Slot::Val));
                let named = (!named.is_empty()).then_some(named);
                self.invoke(&closure, base, n, named, span)
            }
            Value::Function(Function::Builtin(b)) => self.call_builtin(b, positional, named, span),
            Value::Function(Function::Native(n)) => {
                if let Some((name, _)) = named.first() {
                    return Err(RtError::new(
                        format!("{}() takes no named argument `{name}`", n.name),
                        span,
                    ));
                }
                self.tick(span)?;
                n.call(&positional).map_err(|m| RtError::new(m, span))
            }
            other => Err(RtError::new(
                format!(
                    "{} is not callable",
                    crate::interp::value::a(other.type_name())
                ),
                span,
            )),
        }
    }

    /// Runs a closure whose first `n_positional` arguments are already on the stack at `base`.
    fn invoke(
        &mut self,
        closure: &Rc<Closure>,
        base: usize,
        n_positional: usize,
        named: Option<NamedArgs>,
        span: Span,
    ) -> RtResult<Value> {
        let proto = &*closure.proto;
        if let Err(e) = self.enter_call(proto, base, n_positional, named, span) {
            self.stack.truncate(base);
            return Err(e);
        }
        let frame = Frame {
            base,
            captures: &closure.captures,
            proto,
            closure: Some(closure),
        };
        // Checking the stack costs a little, so it is done every few levels; the red zone is
        // sized for that many levels of the deepest frames (debug builds included).
        let result = if self.depth % STACK_CHECK_EVERY == 0 {
            stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || {
                self.run_body(&frame, n_positional, span)
            })
        } else {
            self.run_body(&frame, n_positional, span)
        };
        self.depth -= 1;
        self.stack.truncate(base);
        match result {
            Ok(Flow::Return(v)) => Ok(v),
            Ok(_) => Ok(Value::Nil),
            Err(mut e) => {
                e.add_trace(&proto.name, span);
                Err(e)
            }
        }
    }

    fn run_body(&mut self, frame: &Frame, n_positional: usize, span: Span) -> RtResult<Flow> {
        if n_positional < frame.proto.params.len() {
            self.fill_defaults(frame, span)?;
        }
        self.exec_block(frame, &frame.proto.body)
    }

    /// Places `name = value` arguments into their parameter slots.
    #[cold]
    fn bind_named(
        &mut self,
        proto: &FnProto,
        base: usize,
        n_positional: usize,
        named: NamedArgs,
        span: Span,
    ) -> RtResult<()> {
        for (name, value) in named {
            let Some(i) = proto.params.iter().position(|p| p.name == name) else {
                return Err(RtError::new(
                    format!("{}() has no parameter named `{name}`", proto.name),
                    span,
                ));
            };
            if i < n_positional {
                return Err(RtError::new(
                    format!("{}() got two values for `{name}`", proto.name),
                    span,
                ));
            }
            self.stack[base + i] = Slot::Val(value);
        }
        Ok(())
    }

    fn enter_call(
        &mut self,
        proto: &FnProto,
        base: usize,
        n_positional: usize,
        named: Option<NamedArgs>,
        span: Span,
    ) -> RtResult<()> {
        let n_params = proto.params.len();
        if n_positional > n_params {
            return Err(RtError::new(
                format!(
                    "{}() takes {} argument{} but {} were given",
                    proto.name,
                    n_params,
                    if n_params == 1 { "" } else { "s" },
                    n_positional
                ),
                span,
            ));
        }
        if self.depth >= self.limits.max_call_depth {
            return Err(self.too_deep(proto, span));
        }
        self.tick(span)?;
        let n_locals = proto.n_locals as usize;
        if n_locals > n_positional {
            self.stack.resize(base + n_locals, Slot::Uninit);
        }
        if let Some(named) = named {
            self.bind_named(proto, base, n_positional, named, span)?;
        }
        if n_positional < n_params
            && let Some(missing) =
                proto.params.iter().enumerate().find(|(i, p)| {
                    p.default.is_none() && matches!(self.stack[base + i], Slot::Uninit)
                })
        {
            return Err(RtError::new(
                format!("{}() is missing argument `{}`", proto.name, missing.1.name),
                span,
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn fill_defaults(&mut self, f: &Frame, span: Span) -> RtResult<()> {
        for (i, param) in f.proto.params.iter().enumerate() {
            if matches!(self.stack[f.base + i], Slot::Uninit) {
                let Some(default) = &param.default else {
                    return Err(RtError::new(
                        format!("{}() is missing argument `{}`", f.proto.name, param.name),
                        span,
                    ));
                };
                let v = self.eval(f, default)?;
                self.stack[f.base + i] = Slot::Val(v);
            }
        }
        Ok(())
    }

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
    fn sibling(&self, f: &Frame, j: u32) -> Option<Value> {
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
    fn declare_fn(
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

    fn undefined(&self, f: &Frame, place: Place, span: Span) -> Box<RtError> {
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
    fn assign(
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
