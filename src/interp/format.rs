//! Applying an f-string format spec (`{x:>8.2f}`) to a value, as Python's `format` does.

use super::value::{Value, format_float};
use crate::syntax::{Align, FormatSpec};

/// Appends `value` formatted by `spec` to `out`, or says why the two do not fit.
pub fn apply(spec: &FormatSpec, value: &Value, out: &mut String) -> Result<(), String> {
    let numeric = matches!(value, Value::Int(_) | Value::Float(_));
    let body = match (spec.kind, value) {
        (Some('s'), _) | (None, Value::Str(_)) => {
            if spec.sign.is_some() || spec.grouping.is_some() {
                return Err(format!(
                    "format spec `{}` is for numbers, got {}",
                    spec.text,
                    value.type_name()
                ));
            }
            let text = value.to_display();
            match spec.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            }
        }
        (Some(kind @ ('d' | 'x' | 'X' | 'o' | 'b')), Value::Int(i)) => {
            let digits = match kind {
                'd' => i.unsigned_abs().to_string(),
                'x' => format!("{:x}", i.unsigned_abs()),
                'X' => format!("{:X}", i.unsigned_abs()),
                'o' => format!("{:o}", i.unsigned_abs()),
                _ => format!("{:b}", i.unsigned_abs()),
            };
            signed(*i < 0, group(&digits, spec.grouping), spec.sign)
        }
        (Some(kind @ ('d' | 'x' | 'X' | 'o' | 'b')), other) => {
            return Err(format!(
                "format type `{kind}` needs an int, got {} (use `.0f` for floats)",
                other.type_name()
            ));
        }
        (Some(kind @ ('f' | 'e' | '%')), v) if numeric => {
            let x = match v {
                Value::Int(i) => *i as f64,
                Value::Float(f) => *f,
                _ => 0.0,
            };
            let p = spec.precision.unwrap_or(6);
            let text = match kind {
                'f' => format!("{:.*}", p, x.abs()),
                '%' => format!("{:.*}%", p, x.abs() * 100.0),
                _ => sci(x.abs(), p),
            };
            signed(
                x.is_sign_negative() && x != 0.0,
                group_float(&text, spec.grouping),
                spec.sign,
            )
        }
        (Some(kind), other) => {
            return Err(format!(
                "format type `{kind}` needs a number, got {}",
                other.type_name()
            ));
        }
        (None, Value::Int(i)) => signed(
            *i < 0,
            group(&i.unsigned_abs().to_string(), spec.grouping),
            spec.sign,
        ),
        (None, Value::Float(x)) => {
            let text = match spec.precision {
                Some(p) => general(x.abs(), p),
                None => format_float(x.abs()),
            };
            signed(
                x.is_sign_negative() && *x != 0.0,
                group_float(&text, spec.grouping),
                spec.sign,
            )
        }
        (None, other) => {
            if spec.sign.is_some() || spec.grouping.is_some() || spec.precision.is_some() {
                return Err(format!(
                    "format spec `{}` needs a number or str, got {}",
                    spec.text,
                    other.type_name()
                ));
            }
            other.to_display()
        }
    };
    pad(spec, &body, numeric && spec.kind != Some('s'), out);
    Ok(())
}

fn signed(negative: bool, digits: String, sign: Option<char>) -> String {
    let prefix = match (negative, sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    format!("{prefix}{digits}")
}

fn group(digits: &str, sep: Option<char>) -> String {
    let Some(sep) = sep else {
        return digits.to_string();
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn group_float(text: &str, sep: Option<char>) -> String {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    format!("{}{}", group(&text[..split], sep), &text[split..])
}

fn sci(x: f64, precision: usize) -> String {
    let text = format!("{:.*e}", precision, x);
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    format!(
        "{mantissa}e{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    )
}

/// Python's general format (`{x:.3}`): `precision` significant digits, trailing zeros dropped.
fn general(x: f64, precision: usize) -> String {
    if !x.is_finite() {
        return format_float(x);
    }
    let p = precision.max(1);
    if x == 0.0 {
        return "0.0".into();
    }
    let probe = format!("{:.*e}", p - 1, x);
    let exp: i32 = probe
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    if exp >= -4 && exp < p as i32 {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        let text = format!("{:.*}", decimals, x);
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            text
        }
    } else {
        let (mantissa, _) = probe.split_once('e').unwrap_or((&probe, ""));
        let mantissa = if mantissa.contains('.') {
            mantissa.trim_end_matches('0').trim_end_matches('.')
        } else {
            mantissa
        };
        format!(
            "{mantissa}e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        )
    }
}

fn pad(spec: &FormatSpec, body: &str, numeric: bool, out: &mut String) {
    let len = body.chars().count();
    if len >= spec.width {
        out.push_str(body);
        return;
    }
    let gap = spec.width - len;
    if spec.zero && spec.align.is_none() && numeric {
        // Zeros go between the sign and the digits: -0042.
        let sign_len = body
            .chars()
            .take_while(|c| matches!(c, '-' | '+' | ' '))
            .count();
        let (sign, digits) = body.split_at(sign_len);
        out.push_str(sign);
        out.extend(std::iter::repeat_n('0', gap));
        out.push_str(digits);
        return;
    }
    let fill = if spec.zero && spec.align.is_none() {
        '0'
    } else {
        spec.fill
    };
    let align = spec
        .align
        .unwrap_or(if numeric { Align::Right } else { Align::Left });
    let (left, right) = match align {
        Align::Left => (0, gap),
        Align::Right => (gap, 0),
        Align::Center => (gap / 2, gap - gap / 2),
    };
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(body);
    out.extend(std::iter::repeat_n(fill, right));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Span;

    fn fmt(spec: &str, v: Value) -> String {
        let spec = FormatSpec::parse(spec, Span::default()).unwrap();
        let mut out = String::new();
        apply(&spec, &v, &mut out).unwrap();
        out
    }

    #[test]
    fn like_python() {
        assert_eq!(fmt(".2f", Value::Float(1.23456)), "1.23");
        assert_eq!(fmt(".2f", Value::Int(2)), "2.00");
        assert_eq!(fmt("5", Value::Int(42)), "   42");
        assert_eq!(fmt("<5", Value::Int(42)), "42   ");
        assert_eq!(fmt("^6", Value::str("ab")), "  ab  ");
        assert_eq!(fmt(">4", Value::str("ab")), "  ab");
        assert_eq!(fmt("05d", Value::Int(-42)), "-0042");
        assert_eq!(fmt(",", Value::Int(1234567)), "1,234,567");
        assert_eq!(fmt("+.1f", Value::Float(2.0)), "+2.0");
        assert_eq!(fmt(".3", Value::Float(1.23456)), "1.23");
        assert_eq!(fmt(".2e", Value::Float(12345.0)), "1.23e+04");
        assert_eq!(fmt(".1%", Value::Float(0.25)), "25.0%");
        assert_eq!(fmt("x", Value::Int(255)), "ff");
        assert_eq!(fmt("*^7", Value::str("x")), "***x***");
    }

    #[test]
    fn mismatches_are_errors() {
        let spec = FormatSpec::parse("d", Span::default()).unwrap();
        assert!(apply(&spec, &Value::Float(1.5), &mut String::new()).is_err());
        let spec = FormatSpec::parse(".2f", Span::default()).unwrap();
        assert!(apply(&spec, &Value::str("a"), &mut String::new()).is_err());
    }
}
