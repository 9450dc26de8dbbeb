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
//! themselves and to each other as
//! [`ExprKind::Sibling`](crate::interp::ir::ExprKind::Sibling): the running closure itself,
//! or a sibling rebuilt from the group the block's siblings share (which holds their code and
//! captured cells, never the functions). A closure nested in a sibling captures such a
//! function as a value ([`Capture::Sibling`]). A local `fn` whose name is assigned somewhere
//! in its block stays an ordinary captured variable.
//!
//! The work is in the submodules: `scopes` (declaring and resolving names to slots and
//! captures), `statements`, `expressions`, `functions` (function bodies, hoisting, sibling
//! groups), `forms` (destructuring, comprehensions, slices, conditionals), `assigned` (which names a block assigns) and `chain`.

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

mod assigned;
mod chain;
mod expressions;
mod forms;
mod functions;
mod modules;
mod scopes;
mod statements;

pub use modules::{ModuleContext, ModuleScope, top_level_names};

use super::check::GlobalUses;
use super::ir::{Capture, FnProto, Place};
use crate::syntax::ast;
use crate::syntax::{SourceId, Span};

/// The global name table. It outlives one compilation so that a REPL session, or a child
/// re-compiling its parent's sources, assigns the same slot to the same name.
#[derive(Debug, Default, Clone)]
pub struct Globals {
    slots: HashMap<Rc<str>, u32>,
    names: Vec<Rc<str>>,
    /// Names an embedder took away (`Engine::disable`): a script that uses one as a global
    /// gets a compile-time error. A script that declares its own global of that name uses it
    /// freely: it is then the script's variable, not the builtin.
    disabled: Vec<Rc<str>>,
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

    pub fn disable(&mut self, name: &Rc<str>) {
        if !self.is_disabled(name) {
            self.disabled.push(name.clone());
        }
    }

    pub fn is_disabled(&self, name: &str) -> bool {
        self.disabled.iter().any(|d| &**d == name)
    }

    /// The script declared a global of this name: using it is using the script's variable.
    fn allow(&mut self, name: &str) {
        self.disabled.retain(|d| &**d != name);
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
/// [`FnProto::index`] (entry 0 is the top-level code, named `<main>`), and which global names
/// the program declares and uses (for `mpscript check`'s report of names defined nowhere).
pub fn compile_with_uses(
    program: &ast::Program,
    globals: &mut Globals,
    modules: &ModuleContext,
) -> CResult<(Vec<Rc<FnProto>>, GlobalUses)> {
    let mut compiler = Compiler {
        globals,
        modules,
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
    modules: &'g ModuleContext,
    fns: Vec<FnState>,
    /// Functions by index, filled as each one finishes.
    protos: Vec<Option<Rc<FnProto>>>,
    source: SourceId,
    uses: GlobalUses,
}

/// The local functions of one block that refer to each other without capturing each
/// other's variables (see [`ExprKind::Sibling`](crate::interp::ir::ExprKind::Sibling)).
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
