//! Statements: blocks, `let` and assignments, `if` (a lone `if c { return v }` becomes
//! `ReturnIf`), loops and their bodies, `break`/`continue`/`return` checks, `try`, `with`.

use super::{BlockFns, CResult, CompileError, Compiler};
use crate::interp::ir::{self, Binding, StmtKind};
use crate::syntax::ast;

impl Compiler<'_> {
    pub(super) fn block(&mut self, block: &ast::Block) -> CResult<ir::Block> {
        self.block_stmts(&block.stmts)
    }

    pub(super) fn block_stmts(&mut self, stmts: &[ast::Stmt]) -> CResult<ir::Block> {
        self.state().scopes.push(Vec::new());
        let result = self.hoisted_block(stmts);
        self.state().scopes.pop();
        result
    }

    pub(super) fn stmt(&mut self, stmt: &ast::Stmt, fns: &BlockFns) -> CResult<ir::Stmt> {
        let span = stmt.span;
        let kind = match &stmt.kind {
            ast::StmtKind::Let { name, value } => {
                let value = self.expr(value)?;
                StmtKind::Let(self.declare(&name.name), value)
            }
            ast::StmtKind::LetUnpack { pattern, value } => {
                let value = self.expr(value)?;
                StmtKind::LetUnpack(self.binding(pattern), value)
            }
            ast::StmtKind::Assign { target, op, value } => self.assign(target, *op, value)?,
            ast::StmtKind::Fn(def) => {
                let name = def.name.as_ref().expect("a declared fn has a name");
                let (place, index) = fns.places[&name.span];
                let siblings = index.and_then(|i| Some((fns.siblings.clone()?, i)));
                StmtKind::FnDecl {
                    place,
                    proto: self.function(def, siblings)?,
                    group: None,
                }
            }
            ast::StmtKind::Struct(def) => {
                let (place, _) = fns.places[&def.name.span];
                StmtKind::FnDecl {
                    place,
                    proto: self.record_constructor(def)?,
                    group: None,
                }
            }
            ast::StmtKind::Expr(e) => StmtKind::Expr(self.expr(e)?),
            ast::StmtKind::If { arms, otherwise } => {
                let mut arms: Vec<(ir::Expr, ir::Block)> = arms
                    .iter()
                    .map(|(cond, body)| Ok((self.expr(cond)?, self.block(body)?)))
                    .collect::<CResult<_>>()?;
                let otherwise = otherwise.as_ref().map(|b| self.block(b)).transpose()?;
                let single_arm = match (arms.len(), &otherwise) {
                    (1, None) => arms.pop(),
                    _ => None,
                };
                match single_arm {
                    Some((cond, body)) => {
                        let mut stmts = body.into_vec();
                        match (stmts.pop(), stmts.is_empty()) {
                            (
                                Some(ir::Stmt {
                                    kind: StmtKind::Return(Some(value)),
                                    ..
                                }),
                                true,
                            ) => StmtKind::ReturnIf { cond, value },
                            (last, _) => {
                                stmts.extend(last);
                                StmtKind::If {
                                    arms: Box::new([(cond, stmts.into_boxed_slice())]),
                                    otherwise: None,
                                }
                            }
                        }
                    }
                    None => StmtKind::If {
                        arms: arms.into_boxed_slice(),
                        otherwise,
                    },
                }
            }
            ast::StmtKind::While { cond, body } => {
                let cond = self.expr(cond)?;
                StmtKind::While {
                    cond,
                    body: self.loop_body(body, None)?.1,
                }
            }
            ast::StmtKind::For {
                var,
                iterable,
                body,
            } => {
                let iterable = self.expr(iterable)?;
                let (var, body) = self.loop_body(body, Some(var))?;
                StmtKind::For {
                    var: var.expect("loop variable declared"),
                    iterable,
                    body,
                }
            }
            ast::StmtKind::Break | ast::StmtKind::Continue => {
                let word = if matches!(stmt.kind, ast::StmtKind::Break) {
                    "break"
                } else {
                    "continue"
                };
                if self.state().loop_depth == 0 {
                    return Err(CompileError {
                        message: format!("`{word}` outside of a loop"),
                        span,
                    });
                }
                if word == "break" {
                    StmtKind::Break
                } else {
                    StmtKind::Continue
                }
            }
            ast::StmtKind::Return(value) => {
                if self.fns.len() == 1 {
                    return Err(CompileError {
                        message: "`return` outside of a function".into(),
                        span,
                    });
                }
                StmtKind::Return(value.as_ref().map(|v| self.expr(v)).transpose()?)
            }
            ast::StmtKind::Throw(e) => StmtKind::Throw(self.expr(e)?),
            ast::StmtKind::Try { body, err, handler } => {
                let body = self.block(body)?;
                self.state().scopes.push(Vec::new());
                let err = err.as_ref().map(|e| self.declare(&e.name));
                let handler = self.hoisted_block(&handler.stmts);
                self.state().scopes.pop();
                StmtKind::Try {
                    body,
                    err,
                    handler: handler?,
                }
            }
            ast::StmtKind::With { lock, name, body } => {
                let lock = self.expr(lock)?;
                // `as NAME` binds like `let NAME = ...` before the block.
                let name = name.as_ref().map(|n| self.declare(&n.name));
                StmtKind::With {
                    lock,
                    name,
                    body: self.block(body)?,
                }
            }
            ast::StmtKind::Close(e) => StmtKind::Close(self.expr(e)?),
            ast::StmtKind::Import { alias, .. } => self.import(alias, span)?,
            ast::StmtKind::Join(e) => StmtKind::Join(self.expr(e)?),
        };
        Ok(ir::Stmt { kind, span })
    }

    /// A loop body in its own scope, with the loop variable (if any) declared in it.
    fn loop_body(
        &mut self,
        body: &ast::Block,
        var: Option<&ast::Pattern>,
    ) -> CResult<(Option<Binding>, ir::Block)> {
        self.state().scopes.push(Vec::new());
        self.state().loop_depth += 1;
        let place = var.map(|v| self.binding(v));
        let result = self.block(body);
        self.state().loop_depth -= 1;
        self.state().scopes.pop();
        Ok((place, result?))
    }

    fn assign(
        &mut self,
        target: &ast::Target,
        op: ast::AssignOp,
        value: &ast::Expr,
    ) -> CResult<StmtKind> {
        let value = self.expr(value)?;
        Ok(match target {
            ast::Target::Name(name) => StmtKind::Assign {
                place: self.resolve(name)?,
                name: name.name.clone(),
                op: op.binary(),
                value,
            },
            ast::Target::Index { index, .. }
                if matches!(index.kind, ast::ExprKind::Slice { .. }) =>
            {
                return Err(super::forms::slice_error(index.span, true));
            }
            ast::Target::Index { object, index } => StmtKind::AssignIndex {
                object: self.expr(object)?,
                index: self.expr(index)?,
                op: op.binary(),
                value,
            },
            ast::Target::Field { object, name } => StmtKind::AssignField {
                object: self.expr(object)?,
                name: name.name.clone(),
                op: op.binary(),
                value,
                cache: Default::default(),
            },
        })
    }
}
