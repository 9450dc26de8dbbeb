//! Walking source text as the friendly-error code needs it: the characters outside string
//! literals, with their byte offsets, and where comments start. (The pest grammar is the real
//! lexer; this is for looking around an error's position in text that may not parse.)

/// What a walk over source text meets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// A character of code (outside strings and comments) at a byte offset.
    Code(usize, char),
    /// A comment starting at a byte offset; its text, to the end of its line, is skipped.
    Comment(usize),
}

/// The code characters and comment starts of `text`. String literals (`"..."` or `'...'`,
/// with `\` escapes) are skipped, quotes included.
pub(crate) fn code_chars(text: &str) -> CodeChars<'_> {
    CodeChars {
        chars: text.char_indices(),
    }
}

pub(crate) struct CodeChars<'a> {
    chars: std::str::CharIndices<'a>,
}

impl Iterator for CodeChars<'_> {
    type Item = Piece;

    fn next(&mut self) -> Option<Piece> {
        let mut quote = None;
        while let Some((i, c)) = self.chars.next() {
            match (quote, c) {
                (Some(_), '\\') => {
                    self.chars.next();
                }
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => {
                    for (_, c) in self.chars.by_ref() {
                        if c == '\n' {
                            break;
                        }
                    }
                    return Some(Piece::Comment(i));
                }
                (None, c) => return Some(Piece::Code(i, c)),
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_skipped_and_comments_marked() {
        let pieces: Vec<Piece> = code_chars("a\"b#\\\"\"c # d\ne").collect();
        assert_eq!(
            pieces,
            [
                Piece::Code(0, 'a'),
                Piece::Code(7, 'c'),
                Piece::Code(8, ' '),
                Piece::Comment(9),
                Piece::Code(13, 'e'),
            ]
        );
    }
}
