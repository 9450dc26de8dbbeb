//! Methods (`xs.push(1)`), fields (`p.pid`) and indexing (`xs[0]`, `m["k"] = v`).

use std::rc::Rc;

use super::args::{Arity, Callee};
use super::sizes::{self, Kind};
use super::value::Value;
use super::{Interp, RtError, RtResult};
use crate::runtime;
use crate::syntax::Span;

/// The methods of each value type, for error messages and REPL completion.
/// The methods a value of the type `type_name` has (for completion in the REPL).
pub fn method_names(type_name: &str) -> &'static [&'static str] {
    match type_name {
        "list" => LIST_METHODS,
        "str" => STR_METHODS,
        "map" => MAP_METHODS,
        "process" => &[
            "is_alive",
            "join",
            "terminate",
            "kill",
            "pid",
            "name",
            "exitcode",
        ],
        "pool" => &[
            "map",
            "starmap",
            "apply",
            "close",
            "join",
            "terminate",
            "size",
        ],
        "result" => &["get", "wait", "ready", "successful"],
        "queue" => &[
            "put",
            "get",
            "put_nowait",
            "get_nowait",
            "empty",
            "full",
            "qsize",
            "size",
            "task_done",
            "join",
            "close",
        ],
        "pipe" => &["send", "recv", "poll", "close"],
        "lock" => &["acquire", "release", "locked"],
        "shared" => &["get", "set", "add"],
        "event" => &["set", "clear", "is_set", "wait"],
        "semaphore" => &["acquire", "release", "get_value"],
        "barrier" => &["wait", "abort", "broken", "n_waiting", "parties"],
        "shared_map" => &[
            "get", "keys", "values", "items", "len", "copy", "pop", "clear", "acquire", "release",
        ],
        _ => &[],
    }
}

pub const LIST_METHODS: &[&str] = &[
    "push", "pop", "len", "insert", "extend", "index", "remove", "sort", "reverse", "copy", "clear",
];
pub const STR_METHODS: &[&str] = &[
    "split",
    "strip",
    "lstrip",
    "rstrip",
    "upper",
    "lower",
    "replace",
    "startswith",
    "endswith",
    "join",
    "find",
    "len",
    "isdigit",
];
pub const MAP_METHODS: &[&str] = &[
    "get", "keys", "values", "items", "len", "pop", "copy", "clear",
];

struct MethodCall<'a> {
    type_name: &'static str,
    name: &'a str,
    args: Vec<Value>,
    span: Span,
}

impl MethodCall<'_> {
    fn err(&self, message: impl std::fmt::Display) -> Box<RtError> {
        RtError::new(
            format!("{}.{}(): {message}", self.type_name, self.name),
            self.span,
        )
    }

    #[inline]
    fn count(&self, arity: Arity) -> RtResult<()> {
        arity.check_at(
            Callee::Method(self.type_name, self.name),
            self.args.len(),
            self.span,
        )
    }

    fn str_arg(&self, i: usize) -> RtResult<Rc<String>> {
        match &self.args[i] {
            Value::Str(s) => Ok(s.clone()),
            other => Err(self.err(format!("expected a str, got {}", other.type_name()))),
        }
    }

    fn no_such_method(&self, known: &[&str]) -> Box<RtError> {
        RtError::new(
            format!(
                "a {} has no method `{}` (it has: {})",
                self.type_name,
                self.name,
                known.join(", ")
            ),
            self.span,
        )
    }
}

