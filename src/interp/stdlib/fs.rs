//! The `fs` namespace: reading and writing files, listing and globbing directories, paths as
//! text (`join`, `basename`, `abspath`...), and `tempdir`. Every failure names the OS reason
//! and the path, as `fs.read(): No such file or directory: data/x.txt`.

use std::io::Write;
use std::path::{MAIN_SEPARATOR, Path, PathBuf};
use std::rc::Rc;
use std::time::UNIX_EPOCH;

use crate::interp::value::MapEntries;

use super::lines::LineReader;
use super::{CallArgs, io_error, reason, text_arg};
use crate::interp::args::Arity;
use crate::interp::builtins::Builtin;
use crate::interp::sizes::Kind;
use crate::interp::value::{Key, Value};
use crate::interp::{Interp, RtResult};

pub(super) fn call(interp: &mut Interp, builtin: Builtin, a: &mut CallArgs) -> RtResult<Value> {
    let span = a.span;
    if builtin != Builtin::FsRemove {
        a.named(&[])?;
    }
    match builtin {
        Builtin::FsRead => {
            a.count(Arity::exactly(1))?;
            let path = text_arg(a, 0)?;
            let bytes = std::fs::read(&**path).map_err(|e| io_error(a, &e, &path))?;
            interp.building(Kind::Str, bytes.len(), span)?;
            String::from_utf8(bytes)
                .map(|s| Value::Str(Rc::new(s)))
                .map_err(|e| {
                    a.err(format!(
                        "invalid UTF-8 at byte {}: {path}",
                        e.utf8_error().valid_up_to()
                    ))
                })
        }
        Builtin::FsWrite | Builtin::FsAppend => {
            a.count(Arity::exactly(2))?;
            let path = text_arg(a, 0)?;
            let text = text_arg(a, 1)?;
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .append(builtin == Builtin::FsAppend)
                .truncate(builtin == Builtin::FsWrite)
                .open(&**path);
            file.and_then(|mut f| f.write_all(text.as_bytes()))
                .map_err(|e| io_error(a, &e, &path))?;
            Ok(Value::Nil)
        }
        Builtin::FsLines => {
            a.count(Arity::exactly(1))?;
            let path = text_arg(a, 0)?;
            let mut lines = Vec::new();
            let mut reader = LineReader::open(&path).map_err(|m| a.err(m))?;
            while let Some(line) = reader.next_line().map_err(|m| a.err(m))? {
                interp.check_size(Kind::List, lines.len() + 1, span)?;
                lines.push(Value::Str(Rc::new(line)));
            }
            interp.charge(lines.len() as u64, span)?;
            lines.shrink_to_fit();
            Ok(Value::list(lines))
        }
        Builtin::FsExists => {
            a.count(Arity::exactly(1))?;
            Ok(Value::Bool(Path::new(&**text_arg(a, 0)?).exists()))
        }
        Builtin::FsIsDir => {
            a.count(Arity::exactly(1))?;
            Ok(Value::Bool(Path::new(&**text_arg(a, 0)?).is_dir()))
        }
        Builtin::FsLs => {
            a.count(Arity::exactly(1))?;
            let dir = text_arg(a, 0)?;
            let entries = std::fs::read_dir(&**dir).map_err(|e| io_error(a, &e, &dir))?;
            let mut names = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| io_error(a, &e, &dir))?;
                let name = entry.file_name().into_string().map_err(|raw| {
                    a.err(format!(
                        "a name is not valid UTF-8: {}",
                        Path::new(&**dir).join(raw).display()
                    ))
                })?;
                names.push(name);
            }
            names.sort();
            interp.building(Kind::List, names.len(), span)?;
            Ok(Value::list(
                names.into_iter().map(|n| Value::Str(Rc::new(n))).collect(),
            ))
        }
        Builtin::FsGlob => {
            a.count(Arity::exactly(1))?;
            let pattern = text_arg(a, 0)?;
            let paths = glob_paths(a, &pattern)?;
            interp.building(Kind::List, paths.len(), span)?;
            Ok(Value::list(
                paths.into_iter().map(|p| Value::Str(Rc::new(p))).collect(),
            ))
        }
        Builtin::FsMkdir => {
            a.count(Arity::exactly(1))?;
            let path = text_arg(a, 0)?;
            std::fs::create_dir_all(&**path).map_err(|e| io_error(a, &e, &path))?;
            Ok(Value::Nil)
        }
        Builtin::FsRemove => {
            let recursive = a.named(&["recursive"])?.pop().flatten();
            a.count(Arity::exactly(1))?;
            let recursive = recursive.is_some_and(|r| r.truthy());
            let path = text_arg(a, 0)?;
            let meta = std::fs::symlink_metadata(&**path).map_err(|e| io_error(a, &e, &path))?;
            let removed = match (meta.is_dir(), recursive) {
                (true, true) => std::fs::remove_dir_all(&**path),
                (true, false) => std::fs::remove_dir(&**path),
                (false, _) => std::fs::remove_file(&**path),
            };
            removed.map_err(|e| {
                // ENOTEMPTY's own words do not say what to do about it.
                if meta.is_dir() && std::fs::read_dir(&**path).is_ok_and(|mut d| d.next().is_some())
                {
                    a.err(format!(
                        "{}: {path} (use recursive = true to remove a tree)",
                        reason(&e)
                    ))
                } else {
                    io_error(a, &e, &path)
                }
            })?;
            Ok(Value::Nil)
        }
        Builtin::FsRename | Builtin::FsCopy => {
            a.count(Arity::exactly(2))?;
            let from = text_arg(a, 0)?;
            let to = text_arg(a, 1)?;
            let done = if builtin == Builtin::FsRename {
                std::fs::rename(&**from, &**to)
            } else if Path::new(&**from).is_dir() {
                Err(std::io::Error::from(std::io::ErrorKind::IsADirectory))
            } else {
                std::fs::copy(&**from, &**to).map(|_| ())
            };
            done.map_err(|e| io_error(a, &e, &format!("{from} -> {to}")))?;
            Ok(Value::Nil)
        }
        Builtin::FsStat => {
            a.count(Arity::exactly(1))?;
            let path = text_arg(a, 0)?;
            let meta = std::fs::metadata(&**path).map_err(|e| io_error(a, &e, &path))?;
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0.0, |d| d.as_secs_f64());
            let mut map = MapEntries::default();
            map.insert(key("size"), Value::Int(meta.len() as i64));
            map.insert(key("mtime"), Value::Float(mtime));
            map.insert(key("is_dir"), Value::Bool(meta.is_dir()));
            Ok(Value::map(map))
        }
        Builtin::FsTempdir => {
            a.count(Arity::exactly(0))?;
            let dir = tempfile::Builder::new()
                .prefix("mpscript-")
                .tempdir()
                .map_err(|e| io_error(a, &e, &std::env::temp_dir().display().to_string()))?;
            // Kept until this interpreter ends (see `TempDirs`), not until `dir` drops.
            let path = dir.keep();
            let text = path.display().to_string();
            interp.tempdirs.add(path);
            Ok(Value::Str(Rc::new(text)))
        }
        Builtin::FsJoin => {
            a.count(Arity::at_least(1))?;
            let mut joined = PathBuf::new();
            for i in 0..a.positional.len() {
                joined.push(&**text_arg(a, i)?);
            }
            Ok(Value::str(&joined.display().to_string()))
        }
        Builtin::FsBasename | Builtin::FsDirname | Builtin::FsExt | Builtin::FsAbspath => {
            a.count(Arity::exactly(1))?;
            let path = text_arg(a, 0)?;
            let text = match builtin {
                Builtin::FsBasename => basename(&path).to_string(),
                Builtin::FsDirname => dirname(&path).to_string(),
                Builtin::FsExt => ext(&path).to_string(),
                _ => {
                    let cwd = std::env::current_dir().map_err(|e| io_error(a, &e, "."))?;
                    abspath(&cwd, &path)
                }
            };
            Ok(Value::str(&text))
        }
        Builtin::FsCwd => {
            a.count(Arity::exactly(0))?;
            let cwd = std::env::current_dir().map_err(|e| io_error(a, &e, "."))?;
            Ok(Value::str(&cwd.display().to_string()))
        }
        other => Err(a.err(format!("internal error: {} is not in fs", other.name()))),
    }
}

