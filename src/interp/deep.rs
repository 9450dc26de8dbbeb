//! Walking nested lists and maps without recursion: equality (`==`), ordering (`<`, `sorted`)
//! and the printed form, right at any depth. Each walk keeps its own stack of open containers
//! instead of using the Rust stack, and handles values that contain themselves: equality
//! compares them as the infinite values they stand for, ordering raises, printing shows `[...]`.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::record::Record;
use super::value::{List, Map, Value, format_float, scalars_equal};

/// After entering this many pairs of containers, equality and ordering remember the pairs they
/// entered: a self-containing value then ends, and a value that shares one sublist many times
/// costs one visit per distinct pair. Below it, small comparisons pay nothing for it.
const REMEMBER_AFTER: usize = 256;

/// A pair of containers still to compare, with the next position to look at.
enum Pair {
    Lists(Rc<List>, Rc<List>, usize),
    Maps(Rc<Map>, Rc<Map>, usize),
    /// Two records of the same type: their fields compare in order, like lists.
    Records(Rc<Record>, Rc<Record>, usize),
}

/// What comparing two items without descending found.
enum Step {
    Equal,
    Differ,
    Descend(Pair),
}

fn step_eq(a: &Value, b: &Value) -> Step {
    match (a, b) {
        (Value::List(x), Value::List(y)) if !Rc::ptr_eq(x, y) => {
            Step::Descend(Pair::Lists(x.clone(), y.clone(), 0))
        }
        (Value::Map(x), Value::Map(y)) if !Rc::ptr_eq(x, y) => {
            Step::Descend(Pair::Maps(x.clone(), y.clone(), 0))
        }
        (Value::Record(x), Value::Record(y)) if !Rc::ptr_eq(x, y) => {
            if x.ty.same(&y.ty) {
                Step::Descend(Pair::Records(x.clone(), y.clone(), 0))
            } else {
                Step::Differ
            }
        }
        (Value::List(_), Value::List(_))
        | (Value::Map(_), Value::Map(_))
        | (Value::Record(_), Value::Record(_)) => Step::Equal,
        _ if scalars_equal(a, b) => Step::Equal,
        _ => Step::Differ,
    }
}

/// Compares two item sequences from position `*i` on, until a pair of containers to descend
/// into (`Some(Some(pair))`), a difference (`Some(None)`), or the end (`None`).
fn first_difference(xs: &[Value], ys: &[Value], i: &mut usize) -> Option<Option<Pair>> {
    while *i < xs.len().min(ys.len()) {
        let step = step_eq(&xs[*i], &ys[*i]);
        *i += 1;
        match step {
            Step::Equal => {}
            Step::Differ => return Some(None),
            Step::Descend(pair) => return Some(Some(pair)),
        }
    }
    None
}

fn pair_id(pair: &Pair) -> (usize, usize) {
    match pair {
        Pair::Lists(x, y, _) => (Rc::as_ptr(x) as usize, Rc::as_ptr(y) as usize),
        Pair::Maps(x, y, _) => (Rc::as_ptr(x) as usize, Rc::as_ptr(y) as usize),
        Pair::Records(x, y, _) => (Rc::as_ptr(x) as usize, Rc::as_ptr(y) as usize),
    }
}

