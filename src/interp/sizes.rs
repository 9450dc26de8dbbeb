//! Size limits on what scripts build (strs, lists, maps) and the work building costs. Every
//! operator, builtin and method that builds a str, list or map asks here first: past the size
//! limit the script ends with a located `ErrorKind::Limit` error; otherwise the size is counted
//! against the operation limit (bytes of a str, items of a list, entries of a map). Memory is
//! then taken with `try_reserve`, so an allocation the system refuses is an "out of memory"
//! error at the line, not the allocator's abort.

use std::rc::Rc;

use super::value::{List, Value};
use super::{Interp, RtError, RtResult};
use crate::syntax::Span;
use crate::syntax::ast::BinaryOp;

/// What is being built, for limits and messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Str,
    List,
    Map,
}

impl Kind {
    fn describe(self, n: usize) -> String {
        match self {
            Kind::Str => format!("a str of {n} bytes"),
            Kind::List => format!("a list of {n} items"),
            Kind::Map => format!("a map of {n} entries"),
        }
    }
}

/// The error for a failed allocation of `n` bytes, items or entries.
pub fn out_of_memory(kind: Kind, n: usize, span: Span) -> Box<RtError> {
    RtError::limit(format!("out of memory building {}", kind.describe(n)), span)
}

/// An empty str with room for `bytes` bytes.
pub fn new_str(bytes: usize, span: Span) -> RtResult<String> {
    let mut s = String::new();
    s.try_reserve_exact(bytes)
        .map_err(|_| out_of_memory(Kind::Str, bytes, span))?;
    Ok(s)
}

/// An empty list with room for `items` items.
pub fn new_list(items: usize, span: Span) -> RtResult<Vec<Value>> {
    let mut v = Vec::new();
    v.try_reserve_exact(items)
        .map_err(|_| out_of_memory(Kind::List, items, span))?;
    Ok(v)
}

/// Room for `extra` more items in `list`.
pub fn reserve_list(list: &mut Vec<Value>, extra: usize, span: Span) -> RtResult<()> {
    list.try_reserve(extra)
        .map_err(|_| out_of_memory(Kind::List, list.len().saturating_add(extra), span))
}

impl Interp {
    /// Before building a str, list or map of size `n`: checks the size limit and counts `n`
    /// operations.
    pub(crate) fn building(&mut self, kind: Kind, n: usize, span: Span) -> RtResult<()> {
        self.check_size(kind, n, span)?;
        self.charge(n as u64, span)
    }

    /// Checks that a str, list or map of size `n` is within its limit (for growth by one item,
    /// which the loop around it already counts).
    #[inline]
    pub(crate) fn check_size(&self, kind: Kind, n: usize, span: Span) -> RtResult<()> {
        let max = match kind {
            Kind::Str => self.limits.max_string_size,
            Kind::List => self.limits.max_array_size,
            Kind::Map => self.limits.max_map_size,
        };
        if n > max {
            return Err(too_large(kind, n, max, span));
        }
        Ok(())
    }

