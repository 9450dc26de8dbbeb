//! Which names a block assigns anywhere inside it (nested blocks and functions included): a
//! local `fn` whose name is assigned is an ordinary variable, not a sibling.

use std::collections::HashSet;
use std::rc::Rc;

use crate::syntax::ast;

/// Every name assigned (`name = ...`, `name += ...`) anywhere in the statements, nested blocks
/// and functions included, whatever variable it resolves to.
pub(super) fn assigned_names(stmts: &[ast::Stmt]) -> HashSet<Rc<str>> {
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
        ast::StmtKind::Let { value, .. } | ast::StmtKind::LetUnpack { value, .. } => {
            assigned_in_expr(value, names)
        }
        ast::StmtKind::Assign { target, value, .. } => {
            match target {
                ast::Target::Name(name) => {
                    names.insert(name.name.clone());
                }
                ast::Target::Index { object, index } => {
                    assigned_in_expr(object, names);
                    assigned_in_expr(index, names);
                }
                ast::Target::Field { object, .. } => assigned_in_expr(object, names),
            }
            assigned_in_expr(value, names);
        }
        ast::StmtKind::Fn(def) => assigned_in_fn(def, names),
        ast::StmtKind::Struct(def) => {
            for field in &def.fields {
                if let Some(default) = &field.default {
                    assigned_in_expr(default, names);
                }
            }
        }
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
        ast::StmtKind::With { lock, body, .. } => {
            assigned_in_expr(lock, names);
            assigned_in_block(body, names);
        }
        ast::StmtKind::Break
        | ast::StmtKind::Continue
        | ast::StmtKind::Return(None)
        | ast::StmtKind::Import { .. } => {}
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

fn assigned_in_clauses(clauses: &[ast::CompFor], names: &mut HashSet<Rc<str>>) {
    for clause in clauses {
        assigned_in_expr(&clause.iterable, names);
        for cond in &clause.conds {
            assigned_in_expr(cond, names);
        }
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
        ast::ExprKind::Slice { start, stop, step } => {
            for bound in [start, stop, step].into_iter().flatten() {
                assigned_in_expr(bound, names);
            }
        }
        ast::ExprKind::IfElse {
            cond,
            then,
            otherwise,
        } => {
            assigned_in_expr(cond, names);
            assigned_in_expr(then, names);
            assigned_in_expr(otherwise, names);
        }
        ast::ExprKind::ListComp { element, clauses } => {
            assigned_in_expr(element, names);
            assigned_in_clauses(clauses, names);
        }
        ast::ExprKind::MapComp {
            key,
            value,
            clauses,
        } => {
            assigned_in_expr(key, names);
            assigned_in_expr(value, names);
            assigned_in_clauses(clauses, names);
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
