//! The resolved program the evaluator runs: the AST with every name turned into a slot
//! (a local of the current frame, a captured cell, or a global), so running never looks a name
//! up by string.

use std::rc::Rc;

use super::record::{FieldCache, RecordType};
use super::value::Value;
use crate::syntax::ast::{BinaryOp, FormatSpec};
use crate::syntax::{SourceId, Span};

/// Where a variable lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// A slot of the running function's frame.
    Local(u32),
    /// The n-th variable captured by the running closure.
    Upvalue(u32),
    /// A global (a top-level `let` or `fn`, or a builtin).
    Global(u32),
}

/// How a closure fills capture `i` when it is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capture {
    /// From a local slot of the frame creating the closure.
    Local(u32),
    /// From a capture of the closure creating the closure.
    Upvalue(u32),
    /// A fresh cell holding the sibling function `j` of the running function (see
    /// [`ExprKind::Sibling`]): the value, not the variable, since that variable is never
    /// assigned.
    Sibling(u32),
}

/// A local function whose siblings refer to it, or which refers to a sibling: the block's
/// sibling functions share one [`super::value::Group`], from which any of them can be rebuilt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupDecl {
    /// How many sibling functions the block declares.
    pub size: u32,
    /// The local slot of the first of them, whose closure carries the group; `None` for the
    /// first itself, which creates the group.
    pub first: Option<u32>,
}

/// A compiled function: parameters, body, and how to capture its free variables.
#[derive(Debug)]
pub struct FnProto {
    pub name: Rc<str>,
    /// Identity that survives crossing to another process: the source it was compiled from
    /// and its position in that source's compile order (the top-level code is 0).
    pub source: SourceId,
    pub index: u32,
    pub params: Box<[Param]>,
    /// Frame size; parameters occupy the first slots.
    pub n_locals: u32,
    /// Names of the frame's slots, for error messages.
    pub local_names: Box<[Rc<str>]>,
    pub captures: Box<[Capture]>,
    /// Names of the captured variables, for error messages and serialization.
    pub capture_names: Box<[Rc<str>]>,
    /// Global slots the body refers to directly (what a child started fresh must be sent).
    pub globals_used: Box<[u32]>,
    /// For a function declared by `fn name` in a local block whose name is never assigned:
    /// its index among the block's such functions (its siblings), which its body and nested
    /// closures refer to as [`ExprKind::Sibling`] instead of capturing their variables.
    pub sibling_index: Option<u32>,
    pub body: Block,
    pub span: Span,
    /// For a `struct`'s constructor, the record type it builds: a call that gives every field
    /// builds the record at once, without a frame.
    pub builds: Option<Rc<crate::interp::record::RecordType>>,
}

#[derive(Debug)]
pub struct Param {
    pub name: Rc<str>,
    pub default: Option<Expr>,
}

pub type Block = Box<[Stmt]>;

#[derive(Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug)]
pub enum StmtKind {
    Expr(Expr),
    /// `let`: a fresh binding (closures that captured an earlier binding keep theirs).
    Let(Place, Expr),
    /// `let [a, b] = value`: fresh bindings for every name of the pattern.
    LetUnpack(Binding, Expr),
    /// `name = value` or `name op= value`: writes through to the existing binding.
    Assign {
        place: Place,
        name: Rc<str>,
        op: Option<BinaryOp>,
        value: Expr,
    },
    /// `object[index] = value` or `object[index] op= value`.
    AssignIndex {
        object: Expr,
        index: Expr,
        op: Option<BinaryOp>,
        value: Expr,
    },
    /// `object.name = value` or `object.name op= value`.
    AssignField {
        object: Expr,
        name: Rc<str>,
        op: Option<BinaryOp>,
        value: Expr,
        cache: FieldCache,
    },
    /// `fn name() {}`: creates the closure and stores it in its variable (through the
    /// variable's cell if a closure declared earlier in the block captured it).
    FnDecl {
        place: Place,
        proto: Rc<FnProto>,
        group: Option<GroupDecl>,
    },
    /// At the start of a block that may run more than once per call (a loop body, say): gives
    /// the local functions the block declares fresh variables, so closures made in an earlier
    /// run keep theirs.
    FreshFns(Box<[u32]>),
    If {
        arms: Box<[(Expr, Block)]>,
        otherwise: Option<Block>,
    },
    /// `if cond { return value }` with no other arm: a guard clause, the commonest `if` in
    /// a function body, run without entering a block.
    ReturnIf {
        cond: Expr,
        value: Expr,
    },
    While {
        cond: Expr,
        body: Block,
    },
    For {
        var: Binding,
        iterable: Expr,
        body: Block,
    },
    Break,
    Continue,
    Return(Option<Expr>),
    Throw(Expr),
    Try {
        body: Block,
        err: Option<Place>,
        handler: Block,
    },
    With {
        lock: Expr,
        /// `as NAME`: where the value is bound.
        name: Option<Place>,
        body: Block,
    },
    Close(Expr),
    Join(Expr),
    /// `import ... as name`: runs the top-level code of this source, once per run.
    Import(u32),
}

/// What a `for`, a comprehension or `let [a, b]` binds each value to.
#[derive(Debug)]
pub enum Binding {
    Name(Place),
    /// A list unpacked into as many bindings; the span is the pattern's, for a length mismatch.
    Unpack(Box<[Binding]>, Span),
}

pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// The evaluator for this kind of node, chosen once by the resolver. Small specialized
    /// functions for the common nodes keep the per-node cost of the tree walk low.
    pub run: super::eval::EvalFn,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let run = super::eval::runner_for(&kind);
        Expr { kind, span, run }
    }
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expr")
            .field("kind", &self.kind)
            .field("span", &self.span)
            .finish()
    }
}