fn key(name: &str) -> Key {
    Key::Str(Rc::new(name.to_string()))
}

/// The paths matching a shell pattern, sorted. As in the shell, `*` and `?` do not match a
/// leading `.` (`fs.ls` lists such names); `**` matches any number of folders.
fn glob_paths(a: &CallArgs, pattern: &str) -> RtResult<Vec<String>> {
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: true,
    };
    let found = glob::glob_with(pattern, options).map_err(|e| {
        a.err(format!(
            "invalid pattern {pattern:?}: {} at {}",
            e.msg, e.pos
        ))
    })?;
    let mut paths = Vec::new();
    for entry in found {
        let path = entry.map_err(|e| io_error(a, e.error(), &e.path().display().to_string()))?;
        let text = path.into_os_string().into_string().map_err(|raw| {
            a.err(format!(
                "a path is not valid UTF-8: {}",
                raw.to_string_lossy()
            ))
        })?;
        paths.push(text);
    }
    paths.sort_unstable();
    Ok(paths)
}

fn is_separator(c: char) -> bool {
    c == '/' || c == MAIN_SEPARATOR
}

/// What follows the last separator (`""` for `a/b/`), as Python's `os.path.basename`.
fn basename(path: &str) -> &str {
    path.rsplit(is_separator).next().unwrap_or(path)
}

