//! The standard library beyond the core builtins: the namespaces `fs`, `json`, `os` and
//! `math` (one module each), and the v0.2 convenience builtins (`conveniences`).
//!
//! This module owns what a namespace is: a global holding a small handle value (`type(fs)` is
//! `"namespace"`, it prints as `<namespace fs>`), whose functions are [`Builtin`]s named
//! `fs.read`, `json.parse`... Being builtins, they are called, sent to other processes and
//! printed like any builtin. The resolver turns `fs.read(x)` into a direct call of the builtin
//! when `fs` names the global (see `ExprKind::NamespaceCall`); a local variable named `fs`
//! hides the namespace like any name. It also owns the directories `fs.tempdir()` made, which
//! the process that made them removes when its interpreter ends.

mod conveniences;
mod fs;
mod json;
mod lines;
pub mod math;
mod os;

use std::path::PathBuf;
use std::rc::Rc;

use super::builtins::{Builtin, CallArgs};
use super::value::{HandleRef, Value};
use super::{Interp, RtError, RtResult};
use crate::syntax::Span;

/// A namespace of library functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Namespace {
    Fs,
    Json,
    Os,
    Math,
}

impl Namespace {
    pub const ALL: [Namespace; 4] = [
        Namespace::Fs,
        Namespace::Json,
        Namespace::Os,
        Namespace::Math,
    ];

    /// The global name it is reached by.
    pub fn name(self) -> &'static str {
        match self {
            Namespace::Fs => "fs",
            Namespace::Json => "json",
            Namespace::Os => "os",
            Namespace::Math => "math",
        }
    }

    pub fn named(name: &str) -> Option<Namespace> {
        Namespace::ALL.into_iter().find(|ns| ns.name() == name)
    }

    /// The namespace as a value: what the global `fs` holds.
    pub fn value(self) -> Value {
        Value::handle(Rc::new(self))
    }

    /// The function `name` of this namespace (`read` of `fs` is `Builtin::FsRead`).
    pub fn function(self, name: &str) -> Option<Builtin> {
        Builtin::ALL.iter().copied().find(|b| {
            b.name()
                .split_once('.')
                .is_some_and(|(ns, f)| ns == self.name() && f == name)
        })
    }

    /// The names of its functions, then of its constants, for error messages and completion.
    pub fn members(self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Builtin::ALL
            .iter()
            .filter_map(|b| {
                let (ns, f) = b.name().split_once('.')?;
                (ns == self.name()).then_some(f)
            })
            .collect();
        names.extend(self.constants().iter().map(|(name, _)| *name));
        names
    }

    /// Its constants (`math.pi`), read as fields.
    fn constants(self) -> &'static [(&'static str, f64)] {
        match self {
            Namespace::Math => &[("pi", std::f64::consts::PI), ("inf", f64::INFINITY)],
            _ => &[],
        }
    }

    /// `ns.name` without a call: a function as a value, or a constant.
    pub fn field(self, name: &str, span: Span) -> RtResult<Value> {
        if let Some(b) = self.function(name) {
            return Ok(Value::Function(super::value::Function::Builtin(b)));
        }
        if let Some((_, v)) = self.constants().iter().find(|(n, _)| *n == name) {
            return Ok(Value::Float(*v));
        }
        Err(self.no_member(name, span))
    }

    pub fn no_member(self, name: &str, span: Span) -> Box<RtError> {
        RtError::new(
            format!(
                "namespace `{}` has no function `{name}` (it has: {})",
                self.name(),
                self.members().join(", ")
            ),
            span,
        )
    }
}

