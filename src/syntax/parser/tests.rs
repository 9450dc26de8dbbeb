//! The parser's tests: precedence, newlines, process forms, literals, f-strings, error
//! messages and hostile inputs, through `parse`.

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
        ExprKind::IfElse {
            cond,
            then,
            otherwise,
        } => format!(
            "({} if {} else {})",
            show(then),
            show(cond),
            show(otherwise)
        ),
        ExprKind::Slice { start, stop, step } => {
            let bound = |b: &Option<Box<Expr>>| b.as_deref().map(show).unwrap_or_default();
            format!("{}:{}:{}", bound(start), bound(stop), bound(step))
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
fn python_precedence_of_the_v2_operators() {
    assert_eq!(show(&expr_of("-2 ** 2")), "(- (2 ** 2))");
    assert_eq!(show(&expr_of("2 ** 3 ** 2")), "(2 ** (3 ** 2))");
    assert_eq!(show(&expr_of("2 ** -x")), "(2 ** (- x))");
    assert_eq!(show(&expr_of("~a ** b")), "(~ (a ** b))");
    assert_eq!(
        show(&expr_of("a | b ^ c & d << e + f")),
        "(a | (b ^ (c & (d << (e + f)))))"
    );
    assert_eq!(show(&expr_of("a & b == c | d")), "((a & b) == (c | d))");
    assert_eq!(show(&expr_of("a >> b >> c")), "((a >> b) >> c)");
    assert_eq!(
        show(&expr_of("a if b else c if d else e")),
        "(a if b else (c if d else e))"
    );
    assert_eq!(
        show(&expr_of("x + 1 if y or z else 0")),
        "((x + 1) if (y or z) else 0)"
    );
    assert_eq!(show(&expr_of("xs[1:-1]")), "xs[1:(- 1):]");
    assert_eq!(show(&expr_of("xs[::2][0]")), "xs[::2][0]");
    assert_eq!(show(&expr_of("xs[:]")), "xs[::]");
}

#[test]
fn comprehensions_and_patterns() {
    let ExprKind::ListComp { clauses, .. } = expr_of("[x * y for x in a if x for y in b]").kind
    else {
        panic!("not a comprehension")
    };
    assert_eq!(clauses.len(), 2);
    assert_eq!(clauses[0].conds.len(), 1);
    let ExprKind::MapComp { clauses, .. } = expr_of("{k: v for k, v in items(m)}").kind else {
        panic!("not a map comprehension")
    };
    assert!(matches!(&clauses[0].target, Pattern::List { items, .. } if items.len() == 2));
    let p = parse_ok("let [a, [b, c]] = x\nfor i, x in y { }\nlet d = 1");
    assert!(matches!(&p.stmts[0].kind, StmtKind::LetUnpack { .. }));
    assert!(matches!(
        &p.stmts[1].kind,
        StmtKind::For {
            var: Pattern::List { .. },
            ..
        }
    ));
    assert!(matches!(&p.stmts[2].kind, StmtKind::Let { .. }));
    // A deeply nested list is still parsed once per level (no re-parse per comprehension try).
    let deep = format!("{}1{}", "[".repeat(150), "]".repeat(150));
    parse_ok(&deep);
    let deep = format!("x{}", "[y".repeat(150) + &"]".repeat(150));
    parse_ok(&deep);
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
