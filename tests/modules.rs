//! `import "file" as name`: module files written into a temporary directory beside the
//! script, run with `mpscript run`; a module's functions sent to children and pool workers
//! under both start methods; the errors an import can give.

use std::path::Path;

use crate::harness::Test;

/// Writes `files` (relative path, text) under `dir`.
fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

const UTIL: &str = "print(\"loading util\")
let greeting = \"hi\"
let count = 0
count += 1
struct Point { x, y = 0 }
fn hello(name) { return f\"{greeting} {name}\" }
fn square(n) { return n * n }
fn bump() { count += 1; return count }
";

#[test]
fn a_module_binds_its_functions_globals_and_structs() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("lib/util.mps", UTIL)]);
    Test::new()
        .in_dir(dir.path())
        .script(
            "import \"lib/util.mps\" as util
            print(util.hello(\"you\"))
            print(util.greeting, util.count, util.Point(1).x)
            print(util.bump(), util.count)
            let f = util.square
            print(f(4))
            ",
        )
        .stdout("loading util\nhi you\nhi 1 1\n2 2\n16\n")
        .run();
}

#[test]
fn importing_a_file_twice_runs_it_once_and_binds_the_same_module() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            ("lib/util.mps", UTIL),
            (
                "lib/other.mps",
                "import \"util.mps\" as u\nfn count() { return u.count }\n",
            ),
        ],
    );
    Test::new()
        .in_dir(dir.path())
        .script(
            "import \"lib/util.mps\" as a
            import \"./lib/util.mps\" as b
            import \"lib/other.mps\" as other
            a.bump()
            print(b.count, other.count())
            ",
        )
        .stdout("loading util\n2 2\n")
        .run();
}

#[test]
fn an_import_cycle_is_an_error_naming_the_files() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            ("a.mps", "import \"b.mps\" as b\nprint(1)\n"),
            ("b.mps", "import \"a.mps\" as a\n"),
        ],
    );
    Test::new()
        .in_dir(dir.path())
        .cli(&["run", "a.mps"])
        .stderr_contains("import cycle: a.mps -> b.mps -> a.mps")
        .stderr_contains("b.mps:1:1")
        .any_stdout()
        .status(2)
        .run();
}

#[test]
fn a_missing_module_is_a_located_error_with_the_reason() {
    Test::new()
        .script("print(1)\nimport \"lib/nope.mps\" as nope\n")
        .stderr_contains("cannot import lib/nope.mps: No such file or directory")
        .stderr_contains("script.mps:2:1")
        .status(2)
        .run();
}

#[test]
fn a_syntax_error_in_a_module_is_located_in_the_module() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("lib/bad.mps", "fn ok() {}\nlet = 3\n")]);
    Test::new()
        .in_dir(dir.path())
        .script("import \"lib/bad.mps\" as bad\n")
        .stderr_contains("lib/bad.mps:2:")
        .status(2)
        .run();
}

#[test]
fn a_missing_name_of_a_module_is_a_compile_error() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("lib/util.mps", UTIL)]);
    Test::new()
        .in_dir(dir.path())
        .script("import \"lib/util.mps\" as util\nprint(1)\nutil.nope()\n")
        .stderr_contains("has no top-level `nope`")
        .status(2)
        .run();
}

#[test]
fn module_functions_run_in_children_and_pool_workers_under_both_start_methods() {
    for spawn in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &[("lib/util.mps", UTIL)]);
        Test::new()
            .in_dir(dir.path())
            .spawn_method_if(spawn)
            .script(
                "import \"lib/util.mps\" as util
                fn show(name) { print(util.hello(name), util.count) }
                let p = spawn util.hello(\"child\")
                join p
                let q = spawn show(\"child\")
                join q
                let workers = pool(2)
                let rs = [apply_async workers, util.square(i) for i in range(4)]
                let r = apply_async workers, show(\"worker\")
                r.get()
                print([x.get() for x in rs], p.exitcode)
                close workers
                join workers
                ",
            )
            .stdout("loading util\nhi child 1\nhi worker 1\n[0, 1, 4, 9] 0\n")
            .run();
    }
}

/// In the REPL a module is imported relative to the current directory, after the pool's
/// workers started: they get its source with the next task.
#[test]
fn workers_started_before_an_import_receive_the_module() {
    for method in ["fork", "spawn"] {
        let dir = tempfile::tempdir().unwrap();
        write_files(dir.path(), &[("lib/util.mps", UTIL)]);
        Test::new()
            .in_dir(dir.path())
            .cli(&["--start-method", method, "repl"])
            .stdin(
                "let workers = pool(1)\n(apply_async workers, abs(-1)).get()\n\
                 import \"lib/util.mps\" as util\n\
                 (apply_async workers, util.hello(\"late\")).get()\n",
            )
            .stdout("1\nloading util\n\"hi late\"\n")
            .run();
    }
}

/// `mpscript check` loads the modules: their names are known, a missing one is reported.
#[test]
fn check_knows_the_names_of_modules() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("lib/util.mps", UTIL)]);
    write_files(
        dir.path(),
        &[(
            "bad.mps",
            "import \"lib/util.mps\" as util\nprint(util.nope)\n",
        )],
    );
    Test::new()
        .in_dir(dir.path())
        .script("import \"lib/util.mps\" as util\nprint(util.square(2), util.count)\n")
        .cli(&["check"])
        .stdout("")
        .run();
    Test::new()
        .in_dir(dir.path())
        .cli(&["check", "bad.mps"])
        .stderr_contains("has no top-level `nope`")
        .stderr_contains("bad.mps:2:12")
        .status(2)
        .run();
}