/// `a == b` for two lists or two maps, at any depth.
///
/// Pairs already entered are taken as equal when met again. That is exact: a difference is
/// found at some finite position and ends the walk with `false`; if none is, every pair entered
/// is equal (for self-containing values, as the infinite values they unfold to, which print
/// alike).
pub fn equal(a: &Value, b: &Value) -> bool {
    let mut stack: Vec<Pair> = Vec::new();
    let mut entered = 0usize;
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut next = match step_eq(a, b) {
        Step::Equal => return true,
        Step::Differ => return false,
        Step::Descend(pair) => Some(pair),
    };
    loop {
        if let Some(pair) = next.take() {
            let same_len = match &pair {
                Pair::Lists(x, y, _) => x.borrow().len() == y.borrow().len(),
                Pair::Maps(x, y, _) => x.borrow().len() == y.borrow().len(),
                Pair::Records(x, y, _) => x.fields().len() == y.fields().len(),
            };
            if !same_len {
                return false;
            }
            entered += 1;
            if entered <= REMEMBER_AFTER || seen.insert(pair_id(&pair)) {
                stack.push(pair);
            }
        }
        let Some(top) = stack.last_mut() else {
            return true;
        };
        match top {
            Pair::Lists(x, y, i) => {
                let (xs, ys) = (x.borrow(), y.borrow());
                if let Some(pair) = first_difference(&xs, &ys, i) {
                    match pair {
                        Some(pair) => next = Some(pair),
                        None => return false,
                    }
                }
            }
            Pair::Records(x, y, i) => {
                let (xs, ys) = (x.fields(), y.fields());
                if let Some(pair) = first_difference(&xs, &ys, i) {
                    match pair {
                        Some(pair) => next = Some(pair),
                        None => return false,
                    }
                }
            }
            Pair::Maps(x, y, i) => {
                let (xs, ys) = (x.borrow(), y.borrow());
                while let Some((k, v)) = xs.get_index(*i) {
                    *i += 1;
                    let Some(w) = ys.get(k) else {
                        return false;
                    };
                    match step_eq(v, w) {
                        Step::Equal => {}
                        Step::Differ => return false,
                        Step::Descend(pair) => {
                            next = Some(pair);
                            break;
                        }
                    }
                }
            }
        }
        if next.is_none() {
            stack.pop();
        }
    }
}

/// The order of two lists (lexicographic, then shorter first), at any depth. `scalar` orders
/// two items that are not both lists. Ordering lists that contain themselves is an error.
pub fn compare_lists(
    a: &Rc<List>,
    b: &Rc<List>,
    scalar: impl Fn(&Value, &Value) -> Result<Ordering, String>,
) -> Result<Ordering, String> {
    // Each open pair, and whether it is remembered in `state` (true: still open there).
    let mut stack: Vec<(Rc<List>, Rc<List>, usize, bool)> = Vec::new();
    let mut state: HashMap<(usize, usize), bool> = HashMap::new();
    let mut entered = 0usize;
    let mut next = (!Rc::ptr_eq(a, b)).then(|| (a.clone(), b.clone()));
    loop {
        if let Some((x, y)) = next.take() {
            entered += 1;
            if entered <= REMEMBER_AFTER {
                stack.push((x, y, 0, false));
            } else {
                let id = (Rc::as_ptr(&x) as usize, Rc::as_ptr(&y) as usize);
                match state.get(&id) {
                    Some(true) => return Err("cannot order lists that contain themselves".into()),
                    Some(false) => {} // compared before: equal
                    None => {
                        state.insert(id, true);
                        stack.push((x, y, 0, true));
                    }
                }
            }
        }
        let Some((x, y, i, _)) = stack.last_mut() else {
            return Ok(Ordering::Equal);
        };
        let (xs, ys) = (x.borrow(), y.borrow());
        while *i < xs.len().min(ys.len()) {
            let (p, q) = (&xs[*i], &ys[*i]);
            *i += 1;
            match (p, q) {
                (Value::List(p), Value::List(q)) => {
                    if !Rc::ptr_eq(p, q) {
                        next = Some((p.clone(), q.clone()));
                        break;
                    }
                }
                _ => match scalar(p, q)? {
                    Ordering::Equal => {}
                    other => return Ok(other),
                },
            }
        }
        if next.is_some() {
            continue;
        }
        let by_len = xs.len().cmp(&ys.len());
        if by_len != Ordering::Equal {
            return Ok(by_len);
        }
        drop((xs, ys));
        if let Some((x, y, _, true)) = stack.pop() {
            state.insert((Rc::as_ptr(&x) as usize, Rc::as_ptr(&y) as usize), false);
        }
    }
}

