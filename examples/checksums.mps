# sha256sum of every file under a folder, a few at a time, then a summary.
#   mpscript run examples/checksums.mps [DIR]      (DIR defaults to ".")
# The list of files comes from `find` (skipping hidden folders and Rust's target/ build
# output); sha256sum's lines are relayed whole, in input order.
let a = args()
let dir = "."
if len(a) > 0 {
    dir = a[0]
}

let found = run(["find", dir, "-mindepth", "1", "(", "-name", ".*", "-o", "-name", "target", ")",
                 "-prune", "-o", "-type", "f", "-print"], capture = true)
let files = []
for line in found.stdout.split("\n") {
    if line != "" {
        files.push(line)
    }
}
files = sorted(files)

let cmds = []
for f in files {
    cmds.push(["sha256sum", f])
}
let t0 = time()
let done = parallel(cmds, jobs = cpu_count(), keep_order = true, check = false)
let secs = time() - t0

let failed = []
for c in done {
    if not c.ok {
        failed.push(c.cmd[1])
    }
}
print()
print(f"{'files':<10}{len(files):>8}")
print(f"{'checked':<10}{len(files) - len(failed):>8}")
print(f"{'failed':<10}{len(failed):>8}")
print(f"{'seconds':<10}{secs:>8.2f}")
for f in failed {
    print(f"  failed: {f}")
}