impl Interp {
    pub(crate) fn call_method(
        &mut self,
        object: Value,
        name: &str,
        args: Vec<Value>,
        named: Vec<(Rc<str>, Value)>,
        span: Span,
    ) -> RtResult<Value> {
        if let Value::Handle(handle) = &object {
            if let Some(namespace) = super::stdlib::as_namespace(handle) {
                let function = namespace
                    .function(name)
                    .ok_or_else(|| namespace.no_member(name, span))?;
                return self.call_builtin(function, args, named, span);
            }
            return runtime::call_handle_method(self, handle.clone(), name, args, named, span);
        }
        if let Value::Record(record) = &object {
            // `task.run(x)` calls the function in field `run`, as Python calls a callable
            // attribute (the record is not passed: fields are data, not methods).
            let Some(slot) = record.ty.slot_of(name) else {
                return Err(RtError::new(record.ty.no_field(name), span));
            };
            let callee = record.slots()[slot].clone();
            return self.call_value(callee, args, named, span);
        }
        let call = MethodCall {
            type_name: object.type_name(),
            name,
            args,
            span,
        };
        if let Some((bad, _)) = named
            .iter()
            .find(|(n, _)| !(name == "sort" && &**n == "reverse"))
        {
            return Err(call.err(format!("unexpected argument `{bad}`")));
        }
        match &object {
            Value::List(_) => self.list_method(&object, call, named),
            Value::Str(s) => str_method(self, s, call),
            Value::Map(_) => map_method(self, &object, call),
            _ => Err(RtError::new(
                format!(
                    "{} has no method `{name}`",
                    crate::interp::value::a(object.type_name())
                ),
                span,
            )),
        }
    }

    fn list_method(
        &mut self,
        object: &Value,
        c: MethodCall,
        named: Vec<(Rc<str>, Value)>,
    ) -> RtResult<Value> {
        let Value::List(list) = object else {
            return Err(c.err("not a list"));
        };
        match c.name {
            "push" => {
                c.count(Arity::exactly(1))?;
                let mut items = list.borrow_mut();
                self.check_size(Kind::List, items.len() + 1, c.span)?;
                sizes::reserve_list(&mut items, 1, c.span)?;
                items.push(c.args[0].clone());
                Ok(Value::Nil)
            }
            "pop" => {
                c.count(Arity::at_most(1))?;
                let mut items = list.borrow_mut();
                if items.is_empty() {
                    return Err(c.err("pop from an empty list"));
                }
                let i = match c.args.first() {
                    None => items.len() - 1,
                    Some(v) => list_index(v, items.len()).map_err(|m| c.err(m))?,
                };
                Ok(items.remove(i))
            }
            "len" => {
                c.count(Arity::exactly(0))?;
                Ok(Value::Int(list.borrow().len() as i64))
            }
            "insert" => {
                c.count(Arity::exactly(2))?;
                let mut items = list.borrow_mut();
                let len = items.len() as i64;
                let Value::Int(i) = c.args[0] else {
                    return Err(c.err("the position must be an int"));
                };
                let i = if i < 0 { (i + len).max(0) } else { i.min(len) };
                self.check_size(Kind::List, items.len() + 1, c.span)?;
                sizes::reserve_list(&mut items, 1, c.span)?;
                items.insert(i as usize, c.args[1].clone());
                Ok(Value::Nil)
            }
            "extend" => {
                c.count(Arity::exactly(1))?;
                let Value::List(other) = &c.args[0] else {
                    return Err(c.err(format!("expected a list, got {}", c.args[0].type_name())));
                };
                self.extend_list(list, other, c.span)?;
                Ok(Value::Nil)
            }
            "index" | "remove" => {
                c.count(Arity::exactly(1))?;
                let position = list.borrow().iter().position(|x| x.equals(&c.args[0]));
                let Some(i) = position else {
                    return Err(c.err(format!("{} is not in the list", c.args[0].repr())));
                };
                if c.name == "remove" {
                    list.borrow_mut().remove(i);
                    return Ok(Value::Nil);
                }
                Ok(Value::Int(i as i64))
            }
            "sort" => {
                c.count(Arity::exactly(0))?;
                let reverse = named.first().is_some_and(|(_, v)| v.truthy());
                let items = list.borrow().clone();
                self.building(Kind::List, items.len(), c.span)?;
                let sorted = self.sort(items, None, reverse, c.span)?;
                *list.borrow_mut() = sorted;
                Ok(Value::Nil)
            }
            "reverse" => {
                c.count(Arity::exactly(0))?;
                list.borrow_mut().reverse();
                Ok(Value::Nil)
            }
            "copy" => {
                c.count(Arity::exactly(0))?;
                let items = list.borrow();
                self.building(Kind::List, items.len(), c.span)?;
                let mut copy = sizes::new_list(items.len(), c.span)?;
                copy.extend(items.iter().cloned());
                Ok(Value::list(copy))
            }
            "clear" => {
                c.count(Arity::exactly(0))?;
                let old = std::mem::take(&mut *list.borrow_mut());
                drop(old);
                Ok(Value::Nil)
            }
            _ => Err(c.no_such_method(LIST_METHODS)),
        }
    }

