//! The only module that touches pest's pairs (with its submodule `forms`, for destructuring,
//! conditionals, slices and comprehensions): it owns the grammar derive and the Pratt parser
//! and turns pairs into the typed AST. When pest fails, `diagnose` puts its error in the
//! user's words.

use std::rc::Rc;
use std::sync::LazyLock;

use pest::Parser as _;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest_derive::Parser;

use super::ast::*;
use super::diagnose::friendly_error;
use super::format_spec::FormatSpec;
use super::prescan::prescan;
use super::source::{SourceId, Span};

/// Deepest nesting of brackets and blocks accepted.
pub const MAX_NESTING: usize = 200;
/// Deepest expression tree accepted.
pub const MAX_EXPR_DEPTH: usize = 500;

#[derive(Parser)]
#[grammar = "grammar/mpscript.pest"]
struct Grammar;

/// A syntax error: what is wrong, where, and whether the input merely ended too early (which
/// the REPL takes as "read another line").
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
    pub at_end: bool,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

type PResult<T> = Result<T, SyntaxError>;

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::or_op, Assoc::Left))
        .op(Op::infix(Rule::and_op, Assoc::Left))
        .op(Op::prefix(Rule::not_op))
        .op(Op::infix(Rule::eq, Assoc::Left)
            | Op::infix(Rule::ne, Assoc::Left)
            | Op::infix(Rule::lt, Assoc::Left)
            | Op::infix(Rule::le, Assoc::Left)
            | Op::infix(Rule::gt, Assoc::Left)
            | Op::infix(Rule::ge, Assoc::Left)
            | Op::infix(Rule::in_op, Assoc::Left)
            | Op::infix(Rule::not_in, Assoc::Left))
        // Python's order for the bitwise operators: `|` loosest, then `^`, `&`, shifts.
        .op(Op::infix(Rule::bit_or, Assoc::Left))
        .op(Op::infix(Rule::bit_xor, Assoc::Left))
        .op(Op::infix(Rule::bit_and, Assoc::Left))
        .op(Op::infix(Rule::shl, Assoc::Left) | Op::infix(Rule::shr, Assoc::Left))
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left)
            | Op::infix(Rule::div, Assoc::Left)
            | Op::infix(Rule::floordiv, Assoc::Left)
            | Op::infix(Rule::modulo, Assoc::Left))
        .op(Op::prefix(Rule::neg) | Op::prefix(Rule::bit_not))
        // Tighter than unary minus on its left (`-2 ** 2` is -4), right-associative.
        .op(Op::infix(Rule::pow, Assoc::Right))
        .op(Op::postfix(Rule::call) | Op::postfix(Rule::index) | Op::postfix(Rule::field))
});

/// Parses a whole source into a program.
pub fn parse(source: SourceId, text: &str) -> Result<Program, SyntaxError> {
    if let Err(e) = prescan(text) {
        return Err(SyntaxError {
            message: e.message,
            span: Span::new(source, e.start, e.end),
            at_end: e.at_end,
        });
    }
    // The prescan bounds nesting; a generous stack still keeps pest's recursion (about a
    // dozen frames per nesting level) far from the limit of any thread that calls us.
    stacker::maybe_grow(4 * 1024 * 1024, 64 * 1024 * 1024, || {
        let pairs =
            Grammar::parse(Rule::program, text).map_err(|e| friendly_error(e, source, text))?;
        let builder = Builder { source };
        let program = pairs
            .peek()
            .ok_or_else(|| builder.error("empty parse", 0, 0))?;
        builder.program(program)
    })
}

struct Builder {
    source: SourceId,
}

fn is_keyword(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::kw_let
            | Rule::kw_import
            | Rule::kw_as
            | Rule::kw_fn
            | Rule::kw_return
            | Rule::kw_if
            | Rule::kw_else
            | Rule::kw_while
            | Rule::kw_for
            | Rule::kw_in
            | Rule::kw_break
            | Rule::kw_continue
            | Rule::kw_try
            | Rule::kw_catch
            | Rule::kw_throw
            | Rule::kw_with
            | Rule::kw_spawn
            | Rule::kw_pool
            | Rule::kw_apply_async
            | Rule::kw_close
            | Rule::kw_join
            | Rule::kw_struct
            | Rule::eq_sign
    )
}

