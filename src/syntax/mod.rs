//! Syntax: source text → typed AST. Nothing outside this module touches pest.

pub mod ast;
mod chain;
mod code_chars;
mod diagnose;
mod format_spec;
mod hints;
mod input;
mod keywords;
mod parser;
mod prescan;
mod source;

pub use format_spec::{Align, FormatSpec};
pub(crate) use hints::spelled_as;
pub use input::script_text;
pub use keywords::KEYWORDS;
pub use parser::parse;
pub use source::{SourceId, SourceMap, Span};

#[cfg(test)]
mod doc_example_tests {
    use super::{SourceMap, parse};

    #[test]
    fn a_source_parses_into_statements() {
        let mut sources = SourceMap::new();
        let id = sources.add("<doc>", "let x = 1 + 2 * 3");
        let program = parse(id, "let x = 1 + 2 * 3").unwrap();
        assert_eq!(program.stmts.len(), 1);
    }
}
