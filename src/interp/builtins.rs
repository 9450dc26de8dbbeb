//! The builtin functions (`print`, `len`, `range`, ...).

use std::cmp::Ordering;
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::args::{Arity, Callee};
use super::ops;
use super::sizes::{self, Kind};
use super::value::Value;
use super::{Interp, RtError, RtResult};
use crate::runtime::ipc;
use crate::runtime::reactor;
use crate::syntax::Span;
use crate::syntax::ast::BinaryOp;

macro_rules! builtins {
    ($($variant:ident => $name:literal,)*) => {
        /// A builtin function, callable by name from every script.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Builtin { $($variant,)* }

        impl Builtin {
            pub const ALL: &'static [Builtin] = &[$(Builtin::$variant,)*];

            pub fn name(self) -> &'static str {
                match self { $(Builtin::$variant => $name,)* }
            }
        }
    };
}

builtins! {
    Print => "print",
    Str => "str",
    Int => "int",
    Float => "float",
    Bool => "bool",
    Len => "len",
    Type => "type",
    Range => "range",
    Getpid => "getpid",
    Getppid => "getppid",
    Sleep => "sleep",
    Time => "time",
    Random => "random",
    Randint => "randint",
    CpuCount => "cpu_count",
    Exit => "exit",
    Args => "args",
    Env => "env",
    Round => "round",
    Abs => "abs",
    Min => "min",
    Max => "max",
    Sum => "sum",
    Sorted => "sorted",
    Keys => "keys",
    Values => "values",
    Items => "items",
    Repr => "repr",
    Queue => "queue",
    Pipe => "pipe",
    Lock => "lock",
    Shared => "shared",
    Event => "event",
    Semaphore => "semaphore",
    Barrier => "barrier",
    SharedMap => "shared_map",
    Wait => "wait",
    ActiveChildren => "active_children",
    Run => "run",
    Start => "start",
    Parallel => "parallel",
    // v0.2 conveniences (src/interp/stdlib/conveniences.rs).
    Eprint => "eprint",
    Input => "input",
    StdinLines => "stdin_lines",
    Isatty => "isatty",
    Enumerate => "enumerate",
    Zip => "zip",
    Any => "any",
    All => "all",
    Ord => "ord",
    Chr => "chr",
    Hex => "hex",
    // The functions of the namespaces (src/interp/stdlib/): reached as `fs.read`, never as
    // globals of their own.
    FsRead => "fs.read",
    FsWrite => "fs.write",
    FsAppend => "fs.append",
    FsLines => "fs.lines",
    FsExists => "fs.exists",
    FsIsDir => "fs.is_dir",
    FsLs => "fs.ls",
    FsGlob => "fs.glob",
    FsMkdir => "fs.mkdir",
    FsRemove => "fs.remove",
    FsRename => "fs.rename",
    FsCopy => "fs.copy",
    FsStat => "fs.stat",
    FsTempdir => "fs.tempdir",
    FsJoin => "fs.join",
    FsBasename => "fs.basename",
    FsDirname => "fs.dirname",
    FsExt => "fs.ext",
    FsAbspath => "fs.abspath",
    FsCwd => "fs.cwd",
    JsonParse => "json.parse",
    JsonDump => "json.dump",
    OsEnv => "os.env",
    OsSetenv => "os.setenv",
    OsHostname => "os.hostname",
    OsPlatform => "os.platform",
    MathSqrt => "math.sqrt",
    MathFloor => "math.floor",
    MathCeil => "math.ceil",
    MathExp => "math.exp",
    MathLog => "math.log",
    MathSin => "math.sin",
    MathCos => "math.cos",
    MathTan => "math.tan",
    MathAtan2 => "math.atan2",
    MathHypot => "math.hypot",
    MathIsnan => "math.isnan",
}

/// Arguments of one builtin call, with helpers that produce uniform error messages.
pub(super) struct CallArgs {
    pub(super) name: &'static str,
    pub(super) positional: Vec<Value>,
    pub(super) named: Vec<(Rc<str>, Value)>,
    pub(super) span: Span,
}

