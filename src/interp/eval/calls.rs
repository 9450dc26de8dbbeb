//! Calls: the call-site runners (`f(x)` on a global, a function calling itself or a sibling),
//! the exact-arity fast path, the general entry with named arguments and defaults, calling any
//! callable value from the runtime, and the stack growth that keeps deep recursion safe.

use std::rc::Rc;

use super::{Flow, Frame, NamedArgs, Slot};
use crate::interp::ir::{self, Args, ExprKind, FnProto, StmtKind};
use crate::interp::record::{FieldCache, constructor_type};
use crate::interp::value::{Closure, Function, Value};
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;

pub(super) fn run_call_global(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::CallGlobal(slot, args) = &e.kind {
        match &interp.globals[*slot as usize] {
            Slot::Val(Value::Function(Function::Closure(closure))) => {
                let closure = closure.clone();
                // The check `call_closure` makes, repeated so the common call skips a level.
                if is_exact_call(args, &closure.proto) {
                    if let Some(ty) = &closure.proto.builds {
                        return interp.construct(f, ty, &args.positional, e.span);
                    }
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

pub(super) fn run_call_sibling(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
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

pub(super) fn run_namespace_call(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    match &e.kind {
        ExprKind::NamespaceCall(call) => interp.namespace_call(f, call, e.span),
        _ => interp.eval_any(f, e),
    }
}

/// `f(x)` where `f` is an expression (a local, a captured variable...): a script function
/// with one argument per parameter goes straight to the exact-arity path.
pub(super) fn run_call(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::Call(call) = &e.kind {
        // The closure is taken out of the value so that letting it go is an inline decrement.
        return match interp.eval(f, &call.callee)? {
            Value::Function(Function::Closure(closure))
                if is_exact_call(&call.args, &closure.proto) =>
            {
                interp.call_exact(f, &closure, &call.args.positional, e.span)
            }
            callee => interp.eval_call(f, callee, &call.args, e.span),
        };
    }
    interp.eval_any(f, e)
}

pub(super) fn run_method(interp: &mut Interp, f: &Frame, e: &ir::Expr) -> RtResult<Value> {
    if let ExprKind::Method {
        object,
        name,
        args,
        cache,
    } = &e.kind
    {
        return interp.method_call(f, (object, name, args, cache), e.span);
    }
    interp.eval_any(f, e)
}

/// The error for a call that gives no value to a parameter without a default; for a
/// record's constructor, the parameter is a field, and the message lists them.
#[cold]
fn missing_argument(proto: &FnProto, name: &str) -> String {
    match constructor_type(proto) {
        Some(ty) => format!(
            "{}() is missing field `{name}` (fields: {})",
            proto.name,
            ty.field_list()
        ),
        None => format!("{}() is missing argument `{name}`", proto.name),
    }
}

/// A call's error with the call added to its trace.
#[cold]
#[inline(never)]
fn traced(mut e: Box<RtError>, proto: &FnProto, span: Span) -> Box<RtError> {
    e.add_trace(&proto.name, span);
    e
}

/// Stack kept free before entering a script function; deeper calls continue on a new segment.
const STACK_RED_ZONE: usize = 4 * 1024 * 1024;
const STACK_SEGMENT: usize = 16 * 1024 * 1024;
const STACK_CHECK_EVERY: usize = 16;

impl Interp {
    /// `fs.read(x)`: the builtin at once while the global holds its namespace (no method
    /// lookup by name); otherwise a method call on the global's value.
    pub(super) fn namespace_call(
        &mut self,
        f: &Frame,
        call: &ir::NamespaceCall,
        span: Span,
    ) -> RtResult<Value> {
        let direct = matches!(
            &self.globals[call.slot as usize],
            Slot::Val(v) if crate::interp::stdlib::holds_namespace_of(v, call.function)
        );
        if direct {
            if let ([arg], []) = (&*call.args.positional, &*call.args.named) {
                let x = self.eval(f, arg)?;
                if let Some(v) = crate::interp::stdlib::math::unary_fast(call.function, &x) {
                    return Ok(v);
                }
                return self.call_builtin(call.function, vec![x], Vec::new(), span);
            }
            let (positional, named) = self.eval_args(f, &call.args)?;
            return self.call_builtin(call.function, positional, named, span);
        }
        let object = self.eval(f, &call.object)?;
        let (positional, named) = self.eval_args(f, &call.args)?;
        self.call_method(object, &call.name, positional, named, span)
    }

    pub(super) fn eval_call(
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

    /// `Point(1, 2)` with every field given: the record is built from the arguments at once
    /// (no frame: the constructor's body would only copy its parameters into the record).
    #[inline(never)]
    fn construct(
        &mut self,
        f: &Frame,
        ty: &Rc<crate::interp::record::RecordType>,
        args: &[ir::Expr],
        span: Span,
    ) -> RtResult<Value> {
        self.tick(span)?;
        crate::interp::record::Record::build(ty, |i| self.eval(f, &args[i]))
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
        self.run_exact(closure, base, span)
    }

    /// Runs a closure whose arguments, one for every parameter, are on the stack at `base`.
    #[inline(always)]
    fn run_exact(&mut self, closure: &Rc<Closure>, base: usize, span: Span) -> RtResult<Value> {
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
        let n_params = proto.params.len();
        if n_locals > n_params {
            self.push_locals(n_locals - n_params);
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
                self.run_function_body(&frame, &proto.body)
            })
        } else {
            self.run_function_body(&frame, &proto.body)
        };
        self.depth -= 1;
        self.pop_frame(base);
        result.map_err(|e| traced(e, proto, span))
    }

    /// Runs a function's body to its value. The statements that end most bodies, `return v`
    /// and the guard clause `if c { return v }`, are run here, their value returned as it
    /// is rather than through a `Flow`; the others go through `exec`.
    #[inline(always)]
    fn run_function_body(&mut self, f: &Frame, body: &[ir::Stmt]) -> RtResult<Value> {
        for stmt in body {
            match &stmt.kind {
                StmtKind::Return(Some(e)) => return self.eval(f, e),
                StmtKind::ReturnIf { cond, value } => {
                    if self.eval_cond(f, cond)? {
                        return self.eval(f, value);
                    }
                }
                _ => match self.exec(f, stmt)? {
                    Flow::Normal => {}
                    Flow::Return(v) => return Ok(v),
                    Flow::Break | Flow::Continue => return Ok(Value::Nil),
                },
            }
        }
        Ok(Value::Nil)
    }

    /// Pushes the locals past a frame's parameters (`resize` clones its fill value into each
    /// slot through the general clone).
    #[inline(never)]
    fn push_locals(&mut self, n: usize) {
        self.stack.extend((0..n).map(|_| Slot::Uninit));
    }

    /// Removes a returning call's frame. Plain values own nothing, and shared ones only need
    /// their count decremented: both are done inline rather than by the general drop (one
    /// call per slot otherwise).
    #[inline(always)]
    fn pop_frame(&mut self, base: usize) {
        while self.stack.len() > base {
            match self.stack.pop() {
                Some(Slot::Val(
                    v @ (Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Nil),
                )) => std::mem::forget(v),
                Some(Slot::Val(v)) => v.release(),
                other => drop(other),
            }
        }
    }

    /// `object.name(args)`: a record's field holding a script function is called straight,
    /// its field found through the site's cache and the arguments evaluated into the callee's
    /// frame; anything else is a method call (`call_method`). The field is read after the
    /// arguments are evaluated, as the method call does.
    pub(super) fn method_call(
        &mut self,
        f: &Frame,
        (object, name, args, cache): (&ir::Expr, &str, &Args, &FieldCache),
        span: Span,
    ) -> RtResult<Value> {
        let object = self.eval(f, object)?;
        let Value::Record(record) = &object else {
            let (positional, named) = self.eval_args(f, args)?;
            return self.call_method(object, name, positional, named, span);
        };
        let base = self.stack.len();
        self.push_args(f, &args.positional, base)?;
        if args.named.is_empty()
            && let Some(slot) = cache.slot(&record.ty, name)
        {
            let callee = match &record.slots()[slot] {
                Value::Function(Function::Closure(c))
                    if c.proto.params.len() == args.positional.len() =>
                {
                    Some(c.clone())
                }
                _ => None,
            };
            if let Some(closure) = callee {
                object.release();
                return self.run_exact(&closure, base, span);
            }
        }
        let positional = self
            .stack
            .drain(base..)
            .map(|slot| match slot {
                Slot::Val(v) => v,
                _ => Value::Nil,
            })
            .collect();
        let mut named = Vec::with_capacity(args.named.len());
        for (name, e) in args.named.iter() {
            named.push((name.clone(), self.eval(f, e)?));
        }
        self.call_method(object, name, positional, named, span)
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
        self.pop_frame(base);
        result.map_err(|e| traced(e, proto, span))
    }

    fn run_body(&mut self, frame: &Frame, n_positional: usize, span: Span) -> RtResult<Value> {
        if n_positional < frame.proto.params.len() {
            self.fill_defaults(frame, span)?;
        }
        self.run_function_body(frame, &frame.proto.body)
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
                let message = match constructor_type(proto) {
                    Some(ty) => ty.no_field(&name),
                    None => format!("{}() has no parameter named `{name}`", proto.name),
                };
                return Err(RtError::new(message, span));
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
            let callee = crate::interp::args::Callee::Function(&proto.name);
            let mut message =
                crate::interp::args::Arity::exactly(n_params).message(callee, n_positional);
            if let Some(ty) = constructor_type(proto) {
                message = format!("{message} (fields: {})", ty.field_list());
            }
            return Err(RtError::new(message, span));
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
            return Err(RtError::new(missing_argument(proto, &missing.1.name), span));
        }
        self.depth += 1;
        Ok(())
    }

    fn fill_defaults(&mut self, f: &Frame, span: Span) -> RtResult<()> {
        for (i, param) in f.proto.params.iter().enumerate() {
            if matches!(self.stack[f.base + i], Slot::Uninit) {
                let Some(default) = &param.default else {
                    return Err(RtError::new(missing_argument(f.proto, &param.name), span));
                };
                let v = self.eval(f, default)?;
                self.stack[f.base + i] = Slot::Val(v);
            }
        }
        Ok(())
    }
}
