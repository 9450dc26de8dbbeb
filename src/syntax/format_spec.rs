//! The format spec after `:` in an f-string interpolation, such as `.2f`, `>8` or `05d`.
//!
//! It is a subset of Python's format mini-language:
//! `[[fill]align][sign][0][width][,|_][.precision][type]` with align one of `< > ^`, sign one of
//! `+ - space`, and type one of `d f e % s x X o b`. Specs are checked when the script is parsed,
//! so a typo in one is a syntax error, not a surprise at run time.

use super::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    /// The spec text as written, for error messages.
    pub text: String,
    pub fill: char,
    pub align: Option<Align>,
    /// `'+'`, `'-'` or `' '`.
    pub sign: Option<char>,
    /// `0` before the width: pad numbers with zeros after the sign.
    pub zero: bool,
    pub width: usize,
    /// `','` or `'_'` between thousands.
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    /// One of `d f e % s x X o b`, if given.
    pub kind: Option<char>,
    pub span: Span,
}

/// Largest width or precision accepted; larger ones are surely typos and would allocate a lot.
pub const MAX_WIDTH: usize = 10_000;

impl FormatSpec {
    /// Parses a spec; the error says what is wrong in the user's words.
    pub fn parse(text: &str, span: Span) -> Result<FormatSpec, String> {
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        let mut spec = FormatSpec {
            text: text.to_string(),
            fill: ' ',
            align: None,
            sign: None,
            zero: false,
            width: 0,
            grouping: None,
            precision: None,
            kind: None,
            span,
        };
        let align_of = |c: char| match c {
            '<' => Some(Align::Left),
            '>' => Some(Align::Right),
            '^' => Some(Align::Center),
            _ => None,
        };
        if chars.len() >= 2 && align_of(chars[1]).is_some() {
            spec.fill = chars[0];
            spec.align = align_of(chars[1]);
            i = 2;
        } else if let Some(a) = chars.first().and_then(|&c| align_of(c)) {
            spec.align = Some(a);
            i = 1;
        }
        if let Some(&c @ ('+' | '-' | ' ')) = chars.get(i) {
            spec.sign = Some(c);
            i += 1;
        }
        if chars.get(i) == Some(&'0') {
            spec.zero = true;
            i += 1;
        }
        spec.width = read_number(&chars, &mut i)?.unwrap_or(0);
        if let Some(&c @ (',' | '_')) = chars.get(i) {
            spec.grouping = Some(c);
            i += 1;
        }
        if chars.get(i) == Some(&'.') {
            i += 1;
            spec.precision = Some(
                read_number(&chars, &mut i)?
                    .ok_or_else(|| format!("format spec `{text}` needs digits after `.`"))?,
            );
        }
        if let Some(&c) = chars.get(i) {
            if !"dfe%sxXob".contains(c) {
                return Err(format!(
                    "unknown format type `{c}` in `{text}` (expected one of d f e % s x X o b)"
                ));
            }
            spec.kind = Some(c);
            i += 1;
        }
        if i < chars.len() {
            return Err(format!(
                "unexpected `{}` in format spec `{text}`",
                chars[i..].iter().collect::<String>()
            ));
        }
        if spec.precision.is_some() && matches!(spec.kind, Some('d' | 'x' | 'X' | 'o' | 'b')) {
            return Err(format!(
                "format spec `{text}`: a precision is not allowed with integer type `{}`",
                spec.kind.unwrap_or('d')
            ));
        }
        Ok(spec)
    }
}

fn read_number(chars: &[char], i: &mut usize) -> Result<Option<usize>, String> {
    let start = *i;
    while chars.get(*i).is_some_and(|c| c.is_ascii_digit()) {
        *i += 1;
    }
    if start == *i {
        return Ok(None);
    }
    let digits: String = chars[start..*i].iter().collect();
    match digits.parse::<usize>() {
        Ok(n) if n <= MAX_WIDTH => Ok(Some(n)),
        _ => Err(format!(
            "format width or precision `{digits}` is too large (at most {MAX_WIDTH})"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> FormatSpec {
        FormatSpec::parse(s, Span::default()).unwrap()
    }

    #[test]
    fn contract_specs_parse() {
        assert_eq!(p(".2f").precision, Some(2));
        assert_eq!(p(".2f").kind, Some('f'));
        assert_eq!(p("8").width, 8);
        assert_eq!(p("<8").align, Some(Align::Left));
        assert_eq!(p(">8").align, Some(Align::Right));
        assert_eq!(p("^8").align, Some(Align::Center));
        let z = p("05d");
        assert!(z.zero);
        assert_eq!((z.width, z.kind), (5, Some('d')));
    }

    #[test]
    fn fill_sign_grouping() {
        let s = p("*>+10,.3f");
        assert_eq!(s.fill, '*');
        assert_eq!(s.sign, Some('+'));
        assert_eq!(s.grouping, Some(','));
        assert_eq!((s.width, s.precision), (10, Some(3)));
    }

    #[test]
    fn bad_specs_are_errors() {
        for bad in [".f", "q", "5.2z", "1000000", ".2d", "5 5"] {
            assert!(FormatSpec::parse(bad, Span::default()).is_err(), "{bad}");
        }
    }
}

#[cfg(test)]
mod doc_example_tests {
    use super::FormatSpec;

    #[test]
    fn format_specs_parse_or_say_what_is_wrong() {
        let spec = FormatSpec::parse(".2f", Default::default()).unwrap();
        assert_eq!(spec.precision, Some(2));
        assert!(FormatSpec::parse(".2q", Default::default()).is_err());
    }
}
