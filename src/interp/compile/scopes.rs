//! Scopes: each function's state while it compiles (its block scopes, locals and captures),
//! declaring names, and resolving a name to a local, a captured variable, a sibling function
//! or a global.

use std::collections::BTreeSet;
use std::rc::Rc;

use super::{CResult, CompileError, Compiler, FnState, Found};
use crate::interp::ir::{self, Capture, FnProto, Place};
use crate::syntax::ast;
use crate::syntax::{SourceId, Span};

impl FnState {
    pub(super) fn new(is_main: bool, index: u32) -> FnState {
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

    pub(super) fn finish(
        self,
        name: Rc<str>,
        params: Box<[ir::Param]>,
        body: ir::Block,
        span: Span,
        source: SourceId,
    ) -> FnProto {
        let mut proto = FnProto {
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
            builds: None,
        };
        proto.builds = crate::interp::record::constructor_type(&proto).cloned();
        proto
    }
}

impl Compiler<'_> {
    pub(super) fn state(&mut self) -> &mut FnState {
        self.fns.last_mut().expect("a function is being compiled")
    }

    /// True where `let`/`fn` declare globals: the outermost block of the main program.
    pub(super) fn at_global_level(&self) -> bool {
        let state = self.fns.last().expect("a function is being compiled");
        state.is_main && state.scopes.len() == 1
    }

    pub(super) fn declare(&mut self, name: &Rc<str>) -> Place {
        if self.at_global_level() {
            self.uses.declared.insert(name.clone());
            self.globals.allow(name);
            let global = self.own_global_name(name);
            return Place::Global(self.globals.slot(&global));
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
    pub(super) fn resolve(&mut self, name: &ast::Ident) -> CResult<Place> {
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

    /// A name the embedder disabled (`Engine::disable`) may not be used as a global.
    pub(super) fn check_allowed(&self, name: &str, span: Span) -> CResult<()> {
        if self.globals.is_disabled(name) {
            return Err(CompileError {
                message: format!("`{name}` is not allowed here"),
                span,
            });
        }
        Ok(())
    }

    pub(super) fn resolve_found(&mut self, name: &Rc<str>) -> Found {
        let level = self.fns.len() - 1;
        if let Some(found) = self.resolve_in(level, name) {
            return found;
        }
        let global = self.own_global_name(name);
        let slot = self.globals.slot(&global);
        self.state().globals_used.insert(slot);
        Found::Place(Place::Global(slot))
    }

    /// True if `name`, at function `level`, is no local or captured variable (a global, or
    /// a module's name).
    pub(super) fn is_global_name(&mut self, level: usize, name: &Rc<str>) -> bool {
        self.resolve_in(level, name).is_none()
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
}