    /// `object.name` without a call: the fields of handles.
    pub(crate) fn field(&mut self, object: &Value, name: &str, span: Span) -> RtResult<Value> {
        if let Value::Record(record) = object {
            return match record.ty.slot_of(name) {
                Some(slot) => Ok(record.slots()[slot].clone()),
                None => Err(RtError::new(record.ty.no_field(name), span)),
            };
        }
        if let Value::Handle(handle) = object {
            if let Some(namespace) = super::stdlib::as_namespace(handle) {
                return namespace.field(name, span);
            }
            return runtime::handle_field(handle.clone(), name, span);
        }
        let methods = match object {
            Value::List(_) => LIST_METHODS,
            Value::Str(_) => STR_METHODS,
            Value::Map(_) => MAP_METHODS,
            _ => &[],
        };
        let hint = if methods.contains(&name) {
            format!(" (`{name}` is a method: call it, like `.{name}()`)")
        } else if matches!(object, Value::Map(_)) {
            format!(" (use [\"{name}\"] to read a key)")
        } else {
            String::new()
        };
        Err(RtError::new(
            format!(
                "{} has no field `{name}`{hint}",
                crate::interp::value::a(object.type_name())
            ),
            span,
        ))
    }

    pub(crate) fn index(&mut self, object: &Value, index: &Value, span: Span) -> RtResult<Value> {
        match object {
            Value::List(items) => {
                let items = items.borrow();
                let i = list_index(index, items.len()).map_err(|m| RtError::new(m, span))?;
                Ok(items[i].clone())
            }
            Value::Str(s) => {
                let Value::Int(i) = index else {
                    return Err(RtError::new(
                        format!("str indices must be int, not {}", index.type_name()),
                        span,
                    ));
                };
                self.strs.char_at(s, *i).map_err(|len| {
                    RtError::new(format!("str index {i} out of range for length {len}"), span)
                })
            }
            Value::Map(entries) => {
                let key = index.to_key().map_err(|m| RtError::new(m, span))?;
                entries.borrow().get(&key).cloned().ok_or_else(|| {
                    RtError::new(format!("key {} not found in map", index.repr()), span)
                })
            }
            Value::Handle(h) if h.type_name() == "shared_map" => {
                crate::runtime::ipc::handle_index(self, h, index, span)
                    .unwrap_or_else(|| Err(RtError::new("not a shared map", span)))
            }
            other => Err(RtError::new(
                format!(
                    "{} cannot be indexed",
                    crate::interp::value::a(other.type_name())
                ),
                span,
            )),
        }
    }

    pub(crate) fn set_index(
        &mut self,
        object: &Value,
        index: Value,
        value: Value,
        span: Span,
    ) -> RtResult<()> {
        match object {
            Value::List(items) => {
                let mut items = items.borrow_mut();
                let i = list_index(&index, items.len()).map_err(|m| RtError::new(m, span))?;
                items[i] = value;
                Ok(())
            }
            Value::Map(entries) => {
                let key = index.to_key().map_err(|m| RtError::new(m, span))?;
                let mut entries = entries.borrow_mut();
                let len = entries.len();
                if len >= self.limits.max_map_size && !entries.contains_key(&key) {
                    self.check_size(Kind::Map, len + 1, span)?;
                }
                if len == entries.capacity() {
                    entries
                        .try_reserve(1)
                        .map_err(|_| sizes::out_of_memory(Kind::Map, len + 1, span))?;
                }
                entries.insert(key, value);
                Ok(())
            }
            Value::Str(_) => Err(RtError::new("a str cannot be changed in place", span)),
            Value::Handle(h) if h.type_name() == "shared_map" => {
                crate::runtime::ipc::handle_set_index(self, h, index, value, span)
                    .unwrap_or_else(|| Err(RtError::new("not a shared map", span)))
            }
            other => Err(RtError::new(
                format!(
                    "{} does not support item assignment",
                    crate::interp::value::a(other.type_name())
                ),
                span,
            )),
        }
    }
}

