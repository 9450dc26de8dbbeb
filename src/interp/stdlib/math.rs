//! The `math` namespace: roots, rounding to ints, exponentials, trigonometry and NaN checks,
//! with Python's errors for arguments outside a function's domain (`math.sqrt(-1)`).

use super::CallArgs;
use crate::interp::RtResult;
use crate::interp::args::Arity;
use crate::interp::builtins::Builtin;
use crate::interp::value::Value;

/// `math.f(x)` for a one-argument function and a number in its domain, computed without
/// building the call's argument lists (`math.sqrt` in an inner loop); `None` sends the call
/// the general way, which also words every error.
#[inline]
pub fn unary_fast(builtin: Builtin, x: &Value) -> Option<Value> {
    let x = match *x {
        Value::Float(x) => x,
        Value::Int(n) if matches!(builtin, Builtin::MathFloor | Builtin::MathCeil) => {
            return Some(Value::Int(n));
        }
        Value::Int(n) => n as f64,
        _ => return None,
    };
    let r = match builtin {
        Builtin::MathSqrt if x >= 0.0 => x.sqrt(),
        Builtin::MathSin => x.sin(),
        Builtin::MathCos => x.cos(),
        Builtin::MathTan => x.tan(),
        Builtin::MathLog if x > 0.0 => x.ln(),
        Builtin::MathExp => Some(x.exp()).filter(|r| r.is_finite())?,
        Builtin::MathIsnan => return Some(Value::Bool(x.is_nan())),
        Builtin::MathFloor | Builtin::MathCeil => {
            let r = if builtin == Builtin::MathFloor {
                x.floor()
            } else {
                x.ceil()
            };
            return (-9.223_372_036_854_776e18..9.223_372_036_854_776e18)
                .contains(&r)
                .then_some(Value::Int(r as i64));
        }
        _ => return None,
    };
    Some(Value::Float(r))
}

pub(super) fn call(builtin: Builtin, a: &mut CallArgs) -> RtResult<Value> {
    a.named(&[])?;
    let one = |a: &CallArgs| -> RtResult<f64> {
        a.count(Arity::exactly(1))?;
        a.number(0)
    };
    let result = match builtin {
        Builtin::MathSqrt => {
            let x = one(a)?;
            if x < 0.0 {
                return Err(a.err("math domain error (a negative number has no real root)"));
            }
            x.sqrt()
        }
        Builtin::MathFloor | Builtin::MathCeil => {
            a.count(Arity::exactly(1))?;
            if let Value::Int(n) = a.positional[0] {
                return Ok(Value::Int(n));
            }
            let x = a.number(0)?;
            let r = if builtin == Builtin::MathFloor {
                x.floor()
            } else {
                x.ceil()
            };
            // Like Python, the result is an int; NaN and infinities have none.
            if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&r) {
                return Ok(Value::Int(r as i64));
            }
            return Err(a.err(format!("cannot convert {} to int", Value::Float(x))));
        }
        Builtin::MathExp => {
            let r = one(a)?.exp();
            if r.is_infinite() {
                return Err(a.err("math range error (the result is too large)"));
            }
            r
        }
        Builtin::MathLog => {
            a.count(Arity::between(1, 2))?;
            let x = a.number(0)?;
            let base = match a.positional.len() {
                2 => Some(a.number(1)?),
                _ => None,
            };
            if x <= 0.0 || base.is_some_and(|b| b <= 0.0 || b == 1.0) {
                return Err(a.err("math domain error (log needs a positive number and base)"));
            }
            match base {
                Some(b) => x.ln() / b.ln(),
                None => x.ln(),
            }
        }
        Builtin::MathSin => one(a)?.sin(),
        Builtin::MathCos => one(a)?.cos(),
        Builtin::MathTan => one(a)?.tan(),
        Builtin::MathAtan2 => {
            a.count(Arity::exactly(2))?;
            a.number(0)?.atan2(a.number(1)?)
        }
        Builtin::MathHypot => {
            let mut sum = 0.0f64;
            for i in 0..a.positional.len() {
                sum = sum.hypot(a.number(i)?);
            }
            sum
        }
        Builtin::MathIsnan => return Ok(Value::Bool(one(a)?.is_nan())),
        other => return Err(a.err(format!("internal error: {} is not in math", other.name()))),
    };
    Ok(Value::Float(result))
}
