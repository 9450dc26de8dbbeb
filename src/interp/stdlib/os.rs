//! The `os` namespace: the environment as a map, setting and removing variables (which
//! commands and children started afterwards inherit), the host's name and the platform.

use std::rc::Rc;

use crate::interp::value::MapEntries;

use super::{CallArgs, text_arg};
use crate::interp::RtResult;
use crate::interp::args::Arity;
use crate::interp::builtins::Builtin;
use crate::interp::value::{Key, Value, a as article};

pub(super) fn call(builtin: Builtin, a: &mut CallArgs) -> RtResult<Value> {
    a.named(&[])?;
    match builtin {
        Builtin::OsEnv => {
            a.count(Arity::exactly(0))?;
            let vars: MapEntries = std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .map(|(k, v)| (Key::Str(Rc::new(k)), Value::Str(Rc::new(v))))
                .collect();
            Ok(Value::map(vars))
        }
        Builtin::OsSetenv => {
            a.count(Arity::exactly(2))?;
            let name = text_arg(a, 0)?;
            if name.is_empty() || name.contains(['=', '\0']) {
                return Err(a.err(format!("invalid variable name {:?}", name.as_str())));
            }
            match &a.positional[1] {
                Value::Nil => crate::runtime::sys::remove_env(&name),
                Value::Str(value) if !value.contains('\0') => {
                    crate::runtime::sys::set_env(&name, value)
                }
                Value::Str(_) => return Err(a.err("a value must not contain a NUL character")),
                other => {
                    return Err(a.err(format!(
                        "expected a str or nil value, got {}",
                        article(other.type_name())
                    )));
                }
            }
            Ok(Value::Nil)
        }
        Builtin::OsHostname => {
            a.count(Arity::exactly(0))?;
            crate::runtime::sys::hostname()
                .map(|h| Value::Str(Rc::new(h)))
                .map_err(|e| a.err(super::reason(&e)))
        }
        Builtin::OsPlatform => {
            a.count(Arity::exactly(0))?;
            Ok(Value::str(std::env::consts::OS))
        }
        other => Err(a.err(format!("internal error: {} is not in os", other.name()))),
    }
}
