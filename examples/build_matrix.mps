# A build matrix: every target x mode, two jobs at a time, outputs in order, a joblog, and a
# summary. `halt = "soon"` starts nothing new after a failure; `check = false` lets the
# summary print instead of raising.
#   mpscript run examples/build_matrix.mps [JOBLOG] [fail]
# JOBLOG defaults to a temporary file (removed at the end); the word `fail` makes arm/release
# fail on purpose.
let a = args()
let keep_log = len(a) > 0
let joblog = ""
if keep_log {
    joblog = a[0]
} else {
    joblog = run(["mktemp"], capture = true).stdout.strip()
}
let fail = len(a) > 1 and a[1] == "fail"

let targets = ["x86_64", "arm", "wasm"]
let modes = ["debug", "release"]
let cmds = []
for t in targets {
    for m in modes {
        let status = 0
        if fail and t == "arm" and m == "release" {
            status = 1
        }
        cmds.push(f"echo building {t}/{m}; sleep 0.1; echo done {t}/{m}; exit {status}")
    }
}

let done = parallel(cmds, jobs = 2, keep_order = true, halt = "soon", joblog = joblog,
                    check = false)

let ok = 0
let failed = 0
let skipped = 0
for c in done {
    if c == nil {
        skipped += 1
    } else if c.ok {
        ok += 1
    } else {
        failed += 1
    }
}
print(f"{len(cmds)} builds: {ok} ok, {failed} failed, {skipped} not started")
print(run(["cut", "-f", "1,4,7,9", joblog], capture = true).stdout, end = "")
if not keep_log {
    run(["rm", "-f", joblog])
}
if failed > 0 {
    exit(1)
}
