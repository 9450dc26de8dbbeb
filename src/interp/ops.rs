//! Operators on values. Errors are plain messages; the evaluator attaches the span.

use std::cmp::Ordering;

use super::value::Value;
use crate::syntax::ast::BinaryOp;

/// Largest list or string a `*` repetition may build, so a typo cannot eat all memory at once.
const MAX_REPEAT_LEN: usize = 100_000_000;

pub fn binary(op: BinaryOp, a: &Value, b: &Value) -> Result<Value, String> {
    use Value::{Float, Int};
    match op {
        BinaryOp::Add => match (a, b) {
            (Int(x), Int(y)) => x.checked_add(*y).map(Int).ok_or_else(|| overflow(op, a, b)),
            (Value::Str(x), Value::Str(y)) => {
                let mut s = String::with_capacity(x.len() + y.len());
                s.push_str(x);
                s.push_str(y);
                Ok(Value::Str(s.into()))
            }
            (Value::List(x), Value::List(y)) => {
                let mut items = x.borrow().clone();
                items.extend(y.borrow().iter().cloned());
                Ok(Value::list(items))
            }
            _ => float_op(op, a, b, |x, y| x + y),
        },
        BinaryOp::Sub => match (a, b) {
            (Int(x), Int(y)) => x.checked_sub(*y).map(Int).ok_or_else(|| overflow(op, a, b)),
            _ => float_op(op, a, b, |x, y| x - y),
        },
        BinaryOp::Mul => match (a, b) {
            (Int(x), Int(y)) => x.checked_mul(*y).map(Int).ok_or_else(|| overflow(op, a, b)),
            (Value::Str(s), Int(n)) | (Int(n), Value::Str(s)) => {
                let n = repeat_count(*n, s.len())?;
                Ok(Value::Str(s.repeat(n).into()))
            }
            (Value::List(l), Int(n)) | (Int(n), Value::List(l)) => {
                let items = l.borrow();
                let n = repeat_count(*n, items.len())?;
                let mut out = Vec::with_capacity(items.len() * n);
                for _ in 0..n {
                    out.extend(items.iter().cloned());
                }
                Ok(Value::list(out))
            }
            _ => float_op(op, a, b, |x, y| x * y),
        },
        BinaryOp::Div => {
            let (x, y) = floats(op, a, b)?;
            if y == 0.0 {
                return Err("division by zero".into());
            }
            Ok(Float(x / y))
        }
        BinaryOp::FloorDiv => match (a, b) {
            (Int(_), Int(0)) => Err("integer division by zero".into()),
            (Int(x), Int(y)) => floor_div(*x, *y).map(Int).ok_or_else(|| overflow(op, a, b)),
            _ => {
                let (x, y) = floats(op, a, b)?;
                if y == 0.0 {
                    return Err("division by zero".into());
                }
                Ok(Float((x / y).floor()))
            }
        },
        BinaryOp::Mod => match (a, b) {
            (Int(_), Int(0)) => Err("integer modulo by zero".into()),
            (Int(x), Int(y)) => Ok(Int(floor_mod(*x, *y))),
            _ => {
                let (x, y) = floats(op, a, b)?;
                if y == 0.0 {
                    return Err("modulo by zero".into());
                }
                let r = x % y;
                Ok(Float(if r != 0.0 && (r < 0.0) != (y < 0.0) {
                    r + y
                } else {
                    r
                }))
            }
        },
        BinaryOp::Pow => power(a, b),
        BinaryOp::BitAnd | BinaryOp::BitOr | BinaryOp::BitXor | BinaryOp::Shl | BinaryOp::Shr => {
            bitwise(op, a, b)
        }
        BinaryOp::Eq => Ok(Value::Bool(a.equals(b))),
        BinaryOp::Ne => Ok(Value::Bool(!a.equals(b))),
        BinaryOp::Lt => compare(op, a, b).map(|o| Value::Bool(o == Ordering::Less)),
        BinaryOp::Le => compare(op, a, b).map(|o| Value::Bool(o != Ordering::Greater)),
        BinaryOp::Gt => compare(op, a, b).map(|o| Value::Bool(o == Ordering::Greater)),
        BinaryOp::Ge => compare(op, a, b).map(|o| Value::Bool(o != Ordering::Less)),
        BinaryOp::In => contains(b, a).map(Value::Bool),
        BinaryOp::NotIn => contains(b, a).map(|c| Value::Bool(!c)),
        BinaryOp::And | BinaryOp::Or => Err(format!("`{}` is evaluated lazily", op.symbol())),
    }
}

