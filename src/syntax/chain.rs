//! Flattening long left-leaning chains (`1 + 1 + ...`, `x.f().f()...`) into one
//! [`ExprKind::Chain`] node while parsing, so that compiling, running and dropping them never
//! recurse once per link; and taking the last link back off where a nested form is needed
//! (an assignment target `...[i] = v`, the call after `spawn` and `apply_async`).

use super::ast::*;

/// Folds a freshly built `node` (whose operand is the expression before it) into its
/// operand's chain, or flattens it when its left spine has reached [`CHAIN_MIN`] links.
pub fn settle(node: Expr, spine: usize) -> Expr {
    let Expr { kind, span } = node;
    let (object, kind) = match kind {
        ExprKind::Binary { op, lhs, rhs } => (lhs, LinkKind::Binary(op, *rhs)),
        ExprKind::Call { callee, args } => (callee, LinkKind::Call(args)),
        ExprKind::Method { object, name, args } => (object, LinkKind::Method(name, args)),
        ExprKind::Field { object, name } => (object, LinkKind::Field(name)),
        ExprKind::Index { object, index } => (object, LinkKind::Index(*index)),
        kind => return Expr { kind, span },
    };
    match object.kind {
        ExprKind::Chain { head, mut links } => {
            match (kind, links.last_mut()) {
                // `chain.name` then `(args)`: a method call, as in the nested form.
                (LinkKind::Call(args), Some(last)) if matches!(last.kind, LinkKind::Field(_)) => {
                    let LinkKind::Field(name) =
                        std::mem::replace(&mut last.kind, LinkKind::Call(Vec::new()))
                    else {
                        unreachable!("matched a field link");
                    };
                    last.kind = LinkKind::Method(name, args);
                    last.span = span;
                }
                (kind, _) => links.push(Link { kind, span }),
            }
            Expr {
                kind: ExprKind::Chain { head, links },
                span,
            }
        }
        object_kind => {
            let object = Box::new(Expr {
                kind: object_kind,
                span: object.span,
            });
            let node = Expr {
                kind: nest(object, kind),
                span,
            };
            if spine >= CHAIN_MIN {
                flatten(node)
            } else {
                node
            }
        }
    }
}

fn nest(object: Box<Expr>, link: LinkKind) -> ExprKind {
    match link {
        LinkKind::Binary(op, rhs) => ExprKind::Binary {
            op,
            lhs: object,
            rhs: Box::new(rhs),
        },
        LinkKind::Call(args) => ExprKind::Call {
            callee: object,
            args,
        },
        LinkKind::Method(name, args) => ExprKind::Method { object, name, args },
        LinkKind::Field(name) => ExprKind::Field { object, name },
        LinkKind::Index(index) => ExprKind::Index {
            object,
            index: Box::new(index),
        },
    }
}

/// Turns a nested left spine into a chain (walking down it, not recursing).
fn flatten(expr: Expr) -> Expr {
    let span = expr.span;
    let mut links = Vec::new();
    let mut current = expr;
    let head = loop {
        let Expr { kind, span } = current;
        let (object, link) = match kind {
            ExprKind::Binary { op, lhs, rhs } => (lhs, LinkKind::Binary(op, *rhs)),
            ExprKind::Call { callee, args } => (callee, LinkKind::Call(args)),
            ExprKind::Method { object, name, args } => (object, LinkKind::Method(name, args)),
            ExprKind::Field { object, name } => (object, LinkKind::Field(name)),
            ExprKind::Index { object, index } => (object, LinkKind::Index(*index)),
            kind => break Expr { kind, span },
        };
        links.push(Link { kind: link, span });
        current = *object;
    };
    links.reverse();
    Expr {
        kind: ExprKind::Chain {
            head: Box::new(head),
            links,
        },
        span,
    }
}

/// The nested form of a chain's last link (`Index`, `Call`, ...) over the rest of the chain;
/// any other expression is returned as it is.
pub fn unchain_last(expr: Expr) -> Expr {
    let Expr { kind, span } = expr;
    let ExprKind::Chain { head, mut links } = kind else {
        return Expr { kind, span };
    };
    let Some(last) = links.pop() else {
        return *head;
    };
    let object = match links.last() {
        None => head,
        Some(before) => Box::new(Expr {
            span: before.span,
            kind: ExprKind::Chain { head, links },
        }),
    };
    Expr {
        kind: nest(object, last.kind),
        span,
    }
}
