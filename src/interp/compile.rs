//! The resolver: turns the AST into the slot-addressed IR of `ir.rs`.
//!
//! Scoping rules: `let` and `fn` at the outermost level of a program declare globals; anywhere
//! else they declare locals of the enclosing block. A name that is neither local nor captured is
//! a global — possibly one declared later (functions may call functions defined below them),
//! so an unknown name is reported when it is used, not here. `fn` declarations are hoisted to
//! the top of their block so that nested functions can call each other.
//!
//! Local functions and reference cycles: a local `fn` that called itself through the variable
//! holding it would capture that variable, whose cell then holds the closure that holds the
//! cell — a cycle reference counting never frees, leaked by every run of the block. So the
//! local `fn`s of a block whose names are never assigned in it ("siblings") refer to
//! themselves and to each other as [`ExprKind::Sibling`]: the running closure itself, or a
//! sibling rebuilt from the group the block's siblings share (which holds their code and
//! captured cells, never the functions). A closure nested in a sibling captures such a
//! function as a value ([`Capture::Sibling`]). A local `fn` whose name is assigned somewhere
//! in its block stays an ordinary captured variable.

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

mod chain;

use super::check::GlobalUses;
use super::ir::{self, Args, Call, Capture, ExprKind, FnProto, GroupDecl, Place, StmtKind};
use super::value::Value;
use crate::syntax::ast;
use crate::syntax::{SourceId, Span};

/// The global name table. It outlives one compilation so that a REPL session, or a child
/// re-compiling its parent's sources, assigns the same slot to the same name.
#[derive(Debug, Default, Clone)]
pub struct Globals {
    slots: HashMap<Rc<str>, u32>,
    names: Vec<Rc<str>>,
}

impl Globals {
    pub fn slot(&mut self, name: &Rc<str>) -> u32 {
        if let Some(&slot) = self.slots.get(name) {
            return slot;
        }
        let slot = self.names.len() as u32;
        self.slots.insert(name.clone(), slot);
        self.names.push(name.clone());
        slot
    }

    /// All names, in slot order.
    pub fn names(&self) -> &[Rc<str>] {
        &self.names
    }

    pub fn lookup(&self, name: &str) -> Option<u32> {
        self.slots.get(name).copied()
    }