impl CallArgs {
    pub(super) fn err(&self, message: impl std::fmt::Display) -> Box<RtError> {
        RtError::new(format!("{}(): {message}", self.name), self.span)
    }

    #[inline]
    pub(super) fn count(&self, arity: Arity) -> RtResult<()> {
        arity.check_at(
            Callee::Function(self.name),
            self.positional.len(),
            self.span,
        )
    }

    /// Takes a named argument, checking that nothing else was passed by name.
    pub(super) fn named(&mut self, allowed: &[&str]) -> RtResult<Vec<Option<Value>>> {
        if let Some((bad, _)) = self.named.iter().find(|(n, _)| !allowed.contains(&&**n)) {
            return Err(self.err(format!("unexpected argument `{bad}`")));
        }
        Ok(allowed
            .iter()
            .map(|a| {
                self.named
                    .iter()
                    .position(|(n, _)| &**n == *a)
                    .map(|i| self.named.remove(i).1)
            })
            .collect())
    }

    pub(super) fn int(&self, i: usize) -> RtResult<i64> {
        match &self.positional[i] {
            Value::Int(n) => Ok(*n),
            other => Err(self.err(format!("expected an int, got {}", other.type_name()))),
        }
    }

    pub(super) fn number(&self, i: usize) -> RtResult<f64> {
        ops::as_number(&self.positional[i]).ok_or_else(|| {
            self.err(format!(
                "expected a number, got {}",
                self.positional[i].type_name()
            ))
        })
    }

    pub(super) fn list(&self, i: usize) -> RtResult<Vec<Value>> {
        match &self.positional[i] {
            Value::List(items) => Ok(items.borrow().clone()),
            other => Err(self.err(format!("expected a list, got {}", other.type_name()))),
        }
    }
}

/// `range`'s arguments as `(start, stop, step)`.
pub fn range_bounds(args: &[Value]) -> Result<(i64, i64, i64), String> {
    let ints: Vec<i64> = args
        .iter()
        .map(|a| match a {
            Value::Int(n) => Ok(*n),
            other => Err(format!("range(): expected ints, got {}", other.type_name())),
        })
        .collect::<Result<_, _>>()?;
    let (start, stop, step) = match ints[..] {
        [stop] => (0, stop, 1),
        [start, stop] => (start, stop, 1),
        [start, stop, step] => (start, stop, step),
        _ => return Err(Arity::between(1, 3).message(Callee::Function("range"), ints.len())),
    };
    if step == 0 {
        return Err("range(): step must not be zero".into());
    }
    Ok((start, stop, step))
}

