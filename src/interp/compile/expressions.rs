//! Expressions: constants, names (local, global, captured or sibling), operators (in-place
//! operands and `local op int` picked here for the evaluator's fast paths), calls, methods,
//! closures, and the calls inside `spawn` and `apply_async`.

use std::rc::Rc;

use super::{CResult, CompileError, Compiler, Found};
use crate::interp::ir::{self, Args, Call, ExprKind, Place};
use crate::interp::value::Value;
use crate::syntax::ast;

impl Compiler<'_> {
    fn exprs(&mut self, exprs: &[ast::Expr]) -> CResult<Box<[ir::Expr]>> {
        exprs.iter().map(|e| self.expr(e)).collect()
    }

    pub(super) fn args(&mut self, args: &[ast::Arg]) -> CResult<Args> {
        let mut positional = Vec::new();
        let mut named: Vec<(Rc<str>, ir::Expr)> = Vec::new();
        for arg in args {
            let value = self.expr(&arg.value)?;
            match &arg.name {
                None => positional.push(value),
                Some(name) => {
                    if named.iter().any(|(n, _)| *n == name.name) {
                        return Err(CompileError {
                            message: format!("argument `{}` is given twice", name.name),
                            span: name.span,
                        });
                    }
                    named.push((name.name.clone(), value));
                }
            }
        }
        Ok(Args {
            positional: positional.into(),
            named: named.into(),
        })
    }

    /// The call inside `spawn` or `apply_async`: a method call becomes a field read plus call.
    fn call_of(&mut self, call: &ast::Expr) -> CResult<Box<Call>> {
        match &call.kind {
            ast::ExprKind::Call { callee, args } => Ok(Box::new(Call {
                callee: self.expr(callee)?,
                args: self.args(args)?,
            })),
            ast::ExprKind::Method { object, name, args } => Ok(Box::new(Call {
                callee: match self.module_member(object, name) {
                    Some(slot) => ir::Expr::new(ExprKind::Global(slot?), object.span.to(name.span)),
                    None => self.method_callee(object, name)?,
                },
                args: self.args(args)?,
            })),
            _ => Err(CompileError {
                message: "expected a function call here, like `work(1)`".into(),
                span: call.span,
            }),
        }
    }

    /// The callee of `spawn object.name(...)`: the function in the field.
    fn method_callee(&mut self, object: &ast::Expr, name: &ast::Ident) -> CResult<ir::Expr> {
        Ok(ir::Expr::new(
            ExprKind::Field {
                object: Box::new(self.expr(object)?),
                name: name.name.clone(),
                cache: Default::default(),
            },
            object.span.to(name.span),
        ))
    }

    pub(super) fn expr(&mut self, expr: &ast::Expr) -> CResult<ir::Expr> {
        let span = expr.span;
        let kind = match &expr.kind {
            ast::ExprKind::Nil => ExprKind::Const(Value::Nil),
            ast::ExprKind::Bool(b) => ExprKind::Const(Value::Bool(*b)),
            ast::ExprKind::Int(i) => ExprKind::Const(Value::Int(*i)),
            ast::ExprKind::Float(f) => ExprKind::Const(Value::Float(*f)),
            ast::ExprKind::Str(s) => ExprKind::Const(Value::str(s)),
            ast::ExprKind::FString(parts) => ExprKind::FString(
                parts
                    .iter()
                    .map(|part| {
                        Ok(match part {
                            ast::FPart::Lit(s) => ir::FPart::Lit(s.clone()),
                            ast::FPart::Expr { expr, spec } => {
                                ir::FPart::Expr(self.expr(expr)?, spec.clone())
                            }
                        })
                    })
                    .collect::<CResult<_>>()?,
            ),
            ast::ExprKind::List(items) => ExprKind::List(self.exprs(items)?),
            ast::ExprKind::Map(entries) => ExprKind::Map(
                entries
                    .iter()
                    .map(|(k, v)| Ok((self.expr(k)?, self.expr(v)?)))
                    .collect::<CResult<_>>()?,
            ),
            ast::ExprKind::Name(name) => match self
                .module_as_value(name, expr.span)
                .map(|()| self.resolve_found(name))?
            {
                Found::Place(Place::Local(slot)) => ExprKind::Local(slot),
                Found::Place(Place::Global(slot)) => {
                    self.check_allowed(name, expr.span)?;
                    self.uses.used.push((name.clone(), expr.span));
                    ExprKind::Global(slot)
                }
                Found::Place(place) => ExprKind::Var(place),
                Found::Sibling(j) => ExprKind::Sibling(j, name.clone()),
            },
            ast::ExprKind::Unary { op, operand } => {
                let operand = Box::new(self.expr(operand)?);
                match op {
                    ast::UnaryOp::Neg => match operand.kind {
                        ExprKind::Const(Value::Int(i)) if i != i64::MIN => {
                            ExprKind::Const(Value::Int(-i))
                        }
                        ExprKind::Const(Value::Float(f)) => ExprKind::Const(Value::Float(-f)),
                        _ => ExprKind::Neg(operand),
                    },
                    ast::UnaryOp::Not => ExprKind::Not(operand),
                    ast::UnaryOp::BitNot => match operand.kind {
                        ExprKind::Const(Value::Int(i)) => ExprKind::Const(Value::Int(!i)),
                        _ => ExprKind::BitNot(operand),
                    },
                }
            }
            ast::ExprKind::Binary { op, lhs, rhs } => {
                let lhs = Box::new(self.expr(lhs)?);
                let rhs = Box::new(self.expr(rhs)?);
                match (op, operand(&lhs), operand(&rhs)) {
                    (ast::BinaryOp::And, ..) => ExprKind::And(lhs, rhs),
                    (ast::BinaryOp::Or, ..) => ExprKind::Or(lhs, rhs),
                    (
                        op,
                        Some(ir::Operand::Local(slot)),
                        Some(ir::Operand::Const(Value::Int(k))),
                    ) => ExprKind::LocalIntOp(*op, slot, k),
                    (op, Some(a), Some(b)) => ExprKind::BinaryFast(*op, a, b),
                    (op, ..) => ExprKind::Binary(*op, lhs, rhs),
                }
            }
            ast::ExprKind::Call { callee, args } => {
                let callee = self.expr(callee)?;
                let args = self.args(args)?;
                match callee.kind {
                    ExprKind::Global(slot) => ExprKind::CallGlobal(slot, Box::new(args)),
                    ExprKind::Sibling(j, name) => ExprKind::CallSibling(j, name, Box::new(args)),
                    _ => ExprKind::Call(Box::new(Call { callee, args })),
                }
            }
            ast::ExprKind::Method { object, name, args } => {
                if let Some(slot) = self.module_member(object, name) {
                    let args = self.args(args)?;
                    return Ok(ir::Expr::new(
                        ExprKind::CallGlobal(slot?, Box::new(args)),
                        span,
                    ));
                }
                let object = self.expr(object)?;
                let args = self.args(args)?;
                match namespace_function(&object, &name.name, self.globals) {
                    Some((slot, function)) => {
                        ExprKind::NamespaceCall(Box::new(ir::NamespaceCall {
                            object,
                            slot,
                            function,
                            name: name.name.clone(),
                            args,
                        }))
                    }
                    None => ExprKind::Method {
                        object: Box::new(object),
                        name: name.name.clone(),
                        args,
                        cache: Default::default(),
                    },
                }
            }
            ast::ExprKind::Field { object, name } if self.module_member(object, name).is_some() => {
                ExprKind::Global(self.module_member(object, name).expect("a module member")?)
            }
            ast::ExprKind::Field { object, name } => ExprKind::Field {
                object: Box::new(self.expr(object)?),
                name: name.name.clone(),
                cache: Default::default(),
            },
            ast::ExprKind::Index { object, index } => self.index_or_slice(object, index)?,
            ast::ExprKind::Slice { .. } => return Err(super::forms::slice_error(span, false)),
            ast::ExprKind::IfElse {
                cond,
                then,
                otherwise,
            } => ExprKind::IfElse {
                cond: Box::new(self.expr(cond)?),
                then: Box::new(self.expr(then)?),
                otherwise: Box::new(self.expr(otherwise)?),
            },
            ast::ExprKind::ListComp { element, clauses } => {
                self.comprehension(clauses, element, None)?
            }
            ast::ExprKind::MapComp {
                key,
                value,
                clauses,
            } => self.comprehension(clauses, key, Some(value))?,
            ast::ExprKind::Fn(def) => ExprKind::Closure(self.function(def, None)?),
            ast::ExprKind::Spawn(call) => ExprKind::Spawn(self.call_of(call)?),
            ast::ExprKind::Pool(args) => ExprKind::Pool(self.args(args)?),
            ast::ExprKind::ApplyAsync {
                pool,
                call,
                options,
            } => ExprKind::ApplyAsync {
                pool: Box::new(self.expr(pool)?),
                call: self.call_of(call)?,
                options: self.args(options)?,
            },
            ast::ExprKind::Chain { head, links } => self.chain(head, links)?,
        };
        Ok(ir::Expr::new(kind, span))
    }
}

/// For `object.name(...)`: the global slot and the function, if `object` is the global of a
/// namespace that has a function `name` (whether the global still holds the namespace when
/// the call runs is checked then: a script may assign it another value).
fn namespace_function(
    object: &ir::Expr,
    name: &str,
    globals: &crate::interp::compile::Globals,
) -> Option<(u32, crate::interp::builtins::Builtin)> {
    let ExprKind::Global(slot) = object.kind else {
        return None;
    };
    let namespace = crate::interp::stdlib::Namespace::named(globals.name(slot))?;
    Some((slot, namespace.function(name)?))
}

/// The expression as an in-place operand, if it is that simple.
fn operand(e: &ir::Expr) -> Option<ir::Operand> {
    match &e.kind {
        ExprKind::Local(slot) => Some(ir::Operand::Local(*slot)),
        ExprKind::Global(slot) => Some(ir::Operand::Global(*slot)),
        ExprKind::Const(v) => Some(ir::Operand::Const(v.clone())),
        _ => None,
    }
}