    pub fn name(&self, slot: u32) -> &Rc<str> {
        &self.names[slot as usize]
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A static error: the program is well-formed but cannot mean anything (`break` outside a loop).
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError {
    pub message: String,
    pub span: Span,
}

type CResult<T> = Result<T, CompileError>;

/// Compiles a whole program. Returns every function it contains, indexed by
/// [`FnProto::index`]; entry 0 is the top-level code (named `<main>`).
pub fn compile_program(program: &ast::Program, globals: &mut Globals) -> CResult<Vec<Rc<FnProto>>> {
    compile_with_uses(program, globals).map(|(protos, _)| protos)
}

/// [`compile_program`], also returning which global names the program declares and uses
/// (for `mpscript check`'s report of names defined nowhere).
pub fn compile_with_uses(
    program: &ast::Program,
    globals: &mut Globals,
) -> CResult<(Vec<Rc<FnProto>>, GlobalUses)> {
    let mut compiler = Compiler {
        globals,
        fns: vec![FnState::new(true, 0)],
        protos: vec![None],
        source: program.span.source,
        uses: GlobalUses::default(),
    };
    let body = compiler.block_stmts(&program.stmts)?;
    let state = compiler.fns.pop().expect("main function state");
    let main = state.finish(
        "<main>".into(),
        Box::new([]),
        body,
        program.span,
        compiler.source,
    );
    compiler.protos[0] = Some(Rc::new(main));
    let protos = compiler
        .protos
        .into_iter()
        .map(|p| p.expect("every started function was finished"))
        .collect();
    Ok((protos, compiler.uses))
}

struct Compiler<'g> {
    globals: &'g mut Globals,
    fns: Vec<FnState>,
    /// Functions by index, filled as each one finishes.
    protos: Vec<Option<Rc<FnProto>>>,
    source: SourceId,
    uses: GlobalUses,
}

/// The local functions of one block that refer to each other without capturing each
/// other's variables (see [`ExprKind::Sibling`]).
struct Siblings {
    /// The slot of each sibling in the frame of the function declaring them, by index.
    slots: Vec<u32>,
    /// Set when a sibling refers to another one (not only to itself): then they need a group.
    cross: Cell<bool>,
}

/// What a name resolved to, inside the resolver.
#[derive(Clone, Copy)]
enum Found {
    Place(Place),
    /// A sibling of the function being compiled, or itself.
    Sibling(u32),
}

/// The `fn` declarations of a block: where each one's variable is, and its sibling index.
struct BlockFns {
    places: HashMap<Span, (Place, Option<u32>)>,
    siblings: Option<Rc<Siblings>>,
}

struct FnState {
    is_main: bool,
    index: u32,
    /// For a sibling function (a local `fn` never assigned): its block's siblings and its index.
    siblings: Option<(Rc<Siblings>, u32)>,
    scopes: Vec<Vec<(Rc<str>, u32)>>,
    local_names: Vec<Rc<str>>,
    captures: Vec<Capture>,
    capture_names: Vec<Rc<str>>,
    globals_used: BTreeSet<u32>,
    loop_depth: u32,
}

impl FnState {
    fn new(is_main: bool, index: u32) -> FnState {
        FnState {
            is_main,
            index,
            siblings: None,
            scopes: Vec::new(),
            local_names: Vec::new(),
            captures: Vec::new(),
            capture_names: Vec::new(),
            globals_used: BTreeSet::new(),
            loop_depth: 0,
        }
    }

    fn find_local(&self, name: &str) -> Option<u32> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(n, _)| &**n == name)
            .map(|&(_, slot)| slot)
    }

    fn add_capture(&mut self, name: &Rc<str>, capture: Capture) -> u32 {
        if let Some(i) = self.captures.iter().position(|c| *c == capture) {
            return i as u32;
        }
        self.captures.push(capture);
        self.capture_names.push(name.clone());
        self.captures.len() as u32 - 1
    }

    fn finish(
        self,
        name: Rc<str>,
        params: Box<[ir::Param]>,
        body: ir::Block,
        span: Span,
        source: SourceId,
    ) -> FnProto {
        FnProto {
            name,
            source,
            index: self.index,
            sibling_index: self.siblings.as_ref().map(|(_, i)| *i),
            params,
            n_locals: self.local_names.len() as u32,
            local_names: self.local_names.into(),
            captures: self.captures.into(),
            capture_names: self.capture_names.into(),
            globals_used: self.globals_used.into_iter().collect(),
            body,
            span,
        }
    }
}

