//! Pairs → AST for the forms Python users bring along: destructuring targets (`a, b`,
//! `[a, [b, c]]`), conditional expressions (`a if c else b`), slices (`xs[a:b:step]`), and
//! list and map comprehensions (`[f(x) for x in xs if c]`, `{k: v for k, v in items(m)}`).

use pest::iterators::Pair;

use super::{Builder, MAX_EXPR_DEPTH, PResult, Rule, parts};
use crate::syntax::ast::*;

impl Builder {
    /// A `targets` pair: one name, or several (`a, b`) / a list pattern, as a `Pattern`.
    pub(super) fn targets(&self, pair: Pair<'_, Rule>) -> PResult<Pattern> {
        let span = self.span(&pair);
        let mut items = pair
            .into_inner()
            .map(|p| self.pattern(p))
            .collect::<PResult<Vec<_>>>()?;
        match items.len() {
            1 => Ok(items.remove(0)),
            _ => Ok(Pattern::List { items, span }),
        }
    }

    /// An `ident` or a `list_pattern`.
    fn pattern(&self, pair: Pair<'_, Rule>) -> PResult<Pattern> {
        if pair.as_rule() == Rule::ident {
            return Ok(Pattern::Name(self.ident(&pair)));
        }
        let span = self.span(&pair);
        // Patterns nest no deeper than brackets do, which the prescan bounds.
        let items = pair
            .into_inner()
            .map(|p| self.pattern(p))
            .collect::<PResult<Vec<_>>>()?;
        Ok(Pattern::List { items, span })
    }

    /// An `expr` or `bexpr`: the operator sequence, then perhaps `if cond else other`, whose
    /// `else` side may be a conditional again (`a if c else b if d else e`, nested to the
    /// right). The chain is walked in a loop, not by recursion, and its length is bounded.
    pub(super) fn conditional(&self, pair: Pair<'_, Rule>) -> PResult<Expr> {
        let mut arms: Vec<(Expr, Expr)> = Vec::new();
        let mut pair = pair;
        let last = loop {
            let whole = pair.clone();
            let mut inner = pair.into_inner();
            let operation = inner
                .next()
                .ok_or_else(|| self.missing("expression", &whole))?;
            let then = self.expr(operation)?;
            let Some(tail) = inner.next() else {
                break then;
            };
            let tail_span = self.span(&tail);
            let mut tail = parts(tail).into_iter();
            let cond = tail
                .next()
                .ok_or_else(|| self.missing("condition", &whole))?;
            let cond = self.expr(cond)?;
            let Some(otherwise) = tail.next() else {
                return Err(self.error_at(
                    "a conditional expression needs `else`: write `a if cond else b`",
                    then.span.to(tail_span),
                ));
            };
            if arms.len() >= MAX_EXPR_DEPTH {
                return Err(self.error_at(
                    format!("expression is too deeply nested (more than {MAX_EXPR_DEPTH} levels)"),
                    tail_span,
                ));
            }
            arms.push((then, cond));
            pair = otherwise;
        };
        Ok(arms
            .into_iter()
            .rev()
            .fold(last, |otherwise, (then, cond)| {
                let span = then.span.to(otherwise.span);
                Expr {
                    kind: ExprKind::IfElse {
                        cond: Box::new(cond),
                        then: Box::new(then),
                        otherwise: Box::new(otherwise),
                    },
                    span,
                }
            }))
    }

    /// The inside of `[...]` after an expression: an index, or slice bounds.
    pub(super) fn index(&self, pair: Pair<'_, Rule>) -> PResult<Expr> {
        let span = self.span(&pair);
        let (mut start, mut stop, mut step, mut sliced) = (None, None, None, false);
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::slice_start => start = self.bound(part)?,
                Rule::slice_tail => {
                    sliced = true;
                    for bound in part.into_inner() {
                        match bound.as_rule() {
                            Rule::slice_stop => stop = self.bound(bound)?,
                            _ => step = self.bound(bound)?,
                        }
                    }
                }
                _ => return Err(self.error_at("internal parser error: bad index", span)),
            }
        }
        if !sliced {
            return start
                .map(|e| *e)
                .ok_or_else(|| self.error_at("missing index", span));
        }
        // The slice's own span is the brackets, so a bad step points into them.
        Ok(Expr {
            kind: ExprKind::Slice { start, stop, step },
            span,
        })
    }

    fn bound(&self, pair: Pair<'_, Rule>) -> PResult<Option<Box<Expr>>> {
        pair.into_inner()
            .next()
            .map(|e| self.expr(e).map(Box::new))
            .transpose()
    }

    /// `[a, b, ...]` or `[element for ...]`.
    pub(super) fn list(&self, pair: Pair<'_, Rule>) -> PResult<ExprKind> {
        let mut items = Vec::new();
        let mut clauses = Vec::new();
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::comp_for => clauses.push(self.comp_for(part)?),
                _ => items.push(self.expr(part)?),
            }
        }
        if clauses.is_empty() {
            return Ok(ExprKind::List(items));
        }
        let element = items.pop().map(Box::new);
        let element =
            element.ok_or_else(|| self.error("internal parser error: comprehension", 0, 0))?;
        Ok(ExprKind::ListComp { element, clauses })
    }

    /// `{k: v, ...}` or `{k: v for ...}`.
    pub(super) fn map(&self, pair: Pair<'_, Rule>) -> PResult<ExprKind> {
        let span = self.span(&pair);
        let mut entries = Vec::new();
        let mut clauses = Vec::new();
        for part in pair.into_inner() {
            if part.as_rule() == Rule::comp_for {
                clauses.push(self.comp_for(part)?);
                continue;
            }
            let mut kv = part.into_inner();
            match (kv.next(), kv.next()) {
                (Some(k), Some(v)) => entries.push((self.expr(k)?, self.expr(v)?)),
                _ => return Err(self.error_at("incomplete map entry", span)),
            }
        }
        if clauses.is_empty() {
            return Ok(ExprKind::Map(entries));
        }
        let (key, value) = entries
            .pop()
            .ok_or_else(|| self.error_at("internal parser error: comprehension", span))?;
        Ok(ExprKind::MapComp {
            key: Box::new(key),
            value: Box::new(value),
            clauses,
        })
    }

    fn comp_for(&self, pair: Pair<'_, Rule>) -> PResult<CompFor> {
        let whole = pair.clone();
        let span = self.span(&pair);
        let mut inner = parts(pair).into_iter();
        let target = inner.next().ok_or_else(|| self.missing("target", &whole))?;
        let target = self.targets(target)?;
        let iterable = inner
            .next()
            .ok_or_else(|| self.missing("iterable", &whole))?;
        let iterable = self.expr(iterable)?;
        let conds = inner
            .map(|cond| {
                let c = parts(cond)
                    .into_iter()
                    .next()
                    .ok_or_else(|| self.missing("condition", &whole))?;
                self.expr(c)
            })
            .collect::<PResult<_>>()?;
        Ok(CompFor {
            target,
            iterable,
            conds,
            span,
        })
    }
}