    /// `a + b` or `a * n` on strs or lists, building `size` bytes or items: checked, counted
    /// and allocated here.
    pub(crate) fn build_binary(
        &mut self,
        op: BinaryOp,
        a: &Value,
        b: &Value,
        size: u64,
        span: Span,
    ) -> RtResult<Value> {
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        match (op, a, b) {
            (BinaryOp::Add, Value::Str(x), Value::Str(y)) => {
                self.building(Kind::Str, size, span)?;
                let mut s = new_str(size, span)?;
                s.push_str(x);
                s.push_str(y);
                Ok(Value::Str(s.into()))
            }
            (BinaryOp::Mul, Value::Str(s), Value::Int(n))
            | (BinaryOp::Mul, Value::Int(n), Value::Str(s)) => {
                self.building(Kind::Str, size, span)?;
                let mut out = new_str(size, span)?;
                for _ in 0..(*n).max(0) {
                    out.push_str(s);
                }
                Ok(Value::Str(out.into()))
            }
            (BinaryOp::Add, Value::List(x), Value::List(y)) => {
                self.building(Kind::List, size, span)?;
                let mut items = new_list(size, span)?;
                items.extend(x.borrow().iter().cloned());
                items.extend(y.borrow().iter().cloned());
                Ok(Value::list(items))
            }
            (BinaryOp::Mul, Value::List(l), Value::Int(n))
            | (BinaryOp::Mul, Value::Int(n), Value::List(l)) => {
                self.building(Kind::List, size, span)?;
                let mut items = new_list(size, span)?;
                let l = l.borrow();
                match &l[..] {
                    // `[nil] * n`: one fill.
                    [item] => items.resize(size, item.clone()),
                    _ => {
                        for _ in 0..(*n).max(0) {
                            items.extend(l.iter().cloned());
                        }
                    }
                }
                Ok(Value::list(items))
            }
            // `k in m` on a shared map: asked of the map as it is now.
            (BinaryOp::In | BinaryOp::NotIn, _, Value::Handle(h)) => {
                match crate::runtime::ipc::handle_snapshot(self, h, span) {
                    Some(map) => {
                        super::eval::binary_values(op, a, &map?).map_err(|m| RtError::new(m, span))
                    }
                    None => super::eval::binary_values(op, a, b).map_err(|m| RtError::new(m, span)),
                }
            }
            _ => super::eval::binary_values(op, a, b).map_err(|m| RtError::new(m, span)),
        }
    }

    /// `list.extend(other)`: `other` may be `list` itself.
    pub(crate) fn extend_list(
        &mut self,
        list: &Rc<List>,
        other: &Rc<List>,
        span: Span,
    ) -> RtResult<()> {
        let extra = other.borrow().len();
        let len = list.borrow().len().saturating_add(extra);
        // The whole list must fit; the work is the items copied (a loop that extends a list by
        // one item at a time is linear, not quadratic).
        self.check_size(Kind::List, len, span)?;
        self.charge(extra as u64, span)?;
        if Rc::ptr_eq(list, other) {
            let mut items = list.borrow_mut();
            reserve_list(&mut items, extra, span)?;
            items.extend_from_within(..);
        } else {
            let mut items = list.borrow_mut();
            reserve_list(&mut items, extra, span)?;
            items.extend(other.borrow().iter().cloned());
        }
        Ok(())
    }

    /// The printed form of a value (`str(x)`, `print`, f-strings), within the str limit.
    pub(crate) fn display(&mut self, value: &Value, span: Span) -> RtResult<Rc<String>> {
        if let Value::Str(s) = value {
            return Ok(s.clone());
        }
        self.repr(value, span)
    }

    /// The literal form of a value (`repr(x)`), within the str limit.
    pub(crate) fn repr(&mut self, value: &Value, span: Span) -> RtResult<Rc<String>> {
        let mut out = String::new();
        let max = self.limits.max_string_size;
        super::deep::write_repr(&mut out, value, max).map_err(|stop| match stop {
            super::deep::Stop::TooLarge => RtError::limit(
                format!("size limit exceeded: a str of more than {max} bytes (the limit is {max})"),
                span,
            ),
            super::deep::Stop::OutOfMemory => {
                out_of_memory(Kind::Str, out.len().saturating_mul(2), span)
            }
        })?;
        self.charge(out.len() as u64, span)?;
        Ok(Rc::new(out))
    }

    /// Appends `text` to a str being built, within the str limit.
    pub(crate) fn append(&mut self, out: &mut String, text: &str, span: Span) -> RtResult<()> {
        let len = out.len().saturating_add(text.len());
        self.check_size(Kind::Str, len, span)?;
        out.try_reserve(text.len())
            .map_err(|_| out_of_memory(Kind::Str, len, span))?;
        out.push_str(text);
        Ok(())
    }
}

fn too_large(kind: Kind, n: usize, max: usize, span: Span) -> Box<RtError> {
    RtError::limit(
        format!(
            "size limit exceeded: {} (the limit is {max})",
            kind.describe(n)
        ),
        span,
    )
}