impl Interp {
    /// What `print` and `eprint` write: the values shown as `str` shows them, `sep` between
    /// them, `end` after (counted against the size limits as it grows).
    pub(crate) fn printed_line(
        &mut self,
        values: &[Value],
        sep: &str,
        end: &str,
        span: Span,
    ) -> RtResult<String> {
        let mut line = String::new();
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.append(&mut line, sep, span)?;
            }
            let text = self.display(v, span)?;
            self.append(&mut line, &text, span)?;
        }
        self.append(&mut line, end, span)?;
        Ok(line)
    }

    pub(crate) fn call_builtin(
        &mut self,
        builtin: Builtin,
        positional: Vec<Value>,
        named: Vec<(Rc<str>, Value)>,
        span: Span,
    ) -> RtResult<Value> {
        let mut a = CallArgs {
            name: builtin.name(),
            positional,
            named,
            span,
        };
        if let Some(result) = super::stdlib::call(self, builtin, &mut a) {
            return result;
        }
        let options: &[&str] = match builtin {
            Builtin::Print => &["sep", "end"],
            Builtin::Round => &["n"],
            Builtin::Exit => &["code"],
            Builtin::Sorted => &["key", "reverse"],
            Builtin::Sum => &["start"],
            Builtin::Queue => &["maxsize"],
            Builtin::Wait => &["timeout"],
            Builtin::Run => crate::runtime::command::RUN_OPTIONS,
            Builtin::Start => crate::runtime::command::START_OPTIONS,
            Builtin::Parallel => crate::runtime::command::PARALLEL_OPTIONS,
            _ => &[],
        };
        let mut opts = a.named(options)?;
        let mut opt = |i: usize| opts.get_mut(i).and_then(Option::take);
        match builtin {
            Builtin::Print => {
                let sep = text_option(&a, opt(0), " ")?;
                let end = text_option(&a, opt(1), "\n")?;
                let line = self.printed_line(&a.positional, &sep, &end, span)?;
                self.write_out(&line, span)?;
                Ok(Value::Nil)
            }
            Builtin::Str => {
                a.count(Arity::exactly(1))?;
                Ok(Value::Str(self.display(&a.positional[0], span)?))
            }
            Builtin::Queue => {
                a.count(Arity::at_most(1))?;
                let maxsize = opt(0);
                let maxsize = maxsize.as_ref().or(a.positional.first());
                ipc::new_queue(self, maxsize, span)
            }
            Builtin::Event => {
                a.count(Arity::exactly(0))?;
                ipc::new_event(self, span)
            }
            Builtin::Semaphore => {
                a.count(Arity::at_most(1))?;
                let n = a.positional.first().cloned().unwrap_or(Value::Int(1));
                ipc::new_semaphore(self, &n, span)
            }
            Builtin::Barrier => {
                a.count(Arity::exactly(1))?;
                ipc::new_barrier(self, &a.positional[0], span)
            }
            Builtin::SharedMap => {
                a.count(Arity::exactly(0))?;
                ipc::new_shared_map(self, span)
            }
            Builtin::Wait => {
                a.count(Arity::between(1, 2))?;
                let timeout = opt(0);
                let timeout = timeout.as_ref().or(a.positional.get(1));
                ipc::wait_handles(self, &a.positional[0], timeout, span)
            }
            Builtin::ActiveChildren => {
                a.count(Arity::exactly(0))?;
                Ok(crate::runtime::process::active_children(self))
            }
            Builtin::Pipe => {
                a.count(Arity::exactly(0))?;
                ipc::new_pipe(self, span)
            }
            Builtin::Lock => {
                a.count(Arity::exactly(0))?;
                ipc::new_lock(self, span)
            }
            Builtin::Shared => {
                a.count(Arity::exactly(1))?;
                ipc::new_shared(self, &a.positional[0], span)
            }
            Builtin::Run | Builtin::Start | Builtin::Parallel => {
                a.count(Arity::exactly(1))?;
                let given = (0..options.len()).map(&mut opt).collect();
                let launch = match builtin {
                    Builtin::Run => crate::runtime::command::run,
                    Builtin::Start => crate::runtime::command::start,
                    _ => crate::runtime::command::parallel,
                };
                launch(self, &a.positional[0], given, span)
            }
            Builtin::Repr => {
                a.count(Arity::exactly(1))?;
                Ok(Value::Str(self.repr(&a.positional[0], span)?))
            }
            Builtin::Int => {
                a.count(Arity::exactly(1))?;
                to_int(&a.positional[0])
                    .map(Value::Int)
                    .map_err(|m| a.err(m))
            }
            Builtin::Float => {
                a.count(Arity::exactly(1))?;
                to_float(&a.positional[0])
                    .map(Value::Float)
                    .map_err(|m| a.err(m))
            }
            Builtin::Bool => {
                a.count(Arity::exactly(1))?;
                Ok(Value::Bool(a.positional[0].truthy()))
            }
            Builtin::Len => {
                a.count(Arity::exactly(1))?;
                let n = match &a.positional[0] {
                    Value::Str(s) => self.strs.char_count(s),
                    Value::List(l) => l.borrow().len(),
                    Value::Map(m) => m.borrow().len(),
                    Value::Handle(h) if h.type_name() == "shared_map" => {
                        match ipc::handle_snapshot(self, h, span) {
                            Some(Ok(Value::Map(m))) => m.borrow().len(),
                            Some(Err(e)) => return Err(e),
                            _ => 0,
                        }
                    }
                    other => {
                        return Err(a.err(format!(
                            "expected a str, list or map, got {}",
                            other.type_name()
                        )));
                    }
                };
                Ok(Value::Int(n as i64))
            }
            Builtin::Type => {
                a.count(Arity::exactly(1))?;
                Ok(match &a.positional[0] {
                    Value::Record(record) => Value::str(&record.ty.name),
                    other => Value::str(other.type_name()),
                })
            }
            Builtin::Range => {
                a.count(Arity::between(1, 3))?;
                let (start, stop, step) =
                    range_bounds(&a.positional).map_err(|m| RtError::new(m, span))?;
                let len = usize::try_from(range_len(start, stop, step)).unwrap_or(usize::MAX);
                self.building(Kind::List, len, span)?;
                let mut items = sizes::new_list(len, span)?;
                let mut i = start;
                for _ in 0..len {
                    items.push(Value::Int(i));
                    i = i.wrapping_add(step);
                }
                Ok(Value::list(items))
            }
            Builtin::Getpid => {
                a.count(Arity::exactly(0))?;
                Ok(Value::Int(std::process::id() as i64))
            }
            Builtin::Getppid => {
                a.count(Arity::exactly(0))?;
                Ok(Value::Int(crate::runtime::sys::parent_pid() as i64))
            }
            Builtin::Sleep => {
                a.count(Arity::exactly(1))?;
                let secs = a.number(0)?;
                if !(0.0..=1e9).contains(&secs) {
                    return Err(a.err(format!("expected a duration in seconds >= 0, got {secs}")));
                }
                self.sleep(Duration::from_secs_f64(secs), span)?;
                Ok(Value::Nil)
            }
            Builtin::Time => {
                a.count(Arity::exactly(0))?;
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                Ok(Value::Float(now.as_secs_f64()))
            }
            Builtin::Random => {
                a.count(Arity::exactly(0))?;
                Ok(Value::Float(self.rng.next_f64()))
            }
            Builtin::Randint => {
                a.count(Arity::exactly(2))?;
                let (lo, hi) = (a.int(0)?, a.int(1)?);
                if lo > hi {
                    return Err(a.err(format!("empty range: {lo} > {hi}")));
                }
                let width = (hi as i128 - lo as i128 + 1) as u128;
                let r = (self.rng.next_u64() as u128 % width) as i128 + lo as i128;
                Ok(Value::Int(r as i64))
            }
            Builtin::CpuCount => {
                a.count(Arity::exactly(0))?;
                Ok(Value::Int(cpu_count() as i64))
            }
            Builtin::Exit => {
                a.count(Arity::at_most(1))?;
                let value = a.positional.first().cloned().or_else(|| opt(0));
                Err(RtError::exit_with(value.unwrap_or(Value::Nil), span))
            }
            Builtin::Args => {
                a.count(Arity::exactly(0))?;
                Ok(Value::list(
                    self.script_args.iter().map(|s| Value::str(s)).collect(),
                ))
            }
            Builtin::Env => {
                a.count(Arity::exactly(1))?;
                match &a.positional[0] {
                    Value::Str(name) => Ok(std::env::var(&**name).ok().into()),
                    other => Err(a.err(format!("expected a str, got {}", other.type_name()))),
                }
            }
            Builtin::Round => {
                a.count(Arity::between(1, 2))?;
                let digits = match a.positional.get(1).cloned().or_else(|| opt(0)) {
                    None | Some(Value::Nil) => None,
                    Some(Value::Int(n)) => Some(n),
                    Some(other) => {
                        return Err(a.err(format!(
                            "expected an int number of digits, got {}",
                            other.type_name()
                        )));
                    }
                };
                round(&a.positional[0], digits).map_err(|m| a.err(m))
            }
            Builtin::Abs => {
                a.count(Arity::exactly(1))?;
                match &a.positional[0] {
                    Value::Int(i) => i
                        .checked_abs()
                        .map(Value::Int)
                        .ok_or_else(|| a.err("integer overflow")),
                    Value::Float(f) => Ok(Value::Float(f.abs())),
                    other => Err(a.err(format!("expected a number, got {}", other.type_name()))),
                }
            }
            Builtin::Min | Builtin::Max => {
                a.count(Arity::at_least(1))?;
                let items = if a.positional.len() == 1 {
                    a.list(0)?
                } else {
                    a.positional.clone()
                };
                let want = if builtin == Builtin::Min {
                    Ordering::Less
                } else {
                    Ordering::Greater
                };
                let mut best: Option<Value> = None;
                for item in items {
                    best = Some(match best {
                        None => item,
                        Some(b) => {
                            let o = ops::compare(BinaryOp::Lt, &item, &b).map_err(|m| a.err(m))?;
                            if o == want { item } else { b }
                        }
                    });
                }
                best.ok_or_else(|| a.err("empty list"))
            }
            Builtin::Sum => {
                a.count(Arity::exactly(1))?;
                let mut total = opt(0).unwrap_or(Value::Int(0));
                let Value::List(items) = &a.positional[0] else {
                    return Err(a.err(format!(
                        "expected a list, got {}",
                        a.positional[0].type_name()
                    )));
                };
                // Adding runs no script code, so the list can stay borrowed (no copy).
                for item in items.borrow().iter() {
                    // Ints (the common case) build nothing the limits need to count.
                    if let (Value::Int(x), Value::Int(y)) = (&total, item) {
                        if let Some(sum) = x.checked_add(*y) {
                            total = Value::Int(sum);
                            continue;
                        }
                    }
                    total = self.binary(BinaryOp::Add, &total, item, span)?;
                }
                Ok(total)
            }
            Builtin::Sorted => {
                a.count(Arity::exactly(1))?;
                let items = match &a.positional[0] {
                    Value::Str(s) => {
                        self.building(Kind::List, s.chars().count(), span)?;
                        s.chars()
                            .map(|c| Value::Str(c.to_string().into()))
                            .collect()
                    }
                    Value::Map(m) => m.borrow().keys().map(|k| k.to_value()).collect(),
                    _ => a.list(0)?,
                };
                let key = opt(0).filter(|k| !matches!(k, Value::Nil));
                let reverse = opt(1).is_some_and(|r| r.truthy());
                self.sort(items, key, reverse, span).map(Value::list)
            }
            Builtin::Keys | Builtin::Values | Builtin::Items => {
                a.count(Arity::exactly(1))?;
                let Value::Map(m) = &a.positional[0] else {
                    return Err(a.err(format!(
                        "expected a map, got {}",
                        a.positional[0].type_name()
                    )));
                };
                let m = m.borrow();
                self.building(Kind::List, m.len(), span)?;
                Ok(Value::list(match builtin {
                    Builtin::Keys => m.keys().map(|k| k.to_value()).collect(),
                    Builtin::Values => m.values().cloned().collect(),
                    _ => m
                        .iter()
                        .map(|(k, v)| Value::list(vec![k.to_value(), v.clone()]))
                        .collect(),
                }))
            }
            // Those of `stdlib` returned above.
            other => Err(a.err(format!("internal error: {} is unhandled", other.name()))),
        }
    }

    /// Stable sort with an optional key function; the first comparison error wins.
    pub(crate) fn sort(
        &mut self,
        items: Vec<Value>,
        key: Option<Value>,
        reverse: bool,
        span: Span,
    ) -> RtResult<Vec<Value>> {
        let keys = match key {
            Some(f) => {
                let mut keys = Vec::with_capacity(items.len());
                for item in &items {
                    keys.push(self.call_value(f.clone(), vec![item.clone()], Vec::new(), span)?);
                }
                keys
            }
            None => items.clone(),
        };
        let mut order: Vec<usize> = (0..items.len()).collect();
        super::sort::try_sort_by(&mut order, |&i, &j| {
            let o = ops::compare(BinaryOp::Lt, &keys[i], &keys[j])?;
            Ok(if reverse { o.reverse() } else { o })
        })
        .map_err(|m: String| RtError::new(format!("sorted(): {m}"), span))?;
        Ok(order.into_iter().map(|i| items[i].clone()).collect())
    }

    /// Sleeps, waking often enough to notice Ctrl-C; pools are served and callbacks run
    /// meanwhile.
    pub(crate) fn sleep(&mut self, duration: Duration, span: Span) -> RtResult<()> {
        let deadline = std::time::Instant::now() + duration;
        if !self.runtime.pools.is_empty()
            || !self.runtime.callbacks.is_empty()
            || !self.runtime.relays.is_empty()
            // Running commands too: their timeouts must pass on time, their output be
            // relayed as it comes and their pipes drained while the script sleeps.
            || !self.runtime.commands.is_empty()
        {
            reactor::wait_until(self, Some(deadline), span, |_| false)?;
            return Ok(());
        }
        loop {
            if crate::runtime::interrupted() {
                return Err(RtError::interrupted(span));
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                return Ok(());
            }
            std::thread::sleep((deadline - now).min(Duration::from_millis(20)));
        }
    }
}

