//! Resolving a flat chain (`ast::ExprKind::Chain`) into its IR form, link by link in a loop.

use super::{CResult, Compiler};
use crate::interp::ir::{self, ExprKind, LinkOp};
use crate::syntax::ast;

impl Compiler<'_> {
    pub(super) fn chain(&mut self, head: &ast::Expr, links: &[ast::Link]) -> CResult<ExprKind> {
        let head = self.expr(head)?;
        let mut out = Vec::with_capacity(links.len());
        for link in links {
            let op = match &link.kind {
                ast::LinkKind::Binary(ast::BinaryOp::And, rhs) => LinkOp::And(self.expr(rhs)?),
                ast::LinkKind::Binary(ast::BinaryOp::Or, rhs) => LinkOp::Or(self.expr(rhs)?),
                ast::LinkKind::Binary(op, rhs) => LinkOp::Binary(*op, self.expr(rhs)?),
                ast::LinkKind::Call(args) => LinkOp::Call(self.args(args)?),
                ast::LinkKind::Method(name, args) => {
                    LinkOp::Method(name.name.clone(), self.args(args)?)
                }
                ast::LinkKind::Field(name) => LinkOp::Field(name.name.clone()),
                ast::LinkKind::Index(index) => match self.slice_bounds(index)? {
                    Some(bounds) => LinkOp::Slice(Box::new(bounds)),
                    None => LinkOp::Index(self.expr(index)?),
                },
            };
            out.push(ir::Link {
                op,
                span: link.span,
            });
        }
        Ok(ExprKind::Chain(Box::new(ir::Chain {
            head,
            links: out.into_boxed_slice(),
        })))
    }
}