impl crate::runtime::Handle for Namespace {
    fn type_name(&self) -> &'static str {
        "namespace"
    }
    fn describe(&self) -> String {
        format!("<namespace {}>", self.name())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The namespace behind a handle, if it is one.
pub fn as_namespace(handle: &HandleRef) -> Option<Namespace> {
    handle
        .as_any()
        .downcast_ref::<Rc<Namespace>>()
        .map(|ns| **ns)
}

/// True if `value` is the namespace that `function` belongs to: the check that lets
/// `fs.read(x)` call `fs.read` directly.
#[inline]
pub fn holds_namespace_of(value: &Value, function: Builtin) -> bool {
    match value {
        Value::Handle(h) => as_namespace(h).is_some_and(|ns| Some(ns) == namespace_of(function)),
        _ => false,
    }
}

/// The namespace `builtin` belongs to (`fs` for `fs.read`); `None` for the core builtins.
/// A match on the variant, not on the name: it runs on every `math.sqrt(x)`.
fn namespace_of(builtin: Builtin) -> Option<Namespace> {
    use Builtin::*;
    Some(match builtin {
        FsRead | FsWrite | FsAppend | FsLines | FsExists | FsIsDir | FsLs | FsGlob | FsMkdir
        | FsRemove | FsRename | FsCopy | FsStat | FsTempdir | FsJoin | FsBasename | FsDirname
        | FsExt | FsAbspath | FsCwd => Namespace::Fs,
        JsonParse | JsonDump => Namespace::Json,
        OsEnv | OsSetenv | OsHostname | OsPlatform => Namespace::Os,
        MathSqrt | MathFloor | MathCeil | MathExp | MathLog | MathSin | MathCos | MathTan
        | MathAtan2 | MathHypot | MathIsnan => Namespace::Math,
        _ => return None,
    })
}

/// Runs `builtin` if this module implements it; `None` for the core builtins.
pub(super) fn call(
    interp: &mut Interp,
    builtin: Builtin,
    a: &mut CallArgs,
) -> Option<RtResult<Value>> {
    use Builtin::*;
    Some(match builtin {
        Eprint | Input | StdinLines | Isatty | Enumerate | Zip | Any | All | Ord | Chr | Hex => {
            conveniences::call(interp, builtin, a)
        }
        FsRead | FsWrite | FsAppend | FsLines | FsExists | FsIsDir | FsLs | FsGlob | FsMkdir
        | FsRemove | FsRename | FsCopy | FsStat | FsTempdir | FsJoin | FsBasename | FsDirname
        | FsExt | FsAbspath | FsCwd => fs::call(interp, builtin, a),
        JsonParse | JsonDump => json::call(interp, builtin, a),
        OsEnv | OsSetenv | OsHostname | OsPlatform => os::call(builtin, a),
        MathSqrt | MathFloor | MathCeil | MathExp | MathLog | MathSin | MathCos | MathTan
        | MathAtan2 | MathHypot | MathIsnan => math::call(builtin, a),
        _ => return None,
    })
}

pub(crate) use lines::for_each_line;

/// Positional argument `i` as a str.
fn text_arg(a: &CallArgs, i: usize) -> RtResult<Rc<String>> {
    match &a.positional[i] {
        Value::Str(s) => Ok(s.clone()),
        other => Err(a.err(format!(
            "expected a str, got {}",
            super::value::a(other.type_name())
        ))),
    }
}

/// An OS error's reason without Rust's " (os error N)" suffix: `No such file or directory`.
fn reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// The error of an operation on `path` that the OS refused.
fn io_error(a: &CallArgs, e: &std::io::Error, path: &str) -> Box<RtError> {
    a.err(format!("{}: {path}", reason(e)))
}

/// The directories `fs.tempdir()` made, each with the process that made it. Only that
/// process removes it, when its interpreter ends: a forked child or worker inherits this list
/// but must leave its parent's directories to the parent, whose script may still use them.
#[derive(Default)]
pub struct TempDirs {
    made: Vec<(u32, PathBuf)>,
}

impl TempDirs {
    fn add(&mut self, path: PathBuf) {
        self.made.push((std::process::id(), path));
    }
}

impl Drop for TempDirs {
    fn drop(&mut self) {
        let me = std::process::id();
        for (owner, path) in &self.made {
            if *owner == me {
                let _ = std::fs::remove_dir_all(path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `namespace_of` lists the variants by hand: every function reached as `ns.name` must be
    /// in its namespace's group, or `ns.name(x)` would lose its direct call.
    #[test]
    fn every_namespace_function_knows_its_namespace() {
        for ns in Namespace::ALL {
            for name in ns.members() {
                if let Some(function) = ns.function(name) {
                    assert_eq!(namespace_of(function), Some(ns), "{}.{name}", ns.name());
                }
            }
        }
        assert_eq!(namespace_of(Builtin::Print), None);
    }
}