/// `print`'s and `eprint`'s `sep` or `end`.
pub(in crate::interp) fn text_option(
    a: &CallArgs,
    v: Option<Value>,
    default: &str,
) -> RtResult<String> {
    match v {
        None | Some(Value::Nil) => Ok(default.to_string()),
        Some(Value::Str(s)) => Ok(s.to_string()),
        Some(other) => Err(a.err(format!(
            "`sep` and `end` must be str, not {}",
            other.type_name()
        ))),
    }
}

fn range_len(start: i64, stop: i64, step: i64) -> i64 {
    let (span, step) = (stop as i128 - start as i128, step as i128);
    let n = if step > 0 {
        (span + step - 1) / step
    } else {
        (span + step + 1) / step
    };
    n.clamp(0, i64::MAX as i128) as i64
}

pub fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn to_int(v: &Value) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::Float(f) => {
            if f.is_finite() && *f >= -9.223_372_036_854_776e18 && *f < 9.223_372_036_854_776e18 {
                Ok(f.trunc() as i64)
            } else {
                Err(format!("cannot convert {} to int", v.repr()))
            }
        }
        Value::Str(s) => s
            .trim()
            .replace('_', "")
            .parse::<i64>()
            .map_err(|_| format!("cannot convert {} to int", v.repr())),
        other => Err(format!("cannot convert a {} to int", other.type_name())),
    }
}

