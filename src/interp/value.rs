//! Runtime values and how they print.

use std::cell::RefCell;
use std::fmt;
use std::rc::{Rc, Weak};

use indexmap::IndexMap;

use super::builtins::Builtin;

/// The hasher of map values: foldhash, several times faster than the standard SipHash on the
/// short strs and ints maps are keyed by, and seeded per process. Iteration order does not
/// depend on it (maps keep insertion order).
pub type MapHasher = foldhash::fast::RandomState;

/// The entries of a map value, in insertion order.
pub type MapEntries = IndexMap<Key, Value, MapHasher>;
use super::ir::FnProto;
use super::native::NativeFn;
use super::record::Record;

/// A value of the language.
///
/// Lists and maps are shared by reference (like Python's): cloning a `Value::List` gives another
/// handle to the same list.
///
/// ```
/// use mpscript::Value;
/// let v = Value::from(vec![Value::from(1), Value::from("a"), Value::Nil]);
/// assert_eq!(v.to_string(), r#"[1, "a", nil]"#);
/// assert_eq!(Value::from(2.0).to_string(), "2.0");
/// ```
#[derive(Clone, Default)]
pub enum Value {
    /// `nil`, the absence of a value.
    #[default]
    Nil,
    /// `true` or `false`.
    Bool(bool),
    /// A 64-bit int; arithmetic that overflows is an error, never a wrap.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// Strings are immutable and shared. (`Rc<String>` rather than `Rc<str>` keeps the
    /// pointer thin, so a whole `Value` is two words and moves in registers.)
    Str(Rc<String>),
    /// A list, shared by reference.
    List(Rc<List>),
    /// A map from str, int or bool keys, in insertion order, shared by reference.
    Map(Rc<Map>),
    /// A function: written in the script, builtin, or registered by the host.
    Function(Function),
    /// A handle to an operating-system object (process, pool, queue...).
    Handle(HandleRef),
    /// A record (`Point(x=1, y=0)`), shared by reference.
    Record(Rc<Record>),
}

impl Value {
    /// Drops the value with the reference-count decrement inline (the general drop is a call
    /// through a match on every variant); for hot paths such as popping a frame.
    #[inline(always)]
    pub(crate) fn release(self) {
        match self {
            v @ (Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Nil) => {
                std::mem::forget(v)
            }
            Value::Record(r) => drop(r),
            Value::List(l) => drop(l),
            Value::Str(s) => drop(s),
            Value::Map(m) => drop(m),
            other => drop(other),
        }
    }
}

/// A shared handle to an OS object; the extra box keeps the pointer thin (see `Value::Str`).
pub type HandleRef = Rc<Box<dyn crate::runtime::Handle>>;

/// A map key: maps accept str, int and bool keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// `true` or `false`.
    Bool(bool),
    /// An int.
    Int(i64),
    /// A str.
    Str(Rc<String>),
}

impl Key {
    /// The key as a value.
    pub fn to_value(&self) -> Value {
        match self {
            Key::Bool(b) => Value::Bool(*b),
            Key::Int(i) => Value::Int(*i),
            Key::Str(s) => Value::Str(s.clone()),
        }
    }
}

/// Something callable.
#[derive(Clone)]
pub enum Function {
    /// A function written in the script, with the variables it captured.
    Closure(Rc<Closure>),
    /// A builtin such as `print`.
    Builtin(Builtin),
    /// A function registered by the host program.
    Native(Rc<NativeFn>),
}

/// The cells of the variables a closure captured.
pub type Captures = Box<[Rc<RefCell<Value>>]>;

/// A script function value: its compiled code plus the cells of the variables it captured.
pub struct Closure {
    /// The compiled function.
    pub proto: Rc<FnProto>,
    /// The cells of the variables it captured, shared with the code that declared them.
    pub captures: Captures,
    /// For a local function that refers to a sibling (or is referred to by one): the group of
    /// the functions declared together with it, from which a sibling is rebuilt.
    pub group: Option<Rc<Group>>,
}

