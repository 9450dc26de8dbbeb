//! Functions: compiling a function's parameters and body, and a block's `fn` declarations —
//! hoisted to the top of the block, the siblings among them picked and given a group when
//! they refer to each other, and fresh slots for functions declared in a loop body.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::assigned::assigned_names;
use super::{BlockFns, CResult, CompileError, Compiler, FnState, Siblings};
use crate::interp::ir::{self, FnProto, GroupDecl, Place, StmtKind};
use crate::interp::record::RecordType;
use crate::syntax::Span;
use crate::syntax::ast;

impl Compiler<'_> {
    pub(super) fn hoisted_block(&mut self, stmts: &[ast::Stmt]) -> CResult<ir::Block> {
        let fns = self.declare_fns(stmts);
        let mut out: Vec<ir::Stmt> = stmts
            .iter()
            .map(|stmt| self.stmt(stmt, &fns))
            .collect::<CResult<_>>()?;
        // Global functions are defined before the program's first statement runs, so a script
        // may call a function defined further down. (They capture nothing, so defining them
        // early cannot observe a variable too soon; nested functions stay where they are.)
        if self.at_global_level() {
            out.sort_by_key(|s| !matches!(s.kind, StmtKind::FnDecl { .. }));
            return Ok(out.into_boxed_slice());
        }
        // Siblings that refer to each other share a group, which the first one creates.
        if let Some(siblings) = fns.siblings.as_ref().filter(|s| s.cross.get()) {
            let size = siblings.slots.len() as u32;
            for stmt in &mut out {
                if let StmtKind::FnDecl { proto, group, .. } = &mut stmt.kind {
                    if let Some(i) = proto.sibling_index {
                        *group = Some(GroupDecl {
                            size,
                            first: (i > 0).then_some(siblings.slots[0]),
                        });
                    }
                }
            }
        }
        // A function body starts with fresh slots; any other block (a loop body) gives its
        // functions fresh variables each time it runs.
        let state = self.fns.last().expect("a function is being compiled");
        let body_of_function = !state.is_main && state.scopes.len() == 2;
        if !fns.places.is_empty() && !body_of_function {
            let mut slots: Vec<u32> = fns
                .places
                .values()
                .filter_map(|(place, _)| match place {
                    Place::Local(slot) => Some(*slot),
                    _ => None,
                })
                .collect();
            slots.sort_unstable();
            let span = stmts.first().map_or_else(Span::default, |s| s.span);
            out.insert(
                0,
                ir::Stmt {
                    kind: StmtKind::FreshFns(slots.into()),
                    span,
                },
            );
        }
        Ok(out.into_boxed_slice())
    }

    /// Declares the block's `fn`s (hoisting), and picks its siblings: the local ones whose
    /// name is declared by one `fn` of the block and never assigned anywhere in it.
    fn declare_fns(&mut self, stmts: &[ast::Stmt]) -> BlockFns {
        let defs: Vec<&ast::Ident> = stmts
            .iter()
            .filter_map(|stmt| match &stmt.kind {
                ast::StmtKind::Fn(def) => def.name.as_ref(),
                ast::StmtKind::Struct(def) => Some(&def.name),
                _ => None,
            })
            .collect();
        let mut places = HashMap::new();
        if defs.is_empty() {
            return BlockFns {
                places,
                siblings: None,
            };
        }
        let global = self.at_global_level();
        let assigned = if global {
            HashSet::new()
        } else {
            assigned_names(stmts)
        };
        let mut slots = Vec::new();
        for name in &defs {
            let place = self.declare(&name.name);
            let unique = defs.iter().filter(|d| d.name == name.name).count() == 1;
            let index = match place {
                Place::Local(slot) if unique && !assigned.contains(&name.name) => {
                    slots.push(slot);
                    Some(slots.len() as u32 - 1)
                }
                _ => None,
            };
            places.insert(name.span, (place, index));
        }
        let siblings = (!slots.is_empty()).then(|| {
            Rc::new(Siblings {
                slots,
                cross: Cell::new(false),
            })
        });
        BlockFns { places, siblings }
    }

    pub(super) fn function(
        &mut self,
        def: &ast::FnDef,
        siblings: Option<(Rc<Siblings>, u32)>,
    ) -> CResult<Rc<FnProto>> {
        self.function_with(def, siblings, None)
    }

    /// A `struct`'s constructor: a function whose parameters are the fields and whose body
    /// makes the record (see `interp/record.rs`). Declared at the top level only, so that
    /// every process that has the source has the type, and its defaults see only globals.
    pub(super) fn record_constructor(&mut self, def: &ast::StructDef) -> CResult<Rc<FnProto>> {
        if !self.at_global_level() {
            return Err(CompileError {
                message: format!(
                    "`struct {}` must be declared at the top level of a script, not inside a block or function",
                    def.name.name
                ),
                span: def.name.span,
            });
        }
        for (i, field) in def.fields.iter().enumerate() {
            if def.fields[..i]
                .iter()
                .any(|p| p.name.name == field.name.name)
            {
                return Err(CompileError {
                    message: format!(
                        "duplicate field `{}` in struct {}",
                        field.name.name, def.name.name
                    ),
                    span: field.name.span,
                });
            }
        }
        let record = Rc::new(RecordType {
            name: def.name.name.clone(),
            fields: def.fields.iter().map(|f| f.name.name.clone()).collect(),
        });
        let as_function = ast::FnDef {
            name: Some(def.name.clone()),
            params: def.fields.clone(),
            body: ast::Block {
                stmts: Vec::new(),
                span: def.span,
            },
            span: def.span,
        };
        self.function_with(&as_function, None, Some(record))
    }

    fn function_with(
        &mut self,
        def: &ast::FnDef,
        siblings: Option<(Rc<Siblings>, u32)>,
        record: Option<Rc<RecordType>>,
    ) -> CResult<Rc<FnProto>> {
        let index = self.protos.len() as u32;
        self.protos.push(None);
        let mut state = FnState::new(false, index);
        state.siblings = siblings;
        self.fns.push(state);
        let result = self.function_body(def, record);
        let state = self.fns.pop().expect("function state");
        let (params, body) = result?;
        let used: Vec<u32> = state.globals_used.iter().copied().collect();
        self.state().globals_used.extend(used);
        let name = def
            .name
            .as_ref()
            .map_or_else(|| Rc::from("<anonymous>"), |n| n.name.clone());
        let proto = Rc::new(state.finish(name, params, body, def.span, self.source));
        self.protos[index as usize] = Some(proto.clone());
        Ok(proto)
    }

    fn function_body(
        &mut self,
        def: &ast::FnDef,
        record: Option<Rc<RecordType>>,
    ) -> CResult<(Box<[ir::Param]>, ir::Block)> {
        self.state().scopes.push(Vec::new());
        for (i, param) in def.params.iter().enumerate() {
            if def.params[..i]
                .iter()
                .any(|p| p.name.name == param.name.name)
            {
                return Err(CompileError {
                    message: format!("duplicate parameter `{}`", param.name.name),
                    span: param.name.span,
                });
            }
            self.declare(&param.name.name);
        }
        let params = def
            .params
            .iter()
            .map(|p| {
                Ok(ir::Param {
                    name: p.name.name.clone(),
                    default: p.default.as_ref().map(|d| self.expr(d)).transpose()?,
                })
            })
            .collect::<CResult<_>>()?;
        let body = match record {
            Some(record) => {
                let make = ir::Expr::new(ir::ExprKind::MakeRecord(record), def.span);
                Box::new([ir::Stmt {
                    kind: StmtKind::Return(Some(make)),
                    span: def.span,
                }]) as ir::Block
            }
            None => self.block(&def.body)?,
        };
        Ok((params, body))
    }
}
