//! The reserved words of the language, in one place: the parser's error messages (`diagnose`)
//! and the REPL's completion and highlighting read them from here, and a test ties the list to
//! the grammar (`grammar/mpscript.pest`, whose `keyword` rule must reserve the same words).

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
    "struct",
    "import",
    "as",
];

#[cfg(test)]
mod tests {
    use super::KEYWORDS;
    use std::collections::BTreeSet;

    const GRAMMAR: &str = include_str!("../../grammar/mpscript.pest");

    /// The quoted literals in a piece of grammar text (comments skipped) that are words:
    /// letters, digits and `_`, at least two characters (which leaves out the exponent's `e`).
    fn words(text: &str) -> BTreeSet<String> {
        let mut words = BTreeSet::new();
        for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
            let mut chars = line.chars();
            while let Some(c) = chars.next() {
                if c != '"' {
                    continue;
                }
                let mut literal = String::new();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => literal.extend(chars.next()),
                        '"' => break,
                        c => literal.push(c),
                    }
                }
                if literal.len() >= 2
                    && literal.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    words.insert(literal);
                }
            }
        }
        words
    }

    /// The text of the rule `name`, up to its closing brace.
    fn rule(name: &str) -> &'static str {
        let start = GRAMMAR
            .lines()
            .scan(0, |offset, line| {
                let here = *offset;
                *offset += line.len() + 1;
                Some((here, line))
            })
            .find(|(_, line)| line.split_whitespace().next() == Some(name))
            .map(|(offset, _)| offset)
            .unwrap_or_else(|| panic!("no rule `{name}` in the grammar"));
        let body = &GRAMMAR[start..];
        &body[..=body.find('}').expect("the rule ends")]
    }

    #[test]
    fn the_grammar_reserves_exactly_the_keywords() {
        let listed: BTreeSet<String> = KEYWORDS.iter().map(|k| k.to_string()).collect();
        assert_eq!(listed.len(), KEYWORDS.len(), "a keyword is listed twice");
        let reserved = words(rule("keyword"));
        assert_eq!(
            reserved, listed,
            "the grammar's `keyword` rule and KEYWORDS differ"
        );
    }

    #[test]
    fn every_word_the_grammar_spells_is_a_keyword() {
        // A keyword token (`kw_...`) or a word operator (`and`, `not in`, ...) added to the
        // grammar without reserving it would let it be taken as a name as well.
        let spelled = words(GRAMMAR);
        let missing: Vec<&String> = spelled
            .iter()
            .filter(|w| !KEYWORDS.contains(&w.as_str()))
            .collect();
        assert!(missing.is_empty(), "not in KEYWORDS: {missing:?}");
    }
}