fn list_index(index: &Value, len: usize) -> Result<usize, String> {
    let Value::Int(i) = index else {
        return Err(format!(
            "list indices must be int, not {}",
            index.type_name()
        ));
    };
    let j = if *i < 0 { *i + len as i64 } else { *i };
    if j < 0 || j >= len as i64 {
        return Err(format!("list index {i} out of range for length {len}"));
    }
    Ok(j as usize)
}

fn str_method(interp: &mut Interp, s: &Rc<String>, c: MethodCall) -> RtResult<Value> {
    let text = |t: String| Ok(Value::Str(t.into()));
    match c.name {
        "split" => {
            c.count(Arity::at_most(1))?;
            let sep = match c.args.first() {
                None | Some(Value::Nil) => None,
                Some(_) => {
                    let sep = c.str_arg(0)?;
                    if sep.is_empty() {
                        return Err(c.err("empty separator"));
                    }
                    Some(sep)
                }
            };
            let count = match &sep {
                None => s.split_whitespace().count(),
                Some(sep) => s.matches(&***sep).count() + 1,
            };
            interp.building(Kind::List, count, c.span)?;
            let mut parts = sizes::new_list(count, c.span)?;
            match &sep {
                None => parts.extend(s.split_whitespace().map(Value::str)),
                Some(sep) => parts.extend(s.split(&***sep).map(Value::str)),
            }
            Ok(Value::list(parts))
        }
        "strip" | "lstrip" | "rstrip" | "upper" | "lower" | "isdigit" | "len" => {
            c.count(Arity::exactly(0))?;
            match c.name {
                "strip" => text(s.trim().to_string()),
                "lstrip" => text(s.trim_start().to_string()),
                "rstrip" => text(s.trim_end().to_string()),
                "upper" | "lower" => {
                    // A few chars change length with case (`ΐ` upper is 6 bytes).
                    let upper = c.name == "upper";
                    let len: usize = s
                        .chars()
                        .map(|ch| {
                            if ch.is_ascii() {
                                1
                            } else if upper {
                                ch.to_uppercase().map(char::len_utf8).sum()
                            } else {
                                ch.to_lowercase().map(char::len_utf8).sum()
                            }
                        })
                        .sum();
                    interp.building(Kind::Str, len, c.span)?;
                    let mut out = sizes::new_str(len, c.span)?;
                    if upper {
                        out.extend(s.chars().flat_map(char::to_uppercase));
                    } else {
                        // As `str::to_lowercase` (a final sigma lowers to `ς`).
                        out.push_str(&s.to_lowercase());
                    }
                    text(out)
                }
                "isdigit" => Ok(Value::Bool(
                    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()),
                )),
                _ => Ok(Value::Int(interp.strs.char_count(s) as i64)),
            }
        }
        "replace" => {
            c.count(Arity::exactly(2))?;
            let (from, to) = (c.str_arg(0)?, c.str_arg(1)?);
            if from.is_empty() {
                return Err(c.err("cannot replace an empty str"));
            }
            let count = s.matches(&**from).count();
            let len = (s.len() - count * from.len()).saturating_add(count.saturating_mul(to.len()));
            interp.building(Kind::Str, len, c.span)?;
            let mut out = sizes::new_str(len, c.span)?;
            let mut last = 0;
            for (at, _) in s.match_indices(&**from) {
                out.push_str(&s[last..at]);
                out.push_str(&to);
                last = at + from.len();
            }
            out.push_str(&s[last..]);
            text(out)
        }
        "startswith" | "endswith" => {
            c.count(Arity::exactly(1))?;
            let affix = c.str_arg(0)?;
            Ok(Value::Bool(if c.name == "startswith" {
                s.starts_with(&*affix)
            } else {
                s.ends_with(&*affix)
            }))
        }
        "find" => {
            c.count(Arity::exactly(1))?;
            let needle = c.str_arg(0)?;
            Ok(Value::Int(match s.find(&*needle) {
                Some(byte) => s[..byte].chars().count() as i64,
                None => -1,
            }))
        }
        "join" => {
            c.count(Arity::exactly(1))?;
            let Value::List(items) = &c.args[0] else {
                return Err(c.err(format!("expected a list, got {}", c.args[0].type_name())));
            };
            let items = items.borrow();
            let mut parts = Vec::with_capacity(items.len());
            for item in items.iter() {
                match item {
                    Value::Str(p) => parts.push(p.clone()),
                    other => {
                        return Err(c.err(format!(
                            "expected a list of str, found {}",
                            other.type_name()
                        )));
                    }
                }
            }
            let len = parts.iter().fold(
                s.len().saturating_mul(parts.len().saturating_sub(1)),
                |n, p| n.saturating_add(p.len()),
            );
            interp.building(Kind::Str, len, c.span)?;
            let mut out = sizes::new_str(len, c.span)?;
            for (i, p) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(s);
                }
                out.push_str(p);
            }
            text(out)
        }
        _ => Err(c.no_such_method(STR_METHODS)),
    }
}

