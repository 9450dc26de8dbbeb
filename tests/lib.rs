//! Integration tests: they run the real `mpscript` binary on real scripts and check stdout,
//! stderr and the exit status. Process tests start real children.
//!
//! They signal process groups and drive a pty, so they are built on Unix only; the Windows
//! code path is checked by compiling it (`.ci/run`).
#![cfg(unix)]

mod harness;

mod chains;
mod cli;
mod cluster;
mod commands;
mod commands_groups;
mod commands_start;
mod docs;
mod embedding;
mod faults;
mod golden;
mod hostile;
mod ipc;
mod ipc_reliability;
mod ipc_vocabulary;
mod load;
mod modules;
mod parallel;
mod parallel_joblog;
mod pool;
mod pool_vocabulary;
mod process;
mod props;
mod records;
mod remote;
mod repl;
mod stdlib;

/// With `autotests = false` a file under tests/ that no module declares is never compiled, so
/// its tests silently never run. Every `.rs` file must be declared by its parent: tests/lib.rs
/// for tests/NAME.rs, tests/DIR.rs or tests/DIR/mod.rs for tests/DIR/NAME.rs.
#[test]
fn every_test_file_is_compiled() {
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read tests/") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                rust_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    /// Whether `parent` has a `mod NAME;` line (with any visibility).
    fn declares(parent: &Path, name: &str) -> bool {
        let Ok(text) = std::fs::read_to_string(parent) else {
            return false;
        };
        text.lines().any(|line| {
            let line = line.trim();
            let line = line
                .strip_prefix("pub(crate) ")
                .or_else(|| line.strip_prefix("pub "))
                .unwrap_or(line);
            line.strip_prefix("mod ")
                .and_then(|rest| rest.strip_suffix(';'))
                .is_some_and(|declared| declared.trim() == name)
        })
    }

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut undeclared = Vec::new();
    for file in &files {
        let dir = file.parent().unwrap();
        let stem = file.file_stem().unwrap().to_string_lossy();
        if dir == root && stem == "lib" {
            continue;
        }
        let (name, parents) = if stem == "mod" {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            let up = dir.parent().unwrap();
            (
                name,
                vec![
                    up.join("lib.rs"),
                    up.with_extension("rs"),
                    up.join("mod.rs"),
                ],
            )
        } else if dir == root {
            (stem.into_owned(), vec![root.join("lib.rs")])
        } else {
            (
                stem.into_owned(),
                vec![dir.with_extension("rs"), dir.join("mod.rs")],
            )
        };
        if !parents.iter().any(|parent| declares(parent, &name)) {
            undeclared.push(file.strip_prefix(&root).unwrap().display().to_string());
        }
    }
    assert!(
        files.len() > 10 && undeclared.is_empty(),
        "files under tests/ that no module declares (they are never compiled): {undeclared:?}"
    );
}
