//! Resolving the forms that bind names or choose: destructuring patterns (`for k, v in ...`,
//! `let [a, b] = ...`), comprehensions (whose loop variables are locals of their own scope,
//! so they never leak into the code around them), slices and conditional expressions.

use super::{CResult, CompileError, Compiler};
use crate::interp::ir::{self, Binding, CompBody, ExprKind};
use crate::syntax::ast;

impl Compiler<'_> {
    /// Declares every name of `pattern` in the current scope.
    pub(super) fn binding(&mut self, pattern: &ast::Pattern) -> Binding {
        match pattern {
            ast::Pattern::Name(ident) => Binding::Name(self.declare(&ident.name)),
            // Patterns nest no deeper than the brackets the parser accepted.
            ast::Pattern::List { items, span } => {
                Binding::Unpack(items.iter().map(|p| self.binding(p)).collect(), *span)
            }
        }
    }

    /// `[element for ...]` (`value` is `None`) or `{element: value for ...}`.
    pub(super) fn comprehension(
        &mut self,
        clauses: &[ast::CompFor],
        element: &ast::Expr,
        value: Option<&ast::Expr>,
    ) -> CResult<ExprKind> {
        // The comprehension's own scope: its targets are locals even at the top level, and
        // disappear after it. The first iterable is resolved before any target is declared,
        // so `[x for x in x]` reads the outer `x`, as in Python.
        self.state().scopes.push(Vec::new());
        let result = self.comprehension_in_scope(clauses, element, value);
        self.state().scopes.pop();
        result
    }

    fn comprehension_in_scope(
        &mut self,
        clauses: &[ast::CompFor],
        element: &ast::Expr,
        value: Option<&ast::Expr>,
    ) -> CResult<ExprKind> {
        let mut compiled = Vec::with_capacity(clauses.len());
        for clause in clauses {
            let iterable = self.expr(&clause.iterable)?;
            let target = self.binding(&clause.target);
            let conds = clause
                .conds
                .iter()
                .map(|c| self.expr(c))
                .collect::<CResult<_>>()?;
            compiled.push(ir::CompFor {
                target,
                iterable,
                conds,
                span: clause.span,
            });
        }
        let body = match value {
            None => CompBody::List(self.expr(element)?),
            Some(value) => CompBody::Map(self.expr(element)?, self.expr(value)?),
        };
        Ok(ExprKind::Comprehension(Box::new(ir::Comprehension {
            clauses: compiled.into_boxed_slice(),
            body,
        })))
    }

    /// The bounds of `xs[a:b:c]`, when `index` is a slice.
    pub(super) fn slice_bounds(&mut self, index: &ast::Expr) -> CResult<Option<ir::SliceBounds>> {
        let ast::ExprKind::Slice { start, stop, step } = &index.kind else {
            return Ok(None);
        };
        let mut bound = |b: &Option<Box<ast::Expr>>| b.as_deref().map(|e| self.expr(e)).transpose();
        Ok(Some(ir::SliceBounds {
            start: bound(start)?,
            stop: bound(stop)?,
            step: bound(step)?,
        }))
    }

    /// `object[index]` or `object[a:b:c]`.
    pub(super) fn index_or_slice(
        &mut self,
        object: &ast::Expr,
        index: &ast::Expr,
    ) -> CResult<ExprKind> {
        let object = self.expr(object)?;
        Ok(match self.slice_bounds(index)? {
            Some(bounds) => ExprKind::Slice(Box::new(ir::Slice { object, bounds })),
            None => ExprKind::Index {
                object: Box::new(object),
                index: Box::new(self.expr(index)?),
            },
        })
    }
}

/// The error for slice bounds where no object is indexed, or for assigning to a slice.
pub(super) fn slice_error(span: crate::syntax::Span, assigning: bool) -> CompileError {
    let message = if assigning {
        "cannot assign to a slice: build a new list, like `xs = xs[:i] + ys + xs[j:]`"
    } else {
        "a slice `a:b` can only appear inside `xs[...]`"
    };
    CompileError {
        message: message.into(),
        span,
    }
}