/// `a ** b`: an int to a non-negative int power stays an int (overflow is an error); an int
/// to a negative power, or any float, is a float.
fn power(a: &Value, b: &Value) -> Result<Value, String> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) if *y >= 0 => int_pow(*x, *y)
            .map(Value::Int)
            .ok_or_else(|| overflow(BinaryOp::Pow, a, b)),
        _ => {
            let (x, y) = floats(BinaryOp::Pow, a, b)?;
            if x == 0.0 && y < 0.0 {
                return Err(format!(
                    "zero cannot be raised to a negative power: {} ** {}",
                    a.repr(),
                    b.repr()
                ));
            }
            Ok(Value::Float(x.powf(y)))
        }
    }
}

/// `x ** y` for `y >= 0`, or `None` on overflow.
fn int_pow(x: i64, y: i64) -> Option<i64> {
    match u32::try_from(y) {
        Ok(y) => x.checked_pow(y),
        // Only 0, 1 and -1 survive an exponent past u32.
        Err(_) => match x {
            0 | 1 => Some(x),
            -1 => Some(if y % 2 == 0 { 1 } else { -1 }),
            _ => None,
        },
    }
}

/// `& | ^ << >>` on ints. A shift by a negative count is an error; `<<` that loses bits is an
/// overflow (ints never wrap); `>>` by 64 or more leaves the sign.
fn bitwise(op: BinaryOp, a: &Value, b: &Value) -> Result<Value, String> {
    let (Value::Int(x), Value::Int(y)) = (a, b) else {
        return Err(mismatch(op, a, b));
    };
    let (x, y) = (*x, *y);
    let shift_count = || {
        if y < 0 {
            Err(format!("negative shift count: {x} {} {y}", op.symbol()))
        } else {
            Ok(y.min(64) as u32)
        }
    };
    Ok(Value::Int(match op {
        BinaryOp::BitAnd => x & y,
        BinaryOp::BitOr => x | y,
        BinaryOp::BitXor => x ^ y,
        BinaryOp::Shl => {
            let n = shift_count()?;
            let shifted = if n >= 64 { 0 } else { x << n };
            if x != 0 && (n >= 64 || shifted >> n != x) {
                return Err(overflow(op, a, b));
            }
            shifted
        }
        _ => {
            let n = shift_count()?;
            x >> n.min(63)
        }
    }))
}

/// `~x`: the bitwise complement of an int (`-x - 1`).
pub fn bit_not(v: &Value) -> Result<Value, String> {
    match v {
        Value::Int(i) => Ok(Value::Int(!i)),
        other => Err(format!(
            "bad operand type for unary `~`: {}",
            other.type_name()
        )),
    }
}

fn repeat_count(n: i64, len: usize) -> Result<usize, String> {
    let n = n.max(0) as usize;
    if n.saturating_mul(len.max(1)) > MAX_REPEAT_LEN {
        return Err(format!("repetition is too large ({n} copies)"));
    }
    Ok(n)
}

fn overflow(op: BinaryOp, a: &Value, b: &Value) -> String {
    format!(
        "integer overflow: {} {} {}",
        a.repr(),
        op.symbol(),
        b.repr()
    )
}

pub(crate) fn floor_div(x: i64, y: i64) -> Option<i64> {
    let q = x.checked_div(y)?;
    if (x % y != 0) && ((x < 0) != (y < 0)) {
        q.checked_sub(1)
    } else {
        Some(q)
    }
}

pub(crate) fn floor_mod(x: i64, y: i64) -> i64 {
    if y == -1 {
        return 0;
    }
    let r = x % y;
    if r != 0 && ((r < 0) != (y < 0)) {
        r + y
    } else {
        r
    }
}

/// The message for operands that do not go together, naming both types.
pub fn mismatch(op: BinaryOp, a: &Value, b: &Value) -> String {
    format!(
        "unsupported operand types for `{}`: {} and {}",
        op.symbol(),
        a.type_name(),
        b.type_name()
    )
}

fn floats(op: BinaryOp, a: &Value, b: &Value) -> Result<(f64, f64), String> {
    match (as_number(a), as_number(b)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(mismatch(op, a, b)),
    }
}

fn float_op(op: BinaryOp, a: &Value, b: &Value, f: fn(f64, f64) -> f64) -> Result<Value, String> {
    let (x, y) = floats(op, a, b)?;
    Ok(Value::Float(f(x, y)))
}

/// An int or float as f64; anything else (bools included) is not a number.
pub fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