fn map_method(interp: &mut Interp, object: &Value, c: MethodCall) -> RtResult<Value> {
    let Value::Map(map) = object else {
        return Err(c.err("not a map"));
    };
    let key = |i: usize| c.args[i].to_key().map_err(|m| c.err(m));
    match c.name {
        "get" => {
            c.count(Arity::between(1, 2))?;
            let k = key(0)?;
            let found = map.borrow().get(&k).cloned();
            Ok(found.unwrap_or_else(|| c.args.get(1).cloned().unwrap_or(Value::Nil)))
        }
        "pop" => {
            c.count(Arity::between(1, 2))?;
            let k = key(0)?;
            let removed = map.borrow_mut().shift_remove(&k);
            match (removed, c.args.get(1)) {
                (Some(v), _) => Ok(v),
                (None, Some(default)) => Ok(default.clone()),
                (None, None) => Err(c.err(format!("key {} not found", c.args[0].repr()))),
            }
        }
        "keys" | "values" | "items" | "len" | "copy" | "clear" => {
            c.count(Arity::exactly(0))?;
            let m = map.borrow();
            match c.name {
                "keys" | "values" | "items" => interp.building(Kind::List, m.len(), c.span)?,
                "copy" => interp.building(Kind::Map, m.len(), c.span)?,
                _ => {}
            }
            match c.name {
                "keys" => Ok(Value::list(m.keys().map(|k| k.to_value()).collect())),
                "values" => Ok(Value::list(m.values().cloned().collect())),
                "items" => Ok(Value::list(
                    m.iter()
                        .map(|(k, v)| Value::list(vec![k.to_value(), v.clone()]))
                        .collect(),
                )),
                "len" => Ok(Value::Int(m.len() as i64)),
                "copy" => Ok(Value::map(m.clone())),
                _ => {
                    drop(m);
                    let old = std::mem::take(&mut *map.borrow_mut());
                    drop(old);
                    Ok(Value::Nil)
                }
            }
        }
        _ => Err(c.no_such_method(MAP_METHODS)),
    }
}

#[cfg(test)]
mod doc_example_tests {
    use super::method_names;

    #[test]
    fn method_names_lists_each_types_methods() {
        assert!(method_names("list").contains(&"push"));
        assert!(method_names("queue").contains(&"get"));
        assert!(method_names("int").is_empty());
    }
}
