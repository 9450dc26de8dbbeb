//! The documentation's examples are real: every ```mps block in docs/*.md that is followed by
//! an ```output block is run, and its stdout must be exactly that block, under both start
//! methods. Every script in examples/ must run with exit status 0 under both start methods.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::harness::run_bin;

const TIMEOUT: Duration = Duration::from_secs(60);
const START_METHODS: [&str; 2] = ["fork", "spawn"];

/// One runnable example: where it starts, its script and its expected stdout.
struct Example {
    line: usize,
    script: String,
    output: String,
}

fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The files in `dir` whose names end in `.ext`, sorted.
fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(repo_path(dir))
        .unwrap_or_else(|e| panic!("cannot read {dir}/: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

/// The fenced block starting at `lines[start]` (the opening fence): its body and the index of
/// the line after its closing fence.
fn fenced_block(lines: &[&str], start: usize) -> (String, usize) {
    let mut body = String::new();
    let mut i = start + 1;
    while i < lines.len() && lines[i].trim_end() != "```" {
        body.push_str(lines[i]);
        body.push('\n');
        i += 1;
    }
    assert!(
        i < lines.len(),
        "unclosed fence opened at line {}",
        start + 1
    );
    (body, i + 1)
}

/// Every ```mps block immediately followed (blank lines aside) by an ```output block.
fn examples(markdown: &str) -> Vec<Example> {
    let lines: Vec<&str> = markdown.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].starts_with("```") {
            i += 1;
            continue;
        }
        let is_mps = lines[i].trim_end() == "```mps";
        let (script, next) = fenced_block(&lines, i);
        let line = i + 1;
        i = next;
        if !is_mps {
            continue;
        }
        let mut j = next;
        while j < lines.len() && lines[j].trim().is_empty() {
            j += 1;
        }
        if j < lines.len() && lines[j].trim_end() == "```output" {
            let (output, after) = fenced_block(&lines, j);
            out.push(Example {
                line,
                script,
                output,
            });
            i = after;
        }
    }
    out
}

#[test]
fn the_block_finder_pairs_scripts_with_outputs() {
    let md = "text\n```mps\nprint(1)\n```\n\n```output\n1\n```\n```mps\nlet x = 1\n```\n\
              ```sh\nls\n```\n```mps\nprint(\"\")\n```\n```output\n\n```\n";
    let found = examples(md);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].line, 2);
    assert_eq!(found[0].script, "print(1)\n");
    assert_eq!(found[0].output, "1\n");
    assert_eq!(found[1].script, "print(\"\")\n");
    assert_eq!(found[1].output, "\n");
}

#[test]
fn every_documented_example_prints_what_the_docs_say() {
    let docs = files("docs", "md");
    assert!(!docs.is_empty(), "no docs/*.md found");
    let mut failures = Vec::new();
    let mut count = 0;
    for doc in &docs {
        let text = std::fs::read_to_string(doc).expect("read doc");
        let name = doc.file_name().unwrap().to_string_lossy().into_owned();
        for example in examples(&text) {
            count += 1;
            let dir = tempfile::tempdir().expect("temp dir");
            std::fs::write(dir.path().join("example.mps"), &example.script).expect("write");
            for method in START_METHODS {
                let args: Vec<String> = ["run", "--start-method", method, "example.mps"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                let got = run_bin(dir.path(), &args, None, TIMEOUT);
                if got.stdout != example.output || got.status != 0 {
                    failures.push(format!(
                        "docs/{name}:{} ({method}): status {}\n--- script:\n{}--- expected:\n{}\
                         --- got:\n{}--- stderr:\n{}",
                        example.line,
                        got.status,
                        example.script,
                        example.output,
                        got.stdout,
                        got.stderr
                    ));
                }
            }
        }
    }
    assert!(count > 0, "the docs have no runnable examples");
    assert!(
        failures.is_empty(),
        "{} of {count} documented examples differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_example_script_runs_under_both_start_methods() {
    let scripts = files("examples", "mps");
    assert!(!scripts.is_empty(), "no examples/*.mps found");
    let dir = repo_path(".");
    let mut failures = Vec::new();
    for script in &scripts {
        for method in START_METHODS {
            let args: Vec<String> = vec![
                "run".into(),
                "--start-method".into(),
                method.into(),
                script.display().to_string(),
            ];
            let got = run_bin(&dir, &args, None, TIMEOUT);
            if got.status != 0 || got.stdout.is_empty() {
                failures.push(format!(
                    "{} ({method}): status {}\n--- stdout:\n{}--- stderr:\n{}",
                    script.display(),
                    got.status,
                    got.stdout,
                    got.stderr
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