impl Compiler<'_> {
    fn state(&mut self) -> &mut FnState {
        self.fns.last_mut().expect("a function is being compiled")
    }

    /// True where `let`/`fn` declare globals: the outermost block of the main program.
    fn at_global_level(&self) -> bool {
        let state = self.fns.last().expect("a function is being compiled");
        state.is_main && state.scopes.len() == 1
    }

    fn declare(&mut self, name: &Rc<str>) -> Place {
        if self.at_global_level() {
            self.uses.declared.insert(name.clone());
            return Place::Global(self.globals.slot(name));
        }
        let state = self.state();
        let slot = state.local_names.len() as u32;
        state.local_names.push(name.clone());
        state
            .scopes
            .last_mut()
            .expect("a block scope is open")
            .push((name.clone(), slot));
        Place::Local(slot)
    }

    /// Where a variable is, for assigning to it.
    fn resolve(&mut self, name: &ast::Ident) -> CResult<Place> {
        match self.resolve_found(&name.name) {
            Found::Place(place) => {
                if let Place::Global(_) = place {
                    self.uses.used.push((name.name.clone(), name.span));
                }
                Ok(place)
            }
            // A sibling's name is never assigned anywhere in its block, or it would not be one.
            Found::Sibling(_) => Err(CompileError {
                message: format!("internal error: `{}` cannot be assigned here", name.name),
                span: name.span,
            }),
        }
    }

    fn resolve_found(&mut self, name: &Rc<str>) -> Found {
        let level = self.fns.len() - 1;
        if let Some(found) = self.resolve_in(level, name) {
            return found;
        }
        let slot = self.globals.slot(name);
        self.state().globals_used.insert(slot);
        Found::Place(Place::Global(slot))
    }

    fn resolve_in(&mut self, level: usize, name: &Rc<str>) -> Option<Found> {
        if let Some(slot) = self.fns[level].find_local(name) {
            return Some(Found::Place(Place::Local(slot)));
        }
        if level == 0 {
            return None;
        }
        let capture = match self.resolve_in(level - 1, name)? {
            Found::Place(Place::Local(slot)) => {
                // The function itself, or a function declared beside it: rebuilt from the
                // running closure, never captured (that would be a reference cycle).
                if let Some((siblings, own)) = &self.fns[level].siblings {
                    if let Some(j) = siblings.slots.iter().position(|&s| s == slot) {
                        let j = j as u32;
                        if j != *own {
                            siblings.cross.set(true);
                        }
                        return Some(Found::Sibling(j));
                    }
                }
                Capture::Local(slot)
            }
            Found::Place(Place::Upvalue(index)) => Capture::Upvalue(index),
            Found::Place(Place::Global(_)) => return None,
            Found::Sibling(j) => Capture::Sibling(j),
        };
        Some(Found::Place(Place::Upvalue(
            self.fns[level].add_capture(name, capture),
        )))
    }

    fn block(&mut self, block: &ast::Block) -> CResult<ir::Block> {
        self.block_stmts(&block.stmts)
    }

    fn block_stmts(&mut self, stmts: &[ast::Stmt]) -> CResult<ir::Block> {
        self.state().scopes.push(Vec::new());
        let result = self.hoisted_block(stmts);
        self.state().scopes.pop();
        result
    }

    fn hoisted_block(&mut self, stmts: &[ast::Stmt]) -> CResult<ir::Block> {
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

    fn stmt(&mut self, stmt: &ast::Stmt, fns: &BlockFns) -> CResult<ir::Stmt> {
        let span = stmt.span;
        let kind = match &stmt.kind {
            ast::StmtKind::Let { name, value } => {
                let value = self.expr(value)?;
                StmtKind::Let(self.declare(&name.name), value)
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
            ast::StmtKind::With { lock, body } => StmtKind::With {
                lock: self.expr(lock)?,
                body: self.block(body)?,
            },
            ast::StmtKind::Close(e) => StmtKind::Close(self.expr(e)?),
            ast::StmtKind::Join(e) => StmtKind::Join(self.expr(e)?),
        };
        Ok(ir::Stmt { kind, span })
    }

    /// A loop body in its own scope, with the loop variable (if any) declared in it.
    fn loop_body(
        &mut self,
        body: &ast::Block,
        var: Option<&ast::Ident>,
    ) -> CResult<(Option<Place>, ir::Block)> {
        self.state().scopes.push(Vec::new());
        self.state().loop_depth += 1;
        let place = var.map(|v| self.declare(&v.name));
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
            ast::Target::Index { object, index } => StmtKind::AssignIndex {
                object: self.expr(object)?,
                index: self.expr(index)?,
                op: op.binary(),
                value,
            },
        })
    }

    fn function(
        &mut self,
        def: &ast::FnDef,
        siblings: Option<(Rc<Siblings>, u32)>,
    ) -> CResult<Rc<FnProto>> {
        let index = self.protos.len() as u32;
        self.protos.push(None);
        let mut state = FnState::new(false, index);
        state.siblings = siblings;
        self.fns.push(state);
        let result = self.function_body(def);
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

    fn function_body(&mut self, def: &ast::FnDef) -> CResult<(Box<[ir::Param]>, ir::Block)> {
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
        let body = self.block(&def.body)?;
        Ok((params, body))
    }

    fn exprs(&mut self, exprs: &[ast::Expr]) -> CResult<Box<[ir::Expr]>> {
        exprs.iter().map(|e| self.expr(e)).collect()
    }

    fn args(&mut self, args: &[ast::Arg]) -> CResult<Args> {
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
                callee: ir::Expr::new(
                    ExprKind::Field {
                        object: Box::new(self.expr(object)?),
                        name: name.name.clone(),
                    },
                    object.span.to(name.span),
                ),
                args: self.args(args)?,
            })),
            _ => Err(CompileError {
                message: "expected a function call here, like `work(1)`".into(),
                span: call.span,
            }),
        }
    }

    fn expr(&mut self, expr: &ast::Expr) -> CResult<ir::Expr> {
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
            ast::ExprKind::Name(name) => match self.resolve_found(name) {
                Found::Place(Place::Local(slot)) => ExprKind::Local(slot),
                Found::Place(Place::Global(slot)) => {
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
            ast::ExprKind::Method { object, name, args } => ExprKind::Method {
                object: Box::new(self.expr(object)?),
                name: name.name.clone(),
                args: self.args(args)?,
            },
            ast::ExprKind::Field { object, name } => ExprKind::Field {
                object: Box::new(self.expr(object)?),
                name: name.name.clone(),
            },
            ast::ExprKind::Index { object, index } => ExprKind::Index {
                object: Box::new(self.expr(object)?),
                index: Box::new(self.expr(index)?),
            },
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

/// The expression as an in-place operand, if it is that simple.
fn operand(e: &ir::Expr) -> Option<ir::Operand> {
    match &e.kind {
        ExprKind::Local(slot) => Some(ir::Operand::Local(*slot)),
        ExprKind::Global(slot) => Some(ir::Operand::Global(*slot)),
        ExprKind::Const(v) => Some(ir::Operand::Const(v.clone())),
        _ => None,
    }
}

/// Every name assigned (`name = ...`, `name += ...`) anywhere in the statements, nested blocks
/// and functions included, whatever variable it resolves to.
fn assigned_names(stmts: &[ast::Stmt]) -> HashSet<Rc<str>> {
    let mut names = HashSet::new();
    for stmt in stmts {
        assigned_in_stmt(stmt, &mut names);
    }
    names
}

fn assigned_in_block(block: &ast::Block, names: &mut HashSet<Rc<str>>) {
    for stmt in &block.stmts {
        assigned_in_stmt(stmt, names);
    }
}

fn assigned_in_stmt(stmt: &ast::Stmt, names: &mut HashSet<Rc<str>>) {
    match &stmt.kind {
        ast::StmtKind::Let { value, .. } => assigned_in_expr(value, names),
        ast::StmtKind::Assign { target, value, .. } => {
            match target {
                ast::Target::Name(name) => {
                    names.insert(name.name.clone());
                }
                ast::Target::Index { object, index } => {
                    assigned_in_expr(object, names);
                    assigned_in_expr(index, names);
                }
            }
            assigned_in_expr(value, names);
        }
        ast::StmtKind::Fn(def) => assigned_in_fn(def, names),
        ast::StmtKind::Expr(e)
        | ast::StmtKind::Throw(e)
        | ast::StmtKind::Close(e)
        | ast::StmtKind::Join(e)
        | ast::StmtKind::Return(Some(e)) => assigned_in_expr(e, names),
        ast::StmtKind::If { arms, otherwise } => {
            for (cond, body) in arms {
                assigned_in_expr(cond, names);
                assigned_in_block(body, names);
            }
            if let Some(body) = otherwise {
                assigned_in_block(body, names);
            }
        }
        ast::StmtKind::While { cond, body } => {
            assigned_in_expr(cond, names);
            assigned_in_block(body, names);
        }
        ast::StmtKind::For { iterable, body, .. } => {
            assigned_in_expr(iterable, names);
            assigned_in_block(body, names);
        }
        ast::StmtKind::Try { body, handler, .. } => {
            assigned_in_block(body, names);
            assigned_in_block(handler, names);
        }
        ast::StmtKind::With { lock, body } => {
            assigned_in_expr(lock, names);
            assigned_in_block(body, names);
        }
        ast::StmtKind::Break | ast::StmtKind::Continue | ast::StmtKind::Return(None) => {}
    }
}

fn assigned_in_fn(def: &ast::FnDef, names: &mut HashSet<Rc<str>>) {
    for param in &def.params {
        if let Some(default) = &param.default {
            assigned_in_expr(default, names);
        }
    }
    assigned_in_block(&def.body, names);
}

fn assigned_in_args(args: &[ast::Arg], names: &mut HashSet<Rc<str>>) {
    for arg in args {
        assigned_in_expr(&arg.value, names);
    }
}

fn assigned_in_expr(expr: &ast::Expr, names: &mut HashSet<Rc<str>>) {
    match &expr.kind {
        ast::ExprKind::Nil
        | ast::ExprKind::Bool(_)
        | ast::ExprKind::Int(_)
        | ast::ExprKind::Float(_)
        | ast::ExprKind::Str(_)
        | ast::ExprKind::Name(_) => {}
        ast::ExprKind::FString(parts) => {
            for part in parts {
                if let ast::FPart::Expr { expr, .. } = part {
                    assigned_in_expr(expr, names);
                }
            }
        }
        ast::ExprKind::List(items) => {
            for item in items {
                assigned_in_expr(item, names);
            }
        }
        ast::ExprKind::Map(entries) => {
            for (k, v) in entries {
                assigned_in_expr(k, names);
                assigned_in_expr(v, names);
            }
        }
        ast::ExprKind::Unary { operand, .. } => assigned_in_expr(operand, names),
        ast::ExprKind::Binary { lhs, rhs, .. } => {
            assigned_in_expr(lhs, names);
            assigned_in_expr(rhs, names);
        }
        ast::ExprKind::Call { callee, args } => {
            assigned_in_expr(callee, names);
            assigned_in_args(args, names);
        }
        ast::ExprKind::Method { object, args, .. } => {
            assigned_in_expr(object, names);
            assigned_in_args(args, names);
        }
        ast::ExprKind::Field { object, .. } => assigned_in_expr(object, names),
        ast::ExprKind::Index { object, index } => {
            assigned_in_expr(object, names);
            assigned_in_expr(index, names);
        }
        ast::ExprKind::Fn(def) => assigned_in_fn(def, names),
        ast::ExprKind::Spawn(call) => assigned_in_expr(call, names),
        ast::ExprKind::Pool(args) => assigned_in_args(args, names),
        ast::ExprKind::ApplyAsync {
            pool,
            call,
            options,
        } => {
            assigned_in_expr(pool, names);
            assigned_in_expr(call, names);
            assigned_in_args(options, names);
        }
        ast::ExprKind::Chain { head, links } => {
            assigned_in_expr(head, names);
            for link in links {
                match &link.kind {
                    ast::LinkKind::Binary(_, e) | ast::LinkKind::Index(e) => {
                        assigned_in_expr(e, names)
                    }
                    ast::LinkKind::Call(args) | ast::LinkKind::Method(_, args) => {
                        assigned_in_args(args, names)
                    }
                    ast::LinkKind::Field(_) => {}
                }
            }
        }
    }
}
