//! Checking how many arguments a call got, for everything a script calls that is not a script
//! function: builtins, methods, runtime functions (processes, pools, IPC handles) and host
//! functions. This is the one place that words an arity error, the way script functions and
//! Python word it:
//!
//! - `len() takes 1 argument but 2 were given`
//! - `str.split() takes at most 1 argument but 2 were given`
//! - `min() takes at least 1 argument but 0 were given`
//! - `result.get() takes at most 1 argument but 2 were given`
//! - `getpid() takes 0 arguments but 1 was given`
//!
//! A check that passes costs two comparisons and formats nothing: the message is built only
//! when the count is wrong.

use std::fmt;

use super::{RtError, RtResult};
use crate::syntax::Span;

/// What is being called, as an error message names it: `len()` or `list.push()`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Callee<'a> {
    /// A function called by name: a builtin, a runtime function (`pool`) or a host function.
    Function(&'a str),
    /// A method: the receiver's type name (`list`, `queue`, `process`) and the method's name.
    Method(&'a str, &'a str),
}

impl fmt::Display for Callee<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Callee::Function(name) => write!(f, "{name}()"),
            Callee::Method(type_name, name) => write!(f, "{type_name}.{name}()"),
        }
    }
}

/// How many positional arguments a callee takes: a range `min..=max`.
///
/// ```ignore
/// use crate::interp::args::{Arity, Callee};
///
/// // In a builtin, a method or a runtime function, with the call's span:
/// Arity::exactly(1).check_at(Callee::Function("len"), args.len(), span)?;
/// Arity::at_most(1).check_at(Callee::Method("process", "join"), args.len(), span)?;
/// // Where errors are plain messages (host functions):
/// Arity::exactly(2).check(Callee::Function("add"), args.len())?;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Arity {
    min: usize,
    max: usize,
}

impl Arity {
    /// Exactly `n` arguments.
    pub(crate) const fn exactly(n: usize) -> Arity {
        Arity { min: n, max: n }
    }

    /// From `min` to `max` arguments.
    pub(crate) const fn between(min: usize, max: usize) -> Arity {
        Arity { min, max }
    }

    /// `min` arguments or more.
    pub(crate) const fn at_least(min: usize) -> Arity {
        Arity {
            min,
            max: usize::MAX,
        }
    }

    /// Up to `max` arguments (none included).
    pub(crate) const fn at_most(max: usize) -> Arity {
        Arity { min: 0, max }
    }

    /// Whether `given` arguments are allowed.
    #[inline]
    pub(crate) fn accepts(self, given: usize) -> bool {
        self.min <= given && given <= self.max
    }

    /// Checks the count; the error is the message alone (for host functions, whose errors
    /// get their span from the call that ran them).
    #[inline]
    pub(crate) fn check(self, callee: Callee<'_>, given: usize) -> Result<(), String> {
        if self.accepts(given) {
            Ok(())
        } else {
            Err(self.message(callee, given))
        }
    }

    /// Checks the count; the error is located at `span` (the call).
    #[inline]
    pub(crate) fn check_at(self, callee: Callee<'_>, given: usize, span: Span) -> RtResult<()> {
        if self.accepts(given) {
            Ok(())
        } else {
            Err(RtError::new(self.message(callee, given), span))
        }
    }

    /// The one wording of an arity error.
    #[cold]
    #[inline(never)]
    pub(crate) fn message(self, callee: Callee<'_>, given: usize) -> String {
        let verb = if given == 1 { "was" } else { "were" };
        format!("{callee} takes {self} but {given} {verb} given")
    }
}

impl fmt::Display for Arity {
    /// What the callee takes: `1 argument`, `1 to 3 arguments`, `at least 1 argument`,
    /// `at most 2 arguments`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = |n: usize| if n == 1 { "argument" } else { "arguments" };
        match (self.min, self.max) {
            (min, max) if min == max => write!(f, "{min} {}", noun(min)),
            (min, usize::MAX) => write!(f, "at least {min} {}", noun(min)),
            (0, max) => write!(f, "at most {max} {}", noun(max)),
            (min, max) => write!(f, "{min} to {max} arguments"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(arity: Arity, callee: Callee<'_>, given: usize) -> String {
        arity.check(callee, given).unwrap_err()
    }

    #[test]
    fn one_wording_for_every_kind_of_arity() {
        let len = Callee::Function("len");
        assert_eq!(
            message(Arity::exactly(1), len, 2),
            "len() takes 1 argument but 2 were given"
        );
        assert_eq!(
            message(Arity::exactly(0), Callee::Function("getpid"), 1),
            "getpid() takes 0 arguments but 1 was given"
        );
        assert_eq!(
            message(Arity::between(1, 3), Callee::Function("range"), 0),
            "range() takes 1 to 3 arguments but 0 were given"
        );
        assert_eq!(
            message(Arity::at_least(1), Callee::Function("min"), 0),
            "min() takes at least 1 argument but 0 were given"
        );
        assert_eq!(
            message(Arity::at_most(1), Callee::Method("result", "get"), 2),
            "result.get() takes at most 1 argument but 2 were given"
        );
        assert_eq!(
            message(Arity::exactly(2), Callee::Method("str", "replace"), 1),
            "str.replace() takes 2 arguments but 1 was given"
        );
    }

    #[test]
    fn counts_in_range_pass() {
        assert!(Arity::between(1, 2).check(Callee::Function("f"), 1).is_ok());
        assert!(Arity::between(1, 2).check(Callee::Function("f"), 2).is_ok());
        assert!(Arity::at_least(1).accepts(usize::MAX));
        assert!(Arity::at_most(1).accepts(0));
        assert!(!Arity::exactly(0).accepts(1));
    }
}
