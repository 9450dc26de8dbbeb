//! Syntax errors in the user's words: pest's error (the rules it expected at a position) made
//! into a message about the tokens the user wrote, such as "expected an expression after `+`"
//! or "expected `{` to start the body of `if`", taking into account the innermost open
//! bracket, the construct a block belongs to, and the habits from other languages (`hints`).

use super::code_chars::Piece;
use super::keywords::KEYWORDS;
use super::parser::{Rule, SyntaxError};
use super::source::{SourceId, Span};

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
        let three: String = rest.chars().take(3).collect();
        let two: String = rest.chars().take(2).collect();
        if ["//=", "**=", "<<=", ">>="].contains(&three.as_str()) {
            three
        } else if [
            "==", "!=", "<=", ">=", "//", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<",
            ">>", "**",
        ]
        .contains(&two.as_str())
        {
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
    if ["==", "!=", "<=", ">=", "//", "<<", ">>", "**"].contains(&two.as_str()) {
        return Some(two);
    }
    Some(last.to_string())
}

const BINARY_OPERATORS: &[&str] = &[
    "+", "-", "*", "/", "//", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or", "in", "not", "=",
    ",", "&", "|", "^", "<<", ">>", "**", "~",
];

/// The message for a pest error at its position in `text`.
pub(super) fn friendly_error(
    error: pest::error::Error<Rule>,
    source: SourceId,
    text: &str,
) -> SyntaxError {
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
    // A name is expected also where a destructuring pattern could start (`let`, `for`).
    let expects = |r: Rule| {
        positives.contains(&r)
            || (r == Rule::ident
                && positives
                    .iter()
                    .any(|p| matches!(p, Rule::targets | Rule::list_pattern)))
    };
    let wants_expr = positives.iter().any(|r| {
        matches!(
            r,
            Rule::expr
                | Rule::bexpr
                | Rule::operation
                | Rule::boperation
                | Rule::bit_not
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
    positives.iter().any(|r| {
        matches!(
            r,
            Rule::expr | Rule::bexpr | Rule::operation | Rule::boperation | Rule::term | Rule::int
        )
    })
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