/// What precedes the last separator, without trailing separators (`/` stays `/`), as
/// Python's `os.path.dirname`.
fn dirname(path: &str) -> &str {
    match path.rfind(is_separator) {
        None => "",
        Some(i) => {
            let head = path[..=i].trim_end_matches(is_separator);
            if head.is_empty() { &path[..1] } else { head }
        }
    }
}

/// The extension without its dot (`gz` of `a.tar.gz`); `""` when there is none, and for a
/// name that only starts with a dot (`.bashrc`).
fn ext(path: &str) -> &str {
    let name = basename(path);
    match name.trim_start_matches('.').rfind('.') {
        Some(_) => name.rsplit('.').next().unwrap_or(""),
        None => "",
    }
}

/// `path` made absolute against `cwd` and normalised as text: `.` dropped, `..` removing the
/// folder before it, repeated separators merged. Symbolic links are not followed.
fn abspath(cwd: &Path, path: &str) -> String {
    let full = cwd.join(path);
    let mut parts: Vec<&str> = Vec::new();
    let text = full.to_str().unwrap_or(path);
    let (root, rest) = match text.find(is_separator) {
        Some(i) => (&text[..=i], &text[i + 1..]),
        None => ("", text),
    };
    for part in rest.split(is_separator) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("{root}{}", parts.join(std::path::MAIN_SEPARATOR_STR))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_as_text_match_python() {
        assert_eq!(basename("a/b.txt"), "b.txt");
        assert_eq!(basename("a/b/"), "");
        assert_eq!(dirname("a/b.txt"), "a");
        assert_eq!(dirname("/a"), "/");
        assert_eq!(dirname("a"), "");
        assert_eq!(ext("x/a.tar.gz"), "gz");
        assert_eq!(ext(".bashrc"), "");
        assert_eq!(ext("Makefile"), "");
        assert_eq!(abspath(Path::new("/w/d"), "../x/./y//z"), "/w/x/y/z");
        assert_eq!(abspath(Path::new("/w"), "/etc/../tmp"), "/tmp");
        assert_eq!(abspath(Path::new("/"), ".."), "/");
    }
}
