//! The standard library across processes: the namespaces and the convenience builtins work
//! in spawned children and pool workers under both start methods (namespaces held in
//! variables and captured by functions included), and `fs.tempdir()` directories are removed
//! by the process that made them, never by a child or worker that exits first.

use crate::harness::{Test, both};

#[test]
fn namespaces_and_builtins_work_in_children_and_workers() {
    both(|| {
        Test::new()
            .script(
                r#"
                let d = fs.tempdir()
                let files = fs
                fn child(d) {
                    fs.write(fs.join(d, "child.json"), json.dump({"root": math.sqrt(16), "hex": hex(255)}))
                    eprint("child says", ord("a"))
                }
                join spawn child(d)
                print(json.parse(fs.read(fs.join(d, "child.json"))))
                fn task(i) {
                    let path = files.join(d, f"task{i}.txt")
                    files.write(path, str(i * i))
                    return [fs.basename(path), int(fs.read(path)), math.floor(i / 2), os.platform() != "", zip([i], [i])]
                }
                let p = pool(2)
                print(p.map(task, [1, 2, 3]))
                print(fs.ls(d))
                print(fs.exists(d))
                "#,
            )
            .stdout(
                r#"
                {"root": 4.0, "hex": "0xff"}
                [["task1.txt", 1, 0, true, [[1, 1]]], ["task2.txt", 4, 1, true, [[2, 2]]], ["task3.txt", 9, 1, true, [[3, 3]]]]
                ["child.json", "task1.txt", "task2.txt", "task3.txt"]
                true
                "#,
            )
            .stderr("child says 97\n")
    });
}

#[test]
fn a_tempdir_outlives_children_and_is_removed_at_the_end() {
    let marker = tempfile::tempdir().expect("temp dir");
    let record = marker.path().join("made.txt");
    let record = record.display().to_string();
    for spawn_method in [false, true] {
        let test = Test::new()
            .script(&format!(
                r#"
                let d = fs.tempdir()
                fs.write({record:?}, d)
                fn child() {{ let own = fs.tempdir(); return fs.exists(d) }}
                join spawn child()
                let p = pool(2)
                print(p.map(fn (x) {{ return fs.exists(fs.tempdir()) }}, [1, 2]))
                close p
                join p
                print(fs.exists(d))
                "#
            ))
            .stdout("[true, true]\ntrue\n");
        test.spawn_method_if(spawn_method).run();
        let made = std::fs::read_to_string(&record).expect("the script wrote its tempdir");
        assert!(
            !std::path::Path::new(&made).exists(),
            "{made} survived the script"
        );
    }
}

/// `fs.lines` reads in chunks: lines longer than a chunk, characters cut by a chunk's end,
/// `\r\n`, a last line without `\n`, and invalid UTF-8 after good lines (those are handed out
/// first, then the error names the byte's offset in the file), in the list and the loop form.
#[test]
fn fs_lines_reads_across_chunks_and_reports_bad_bytes_where_they_are() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::new();
    text.push_str(&"a".repeat(200_000));
    text.push('\n');
    // Two-byte characters straddle every 64 KiB boundary of the second line.
    text.push_str(&"é".repeat(70_001));
    text.push_str("\r\nshort\n\nlast");
    std::fs::write(dir.path().join("big.txt"), &text).unwrap();
    let mut bad = b"good\nline\r\n".to_vec();
    bad.extend_from_slice(&vec![b'x'; 100_000]);
    bad.extend_from_slice(b"\xff\nnever\n");
    std::fs::write(dir.path().join("bad.txt"), &bad).unwrap();
    Test::new()
        .in_dir(dir.path())
        .script(
            r#"
            print([len(l) for l in fs.lines("big.txt")])
            let n = 0
            for l in fs.lines("big.txt") { n += len(l) }
            print(n)
            for l in fs.lines("bad.txt") { print(len(l)) }
            "#,
        )
        .stdout("[200000, 70001, 5, 0, 4]\n270010\n4\n4\n")
        .stderr_contains("fs.lines(): invalid UTF-8 at byte 100011: bad.txt")
        .status(1)
        .run();
}