fn to_float(v: &Value) -> Result<f64, String> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Str(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("cannot convert {} to float", v.repr())),
        other => Err(format!("cannot convert a {} to float", other.type_name())),
    }
}

fn round(v: &Value, digits: Option<i64>) -> Result<Value, String> {
    match (v, digits) {
        (Value::Int(i), _) => Ok(Value::Int(*i)),
        (Value::Float(f), None) => {
            let r = f.round_ties_even();
            to_int(&Value::Float(r)).map(Value::Int)
        }
        (Value::Float(f), Some(n)) => {
            if !f.is_finite() {
                return Ok(Value::Float(*f));
            }
            let n = n.clamp(-308, 308);
            if n >= 0 {
                // Formatting rounds the exact binary value, as Python's round does.
                let text = format!("{:.*}", n as usize, f);
                Ok(Value::Float(text.parse().unwrap_or(*f)))
            } else {
                let scale = 10f64.powi(-n as i32);
                Ok(Value::Float((f / scale).round_ties_even() * scale))
            }
        }
        (other, _) => Err(format!("expected a number, got {}", other.type_name())),
    }
}

/// A small fast generator (xorshift64*), reseeded in every new process.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn seeded() -> Rng {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        let mixed = splitmix(nanos ^ ((std::process::id() as u64) << 32));
        Rng(mixed | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_lengths() {
        assert_eq!(range_len(0, 10, 1), 10);
        assert_eq!(range_len(0, 10, 3), 4);
        assert_eq!(range_len(10, 0, -3), 4);
        assert_eq!(range_len(5, 0, 1), 0);
    }

    #[test]
    fn random_is_in_unit_interval() {
        let mut r = Rng::seeded();
        for _ in 0..1000 {
            let x = r.next_f64();
            assert!((0.0..1.0).contains(&x));
        }
    }

    #[test]
    fn round_half_even() {
        assert!(
            round(&Value::Float(2.5), None)
                .unwrap()
                .equals(&Value::Int(2))
        );
        assert!(
            round(&Value::Float(2.675), Some(2))
                .unwrap()
                .equals(&Value::Float(2.67))
        );
    }
}