/// The pairs inside `pair`, without keyword tokens.
fn parts(pair: Pair<'_, Rule>) -> Vec<Pair<'_, Rule>> {
    pair.into_inner()
        .filter(|p| !is_keyword(p.as_rule()))
        .collect()
}

/// An expression with its nesting depth (operands to the right and under prefixes; a left
/// operand adds nothing, so flat chains are not nesting), so overly deep trees are refused
/// while building; and the length of its left spine, so long chains are flattened.
type Deep = (Expr, usize, usize);

impl Builder {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.source, s.start(), s.end())
    }

    fn error(&self, message: impl Into<String>, start: usize, end: usize) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            span: Span::new(self.source, start, end),
            at_end: false,
        }
    }

    fn error_at(&self, message: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            span,
            at_end: false,
        }
    }

    fn missing(&self, what: &str, pair: &Pair<'_, Rule>) -> SyntaxError {
        let s = pair.as_span();
        self.error(
            format!("internal parser error: missing {what}"),
            s.start(),
            s.end(),
        )
    }

    fn program(&self, pair: Pair<'_, Rule>) -> PResult<Program> {
        let span = self.span(&pair);
        let stmts = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::stmts)
            .map(|p| self.stmts(p))
            .transpose()?
            .unwrap_or_default();
        Ok(Program { stmts, span })
    }

    fn stmts(&self, pair: Pair<'_, Rule>) -> PResult<Vec<Stmt>> {
        pair.into_inner().map(|p| self.stmt(p)).collect()
    }

    fn block(&self, pair: Pair<'_, Rule>) -> PResult<Block> {
        let span = self.span(&pair);
        let stmts = match pair.into_inner().next() {
            Some(stmts) => self.stmts(stmts)?,
            None => Vec::new(),
        };
        Ok(Block { stmts, span })
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            name: pair.as_str().into(),
            span: self.span(pair),
        }
    }

    fn stmt(&self, pair: Pair<'_, Rule>) -> PResult<Stmt> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let whole = pair.clone();
        let mut it = parts(pair).into_iter();
        let mut next = |what: &str| it.next().ok_or_else(|| self.missing(what, &whole));
        let kind = match rule {
            Rule::let_stmt => match self.targets(next("name")?)? {
                Pattern::Name(name) => StmtKind::Let {
                    name,
                    value: self.expr(next("value")?)?,
                },
                pattern => StmtKind::LetUnpack {
                    pattern,
                    value: self.expr(next("value")?)?,
                },
            },
            Rule::fn_decl => {
                let name = self.ident(&next("name")?);
                let params = self.params(next("params")?)?;
                let body = self.block(next("body")?)?;
                StmtKind::Fn(Rc::new(FnDef {
                    name: Some(name),
                    params,
                    body,
                    span,
                }))
            }
            Rule::struct_decl => {
                let name = self.ident(&next("name")?);
                let fields = it.map(|field| self.param(field)).collect::<PResult<_>>()?;
                StmtKind::Struct(Rc::new(StructDef { name, fields, span }))
            }
            Rule::if_stmt => {
                let cond = self.expr(next("condition")?)?;
                let body = self.block(next("body")?)?;
                let mut arms = vec![(cond, body)];
                let mut otherwise = None;
                for extra in it {
                    match extra.as_rule() {
                        Rule::else_if => {
                            let mut inner = parts(extra).into_iter();
                            let (Some(c), Some(b)) = (inner.next(), inner.next()) else {
                                return Err(self.missing("else if", &whole));
                            };
                            arms.push((self.expr(c)?, self.block(b)?));
                        }
                        Rule::else_block => {
                            let b = parts(extra)
                                .into_iter()
                                .next()
                                .ok_or_else(|| self.missing("else", &whole))?;
                            otherwise = Some(self.block(b)?);
                        }
                        _ => return Err(self.missing("else", &whole)),
                    }
                }
                StmtKind::If { arms, otherwise }
            }
            Rule::while_stmt => StmtKind::While {
                cond: self.expr(next("condition")?)?,
                body: self.block(next("body")?)?,
            },
            Rule::for_stmt => StmtKind::For {
                var: self.targets(next("variable")?)?,
                iterable: self.expr(next("iterable")?)?,
                body: self.block(next("body")?)?,
            },
            Rule::break_stmt => StmtKind::Break,
            Rule::continue_stmt => StmtKind::Continue,
            Rule::return_stmt => StmtKind::Return(it.next().map(|e| self.expr(e)).transpose()?),
            Rule::throw_stmt => StmtKind::Throw(self.expr(next("value")?)?),
            Rule::try_stmt => {
                let body = self.block(next("body")?)?;
                let rest: Vec<_> = it.collect();
                let (err, handler) = match rest.as_slice() {
                    [name, handler] => (Some(self.ident(name)), handler.clone()),
                    [handler] => (None, handler.clone()),
                    _ => return Err(self.missing("catch", &whole)),
                };
                StmtKind::Try {
                    body,
                    err,
                    handler: self.block(handler)?,
                }
            }
            Rule::with_stmt => {
                let lock = self.expr(next("lock")?)?;
                let mut part = next("body")?;
                let mut name = None;
                if part.as_rule() == Rule::ident {
                    name = Some(self.ident(&part));
                    part = next("body")?;
                }
                StmtKind::With {
                    lock,
                    name,
                    body: self.block(part)?,
                }
            }
            Rule::close_stmt => StmtKind::Close(self.expr(next("pool")?)?),
            Rule::join_stmt => StmtKind::Join(self.expr(next("target")?)?),
            Rule::import_stmt => {
                let path = next("path")?;
                let (text, start) = (path.as_str(), self.span(&path).start as usize);
                let path = self
                    .unescape(&text[1..text.len() - 1], start + 1)?
                    .to_string();
                StmtKind::Import {
                    path,
                    alias: self.ident(&next("name")?),
                }
            }
            Rule::assign_stmt => {
                let target = self.expr(next("target")?)?;
                let op = match next("operator")?.as_str() {
                    "+=" => AssignOp::Update(BinaryOp::Add),
                    "-=" => AssignOp::Update(BinaryOp::Sub),
                    "*=" => AssignOp::Update(BinaryOp::Mul),
                    "/=" => AssignOp::Update(BinaryOp::Div),
                    "//=" => AssignOp::Update(BinaryOp::FloorDiv),
                    "%=" => AssignOp::Update(BinaryOp::Mod),
                    "**=" => AssignOp::Update(BinaryOp::Pow),
                    "&=" => AssignOp::Update(BinaryOp::BitAnd),
                    "|=" => AssignOp::Update(BinaryOp::BitOr),
                    "^=" => AssignOp::Update(BinaryOp::BitXor),
                    "<<=" => AssignOp::Update(BinaryOp::Shl),
                    ">>=" => AssignOp::Update(BinaryOp::Shr),
                    _ => AssignOp::Set,
                };
                let value = self.expr(next("value")?)?;
                let target = super::chain::unchain_last(target);
                let target = match target.kind {
                    ExprKind::Name(name) => Target::Name(Ident {
                        name,
                        span: target.span,
                    }),
                    ExprKind::Index { object, index } => Target::Index {
                        object: *object,
                        index: *index,
                    },
                    ExprKind::Field { object, name } => Target::Field {
                        object: *object,
                        name,
                    },
                    _ => {
                        return Err(self.error_at(
                            "cannot assign to this expression (only to a name, `xs[i]`, `m[k]` or `p.field`)",
                            target.span,
                        ));
                    }
                };
                StmtKind::Assign { target, op, value }
            }
            Rule::expr_stmt => StmtKind::Expr(self.expr(next("expression")?)?),
            _ => return Err(self.missing("statement", &whole)),
        };
        Ok(Stmt { kind, span })
    }

    fn params(&self, pair: Pair<'_, Rule>) -> PResult<Vec<Param>> {
        pair.into_inner().map(|param| self.param(param)).collect()
    }

    /// A parameter `name` or `name = default`, or a struct's field written the same way.
    fn param(&self, param: Pair<'_, Rule>) -> PResult<Param> {
        let mut inner = parts(param).into_iter();
        let name = inner
            .next()
            .ok_or_else(|| self.error("missing parameter", 0, 0))?;
        Ok(Param {
            name: self.ident(&name),
            default: inner.next().map(|d| self.expr(d)).transpose()?,
        })
    }

    /// An `expr` or `bexpr` pair (an operator sequence and perhaps `if c else d`), or an
    /// operator sequence alone (`operation`, `boperation`, `term`).
    fn expr(&self, pair: Pair<'_, Rule>) -> PResult<Expr> {
        match pair.as_rule() {
            Rule::expr | Rule::bexpr => self.conditional(pair),
            _ => self.deep_expr(pair.into_inner()).map(|(e, _, _)| e),
        }
    }

    fn deep_expr(&self, pairs: Pairs<'_, Rule>) -> PResult<Deep> {
        PRATT
            .map_primary(|p| self.primary(p).map(|e| (e, 1, 0)))
            .map_prefix(|op, rhs| {
                let (rhs, depth, _) = rhs?;
                let op_span = self.span(&op);
                let op = match op.as_rule() {
                    Rule::neg => UnaryOp::Neg,
                    Rule::bit_not => UnaryOp::BitNot,
                    _ => UnaryOp::Not,
                };
                let span = op_span.to(rhs.span);
                self.deeper(
                    ExprKind::Unary {
                        op,
                        operand: Box::new(rhs),
                    },
                    span,
                    depth,
                    0,
                )
            })
            .map_infix(|lhs, op, rhs| {
                let ((lhs, dl, spine), (rhs, dr, _)) = (lhs?, rhs?);
                let op = match op.as_rule() {
                    Rule::or_op => BinaryOp::Or,
                    Rule::and_op => BinaryOp::And,
                    Rule::eq => BinaryOp::Eq,
                    Rule::ne => BinaryOp::Ne,
                    Rule::lt => BinaryOp::Lt,
                    Rule::le => BinaryOp::Le,
                    Rule::gt => BinaryOp::Gt,
                    Rule::ge => BinaryOp::Ge,
                    Rule::in_op => BinaryOp::In,
                    Rule::not_in => BinaryOp::NotIn,
                    Rule::add => BinaryOp::Add,
                    Rule::sub => BinaryOp::Sub,
                    Rule::mul => BinaryOp::Mul,
                    Rule::div => BinaryOp::Div,
                    Rule::floordiv => BinaryOp::FloorDiv,
                    Rule::pow => BinaryOp::Pow,
                    Rule::bit_and => BinaryOp::BitAnd,
                    Rule::bit_or => BinaryOp::BitOr,
                    Rule::bit_xor => BinaryOp::BitXor,
                    Rule::shl => BinaryOp::Shl,
                    Rule::shr => BinaryOp::Shr,
                    _ => BinaryOp::Mod,
                };
                let span = lhs.span.to(rhs.span);
                self.deeper(
                    ExprKind::Binary {
                        op,
                        lhs: Box::new(lhs),
                        rhs: Box::new(rhs),
                    },
                    span,
                    dl.max(dr + 1) - 1,
                    spine + 1,
                )
            })
            .map_postfix(|lhs, op| {
                let (lhs, depth, spine) = lhs?;
                let span = lhs.span.to(self.span(&op));
                let kind = match op.as_rule() {
                    Rule::call => {
                        let args = self.args(op)?;
                        match lhs.kind {
                            ExprKind::Field { object, name } => {
                                ExprKind::Method { object, name, args }
                            }
                            kind => ExprKind::Call {
                                callee: Box::new(Expr {
                                    kind,
                                    span: lhs.span,
                                }),
                                args,
                            },
                        }
                    }
                    Rule::index => ExprKind::Index {
                        object: Box::new(lhs),
                        index: Box::new(self.index(op)?),
                    },
                    _ => {
                        let name = op
                            .into_inner()
                            .next()
                            .ok_or_else(|| self.error("missing field", 0, 0))?;
                        ExprKind::Field {
                            object: Box::new(lhs),
                            name: self.ident(&name),
                        }
                    }
                };
                self.deeper(kind, span, depth - 1, spine + 1)
            })
            .parse(pairs)
    }

    /// `depth` is the nesting of the node's operands; `spine`, the length of its left spine.
    fn deeper(&self, kind: ExprKind, span: Span, depth: usize, spine: usize) -> PResult<Deep> {
        if depth + 1 > MAX_EXPR_DEPTH {
            return Err(self.error_at(
                format!("expression is too deeply nested (more than {MAX_EXPR_DEPTH} levels)"),
                span,
            ));
        }
        let expr = super::chain::settle(Expr { kind, span }, spine);
        Ok((expr, depth + 1, spine))
    }

    fn args(&self, call: Pair<'_, Rule>) -> PResult<Vec<Arg>> {
        let mut args = Vec::new();
        let mut seen_named = false;
        for arg in call.into_inner() {
            let mut inner = parts(arg);
            let value = inner
                .pop()
                .ok_or_else(|| self.error("missing argument", 0, 0))?;
            let name = inner.first().map(|n| self.ident(n));
            let value = self.expr(value)?;
            match &name {
                Some(_) => seen_named = true,
                None if seen_named => {
                    return Err(self.error_at(
                        "positional argument after a named one: put positional arguments first",
                        value.span,
                    ));
                }
                None => {}
            }
            args.push(Arg { name, value });
        }
        Ok(args)
    }

    fn primary(&self, pair: Pair<'_, Rule>) -> PResult<Expr> {
        let span = self.span(&pair);
        let text = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::int => ExprKind::Int(self.int(text, span)?),
            Rule::float => ExprKind::Float(
                text.replace('_', "")
                    .parse()
                    .map_err(|_| self.error_at("invalid number", span))?,
            ),
            Rule::string => ExprKind::Str(
                self.unescape(&text[1..text.len() - 1], span.start as usize + 1)?
                    .into(),
            ),
            Rule::fstring => ExprKind::FString(self.fstring(pair)?),
            Rule::kw_true => ExprKind::Bool(true),
            Rule::kw_false => ExprKind::Bool(false),
            Rule::kw_nil => ExprKind::Nil,
            Rule::ident => ExprKind::Name(text.into()),
            Rule::paren => {
                let inner = pair
                    .into_inner()
                    .next()
                    .ok_or_else(|| self.error_at("empty parentheses", span))?;
                let mut e = self.expr(inner)?;
                e.span = span;
                return Ok(e);
            }
            Rule::list => self.list(pair)?,
            Rule::map => self.map(pair)?,
            Rule::fn_lit => {
                let mut inner = parts(pair).into_iter();
                let (Some(params), Some(body)) = (inner.next(), inner.next()) else {
                    return Err(self.error_at("incomplete function", span));
                };
                ExprKind::Fn(Rc::new(FnDef {
                    name: None,
                    params: self.params(params)?,
                    body: self.block(body)?,
                    span,
                }))
            }
            Rule::spawn_expr => {
                let term = parts(pair)
                    .into_iter()
                    .next()
                    .ok_or_else(|| self.error_at("missing call", span))?;
                ExprKind::Spawn(Box::new(self.call_only(term, "spawn", "spawn work(1)")?))
            }
            Rule::pool_expr => {
                let call = parts(pair)
                    .into_iter()
                    .next()
                    .ok_or_else(|| self.error_at("missing call", span))?;
                ExprKind::Pool(self.args(call)?)
            }
            Rule::apply_expr => {
                let mut inner = parts(pair).into_iter();
                let (Some(pool), Some(call)) = (inner.next(), inner.next()) else {
                    return Err(self.error_at("incomplete apply_async", span));
                };
                let pool = self.expr(pool)?;
                let call = self.call_only(call, "apply_async", "apply_async p, work(1)")?;
                let options = inner
                    .map(|option| {
                        let mut kv = parts(option).into_iter();
                        match (kv.next(), kv.next()) {
                            (Some(name), Some(value)) => Ok(Arg {
                                name: Some(self.ident(&name)),
                                value: self.expr(value)?,
                            }),
                            _ => Err(self.error_at("incomplete option", span)),
                        }
                    })
                    .collect::<PResult<_>>()?;
                ExprKind::ApplyAsync {
                    pool: Box::new(pool),
                    call: Box::new(call),
                    options,
                }
            }
            _ => return Err(self.error_at(format!("unexpected `{text}`"), span)),
        };
        Ok(Expr { kind, span })
    }

    /// A `term` that must be a function call (after `spawn` and `apply_async`).
    fn call_only(&self, term: Pair<'_, Rule>, keyword: &str, example: &str) -> PResult<Expr> {
        let expr = super::chain::unchain_last(self.expr(term)?);
        match expr.kind {
            ExprKind::Call { .. } | ExprKind::Method { .. } => Ok(expr),
            _ => Err(self.error_at(
                format!("`{keyword}` needs a function call, like `{example}`"),
                expr.span,
            )),
        }
    }

    fn int(&self, text: &str, span: Span) -> PResult<i64> {
        let clean = text.replace('_', "");
        let parsed = if let Some(hex) = clean.strip_prefix("0x") {
            i64::from_str_radix(hex, 16)
        } else if let Some(oct) = clean.strip_prefix("0o") {
            i64::from_str_radix(oct, 8)
        } else if let Some(bin) = clean.strip_prefix("0b") {
            i64::from_str_radix(bin, 2)
        } else {
            clean.parse()
        };
        parsed.map_err(|_| {
            self.error_at(
                "integer literal is too large (ints are 64-bit: at most 9223372036854775807)",
                span,
            )
        })
    }

    /// Resolves escapes; `base` is the byte offset of `raw` in the source, for error spans.
    fn unescape(&self, raw: &str, base: usize) -> PResult<String> {
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else {
                return Err(self.error("unfinished escape", base + i, base + i + 1));
            };
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'a' => out.push('\u{7}'),
                'v' => out.push('\u{b}'),
                '0' => out.push('\0'),
                '\\' => out.push('\\'),
                '"' => out.push('"'),
                '\'' => out.push('\''),
                '{' => out.push('{'),
                '}' => out.push('}'),
                'u' => {
                    let rest = &raw[i + 2..];
                    let close = rest.find('}');
                    let code = match (rest.starts_with('{'), close) {
                        (true, Some(end)) => u32::from_str_radix(&rest[1..end], 16)
                            .ok()
                            .and_then(char::from_u32)
                            .map(|c| (c, end)),
                        _ => None,
                    };
                    let Some((ch, end)) = code else {
                        let len = close.map_or(2, |e| e + 3);
                        return Err(self.error(
                            "invalid unicode escape: write `\\u{XXXX}` with 1 to 6 hex digits of a valid code point",
                            base + i,
                            base + i + len.min(raw.len() - i),
                        ));
                    };
                    out.push(ch);
                    for _ in 0..=end {
                        chars.next();
                    }
                }
                other => {
                    return Err(self.error(
                        format!("unknown escape `\\{other}` in string"),
                        base + i,
                        base + i + 1 + other.len_utf8(),
                    ));
                }
            }
        }
        Ok(out)
    }

    fn fstring(&self, pair: Pair<'_, Rule>) -> PResult<Vec<FPart>> {
        let mut parts: Vec<FPart> = Vec::new();
        let push_text = |parts: &mut Vec<FPart>, text: String| {
            if let Some(FPart::Lit(last)) = parts.last_mut() {
                *last = format!("{last}{text}").into();
            } else if !text.is_empty() {
                parts.push(FPart::Lit(text.into()));
            }
        };
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::fs_brace => push_text(&mut parts, part.as_str()[..1].to_string()),
                Rule::fs_text_d | Rule::fs_text_s => {
                    let text = self.unescape(part.as_str(), part.as_span().start())?;
                    push_text(&mut parts, text);
                }
                _ => {
                    let mut inner = part.into_inner();
                    let expr = inner
                        .next()
                        .ok_or_else(|| self.error("empty f-string part", 0, 0))?;
                    let expr = self.expr(expr)?;
                    let spec = inner
                        .next()
                        .map(|spec| {
                            let span = self.span(&spec);
                            FormatSpec::parse(spec.as_str(), span)
                                .map_err(|m| self.error_at(m, span))
                        })
                        .transpose()?;
                    parts.push(FPart::Expr { expr, spec });
                }
            }
        }
        Ok(parts)
    }
}

mod forms;
#[cfg(test)]
mod tests;

#[cfg(test)]
mod doc_example_tests {
    use super::parse;
    use crate::syntax::SourceId;

    #[test]
    fn parse_gives_a_program_or_an_error_at_the_end() {
        let program = parse(SourceId(0), "let x = 1 +\n 2").unwrap();
        assert_eq!(program.stmts.len(), 1);
        let err = parse(SourceId(0), "let x = (1 +").unwrap_err();
        assert!(err.at_end);
    }
}