/// The local functions declared in one run of a block that refer to each other, held as what
/// rebuilds each of them (code and captured cells) rather than as function values: a group
/// that held its functions would be a reference cycle (each function holds the group).
pub struct Group {
    members: RefCell<Box<[Option<GroupMember>]>>,
}

struct GroupMember {
    proto: Rc<FnProto>,
    captures: Captures,
    /// The member's closure while anything holds it, so that looking a sibling up gives the
    /// same function value (and costs no allocation) as long as it lives.
    live: Weak<Closure>,
}

impl Group {
    /// A group of `size` functions, none of them declared yet.
    pub fn new(size: usize) -> Group {
        Group {
            members: RefCell::new((0..size).map(|_| None).collect()),
        }
    }

    /// Records member `index` (a closure whose `group` is this one).
    pub fn set(&self, index: u32, closure: &Rc<Closure>) {
        self.put(
            index,
            GroupMember {
                proto: closure.proto.clone(),
                captures: closure.captures.clone(),
                live: Rc::downgrade(closure),
            },
        );
    }

    /// Records member `index` from its code and captured cells (a group received from another
    /// process).
    pub fn set_parts(&self, index: u32, proto: Rc<FnProto>, captures: Captures) {
        self.put(
            index,
            GroupMember {
                proto,
                captures,
                live: Weak::new(),
            },
        );
    }

    fn put(&self, index: u32, member: GroupMember) {
        if let Some(slot) = self.members.borrow_mut().get_mut(index as usize) {
            *slot = Some(member);
        }
    }

    /// Member `index` as a function value; `None` if its declaration has not run yet.
    pub fn get(self: &Rc<Group>, index: u32) -> Option<Rc<Closure>> {
        let mut members = self.members.borrow_mut();
        let member = members.get_mut(index as usize)?.as_mut()?;
        if let Some(closure) = member.live.upgrade() {
            return Some(closure);
        }
        let closure = Rc::new(Closure {
            proto: member.proto.clone(),
            captures: member.captures.clone(),
            group: Some(self.clone()),
        });
        member.live = Rc::downgrade(&closure);
        Some(closure)
    }

    /// How many functions the group has room for.
    pub fn len(&self) -> usize {
        self.members.borrow().len()
    }

    /// True for a group of no functions.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The declared members: index, code and captured cells.
    pub fn members(&self) -> Vec<(u32, Rc<FnProto>, Captures)> {
        self.members
            .borrow()
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                m.as_ref()
                    .map(|m| (i as u32, m.proto.clone(), m.captures.clone()))
            })
            .collect()
    }
}

impl Function {
    /// The function's name (`<anonymous>` for `fn (x) {...}` values).
    pub fn name(&self) -> Rc<str> {
        match self {
            Function::Closure(c) => c.proto.name.clone(),
            Function::Builtin(b) => b.name().into(),
            Function::Native(n) => n.name.clone(),
        }
    }

