//! Statements: blocks, `if`, `while`, `for` (with the counting loop over `range`, and what a
//! loop walks through, which comprehensions share), bindings and assignments, `try`, `with`,
//! `throw`, `close`, `join` and `fn` declarations.

use super::{Flow, Frame, Slot};
use crate::interp::builtins::Builtin;
use std::rc::Rc;

use crate::interp::ir::{self, Binding, ExprKind, StmtKind};
use crate::interp::value::{Function, List, Value};
use crate::interp::{Interp, RtError, RtResult};
use crate::runtime;
use crate::syntax::Span;
use crate::syntax::ast::BinaryOp;

/// `target op= y` done where `target` lives, when both are ints (an arithmetic that does not
/// overflow) or floats (`+ - *`). False otherwise: the general path runs, and reports the
/// errors.
#[inline(always)]
pub(super) fn update_number_in_place(target: &mut Value, op: BinaryOp, y: &Value) -> bool {
    match (target, y) {
        (Value::Int(x), Value::Int(y)) => {
            let r = match op {
                BinaryOp::Add => x.checked_add(*y),
                BinaryOp::Sub => x.checked_sub(*y),
                BinaryOp::Mul => x.checked_mul(*y),
                BinaryOp::BitAnd => Some(*x & *y),
                BinaryOp::BitOr => Some(*x | *y),
                BinaryOp::BitXor => Some(*x ^ *y),
                _ => None,
            };
            match r {
                Some(r) => {
                    *x = r;
                    true
                }
                None => false,
            }
        }
        (Value::Float(x), Value::Float(y)) => {
            match op {
                BinaryOp::Add => *x += *y,
                BinaryOp::Sub => *x -= *y,
                BinaryOp::Mul => *x *= *y,
                _ => return false,
            }
            true
        }
        _ => false,
    }
}

