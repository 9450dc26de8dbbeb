//! Functions registered by a host program (`Engine::register_fn`), with the conversions between
//! Rust types and script values.

use std::fmt::Display;
use std::rc::Rc;

use super::args::{Arity, Callee};
use super::value::Value;

type NativeBody = Box<dyn Fn(&[Value]) -> Result<Value, String>>;

/// A host function callable from scripts.
pub struct NativeFn {
    /// The name scripts call it by.
    pub name: Rc<str>,
    /// How many arguments it takes.
    pub arity: usize,
    body: NativeBody,
}

impl NativeFn {
    /// Calls it; an error message says what went wrong (wrong count or type of arguments, or
    /// the function's own error).
    pub fn call(&self, args: &[Value]) -> Result<Value, String> {
        Arity::exactly(self.arity).check(Callee::Function(&self.name), args.len())?;
        (self.body)(args).map_err(|m| format!("{}(): {m}", self.name))
    }
}

/// A Rust type a script value converts into, for native function parameters.
pub trait FromValue: Sized {
    /// Converts, or says what was expected.
    fn from_value(value: &Value) -> Result<Self, String>;
}

fn expected(what: &str, got: &Value) -> String {
    format!("expected {what}, got {}", got.type_name())
}

impl FromValue for i64 {
    fn from_value(value: &Value) -> Result<i64, String> {
        match value {
            Value::Int(i) => Ok(*i),
            other => Err(expected("an int", other)),
        }
    }
}

impl FromValue for f64 {
    fn from_value(value: &Value) -> Result<f64, String> {
        match value {
            Value::Float(f) => Ok(*f),
            Value::Int(i) => Ok(*i as f64),
            other => Err(expected("a number", other)),
        }
    }
}

impl FromValue for bool {
    fn from_value(value: &Value) -> Result<bool, String> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(expected("a bool", other)),
        }
    }
}

impl FromValue for String {
    fn from_value(value: &Value) -> Result<String, String> {
        match value {
            Value::Str(s) => Ok(s.to_string()),
            other => Err(expected("a str", other)),
        }
    }
}

impl FromValue for Vec<Value> {
    fn from_value(value: &Value) -> Result<Vec<Value>, String> {
        match value {
            Value::List(items) => Ok(items.borrow().clone()),
            other => Err(expected("a list", other)),
        }
    }
}

impl FromValue for Value {
    fn from_value(value: &Value) -> Result<Value, String> {
        Ok(value.clone())
    }
}

/// What a native function may return: a value, or a `Result` whose `Err` becomes a script error
/// (catchable with `try`).
pub trait IntoResult {
    /// The value, or the error message.
    fn into_result(self) -> Result<Value, String>;
}

macro_rules! plain_results {
    ($($t:ty),*) => {$(
        impl IntoResult for $t {
            fn into_result(self) -> Result<Value, String> {
                Ok(self.into())
            }
        }
        impl<E: Display> IntoResult for Result<$t, E> {
            fn into_result(self) -> Result<Value, String> {
                self.map(Into::into).map_err(|e| e.to_string())
            }
        }
    )*};
}

plain_results!(i64, f64, bool, String, &'static str, Vec<Value>, Value, ());

/// Closures of 0 to 4 arguments that can be registered as native functions.
pub trait RegisterFn<Args> {
    /// Wraps the closure as a native function named `name`.
    fn into_native(self, name: &str) -> NativeFn;
}

macro_rules! register_fn {
    ($n:expr; $($arg:ident),*) => {
        impl<F, R, $($arg),*> RegisterFn<($($arg,)*)> for F
        where
            F: Fn($($arg),*) -> R + 'static,
            R: IntoResult,
            $($arg: FromValue,)*
        {
            #[allow(non_snake_case, unused_variables, unused_mut)]
            fn into_native(self, name: &str) -> NativeFn {
                NativeFn {
                    name: name.into(),
                    arity: $n,
                    body: Box::new(move |args: &[Value]| {
                        let mut it = args.iter();
                        $(let $arg = $arg::from_value(it.next().unwrap_or(&Value::Nil))?;)*
                        (self)($($arg),*).into_result()
                    }),
                }
            }
        }
    };
}

register_fn!(0;);
register_fn!(1; A);
register_fn!(2; A, B);
register_fn!(3; A, B, C);
register_fn!(4; A, B, C, D);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_arguments_and_errors() {
        let double = (|x: i64| x * 2).into_native("double");
        assert!(
            double
                .call(&[Value::Int(21)])
                .unwrap()
                .equals(&Value::Int(42))
        );
        let err = double.call(&[Value::str("a")]).unwrap_err();
        assert_eq!(err, "double(): expected an int, got str");
        let fallible = (|x: i64| if x > 0 { Ok(x) } else { Err("negative") }).into_native("pos");
        assert_eq!(
            fallible.call(&[Value::Int(-1)]).unwrap_err(),
            "pos(): negative"
        );
        assert!(double.call(&[]).unwrap_err().contains("takes 1 argument"));
    }
}
