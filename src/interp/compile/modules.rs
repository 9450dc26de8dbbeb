//! Modules in the resolver: `import "lib/util.mps" as util` and `util.name`. A module's
//! top-level names are globals whose names carry the module's prefix, so `util.f(...)` is a
//! call of a global slot, as fast as a call of the script's own function; the module's own
//! code refers to them without the prefix. The files are found, read and compiled by
//! `interp/modules.rs` before the importing program is resolved.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::{CResult, CompileError, Compiler};
use crate::interp::ir::StmtKind;
use crate::syntax::ast;
use crate::syntax::{SourceId, Span};

/// A module as the resolver sees it.
#[derive(Debug)]
pub struct ModuleScope {
    /// The source that defines it (whose top-level code `import` runs once).
    pub source: SourceId,
    /// The file name shown in messages.
    pub file: Rc<str>,
    /// What its globals' names start with in the global table.
    pub prefix: Rc<str>,
    /// Its top-level names (`let`, `fn`, `struct`).
    pub names: HashSet<Rc<str>>,
}

impl ModuleScope {
    /// The global name of the module's top-level `name`.
    pub fn global_name(&self, name: &str) -> Rc<str> {
        Rc::from(format!("{}{name}", self.prefix))
    }
}

/// What a program being resolved knows of modules: the ones it imports, by the name it
/// binds them to, and, for a module itself, its own scope (whose top-level names it declares).
#[derive(Debug, Default)]
pub struct ModuleContext {
    pub imports: HashMap<Rc<str>, Rc<ModuleScope>>,
    pub own: Option<Rc<ModuleScope>>,
}

/// The names a program declares at its top level.
pub fn top_level_names(program: &ast::Program) -> HashSet<Rc<str>> {
    let mut names = HashSet::new();
    for stmt in &program.stmts {
        match &stmt.kind {
            ast::StmtKind::Let { name, .. } => {
                names.insert(name.name.clone());
            }
            ast::StmtKind::LetUnpack { pattern, .. } => pattern_names(pattern, &mut names),
            ast::StmtKind::With {
                name: Some(name), ..
            } => {
                names.insert(name.name.clone());
            }
            ast::StmtKind::Fn(def) => names.extend(def.name.iter().map(|n| n.name.clone())),
            ast::StmtKind::Struct(def) => {
                names.insert(def.name.name.clone());
            }
            _ => {}
        }
    }
    names
}

fn pattern_names(pattern: &ast::Pattern, names: &mut HashSet<Rc<str>>) {
    match pattern {
        ast::Pattern::Name(ident) => {
            names.insert(ident.name.clone());
        }
        ast::Pattern::List { items, .. } => items.iter().for_each(|p| pattern_names(p, names)),
    }
}

impl Compiler<'_> {
    /// The global name a top-level name of the program being compiled has: prefixed in a
    /// module, itself in a script.
    pub(super) fn own_global_name(&self, name: &Rc<str>) -> Rc<str> {
        match &self.modules.own {
            Some(own) if own.names.contains(name) => own.global_name(name),
            _ => name.clone(),
        }
    }

    /// `import "path" as name`: runs the module's top-level code (once per run).
    pub(super) fn import(&mut self, alias: &ast::Ident, span: Span) -> CResult<StmtKind> {
        if !self.at_global_level() {
            return Err(CompileError {
                message: "`import` belongs at the top level of a file".into(),
                span,
            });
        }
        let module = self
            .modules
            .imports
            .get(&alias.name)
            .ok_or_else(|| CompileError {
                message: format!("internal error: module `{}` was not loaded", alias.name),
                span,
            })?;
        Ok(StmtKind::Import(module.source.0))
    }

    /// The module an expression names (`util` in `util.f`), if it is an imported module's
    /// name not hidden by a local variable.
    fn module_named(&mut self, object: &ast::Expr) -> Option<Rc<ModuleScope>> {
        let ast::ExprKind::Name(name) = &object.kind else {
            return None;
        };
        let module = self.modules.imports.get(name)?.clone();
        let level = self.fns.len() - 1;
        self.is_global_name(level, name).then_some(module)
    }

    /// For `util.name`: the global slot of the module's top-level `name`, if `object` is a
    /// module; an error if the module has no such name.
    pub(super) fn module_member(
        &mut self,
        object: &ast::Expr,
        member: &ast::Ident,
    ) -> Option<CResult<u32>> {
        let module = self.module_named(object)?;
        if !module.names.contains(&member.name) {
            return Some(Err(CompileError {
                message: format!(
                    "module `{}` ({}) has no top-level `{}`",
                    object_name(object),
                    module.file,
                    member.name
                ),
                span: member.span,
            }));
        }
        let slot = self.globals.slot(&module.global_name(&member.name));
        self.state().globals_used.insert(slot);
        Some(Ok(slot))
    }

    /// A module's name used as a value: an error (only `util.name` means something).
    pub(super) fn module_as_value(&mut self, name: &Rc<str>, span: Span) -> CResult<()> {
        let level = self.fns.len() - 1;
        if self.modules.imports.contains_key(name) && self.is_global_name(level, name) {
            return Err(CompileError {
                message: format!("`{name}` is a module: use its names as `{name}.name`"),
                span,
            });
        }
        Ok(())
    }
}

fn object_name(object: &ast::Expr) -> &str {
    match &object.kind {
        ast::ExprKind::Name(name) => name,
        _ => "?",
    }
}