    fn same(&self, other: &Function) -> bool {
        match (self, other) {
            (Function::Closure(a), Function::Closure(b)) => {
                // A sibling rebuilt from its group is the same function as the original.
                Rc::ptr_eq(a, b)
                    || (Rc::ptr_eq(&a.proto, &b.proto)
                        && matches!((&a.group, &b.group), (Some(x), Some(y)) if Rc::ptr_eq(x, y)))
            }
            (Function::Builtin(a), Function::Builtin(b)) => a == b,
            (Function::Native(a), Function::Native(b)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// A type name with its article, for messages: `a str`, `an int`.
pub fn a(type_name: &str) -> String {
    let article = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {type_name}")
}

/// How deeply nested a value may be to be sent to another process. (Comparing and printing
/// have no depth limit: see `deep`.)
pub const MAX_VALUE_DEPTH: usize = 500;

impl Value {
    /// A str value.
    pub fn str(s: &str) -> Value {
        Value::Str(Rc::new(s.to_string()))
    }

    /// Wraps a runtime object (held by `Rc`) as a handle value.
    pub fn handle<T: crate::runtime::Handle>(object: Rc<T>) -> Value {
        Value::Handle(Rc::new(Box::new(object)))
    }

    /// A new list value.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(List(RefCell::new(items))))
    }

    /// A new map value.
    pub fn map(entries: MapEntries) -> Value {
        Value::Map(Rc::new(Map(RefCell::new(entries))))
    }

    /// The name `type(x)` returns.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Function(_) => "function",
            Value::Handle(h) => h.type_name(),
            Value::Record(_) => "record",
        }
    }

    /// `nil`, `false`, `0`, `0.0`, `""`, `[]` and `{}` are false; everything else is true.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Map(m) => !m.borrow().is_empty(),
            Value::Function(_) | Value::Handle(_) | Value::Record(_) => true,
        }
    }

    /// The value as `str(x)` and `print` show it: strs as their text, the rest as literals.
    pub fn to_display(&self) -> String {
        match self {
            Value::Str(s) => s.to_string(),
            other => other.repr(),
        }
    }

    /// The literal form, as inside a list: strs quoted.
    ///
    /// Nested values print in full at any depth; a container inside itself prints as `[...]`.
    /// (Should memory for the text run out, the text ends with `...` where it stopped; the
    /// interpreter's `str()` and `print` report that as an error instead.)
    pub fn repr(&self) -> String {
        let mut out = String::new();
        if super::deep::write_repr(&mut out, self, usize::MAX).is_err() {
            out.push_str("...");
        }
        out
    }

    /// Converts to a map key, or says why not.
    pub fn to_key(&self) -> Result<Key, String> {
        match self {
            Value::Bool(b) => Ok(Key::Bool(*b)),
            Value::Int(i) => Ok(Key::Int(*i)),
            Value::Str(s) => Ok(Key::Str(s.clone())),
            other => Err(format!(
                "map keys must be str, int or bool, not {}",
                other.type_name()
            )),
        }
    }

    /// Equality as `==` sees it: numbers compare across int and float; lists and maps by content.
    pub fn equals(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::List(_), Value::List(_))
            | (Value::Map(_), Value::Map(_))
            | (Value::Record(_), Value::Record(_)) => super::deep::equal(self, other),
            _ => scalars_equal(self, other),
        }
    }
}

/// `==` for two values of which at most one is a list or map (then they differ): numbers
/// compare across int and float, strs by content, functions and handles by identity.
pub(crate) fn scalars_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => int_float_eq(*x, *y),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Function(x), Value::Function(y)) => x.same(y),
        (Value::Handle(x), Value::Handle(y)) => Rc::ptr_eq(x, y),
        _ => false,
    }
}

fn int_float_eq(i: i64, f: f64) -> bool {
    // Compare exactly: converting a large i64 to f64 rounds.
    f.fract() == 0.0
        && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f)
        && f as i64 == i
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        self.equals(other)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_display())
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr())
    }
}

/// A float in its shortest form that reads back, always with a `.` or an exponent (as Python's
/// `repr`): `2.0`, `0.1`, `1e+16`, `1.5e-05`, `inf`, `nan`.
pub fn format_float(x: f64) -> String {
    let mut out = String::new();
    write_float(&mut out, x);
    out
}

/// The text of ASCII digits.
fn ascii(digits: &[u8]) -> &str {
    std::str::from_utf8(digits).unwrap_or("")
}

