//! Golden files. Each `NAME.mps` in a golden directory is run as `mpscript run NAME.mps` from
//! inside that directory; its stdout, stderr and exit status must equal `NAME.stdout`,
//! `NAME.stderr` and `NAME.status` (a missing file means empty output, status 0).
//!
//! After an intended change of output, regenerate them with
//! `MPSCRIPT_BLESS=1 cargo test --test integration golden` and review the diff.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::harness::run_bin;

fn read_or_default(path: &Path, default: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|_| default.to_string())
}

fn check_dir(dir: &str) -> usize {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let bless = std::env::var_os("MPSCRIPT_BLESS").is_some();
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("golden directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "mps"))
        .collect();
    scripts.sort();
    let mut failures = Vec::new();
    for script in &scripts {
        let name = script.file_name().unwrap().to_string_lossy().into_owned();
        let args = vec!["run".to_string(), name.clone()];
        let out = run_bin(&dir, &args, None, Duration::from_secs(60));
        let stem = script.with_extension("");
        let files = [
            (
                stem.with_extension("stdout"),
                out.stdout.clone(),
                String::new(),
            ),
            (
                stem.with_extension("stderr"),
                out.stderr.clone(),
                String::new(),
            ),
            (
                stem.with_extension("status"),
                format!("{}\n", out.status),
                "0\n".to_string(),
            ),
        ];
        if out.status == 101 || out.status < 0 {
            failures.push(format!(
                "{name}: crashed with status {}\n{}",
                out.status, out.stderr
            ));
            continue;
        }
        for (path, actual, default) in files {
            if bless {
                if actual == default {
                    let _ = std::fs::remove_file(&path);
                } else {
                    std::fs::write(&path, &actual).expect("bless");
                }
                continue;
            }
            let expected = read_or_default(&path, &default);
            if expected != actual {
                failures.push(format!(
                    "{name}: {} differs\n--- expected:\n{expected}\n--- actual:\n{actual}",
                    path.extension().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} golden scripts failed:\n\n{}",
        failures.len(),
        scripts.len(),
        failures.join("\n\n")
    );
    scripts.len()
}

/// Language features: every builtin, operator and statement, with its output.
#[test]
fn golden_language() {
    assert!(check_dir("tests/golden") > 10);
}

/// The bad-input corpus: broken and hostile scripts, each with its message and status.
#[test]
fn golden_errors() {
    assert!(check_dir("tests/errors") >= 40);
}