/// Why writing a printed form stopped early.
#[derive(Debug, PartialEq, Eq)]
pub enum Stop {
    /// The text grew past the limit given.
    TooLarge,
    /// Memory for the text could not be had.
    OutOfMemory,
}

/// The containers being printed, innermost last: a container met again inside itself prints
/// as `[...]`. The first few are searched in a list, deeper ones in a set.
struct Open {
    path: Vec<usize>,
    deep: HashSet<usize>,
}

const OPEN_SCAN: usize = 32;

impl Open {
    fn contains(&self, id: usize) -> bool {
        self.path[..self.path.len().min(OPEN_SCAN)].contains(&id)
            || (self.path.len() > OPEN_SCAN && self.deep.contains(&id))
    }

    fn push(&mut self, id: usize) {
        if self.path.len() >= OPEN_SCAN {
            self.deep.insert(id);
        }
        self.path.push(id);
    }

    fn pop(&mut self) {
        if let Some(id) = self.path.pop() {
            if self.path.len() >= OPEN_SCAN {
                self.deep.remove(&id);
            }
        }
    }
}

enum Printing {
    List(Rc<List>, usize),
    Map(Rc<Map>, usize),
    Record(Rc<Record>, usize),
}

/// Whether printing descends into the value (rather than writing it in one piece).
fn is_container(value: &Value) -> bool {
    matches!(value, Value::List(_) | Value::Map(_) | Value::Record(_))
}

/// Appends the literal form of `value` (strs quoted) to `out`, at any depth. Stops once `out`
/// is longer than `limit` bytes, or when memory for it cannot be had.
pub fn write_repr(out: &mut String, value: &Value, limit: usize) -> Result<(), Stop> {
    let mut stack: Vec<Printing> = Vec::new();
    let mut open = Open {
        path: Vec::new(),
        deep: HashSet::new(),
    };
    let mut next = Some(value.clone());
    loop {
        if let Some(v) = next.take() {
            match v {
                Value::List(l) => {
                    let id = Rc::as_ptr(&l) as usize;
                    if l.try_borrow().is_err() || open.contains(id) {
                        write(out, "[...]", limit)?;
                    } else {
                        write(out, "[", limit)?;
                        open.push(id);
                        stack.push(Printing::List(l, 0));
                    }
                }
                Value::Map(m) => {
                    let id = Rc::as_ptr(&m) as usize;
                    if m.try_borrow().is_err() || open.contains(id) {
                        write(out, "{...}", limit)?;
                    } else {
                        write(out, "{", limit)?;
                        open.push(id);
                        stack.push(Printing::Map(m, 0));
                    }
                }
                Value::Record(r) => {
                    let id = Rc::as_ptr(&r) as usize;
                    write(out, &r.ty.name, limit)?;
                    if r.try_fields().is_err() || open.contains(id) {
                        write(out, "(...)", limit)?;
                    } else {
                        write(out, "(", limit)?;
                        open.push(id);
                        stack.push(Printing::Record(r, 0));
                    }
                }
                scalar => write_scalar(out, &scalar, limit)?,
            }
        }
        let Some(top) = stack.last_mut() else {
            return Ok(());
        };
        match top {
            Printing::List(l, i) => {
                let items = l.try_borrow().map_err(|_| Stop::TooLarge)?;
                while let Some(item) = items.get(*i) {
                    if *i > 0 {
                        write(out, ", ", limit)?;
                    }
                    *i += 1;
                    if is_container(item) {
                        next = Some(item.clone());
                        break;
                    }
                    write_scalar(out, item, limit)?;
                }
            }
            Printing::Map(m, i) => {
                let entries = m.try_borrow().map_err(|_| Stop::TooLarge)?;
                while let Some((k, v)) = entries.get_index(*i) {
                    if *i > 0 {
                        write(out, ", ", limit)?;
                    }
                    *i += 1;
                    write_scalar(out, &k.to_value(), limit)?;
                    write(out, ": ", limit)?;
                    if is_container(v) {
                        next = Some(v.clone());
                        break;
                    }
                    write_scalar(out, v, limit)?;
                }
            }
            Printing::Record(r, i) => {
                let fields = r.try_fields().map_err(|_| Stop::TooLarge)?;
                while let Some(v) = fields.get(*i) {
                    if *i > 0 {
                        write(out, ", ", limit)?;
                    }
                    write(out, &r.ty.fields[*i], limit)?;
                    write(out, "=", limit)?;
                    *i += 1;
                    if is_container(v) {
                        next = Some(v.clone());
                        break;
                    }
                    write_scalar(out, v, limit)?;
                }
            }
        }
        if next.is_none() {
            let close = match stack.pop() {
                Some(Printing::Map(..)) => "}",
                Some(Printing::Record(..)) => ")",
                _ => "]",
            };
            open.pop();
            write(out, close, limit)?;
        }
    }
}

