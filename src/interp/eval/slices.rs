//! Slices `xs[a:b:step]` of lists and strs, with Python's rules: a bound left out (or nil)
//! means the end in the step's direction, negative bounds count from the end, bounds past
//! either end are clamped, and a step of 0 is an error. Each slice is built with one
//! allocation of its exact size.

use super::Frame;
use crate::interp::ir::{self, SliceBounds};
use crate::interp::sizes::Kind;
use crate::interp::value::Value;
use crate::interp::{Interp, RtError, RtResult};
use crate::syntax::Span;

/// Which items a slice takes: the first index and how many, walking by `step`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Picked {
    pub first: usize,
    pub count: usize,
    pub step: i64,
}

/// Python's `slice.indices(len)` followed by the count of items, for a sequence of `len` items.
pub fn pick(len: usize, start: Option<i64>, stop: Option<i64>, step: i64) -> Picked {
    debug_assert!(step != 0, "the caller rejects a zero step");
    // i128: `start + len` and the count's arithmetic cannot overflow whatever the bounds.
    let len = len as i128;
    let step_wide = step as i128;
    let clamp = |bound: Option<i64>, default: i128| -> i128 {
        let Some(b) = bound else { return default };
        let b = b as i128;
        let b = if b < 0 { b + len } else { b };
        if step_wide > 0 {
            b.clamp(0, len)
        } else {
            b.clamp(-1, len - 1)
        }
    };
    let (first, count) = if step_wide > 0 {
        let (a, b) = (clamp(start, 0), clamp(stop, len));
        (
            a,
            if b > a {
                (b - a + step_wide - 1) / step_wide
            } else {
                0
            },
        )
    } else {
        let (a, b) = (clamp(start, len - 1), clamp(stop, -1));
        (
            a,
            if a > b {
                (a - b - step_wide - 1) / -step_wide
            } else {
                0
            },
        )
    };
    Picked {
        // With no items picked, `first` may be -1; it is never read then.
        first: first.max(0) as usize,
        count: count as usize,
        step,
    }
}

impl Interp {
    pub(super) fn eval_slice(
        &mut self,
        f: &Frame,
        slice: &ir::Slice,
        span: Span,
    ) -> RtResult<Value> {
        let object = self.eval(f, &slice.object)?;
        self.slice_value(f, &object, &slice.bounds, span)
    }

    /// `object[bounds]` for an object already evaluated (also a link of a chain).
    pub(super) fn slice_value(
        &mut self,
        f: &Frame,
        object: &Value,
        bounds: &SliceBounds,
        span: Span,
    ) -> RtResult<Value> {
        let start = self.slice_bound(f, bounds.start.as_ref())?;
        let stop = self.slice_bound(f, bounds.stop.as_ref())?;
        let step = match (self.slice_bound(f, bounds.step.as_ref())?, &bounds.step) {
            (Some(0), Some(e)) => return Err(RtError::new("slice step cannot be zero", e.span)),
            (step, _) => step.unwrap_or(1),
        };
        match object {
            Value::List(items) => {
                let items = items.borrow();
                let p = pick(items.len(), start, stop, step);
                self.building(Kind::List, p.count, span)?;
                let mut out = crate::interp::sizes::new_list(p.count, span)?;
                if p.step == 1 {
                    out.extend_from_slice(&items[p.first..p.first + p.count]);
                } else {
                    let mut i = p.first as i64;
                    for _ in 0..p.count {
                        out.push(items[i as usize].clone());
                        i += p.step;
                    }
                }
                Ok(Value::list(out))
            }
            Value::Str(s) => {
                let ascii = self.strs.is_ascii(s);
                let text = slice_str(s, ascii, start, stop, step);
                self.charge(text.len() as u64, span)?;
                Ok(Value::Str(text.into()))
            }
            other => Err(RtError::new(
                format!(
                    "{} cannot be sliced (slices work on lists and strs)",
                    crate::interp::value::a(other.type_name())
                ),
                span,
            )),
        }
    }

    /// A bound's value: an int, or nil (or left out) for the default.
    fn slice_bound(&mut self, f: &Frame, bound: Option<&ir::Expr>) -> RtResult<Option<i64>> {
        let Some(e) = bound else { return Ok(None) };
        match self.eval(f, e)? {
            Value::Int(i) => Ok(Some(i)),
            Value::Nil => Ok(None),
            other => Err(RtError::new(
                format!(
                    "slice indices must be int or nil, not {}",
                    other.type_name()
                ),
                e.span,
            )),
        }
    }
}

/// The characters of `s` that a slice picks (indexes count characters, not bytes).
/// `ascii`: whether `s` is all ASCII (the caller may know it already).
fn slice_str(s: &str, ascii: bool, start: Option<i64>, stop: Option<i64>, step: i64) -> String {
    if ascii {
        let p = pick(s.len(), start, stop, step);
        if p.step == 1 {
            return s[p.first..p.first + p.count].to_string();
        }
        let bytes = s.as_bytes();
        let mut out = String::with_capacity(p.count);
        let mut i = p.first as i64;
        for _ in 0..p.count {
            out.push(bytes[i as usize] as char);
            i += p.step;
        }
        return out;
    }
    let len = s.chars().count();
    let p = pick(len, start, stop, step);
    if p.count == 0 {
        return String::new();
    }
    if p.step > 0 {
        let taken = s.chars().skip(p.first).step_by(p.step as usize);
        taken.take(p.count).collect()
    } else {
        let back = len - 1 - p.first;
        let stride = p.step.unsigned_abs() as usize;
        s.chars()
            .rev()
            .skip(back)
            .step_by(stride)
            .take(p.count)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picked(len: usize, a: Option<i64>, b: Option<i64>, step: i64) -> Vec<usize> {
        let p = pick(len, a, b, step);
        (0..p.count)
            .map(|k| (p.first as i64 + k as i64 * p.step) as usize)
            .collect()
    }

    #[test]
    fn slices_follow_python() {
        assert_eq!(picked(5, Some(1), Some(3), 1), [1, 2]);
        assert_eq!(picked(5, Some(-2), None, 1), [3, 4]);
        assert_eq!(picked(5, None, None, -1), [4, 3, 2, 1, 0]);
        assert_eq!(picked(5, None, None, 2), [0, 2, 4]);
        assert_eq!(picked(5, Some(10), Some(-10), -2), [4, 2, 0]);
        assert_eq!(picked(5, Some(3), Some(1), 1), Vec::<usize>::new());
        assert_eq!(picked(0, None, None, -1), Vec::<usize>::new());
        assert_eq!(
            picked(3, Some(i64::MIN), Some(i64::MAX), i64::MIN),
            Vec::<usize>::new()
        );
        assert_eq!(picked(3, Some(i64::MAX), None, i64::MIN), [2]);
    }

    #[test]
    fn str_slices_count_characters() {
        assert_eq!(slice_str("héllo", false, Some(1), Some(3), 1), "él");
        assert_eq!(slice_str("héllo", false, None, None, -2), "olh");
        assert_eq!(slice_str("hello", true, None, None, -1), "olleh");
    }
}