/// Appends [`format_float`]'s text to `out` without allocating: the shortest round-trip digits
/// come from `zmij`, laid out as Python lays them out (plain from 1e-4 up to 1e16, else
/// `d.ddde+XX`).
pub fn write_float(out: &mut String, x: f64) {
    if x.is_nan() {
        return out.push_str("nan");
    }
    if x.is_infinite() {
        return out.push_str(if x > 0.0 { "inf" } else { "-inf" });
    }
    if x == 0.0 {
        return out.push_str(if x.is_sign_negative() { "-0.0" } else { "0.0" });
    }
    if x.is_sign_negative() {
        out.push('-');
    }
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(x.abs());
    // Whatever layout zmij chose, read it back as digits d1 d2 ... and an exponent `exp`
    // such that the value is d1.d2d3... x 10^exp.
    let (mantissa, e) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let point = mantissa.find('.').unwrap_or(mantissa.len());
    let mut digits = [0u8; 32];
    let mut n = 0;
    let mut leading_zeros = 0i32;
    for b in mantissa.bytes().filter(u8::is_ascii_digit) {
        if n == 0 && b == b'0' {
            leading_zeros += 1;
            continue;
        }
        if n < digits.len() {
            digits[n] = b;
            n += 1;
        }
    }
    while n > 1 && digits[n - 1] == b'0' {
        n -= 1;
    }
    let digits = &digits[..n];
    let exp = point as i32 - 1 - leading_zeros + e;
    if (-4..16).contains(&exp) {
        if exp < 0 {
            out.push_str("0.");
            for _ in 0..(-exp - 1) {
                out.push('0');
            }
            out.push_str(ascii(digits));
        } else {
            let whole = exp as usize + 1;
            if digits.len() > whole {
                out.push_str(ascii(&digits[..whole]));
                out.push('.');
                out.push_str(ascii(&digits[whole..]));
            } else {
                out.push_str(ascii(digits));
                for _ in digits.len()..whole {
                    out.push('0');
                }
                out.push_str(".0");
            }
        }
    } else {
        out.push_str(ascii(&digits[..1]));
        if digits.len() > 1 {
            out.push('.');
            out.push_str(ascii(&digits[1..]));
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        if exp.abs() < 10 {
            out.push('0');
        }
        let mut ibuf = itoa::Buffer::new();
        out.push_str(ibuf.format(exp.abs()));
    }
}

/// The storage of a list value.
pub struct List(RefCell<Vec<Value>>);

/// The storage of a map value; keeps insertion order.
pub struct Map(RefCell<MapEntries>);

impl std::ops::Deref for List {
    type Target = RefCell<Vec<Value>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::Deref for Map {
    type Target = RefCell<MapEntries>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

// Dropping a deeply nested list or map must not recurse once per level (a script can build
// `x = [x]` a million times): nested containers we hold the last reference to are emptied onto
// a work list first, so each one drops shallow.
impl Drop for List {
    fn drop(&mut self) {
        let items = std::mem::take(self.0.get_mut());
        if !items.is_empty() {
            drop_flat(items);
        }
    }
}

impl Drop for Map {
    fn drop(&mut self) {
        let entries = std::mem::take(self.0.get_mut());
        if !entries.is_empty() {
            drop_flat(entries.into_values().collect());
        }
    }
}

/// Whether dropping this handle would free a container, which holds values of its own.
pub(crate) fn owns_nested(v: &Value) -> bool {
    match v {
        Value::List(rc) => Rc::strong_count(rc) == 1,
        Value::Map(rc) => Rc::strong_count(rc) == 1,
        Value::Record(rc) => Rc::strong_count(rc) == 1,
        _ => false,
    }
}

pub(crate) fn drop_flat(mut pending: Vec<Value>) {
    // Nothing this drop would free holds values of its own (`[nil] * n`, a list of ints or
    // of shared records): the items drop where they are.
    if !pending.iter().any(owns_nested) {
        return;
    }
    while let Some(value) = pending.pop() {
        match &value {
            Value::List(rc) if Rc::strong_count(rc) == 1 => {
                if let Ok(mut items) = rc.0.try_borrow_mut() {
                    pending.extend(items.drain(..));
                }
            }
            Value::Map(rc) if Rc::strong_count(rc) == 1 => {
                if let Ok(mut entries) = rc.0.try_borrow_mut() {
                    pending.extend(entries.drain(..).map(|(_, v)| v));
                }
            }
            Value::Record(rc) if Rc::strong_count(rc) == 1 => rc.take_fields(&mut pending),
            _ => {}
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Int(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Value {
        Value::Float(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Bool(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::str(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Str(v.into())
    }
}
impl From<()> for Value {
    fn from(_: ()) -> Value {
        Value::Nil
    }
}
impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Value {
        Value::list(v.into_iter().map(Into::into).collect())
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Nil, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_python_repr() {
        assert_eq!(format_float(2.0), "2.0");
        assert_eq!(format_float(0.1), "0.1");
        assert_eq!(format_float(1e16), "1e+16");
        assert_eq!(format_float(1e15), "1000000000000000.0");
        assert_eq!(format_float(1.5e-5), "1.5e-05");
        assert_eq!(format_float(0.0001), "0.0001");
        assert_eq!(format_float(-2.5), "-2.5");
        assert_eq!(format_float(f64::INFINITY), "inf");
        assert_eq!(format_float(-1e-300), "-1e-300");
        assert_eq!(format_float(123456789.125), "123456789.125");
        assert_eq!(format_float(1e-4), "0.0001");
        assert_eq!(format_float(9.999e-5), "9.999e-05");
        assert_eq!(
            format_float(1.7976931348623157e308),
            "1.7976931348623157e+308"
        );
        assert_eq!(format_float(5e-324), "5e-324");
        assert_eq!(format_float(1234.5e10), "12345000000000.0");
        // An exact tie between two shortest forms: Python (and we) round half to even.
        assert_eq!(
            format_float(f64::from_bits(0x4318_0467_b3a7_ed6d)),
            "1690060720831323.2"
        );
    }

    /// Python's float repr built from the standard library's shortest digits: the layout
    /// `write_float` must reproduce for every float.
    fn python_repr_reference(x: f64) -> String {
        if x.is_nan() || x.is_infinite() || x == 0.0 {
            return format_float(x);
        }
        let sci = format!("{x:e}");
        let (mantissa, exp) = sci.split_once('e').unwrap();
        let exp: i32 = exp.parse().unwrap();
        if (-4..16).contains(&exp) {
            let plain = format!("{x}");
            if plain.contains('.') {
                plain
            } else {
                format!("{plain}.0")
            }
        } else {
            let sign = if exp < 0 { '-' } else { '+' };
            format!("{mantissa}e{sign}{:02}", exp.abs())
        }
    }

    #[test]
    fn floats_print_as_python_prints_them() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..400_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Raw bit patterns (every magnitude) and short decimals (the common case).
            let x = if i % 2 == 0 {
                f64::from_bits(state)
            } else {
                (state % 2_000_000) as f64 / 1000.0 - 1000.0
            };
            // Both are shortest round-trip digits; where two candidates are equally near (an
            // exact tie), Python and zmij round half to even and the standard library does
            // not, so only the layout and the round trip must agree exactly.
            let (ours, reference) = (format_float(x), python_repr_reference(x));
            let shape = |t: &str| t.replace(|c: char| c.is_ascii_digit(), "d");
            assert_eq!(shape(&ours), shape(&reference), "{:#x}", x.to_bits());
            if x.is_finite() {
                assert_eq!(ours.parse::<f64>().ok(), Some(x), "{ours}");
            }
        }
    }

    #[test]
    fn value_is_small() {
        // Two words: values and results of values are passed in registers.
        assert_eq!(std::mem::size_of::<Value>(), 16);
        assert_eq!(std::mem::size_of::<crate::interp::RtResult<Value>>(), 16);
    }

    #[test]
    fn deep_nesting_drops_without_overflow() {
        let mut v = Value::Nil;
        for _ in 0..1_000_000 {
            v = Value::list(vec![v]);
        }
        assert_eq!(v.repr().len(), 2_000_003);
        drop(v);
    }

    #[test]
    fn int_float_equality_is_exact() {
        assert!(Value::Int(1).equals(&Value::Float(1.0)));
        assert!(!Value::Int(i64::MAX).equals(&Value::Float(9.223372036854776e18)));
    }
}