impl Interp {
    #[inline]
    pub(super) fn exec_block(&mut self, f: &Frame, block: &[ir::Stmt]) -> RtResult<Flow> {
        for stmt in block {
            match self.exec(f, stmt)? {
                Flow::Normal => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    pub(super) fn exec(&mut self, f: &Frame, stmt: &ir::Stmt) -> RtResult<Flow> {
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
            StmtKind::AssignIndex {
                object,
                index,
                op,
                value,
            } => {
                self.assign_index(f, (object, index, *op, value), stmt.span)?;
                Ok(Flow::Normal)
            }
            StmtKind::AssignField {
                object,
                name,
                op,
                value,
                cache,
            } => {
                self.assign_field(f, (object, name, *op, value, cache), stmt.span)?;
                Ok(Flow::Normal)
            }
            StmtKind::For {
                var,
                iterable,
                body,
            } => self.exec_for(f, var, iterable, body, stmt.span),
            _ => self.exec_cold(f, stmt),
        }
    }

    #[inline(never)]
    fn exec_binding(&mut self, f: &Frame, stmt: &ir::Stmt) -> RtResult<Flow> {
        match &stmt.kind {
            StmtKind::Let(place, value) => {
                if let ir::Place::Local(i) = *place
                    && let Some(v) = self.local_field(f, value)
                {
                    self.stack[f.base + i as usize] = Slot::Val(v);
                    return Ok(Flow::Normal);
                }
                let v = self.eval(f, value)?;
                self.bind(f, *place, v);
            }
            StmtKind::Assign {
                place,
                name,
                op,
                value,
            } => {
                if op.is_none()
                    && let ir::Place::Local(i) = *place
                    && self.assign_local_field(f, i, value)
                {
                    return Ok(Flow::Normal);
                }
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

    /// `x = y.name` with `y` a record in a local and `x` a local (`x = x.next` walking a
    /// chain): the field is read in place and stored without the general read and assignment.
    /// False, having done nothing, when another path must run (and report the errors).
    #[inline(always)]
    fn assign_local_field(&mut self, f: &Frame, i: u32, value: &ir::Expr) -> bool {
        // Not through `local_field`: its `Option<Value>` goes through the stack in parts whose
        // reload cannot be forwarded from the store, which made `list` 35% slower in CPU time
        // for 3% more instructions.
        let ExprKind::Field {
            object,
            name,
            cache,
        } = &value.kind
        else {
            return false;
        };
        let ExprKind::Local(j) = object.kind else {
            return false;
        };
        let v = match &self.stack[f.base + j as usize] {
            Slot::Val(Value::Record(record)) => match cache.slot(&record.ty, name) {
                Some(slot) => record.slots()[slot].clone(),
                None => return false,
            },
            _ => return false,
        };
        match &mut self.stack[f.base + i as usize] {
            Slot::Val(old) => std::mem::replace(old, v).release(),
            Slot::Cell(c) => *c.borrow_mut() = v,
            Slot::Uninit => return false,
        }
        true
    }

    /// `y.name` with `y` a record in a local and `name` one of its fields, read in place;
    /// `None` when the general evaluation must run (and report the errors).
    #[inline(always)]
    fn local_field(&self, f: &Frame, value: &ir::Expr) -> Option<Value> {
        let ExprKind::Field {
            object,
            name,
            cache,
        } = &value.kind
        else {
            return None;
        };
        let ExprKind::Local(j) = object.kind else {
            return None;
        };
        match &self.stack[f.base + j as usize] {
            Slot::Val(Value::Record(record)) => {
                Some(record.slots()[cache.slot(&record.ty, name)?].clone())
            }
            _ => None,
        }
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
            StmtKind::LetUnpack(binding, value) => {
                let v = self.eval(f, value)?;
                self.bind_to(f, binding, v)?;
            }
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
            StmtKind::With { lock, name, body } => {
                let lock = self.eval(f, lock)?;
                if let Some(place) = name {
                    self.bind(f, *place, lock.clone());
                }
                if runtime::is_pool(&lock) {
                    return self.exec_with_pool(f, lock, body, stmt.span);
                }
                return self.exec_with(f, lock, body, stmt.span);
            }
            StmtKind::Close(e) => {
                let v = self.eval(f, e)?;
                runtime::close(v, stmt.span)?;
            }
            StmtKind::Join(e) => {
                let v = self.eval(f, e)?;
                runtime::join(self, v, stmt.span)?;
            }
            StmtKind::Import(source) => self.run_module(*source)?,
            _ => return self.exec(f, stmt),
        }
        Ok(Flow::Normal)
    }

    /// `object[index] = value`, or `object[index] op= value`. A list in a local is held by
    /// its reference (no general clone and drop of the value), and a number element is
    /// updated in place.
    #[inline(never)]
    fn assign_index(
        &mut self,
        f: &Frame,
        (object, index, op, value): (&ir::Expr, &ir::Expr, Option<BinaryOp>, &ir::Expr),
        span: Span,
    ) -> RtResult<()> {
        if let Some(list) = self.list_in_place(f, object) {
            let index = self.eval(f, index)?;
            let v = self.eval(f, value)?;
            if let Value::Int(i) = index {
                let mut items = list.borrow_mut();
                let len = items.len() as i64;
                let j = if i < 0 { i + len } else { i };
                if (0..len).contains(&j) {
                    let item = &mut items[j as usize];
                    match op {
                        None => {
                            // The old item is dropped after the borrow ends: dropping it may
                            // drop lists.
                            let old = std::mem::replace(item, v);
                            drop(items);
                            drop(old);
                            return Ok(());
                        }
                        Some(op) => {
                            if update_number_in_place(item, op, &v) {
                                return Ok(());
                            }
                        }
                    }
                }
            }
            return self.store_index(&Value::List(list), index, op, v, span);
        }
        let object = self.eval(f, object)?;
        let index = self.eval(f, index)?;
        let v = self.eval(f, value)?;
        self.store_index(&object, index, op, v, span)
    }

    /// The list in a local, or in a field of a record in a local (`self.items[i] = v`),
    /// taken without the general evaluation.
    #[inline(always)]
    fn list_in_place(&self, f: &Frame, object: &ir::Expr) -> Option<Rc<List>> {
        match &object.kind {
            ExprKind::Local(i) => match &self.stack[f.base + *i as usize] {
                Slot::Val(Value::List(list)) => Some(list.clone()),
                _ => None,
            },
            ExprKind::Field {
                object,
                name,
                cache,
            } => {
                let ExprKind::Local(r) = object.kind else {
                    return None;
                };
                let Slot::Val(Value::Record(record)) = &self.stack[f.base + r as usize] else {
                    return None;
                };
                match &record.slots()[cache.slot(&record.ty, name)?] {
                    Value::List(list) => Some(list.clone()),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn store_index(
        &mut self,
        object: &Value,
        index: Value,
        op: Option<BinaryOp>,
        mut v: Value,
        span: Span,
    ) -> RtResult<()> {
        if let Some(op) = op {
            let old = self.index(object, &index, span)?;
            v = self.binary(op, &old, &v, span)?;
        }
        self.set_index(object, index, v, span)
    }

    #[inline(never)]
    fn exec_for(
        &mut self,
        f: &Frame,
        var: &Binding,
        iterable: &ir::Expr,
        body: &[ir::Stmt],
        span: Span,
    ) -> RtResult<Flow> {
        // `for i in range(...)` counts without building the list.
        if let Some((start, stop, step)) = self.range_of(f, iterable)? {
            let mut i = start;
            while (step > 0 && i < stop) || (step < 0 && i > stop) {
                self.tick(span)?;
                // The variable still holds the last turn's int: overwrite it where it is.
                match var {
                    Binding::Name(ir::Place::Local(v)) => {
                        match &mut self.stack[f.base + *v as usize] {
                            Slot::Val(Value::Int(x)) => *x = i,
                            slot => *slot = Slot::Val(Value::Int(i)),
                        }
                    }
                    _ => self.bind_to(f, var, Value::Int(i))?,
                }
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
        if let Some(flow) = self.for_lines_of_file(f, var, iterable, body, span)? {
            return Ok(flow);
        }
        let seq = self.eval(f, iterable)?;
        if let Value::Handle(handle) = &seq {
            return self.for_handle(f, var, handle, body, span);
        }
        let list = self.iteration_items(seq, iterable.span)?;
        let mut index = 0;
        // Read the list fresh at every step: the body may push to or pop from it.
        loop {
            let next = list.borrow().get(index).cloned();
            let Some(item) = next else { break };
            index += 1;
            self.tick(span)?;
            self.bind_to(f, var, item)?;
            match self.exec_block(f, body)? {
                Flow::Break => break,
                Flow::Return(v) => return Ok(Flow::Return(v)),
                Flow::Normal | Flow::Continue => {}
            }
        }
        Ok(Flow::Normal)
    }

    /// `for x in it` over a runtime handle that yields its items one at a time (the iterator
    /// `p.imap(...)` returns): each item is asked for as the loop reaches it.
    fn for_handle(
        &mut self,
        f: &Frame,
        var: &Binding,
        handle: &crate::interp::value::HandleRef,
        body: &[ir::Stmt],
        span: Span,
    ) -> RtResult<Flow> {
        loop {
            let next = runtime::next_item(self, handle, span).unwrap_or_else(|| {
                Err(RtError::new(
                    format!(
                        "cannot iterate over {}",
                        crate::interp::value::a(handle.type_name())
                    ),
                    span,
                ))
            })?;
            let Some(item) = next else { break };
            self.tick(span)?;
            self.bind_to(f, var, item)?;
            match self.exec_block(f, body)? {
                Flow::Break => break,
                Flow::Return(v) => return Ok(Flow::Return(v)),
                Flow::Normal | Flow::Continue => {}
            }
        }
        Ok(Flow::Normal)
    }

    /// The bounds of `iterable` when it is a call of the builtin `range` (which a loop then
    /// counts through without building the list).
    pub(super) fn range_of(
        &mut self,
        f: &Frame,
        iterable: &ir::Expr,
    ) -> RtResult<Option<(i64, i64, i64)>> {
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
        let Some(positional) = range_args else {
            return Ok(None);
        };
        let args = self.eval_all(f, positional)?;
        crate::interp::builtins::range_bounds(&args)
            .map(Some)
            .map_err(|m| RtError::new(m, iterable.span))
    }

    /// What a `for` loop or a comprehension walks through for `seq`: a list as it is (read
    /// afresh at each step), a str's characters, a snapshot of a map's keys.
    pub(super) fn iteration_items(&mut self, seq: Value, span: Span) -> RtResult<Rc<List>> {
        match seq {
            Value::List(list) => Ok(list),
            Value::Str(s) => Ok(new_list(s.chars().map(|c| self.strs.char_str(c)).collect())),
            // A snapshot of the keys, so the body may change the map.
            Value::Map(m) => Ok(new_list(m.borrow().keys().map(|k| k.to_value()).collect())),
            // An iterator handle (`p.imap(...)`) in a comprehension: all its items.
            Value::Handle(h) if runtime::is_iterator(&h) => {
                let mut items = Vec::new();
                while let Some(item) = runtime::next_item(self, &h, span).unwrap_or(Ok(None))? {
                    items.push(item);
                }
                Ok(new_list(items))
            }
            other => Err(RtError::new(
                format!(
                    "cannot iterate over {}",
                    crate::interp::value::a(other.type_name())
                ),
                span,
            )),
        }
    }

    /// `for line in fs.lines(path)` reads the file as the loop runs, one line in memory at a
    /// time, rather than building the list of its lines first. `None`: not that loop.
    fn for_lines_of_file(
        &mut self,
        f: &Frame,
        var: &Binding,
        iterable: &ir::Expr,
        body: &[ir::Stmt],
        span: Span,
    ) -> RtResult<Option<Flow>> {
        let ExprKind::NamespaceCall(call) = &iterable.kind else {
            return Ok(None);
        };
        let direct = call.function == Builtin::FsLines
            && call.args.named.is_empty()
            && call.args.positional.len() == 1
            && matches!(
                &self.globals[call.slot as usize],
                Slot::Val(v) if crate::interp::stdlib::holds_namespace_of(v, call.function)
            );
        if !direct {
            return Ok(None);
        }
        let path = self.eval(f, &call.args.positional[0])?;
        let mut flow = Flow::Normal;
        crate::interp::stdlib::for_each_line(self, &path, iterable.span, |interp, line| {
            interp.tick(span)?;
            interp.bind_to(f, var, line)?;
            Ok(match interp.exec_block(f, body)? {
                Flow::Break => false,
                Flow::Return(v) => {
                    flow = Flow::Return(v);
                    false
                }
                Flow::Normal | Flow::Continue => {
                    interp.let_go_of_line(f, var);
                    true
                }
            })
        })?;
        Ok(Some(flow))
    }

    /// Between two turns of `for line in fs.lines(p)`, the loop variable lets go of its line
    /// (it is bound again at once, and nothing else can see it: the variable lives only in the
    /// loop, and a variable captured by a closure is a cell, left alone), so that the reader can
    /// reuse the line's memory when nothing else kept it.
    fn let_go_of_line(&mut self, f: &Frame, var: &Binding) {
        use crate::interp::ir::Place;
        let slot: &mut Slot = match var {
            Binding::Name(Place::Local(i)) => &mut self.stack[f.base + *i as usize],
            Binding::Name(Place::Global(i)) => &mut self.globals[*i as usize],
            _ => return,
        };
        if matches!(slot, Slot::Val(_)) {
            *slot = Slot::Val(Value::Nil);
        }
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

    /// `with pool(n) as p { ... }`: at the block's end the pool is closed and joined (its
    /// queued work finishes, unlike Python's `with Pool()`, which terminates); on an error in
    /// the block it is terminated, and the error goes on.
    fn exec_with_pool(
        &mut self,
        f: &Frame,
        pool: Value,
        body: &[ir::Stmt],
        span: Span,
    ) -> RtResult<Flow> {
        let result = self.exec_block(f, body);
        let ended = runtime::end_with_pool(self, pool, result.is_ok(), span);
        let flow = result?;
        ended?;
        Ok(flow)
    }
}

/// A list's storage, for iterating over values that are not lists themselves.
fn new_list(items: Vec<Value>) -> Rc<List> {
    let Value::List(list) = Value::list(items) else {
        unreachable!("Value::list builds a list");
    };
    list
}
