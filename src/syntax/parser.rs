//! The only module that touches pest: it owns the grammar derive and the Pratt parser, turns
//! pairs into the typed AST, and turns pest's errors into messages in the user's words.

use std::rc::Rc;
use std::sync::LazyLock;

use pest::Parser as _;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest_derive::Parser;

use super::ast::*;
use super::code_chars::Piece;
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
        .op(Op::infix(Rule::add, Assoc::Left) | Op::infix(Rule::sub, Assoc::Left))
        .op(Op::infix(Rule::mul, Assoc::Left)
            | Op::infix(Rule::div, Assoc::Left)
            | Op::infix(Rule::floordiv, Assoc::Left)
            | Op::infix(Rule::modulo, Assoc::Left))
        .op(Op::prefix(Rule::neg))
        .op(Op::postfix(Rule::call) | Op::postfix(Rule::index) | Op::postfix(Rule::field))
});

/// Parses a whole source into a program.
///
/// ```
/// use mpscript::syntax::{parse, SourceId};
/// let program = parse(SourceId(0), "let x = 1 +\n 2").unwrap();
/// assert_eq!(program.stmts.len(), 1);
/// let err = parse(SourceId(0), "let x = (1 +").unwrap_err();
/// assert!(err.at_end);
/// ```
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
            Rule::let_stmt => {
                let name = self.ident(&next("name")?);
                StmtKind::Let {
                    name,
                    value: self.expr(next("value")?)?,
                }
            }
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
                var: self.ident(&next("variable")?),
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
            Rule::with_stmt => StmtKind::With {
                lock: self.expr(next("lock")?)?,
                body: self.block(next("body")?)?,
            },
            Rule::close_stmt => StmtKind::Close(self.expr(next("pool")?)?),
            Rule::join_stmt => StmtKind::Join(self.expr(next("target")?)?),
            Rule::assign_stmt => {
                let target = self.expr(next("target")?)?;
                let op = match next("operator")?.as_str() {
                    "+=" => AssignOp::Add,
                    "-=" => AssignOp::Sub,
                    "*=" => AssignOp::Mul,
                    "/=" => AssignOp::Div,
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
                    ExprKind::Field { name, .. } => {
                        return Err(self.error_at(
                            format!(
                                "cannot assign to field `{}`: fields of handles are read-only",
                                name.name
                            ),
                            target.span,
                        ));
                    }
                    _ => {
                        return Err(self.error_at(
                            "cannot assign to this expression (only to a name, `xs[i]` or `m[k]`)",
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
        pair.into_inner()
            .map(|param| {
                let mut inner = parts(param).into_iter();
                let name = inner
                    .next()
                    .ok_or_else(|| self.error("missing parameter", 0, 0))?;
                Ok(Param {
                    name: self.ident(&name),
                    default: inner.next().map(|d| self.expr(d)).transpose()?,
                })
            })
            .collect()
    }

    /// An `expr`, `bexpr` or `term` pair.
    fn expr(&self, pair: Pair<'_, Rule>) -> PResult<Expr> {
        self.deep_expr(pair.into_inner()).map(|(e, _, _)| e)
    }

    fn deep_expr(&self, pairs: Pairs<'_, Rule>) -> PResult<Deep> {
        PRATT
            .map_primary(|p| self.primary(p).map(|e| (e, 1, 0)))
            .map_prefix(|op, rhs| {
                let (rhs, depth, _) = rhs?;
                let op_span = self.span(&op);
                let op = if op.as_rule() == Rule::neg {
                    UnaryOp::Neg
                } else {
                    UnaryOp::Not
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
                    Rule::index => {
                        let inner = op
                            .into_inner()
                            .next()
                            .ok_or_else(|| self.error("missing index", 0, 0))?;
                        ExprKind::Index {
                            object: Box::new(lhs),
                            index: Box::new(self.expr(inner)?),
                        }
                    }
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
            Rule::list => ExprKind::List(
                pair.into_inner()
                    .map(|p| self.expr(p))
                    .collect::<PResult<_>>()?,
            ),
            Rule::map => ExprKind::Map(
                pair.into_inner()
                    .map(|entry| {
                        let mut kv = entry.into_inner();
                        match (kv.next(), kv.next()) {
                            (Some(k), Some(v)) => Ok((self.expr(k)?, self.expr(v)?)),
                            _ => Err(self.error_at("incomplete map entry", span)),
                        }
                    })
                    .collect::<PResult<_>>()?,
            ),
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

// ---------------------------------------------------------------------------------------------
// Errors in the user's words.

/// What the user would call the token at `pos`.
fn token_at(text: &str, pos: usize) -> String {
    let rest = &text[pos..];
    let Some(c) = rest.chars().next() else {
        return "the end of the input".into();
    };
    if c == '\n' {
        return "a line break".into();
    }
    let word: String = if c.is_alphanumeric() || c == '_' {
        rest.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    } else {
        let two: String = rest.chars().take(2).collect();
        if ["==", "!=", "<=", ">=", "//", "+=", "-=", "*=", "/="].contains(&two.as_str()) {
            two
        } else {
            c.to_string()
        }
    };
    format!("`{word}`")
}

/// The significant text before `pos` (skipping spaces and comments on the same line).
fn previous_token(text: &str, pos: usize) -> Option<String> {
    let before = text[..pos].trim_end_matches([' ', '\t', '\r', '\n']);
    let last = before.chars().last()?;
    if last.is_alphanumeric() || last == '_' {
        let word: String = before
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return Some(word);
    }
    let two: String = before
        .chars()
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if ["==", "!=", "<=", ">=", "//"].contains(&two.as_str()) {
        return Some(two);
    }
    Some(last.to_string())
}

/// The reserved words.
pub const KEYWORDS: &[&str] = &[
    "let",
    "fn",
    "return",
    "if",
    "else",
    "while",
    "for",
    "in",
    "break",
    "continue",
    "try",
    "catch",
    "throw",
    "with",
    "and",
    "or",
    "not",
    "true",
    "false",
    "nil",
    "spawn",
    "pool",
    "apply_async",
    "close",
    "join",
];

const BINARY_OPERATORS: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or", "in", "not", "=",
    ",",
];

fn friendly_error(error: pest::error::Error<Rule>, source: SourceId, text: &str) -> SyntaxError {
    let pos = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let positives = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let owner = positives
        .contains(&Rule::block)
        .then(|| block_owner(text, pos));
    if let Some(hint) = super::hints::habit(text, pos, owner.as_deref()) {
        return SyntaxError {
            message: hint.message,
            span: Span::new(source, hint.start, hint.end),
            at_end: false,
        };
    }
    let rest_blank = text[pos..]
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    // When the input just ended, point right after its last token, not at an empty line.
    let pos = if rest_blank {
        text.trim_end().len().min(pos)
    } else {
        pos
    };
    let found = if rest_blank {
        "the end of the input".to_string()
    } else {
        token_at(text, pos)
    };
    let prev = previous_token(text, pos);
    let expects = |r: Rule| positives.contains(&r);
    let wants_expr = positives.iter().any(|r| {
        matches!(
            r,
            Rule::expr
                | Rule::bexpr
                | Rule::term
                | Rule::ident
                | Rule::int
                | Rule::float
                | Rule::string
                | Rule::fstring
                | Rule::paren
                | Rule::list
                | Rule::map
                | Rule::neg
                | Rule::not_op
                | Rule::fn_lit
                | Rule::kw_true
        )
    });
    let next_word = text[pos..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect::<String>();
    let len = found.trim_matches('`').chars().count().max(1);
    let end = text[pos..]
        .char_indices()
        .nth(len)
        .map_or(text.len(), |(i, _)| pos + i);
    let mut at_end = rest_blank;

    let open = innermost_open(text, pos);
    let operand_before = prev.as_deref().is_some_and(|p| {
        p.ends_with(|c: char| {
            c.is_alphanumeric() || c == '_' || c == '"' || c == '\'' || c == ')' || c == ']'
        })
    });
    let operand_here = text[pos..].starts_with(|c: char| {
        c.is_alphanumeric() || c == '_' || c == '"' || c == '\'' || c == '(' || c == '['
    });
    let message = if next_word == "else" && !expects(Rule::ident) {
        "`else` without an `if` before it".into()
    } else if found == "`}`" && prev.as_deref() == Some("{") {
        "empty `{}` in f-string: put an expression inside, or write `{{}}` for literal braces"
            .into()
    } else if expects(Rule::eq_sign)
        && text[..pos]
            .trim_end()
            .rsplit(|c: char| c.is_whitespace())
            .nth(1)
            == Some("let")
    {
        let name = prev.clone().unwrap_or_default();
        format!("expected `=` after `let {name}`, found {found}")
    } else if operand_before && operand_here && matches!(open, Some('(' | '[' | '{')) {
        match open {
            Some('(') => format!("expected `,` or `)` before {found}"),
            Some('[') => format!("expected `,` or `]` before {found}"),
            _ => format!("expected `:` or `,` before {found}"),
        }
    } else if expects(Rule::ident)
        && KEYWORDS.contains(&next_word.as_str())
        && !wants_expr_only(&positives)
    {
        at_end = false;
        format!("`{next_word}` is a keyword and cannot be used as a name")
    } else if prev.as_deref() == Some("let") && expects(Rule::ident) {
        "`let` needs a name, like `let x = 1`".into()
    } else if text[pos..].starts_with('=')
        && !text[pos..].starts_with("==")
        && !expects(Rule::assign_op)
    {
        "unexpected `=`: use `==` to compare, or assign with `name = value` on its own line".into()
    } else if wants_expr
        && prev
            .as_deref()
            .is_some_and(|p| BINARY_OPERATORS.contains(&p))
    {
        let p = prev.clone().unwrap_or_default();
        let what = if p == "," {
            "after `,`".to_string()
        } else if p == "=" {
            "after `=`".to_string()
        } else {
            format!("after `{p}`")
        };
        format!("expected an expression {what}, found {found}")
    } else if expects(Rule::block) {
        let owner = block_owner(text, pos);
        format!("expected `{{` to start the body of {owner}, found {found}")
    } else if expects(Rule::params) {
        format!("expected `(` and the parameters of the function, found {found}")
    } else if expects(Rule::call) && prev.as_deref() == Some("pool") {
        "expected `(` after `pool`: write `pool(n)` or `pool()`".into()
    } else if positives.iter().any(|r| matches!(r, Rule::EOI))
        || (expects(Rule::assign_op) && !wants_expr)
    {
        at_end = false;
        format!("expected a newline or `;` after the statement, found {found}")
    } else if prev.as_deref().is_some_and(|p| KEYWORDS.contains(&p)) && expects(Rule::ident) {
        format!(
            "expected a name after `{}`, found {found}",
            prev.unwrap_or_default()
        )
    } else if wants_expr {
        format!("expected an expression, found {found}")
    } else if text[pos..].starts_with('}')
        || text[pos..].starts_with(')')
        || text[pos..].starts_with(']')
    {
        format!("unexpected {found}")
    } else if prev.as_deref().is_some_and(|p| p == "f") && found == "`{`" {
        "empty expression in f-string".into()
    } else if let Some(name) = single_expectation(&positives) {
        format!("expected {name}, found {found}")
    } else {
        format!("unexpected {found}")
    };
    SyntaxError {
        message,
        span: Span::new(source, pos, end.max(pos)),
        at_end,
    }
}

/// The innermost bracket still open at `pos` (strings and comments skipped roughly).
fn innermost_open(text: &str, pos: usize) -> Option<char> {
    let mut stack = Vec::new();
    for piece in super::code_chars::code_chars(&text[..pos]) {
        match piece {
            Piece::Code(_, c @ ('(' | '[' | '{')) => stack.push(c),
            Piece::Code(_, ')' | ']' | '}') => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}

fn wants_expr_only(positives: &[Rule]) -> bool {
    positives
        .iter()
        .any(|r| matches!(r, Rule::expr | Rule::bexpr | Rule::term | Rule::int))
}

/// Which construct a block is expected for, by the nearest keyword before `pos` on its line.
fn block_owner(text: &str, pos: usize) -> String {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..pos];
    for word in line
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .rev()
    {
        if ["if", "while", "for", "fn", "else", "try", "catch", "with"].contains(&word) {
            return format!("`{word}`");
        }
    }
    "the block".into()
}

/// What was expected, when pest's list boils down to one thing the user would name.
fn single_expectation(positives: &[Rule]) -> Option<&'static str> {
    let mut names: Vec<&str> = positives.iter().filter_map(|r| rule_name(*r)).collect();
    names.dedup();
    match names.as_slice() {
        [one] => Some(one),
        _ => None,
    }
}

fn rule_name(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::ident => "a name",
        Rule::block => "`{`",
        Rule::params => "`(`",
        Rule::assign_op | Rule::eq_sign => "`=`",
        Rule::kw_in => "`in`",
        Rule::kw_catch => "`catch`",
        Rule::kw_if => "`if`",
        Rule::option => "an option like `callback = f`",
        Rule::field_name => "a field or method name",
        Rule::fs_spec => "a format spec",
        Rule::pair => "a `key: value` entry",
        Rule::arg => "an argument",
        Rule::param => "a parameter",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Program {
        match parse(SourceId(0), text) {
            Ok(p) => p,
            Err(e) => panic!("{text:?}: {}", e.message),
        }
    }

    fn expr_of(text: &str) -> Expr {
        match parse_ok(text).stmts.remove(0).kind {
            StmtKind::Expr(e) => e,
            other => panic!("not an expression: {other:?}"),
        }
    }

    /// A compact rendering of an expression tree, for precedence tests.
    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int(i) => i.to_string(),
            ExprKind::Name(n) => n.to_string(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Binary { op, lhs, rhs } => {
                format!("({} {} {})", show(lhs), op.symbol(), show(rhs))
            }
            ExprKind::Unary { op, operand } => format!("({} {})", op.symbol(), show(operand)),
            ExprKind::Field { object, name } => format!("{}.{}", show(object), name.name),
            ExprKind::Method { object, name, args } => {
                format!("{}.{}/{}", show(object), name.name, args.len())
            }
            ExprKind::Call { callee, args } => format!("{}/{}", show(callee), args.len()),
            ExprKind::Index { object, index } => format!("{}[{}]", show(object), show(index)),
            ExprKind::List(items) => {
                format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(" "))
            }
            other => format!("{other:?}"),
        }
    }

    fn err(text: &str) -> SyntaxError {
        parse(SourceId(0), text).unwrap_err()
    }

    #[test]
    fn precedence() {
        assert_eq!(show(&expr_of("1 + 2 * 3")), "(1 + (2 * 3))");
        assert_eq!(show(&expr_of("1 - 2 - 3")), "((1 - 2) - 3)");
        assert_eq!(show(&expr_of("-x.y")), "(- x.y)");
        assert_eq!(show(&expr_of("not a == b")), "(not (a == b))");
        assert_eq!(show(&expr_of("a or b and c")), "(a or (b and c))");
        assert_eq!(show(&expr_of("x in xs and y")), "((x in xs) and y)");
        assert_eq!(show(&expr_of("a not in b")), "(a not in b)");
        assert_eq!(show(&expr_of("a // b % c * d")), "(((a // b) % c) * d)");
        assert_eq!(show(&expr_of("-2 * 3")), "((- 2) * 3)");
        assert_eq!(show(&expr_of("f(1)(2)[0].g(3)")), "f/1/1[0].g/1");
        assert_eq!(show(&expr_of("a < b == c")), "((a < b) == c)");
    }

    #[test]
    fn newlines_inside_brackets_and_after_operators() {
        assert_eq!(show(&expr_of("f(\n  1,\n  2,\n)")), "f/2");
        assert_eq!(show(&expr_of("[\n1,\n2\n]")), "[1 2]");
        assert_eq!(show(&expr_of("(1\n+ 2)")), "(1 + 2)");
        assert_eq!(show(&expr_of("1 +\n 2")), "(1 + 2)");
        assert_eq!(
            parse_ok("let m = {\n  \"a\": 1,\n  \"b\": 2,\n}")
                .stmts
                .len(),
            1
        );
        assert_eq!(parse_ok("let x = 1\n-2").stmts.len(), 2);
        assert_eq!(parse_ok("a; b;; c\n\n").stmts.len(), 3);
        assert_eq!(
            parse_ok("f(fn (x) {\n  let y = x\n  return y\n}, 2)")
                .stmts
                .len(),
            1
        );
    }

    #[test]
    fn keywords_after_dot() {
        assert_eq!(show(&expr_of("p.join(1.0)")), "p.join/1");
        assert_eq!(show(&expr_of("r.get()")), "r.get/0");
        assert_eq!(show(&expr_of("x.in")), "x.in");
        assert_eq!(show(&expr_of("p.pool.for")), "p.pool.for");
    }

    #[test]
    fn process_forms() {
        let p = parse_ok(
            "let p = spawn child(\"a\")\njoin p\nlet q = pool(4)\nlet r = apply_async q, f(1), callback = g, error_callback = h\napply_async q, f(2)\nclose q\njoin q\nwith l { x = 1 }\ntry { throw \"e\" } catch e { }\ntry { } catch { }",
        );
        assert_eq!(p.stmts.len(), 10);
        let StmtKind::Let { value, .. } = &p.stmts[3].kind else {
            panic!()
        };
        let ExprKind::ApplyAsync { options, .. } = &value.kind else {
            panic!()
        };
        assert_eq!(options.len(), 2);
    }

    #[test]
    fn fstrings() {
        let e = expr_of("f\"a{x}b{y:.2f}{{c}}{m[\"k\"]}\"");
        let ExprKind::FString(parts) = e.kind else {
            panic!()
        };
        assert_eq!(parts.len(), 6);
        assert_eq!(parts[0], FPart::Lit("a".into()));
        assert!(matches!(&parts[3], FPart::Expr { spec: Some(s), .. } if s.precision == Some(2)));
        assert_eq!(parts[4], FPart::Lit("{c}".into()));
    }

    #[test]
    fn literals() {
        assert_eq!(expr_of("1_000").kind, ExprKind::Int(1000));
        assert_eq!(expr_of("0xff").kind, ExprKind::Int(255));
        assert_eq!(expr_of("2.5e-3").kind, ExprKind::Float(0.0025));
        assert_eq!(
            expr_of(r#""a\tb\u{e9}""#).kind,
            ExprKind::Str("a\tb\u{e9}".into())
        );
        assert_eq!(expr_of("'it\\'s'").kind, ExprKind::Str("it's".into()));
    }

    #[test]
    fn error_messages() {
        assert_eq!(
            err("let x = 1 +").message,
            "expected an expression after `+`, found the end of the input"
        );
        assert!(err("let x = 1 +").at_end);
        assert_eq!(
            err("print(1 + * 2)").message,
            "expected an expression after `+`, found `*`"
        );
        assert_eq!(
            err("let for = 1").message,
            "`for` is a keyword and cannot be used as a name"
        );
        assert_eq!(
            err("let = 5").message,
            "`let` needs a name, like `let x = 1`"
        );
        assert_eq!(
            err("let x = 1 2").message,
            "expected a newline or `;` after the statement, found `2`"
        );
        assert!(err("if x = 1 {\n}").message.contains("use `==` to compare"));
        assert_eq!(
            err("if true print(1)").message,
            "expected `{` to start the body of `if`, found `print`"
        );
        assert!(err("if true {").at_end);
        assert_eq!(
            err("print(\"a\\qb\")").message,
            "unknown escape `\\q` in string"
        );
        assert_eq!(err("print(\"a\\qb\")").span.start, 8);
        assert!(
            err("print(99999999999999999999)")
                .message
                .starts_with("integer literal is too large")
        );
        assert_eq!(
            err("spawn 5").message,
            "`spawn` needs a function call, like `spawn work(1)`"
        );
        assert!(
            err("f(a = 1, 2)")
                .message
                .starts_with("positional argument after a named one")
        );
        assert!(
            err("f() = 3")
                .message
                .starts_with("cannot assign to this expression")
        );
        assert!(
            err("p.pid = 3")
                .message
                .starts_with("cannot assign to field `pid`")
        );
        assert!(
            err("print(f\"{1:.2q}\")")
                .message
                .starts_with("unknown format type `q`")
        );
    }

    #[test]
    fn hostile_inputs_do_not_crash() {
        for text in [
            "(".repeat(100_000),
            "[".repeat(100_000),
            format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000)),
            "if true {\n".repeat(20_000),
            "-".repeat(100_000) + "1",
            "not ".repeat(100_000) + "true",
            vec!["1"; 100_000].join(" + "),
            "\0".into(),
            "\"".into(),
            "é ü 漢字".into(),
            "f\"{".into(),
            "fn".into(),
        ] {
            let _ = parse(SourceId(0), &text);
        }
        // A flat chain is not nesting; a long one is kept flat.
        let chain = parse_ok(&vec!["1"; 100_000].join(" + "));
        let StmtKind::Expr(Expr {
            kind: ExprKind::Chain { head, links },
            ..
        }) = &chain.stmts[0].kind
        else {
            panic!("not a chain");
        };
        assert_eq!((head.kind.clone(), links.len()), (ExprKind::Int(1), 99_999));
        assert!(
            err(&vec!["not 1"; 1_000].join(" == "))
                .message
                .contains("too deeply nested")
        );
    }
}
