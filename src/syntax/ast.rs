//! The typed syntax tree. Every node carries the [`Span`] of the source it came from, so any
//! later error can point back at the text. Nothing here knows about pest; `parser.rs` builds it.

use std::rc::Rc;

pub use super::format_spec::FormatSpec;
pub use super::source::Span;

/// A whole parsed source: a script file, a `-c` one-liner, or one REPL input.
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

/// A name as written in the source.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: Rc<str>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `let name = value`
    Let {
        name: Ident,
        value: Expr,
    },
    /// `let [a, b] = value` or `let a, b = value`: declares every name of the pattern.
    LetUnpack {
        pattern: Pattern,
        value: Expr,
    },
    /// `target = value`, `target += value`, ...
    Assign {
        target: Target,
        op: AssignOp,
        value: Expr,
    },
    /// `fn name(params) { body }`
    Fn(Rc<FnDef>),
    /// `struct Name { field, field = default }`
    Struct(Rc<StructDef>),
    /// An expression evaluated for its effect (its value is what the REPL echoes).
    Expr(Expr),
    /// `if c { } else if c { } else { }`: one arm per condition.
    If {
        arms: Vec<(Expr, Block)>,
        otherwise: Option<Block>,
    },
    While {
        cond: Expr,
        body: Block,
    },
    /// `for var in iterable { body }`, or `for k, v in ...` (a pattern).
    For {
        var: Pattern,
        iterable: Expr,
        body: Block,
    },
    Break,
    Continue,
    Return(Option<Expr>),
    Throw(Expr),
    /// `try { body } catch err { handler }`; the name after `catch` is optional.
    Try {
        body: Block,
        err: Option<Ident>,
        handler: Block,
    },
    /// `with lock { body }`, `with pool(2) as p { body }`
    With {
        lock: Expr,
        name: Option<Ident>,
        body: Block,
    },
    /// `close pool`
    Close(Expr),
    /// `join x`
    Join(Expr),
    /// `import "lib/util.mps" as util`: the path as written, and the name it binds.
    Import {
        path: String,
        alias: Ident,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Set,
    /// `+=`, `-=`, ... `>>=`: the binary operator applied to the old value and the new.
    Update(BinaryOp),
}

/// What a `let`, a `for` or a comprehension binds: a name, or a list unpacked into names
/// (`[a, b]`, also written `a, b` after `for` and `let`), nested at will.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    Name(Ident),
    List { items: Vec<Pattern>, span: Span },
}

/// One `for target in iterable if cond ...` clause of a comprehension.
#[derive(Clone, Debug, PartialEq)]
pub struct CompFor {
    pub target: Pattern,
    pub iterable: Expr,
    pub conds: Vec<Expr>,
    pub span: Span,
}

/// What an assignment writes to.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Name(Ident),
    /// `object[index] = value`
    Index {
        object: Expr,
        index: Expr,
    },
    /// `record.name = value`
    Field {
        object: Expr,
        name: Ident,
    },
}

/// A record type's declaration: its fields are written like parameters (`y = 0`), and its
/// constructor takes them as such.
#[derive(Clone, Debug, PartialEq)]
pub struct StructDef {
    pub name: Ident,
    pub fields: Vec<Param>,
    pub span: Span,
}

/// A function, named (`fn f(a) {}`) or anonymous (`fn (a) {}`).
#[derive(Clone, Debug, PartialEq)]
pub struct FnDef {
    pub name: Option<Ident>,
    pub params: Vec<Param>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    /// `f"a{x}b{y:.2f}"`
    FString(Vec<FPart>),
    List(Vec<Expr>),
    /// `{k: v, ...}` in source order.
    Map(Vec<(Expr, Expr)>),
    Name(Rc<str>),
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `callee(args)` where the callee is not a field access.
    Call {
        callee: Box<Expr>,
        args: Vec<Arg>,
    },
    /// `object.name(args)`
    Method {
        object: Box<Expr>,
        name: Ident,
        args: Vec<Arg>,
    },
    /// `object.name`
    Field {
        object: Box<Expr>,
        name: Ident,
    },
    /// `object[index]`; a slice `object[a:b:c]` is an `Index` whose index is a `Slice`.
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
    },
    /// The bounds `a:b:c` inside `xs[...]` (each may be left out). Only ever the `index` of
    /// an `Index`, so that long `x[1:][0]...` chains flatten like any index.
    Slice {
        start: Option<Box<Expr>>,
        stop: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    /// `then if cond else otherwise`: only the chosen side is evaluated.
    IfElse {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// `[element for x in xs if c ...]`
    ListComp {
        element: Box<Expr>,
        clauses: Vec<CompFor>,
    },
    /// `{key: value for x in xs if c ...}`
    MapComp {
        key: Box<Expr>,
        value: Box<Expr>,
        clauses: Vec<CompFor>,
    },
    /// `fn (params) { body }`
    Fn(Rc<FnDef>),
    /// `spawn CALL`: `call` is always an `ExprKind::Call` or `ExprKind::Method`.
    Spawn(Box<Expr>),
    /// `pool(args)`
    Pool(Vec<Arg>),
    /// `apply_async pool, CALL, name = value...`: `call` is a `Call` or `Method`.
    ApplyAsync {
        pool: Box<Expr>,
        call: Box<Expr>,
        options: Vec<Arg>,
    },
    /// A long left-leaning chain, `a + b + c ...` or `x.f().g()[0] ...`, kept flat so that
    /// no pass recurses once per link: `head`, then each link applied to the value so far.
    /// The parser builds one only past [`CHAIN_MIN`] links; shorter ones stay nested.
    Chain {
        head: Box<Expr>,
        links: Vec<Link>,
    },
}

/// How many links a left-leaning chain has before the parser flattens it into a `Chain`.
pub const CHAIN_MIN: usize = 32;

/// One step of a [`ExprKind::Chain`]; its span covers the chain from the head to this link.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub kind: LinkKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LinkKind {
    /// `value op rhs`
    Binary(BinaryOp, Expr),
    /// `value(args)`
    Call(Vec<Arg>),
    /// `value.name(args)`
    Method(Ident, Vec<Arg>),
    /// `value.name`
    Field(Ident),
    /// `value[index]`
    Index(Expr),
}

/// One argument of a call: positional (`name` is `None`) or `name = value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
}

/// A piece of an f-string.
#[derive(Clone, Debug, PartialEq)]
pub enum FPart {
    /// Literal text, with escapes and `{{`/`}}` already resolved.
    Lit(Rc<str>),
    /// `{expr}` or `{expr:spec}`.
    Expr {
        expr: Expr,
        spec: Option<FormatSpec>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `not x`
    Not,
    /// `~x` (bitwise not of an int)
    BitNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    /// `**`
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
}

impl BinaryOp {
    /// The operator as the user writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::FloorDiv => "//",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "**",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "^",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
        }
    }
}

impl AssignOp {
    /// The binary operator a compound assignment applies (`+=` applies `+`).
    pub fn binary(self) -> Option<BinaryOp> {
        match self {
            AssignOp::Set => None,
            AssignOp::Update(op) => Some(op),
        }
    }
}

#[cfg(test)]
impl UnaryOp {
    /// How the operator is written (for the parser's tests, which print trees back).
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Not => "not",
            UnaryOp::BitNot => "~",
        }
    }
}