#[derive(Debug)]
pub enum ExprKind {
    Const(Value),
    /// A local of the running frame (the common case, kept apart for speed).
    Local(u32),
    Global(u32),
    Var(Place),
    /// A function declared by `fn` in the same block as the running function, or the running
    /// function itself: rebuilt from the running closure rather than read from a captured
    /// variable, because a closure that captures the variable holding itself is a reference
    /// cycle, which is never freed.
    Sibling(u32, Rc<str>),
    /// A binary operation whose operands need no evaluation of their own (locals, globals,
    /// constants): read in place, without recursion or copies.
    BinaryFast(BinaryOp, Operand, Operand),
    /// `local op int`, like `n - 1` or `i < 10`: the commonest binary operation, with the
    /// constant stored unboxed so the fast path decodes no operands.
    LocalIntOp(BinaryOp, u32, i64),
    /// A call of a global function by name (no evaluation of the callee expression).
    CallGlobal(u32, Box<Args>),
    /// A call of a sibling function (see `Sibling`); a call of the running function itself
    /// uses the running closure as it is.
    CallSibling(u32, Rc<str>, Box<Args>),
    /// `fs.read(x)` where `fs` resolved to a global named like a namespace and `read` is one of
    /// its functions: called directly while the global holds the namespace, as an ordinary
    /// method call on whatever value the script put there instead.
    NamespaceCall(Box<NamespaceCall>),
    FString(Box<[FPart]>),
    List(Box<[Expr]>),
    Map(Box<[(Expr, Expr)]>),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    /// `~x`
    BitNot(Box<Expr>),
    /// `then if cond else otherwise`
    IfElse {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `object[start:stop:step]`
    Slice(Box<Slice>),
    /// `[element for ...]` or `{key: value for ...}`
    Comprehension(Box<Comprehension>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Call(Box<Call>),
    Method {
        object: Box<Expr>,
        name: Rc<str>,
        args: Args,
        /// The slot of the field called when the object is a record (`task.run(x)`).
        cache: FieldCache,
    },
    Field {
        object: Box<Expr>,
        name: Rc<str>,
        cache: FieldCache,
    },
    /// The body of a `struct`'s constructor: a record of the frame's first slots (its
    /// parameters, the fields).
    MakeRecord(Rc<RecordType>),
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
    },
    Closure(Rc<FnProto>),
    Spawn(Box<Call>),
    Pool(Args),
    ApplyAsync {
        pool: Box<Expr>,
        call: Box<Call>,
        options: Args,
    },
    /// A long left-leaning chain (`a + b + ...`, `x.f().g()...`; see
    /// `ast::ExprKind::Chain`), run link by link in a loop rather than by recursion.
    Chain(Box<Chain>),
}

/// The head of a chain and the links applied to its value in turn.
#[derive(Debug)]
pub struct Chain {
    pub head: Expr,
    pub links: Box<[Link]>,
}

/// One link; its span covers the chain from the head to this link (what errors mark).
#[derive(Debug)]
pub struct Link {
    pub op: LinkOp,
    pub span: Span,
}

#[derive(Debug)]
pub enum LinkOp {
    Binary(BinaryOp, Expr),
    /// `value and rhs`: `rhs` runs only when the value so far is truthy.
    And(Expr),
    /// `value or rhs`: `rhs` runs only when the value so far is falsy.
    Or(Expr),
    Call(Args),
    Method(Rc<str>, Args),
    Field(Rc<str>),
    Index(Expr),
    Slice(Box<SliceBounds>),
}

/// `object[bounds]`.
#[derive(Debug)]
pub struct Slice {
    pub object: Expr,
    pub bounds: SliceBounds,
}

/// `start:stop:step`, each one optional.
#[derive(Debug)]
pub struct SliceBounds {
    pub start: Option<Expr>,
    pub stop: Option<Expr>,
    pub step: Option<Expr>,
}

/// A comprehension: its `for` clauses, outermost first, and what each innermost run adds.
#[derive(Debug)]
pub struct Comprehension {
    pub clauses: Box<[CompFor]>,
    pub body: CompBody,
}

#[derive(Debug)]
pub enum CompBody {
    List(Expr),
    Map(Expr, Expr),
}

/// `for target in iterable if cond ...`: the target's names are locals of the comprehension.
#[derive(Debug)]
pub struct CompFor {
    pub target: Binding,
    pub iterable: Expr,
    pub conds: Box<[Expr]>,
    pub span: Span,
}

/// An operand that can be read where it lies.
#[derive(Debug)]
pub enum Operand {
    Local(u32),
    Global(u32),
    Const(Value),
}

/// A call whose callee is an expression; a method call `o.m(x)` is turned into callee `o.m`
/// only where a function value is needed (spawn, apply_async).
#[derive(Debug)]
pub struct Call {
    pub callee: Expr,
    pub args: Args,
}

/// See [`ExprKind::NamespaceCall`].
#[derive(Debug)]
pub struct NamespaceCall {
    /// The global the namespace is read from (an [`ExprKind::Global`]).
    pub object: Expr,
    pub slot: u32,
    pub function: super::builtins::Builtin,
    /// The function's name within its namespace (`read`), for the method-call fallback.
    pub name: Rc<str>,
    pub args: Args,
}

/// Positional then named arguments.
#[derive(Debug, Default)]
pub struct Args {
    pub positional: Box<[Expr]>,
    pub named: Box<[(Rc<str>, Expr)]>,
}

#[derive(Debug)]
pub enum FPart {
    Lit(Rc<str>),
    Expr(Expr, Option<FormatSpec>),
}