pub fn negate(v: &Value) -> Result<Value, String> {
    match v {
        Value::Int(i) => i
            .checked_neg()
            .map(Value::Int)
            .ok_or_else(|| format!("integer overflow: -({i})")),
        Value::Float(f) => Ok(Value::Float(-f)),
        other => Err(format!(
            "bad operand type for unary `-`: {}",
            other.type_name()
        )),
    }
}

/// Ordering for `< <= > >=`, `min`, `max` and `sorted`: numbers, strs, bools, and lists
/// (lexicographically, at any depth).
pub fn compare(op: BinaryOp, a: &Value, b: &Value) -> Result<Ordering, String> {
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            super::deep::compare_lists(x, y, |p, q| compare_scalars(op, p, q))
        }
        _ => compare_scalars(op, a, b),
    }
}

/// Ordering of two values that are not both lists.
fn compare_scalars(op: BinaryOp, a: &Value, b: &Value) -> Result<Ordering, String> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Ok(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Ok(x.cmp(y)),
        _ => match (as_number(a), as_number(b)) {
            (Some(x), Some(y)) => x
                .partial_cmp(&y)
                .ok_or_else(|| "cannot order nan".to_string()),
            _ => Err(format!(
                "`{}` cannot compare {} and {}",
                op.symbol(),
                a.type_name(),
                b.type_name()
            )),
        },
    }
}

/// `needle in haystack`.
pub fn contains(haystack: &Value, needle: &Value) -> Result<bool, String> {
    match haystack {
        Value::List(items) => Ok(items.borrow().iter().any(|x| x.equals(needle))),
        Value::Map(entries) => match needle.to_key() {
            Ok(key) => Ok(entries.borrow().contains_key(&key)),
            Err(_) => Ok(false),
        },
        Value::Str(s) => match needle {
            Value::Str(n) => Ok(s.contains(&**n)),
            other => Err(format!(
                "`in` on a str needs a str on the left, not {}",
                other.type_name()
            )),
        },
        other => Err(format!(
            "`in` needs a list, map or str on the right, not {}",
            other.type_name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_division_and_modulo_follow_python() {
        assert_eq!(floor_div(7, 2), Some(3));
        assert_eq!(floor_div(-7, 2), Some(-4));
        assert_eq!(floor_div(7, -2), Some(-4));
        assert_eq!(floor_div(i64::MIN, -1), None);
        assert_eq!(floor_mod(-7, 3), 2);
        assert_eq!(floor_mod(7, -3), -2);
        assert_eq!(floor_mod(i64::MIN, -1), 0);
    }

    #[test]
    fn overflow_is_an_error() {
        let err = binary(BinaryOp::Add, &Value::Int(i64::MAX), &Value::Int(1)).unwrap_err();
        assert!(err.contains("overflow"), "{err}");
    }

    #[test]
    fn powers_and_shifts_check_their_range() {
        let int = |v: Result<Value, String>| match v {
            Ok(Value::Int(i)) => Ok(i),
            Ok(other) => Err(other.repr()),
            Err(e) => Err(e),
        };
        let pow = |x, y| int(binary(BinaryOp::Pow, &Value::Int(x), &Value::Int(y)));
        assert_eq!(pow(2, 62), Ok(1 << 62));
        assert!(pow(2, 63).unwrap_err().contains("overflow"));
        assert_eq!(pow(-1, i64::MAX), Ok(-1));
        assert_eq!(pow(7, 0), Ok(1));
        let shift = |op, x, y| int(binary(op, &Value::Int(x), &Value::Int(y)));
        assert_eq!(shift(BinaryOp::Shl, 1, 62), Ok(1 << 62));
        assert_eq!(shift(BinaryOp::Shl, -1, 63), Ok(i64::MIN));
        assert!(
            shift(BinaryOp::Shl, 1, 63)
                .unwrap_err()
                .contains("overflow")
        );
        assert!(
            shift(BinaryOp::Shl, 1, 64)
                .unwrap_err()
                .contains("overflow")
        );
        assert_eq!(shift(BinaryOp::Shl, 0, 1000), Ok(0));
        assert_eq!(shift(BinaryOp::Shr, -8, 1000), Ok(-1));
        assert_eq!(shift(BinaryOp::Shr, 8, 64), Ok(0));
        assert!(
            shift(BinaryOp::Shr, 8, -1)
                .unwrap_err()
                .contains("negative shift")
        );
    }

    #[test]
    fn mixing_types_names_both() {
        let err = binary(BinaryOp::Add, &Value::Int(1), &Value::str("a")).unwrap_err();
        assert_eq!(err, "unsupported operand types for `+`: int and str");
    }
}