/// Room for `extra` more bytes in `out`, within `limit`.
fn reserve(out: &mut String, extra: usize, limit: usize) -> Result<(), Stop> {
    if out.len().saturating_add(extra) > limit {
        return Err(Stop::TooLarge);
    }
    out.try_reserve(extra).map_err(|_| Stop::OutOfMemory)
}

fn write(out: &mut String, text: &str, limit: usize) -> Result<(), Stop> {
    reserve(out, text.len(), limit)?;
    out.push_str(text);
    Ok(())
}

/// Writes a value that is not a list or map.
fn write_scalar(out: &mut String, value: &Value, limit: usize) -> Result<(), Stop> {
    match value {
        Value::Nil => write(out, "nil", limit),
        Value::Bool(b) => write(out, if *b { "true" } else { "false" }, limit),
        Value::Int(i) => write(out, &i.to_string(), limit),
        Value::Float(x) => write(out, &format_float(*x), limit),
        Value::Str(s) => {
            // Room for the usual case (no escapes); escapes may grow it a little more.
            reserve(out, s.len() + 2, limit)?;
            write_quoted(out, s);
            if out.len() > limit {
                return Err(Stop::TooLarge);
            }
            Ok(())
        }
        Value::Function(func) => write(out, &format!("<function {}>", func.name()), limit),
        Value::Handle(h) => write(out, &h.describe(), limit),
        Value::List(_) | Value::Map(_) | Value::Record(_) => write(out, "[...]", limit),
    }
}

fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nest(depth: usize, leaf: Value) -> Value {
        let mut v = leaf;
        for _ in 0..depth {
            v = Value::list(vec![v]);
        }
        v
    }

    #[test]
    fn deep_lists_compare_and_print_right() {
        for depth in [600, 100_000] {
            let (a, b, c) = (
                nest(depth, Value::Int(1)),
                nest(depth, Value::Int(1)),
                nest(depth, Value::Int(2)),
            );
            assert!(a.equals(&b));
            assert!(!a.equals(&c));
            let (Value::List(x), Value::List(z)) = (&a, &c) else {
                unreachable!()
            };
            let by_number = |p: &Value, q: &Value| match (p, q) {
                (Value::Int(p), Value::Int(q)) => Ok(p.cmp(q)),
                _ => Err("mixed".to_string()),
            };
            assert_eq!(compare_lists(x, z, by_number), Ok(Ordering::Less));
            assert_eq!(a.repr(), "[".repeat(depth) + "1" + &"]".repeat(depth));
        }
    }

    #[test]
    fn printing_stops_at_the_limit() {
        let v = Value::list(vec![Value::str("abcdef"); 100]);
        let mut out = String::new();
        assert_eq!(write_repr(&mut out, &v, 50), Err(Stop::TooLarge));
        assert!(out.len() <= 50);
    }
}
