# examples/fan_out.mps — start several children at once, wait for all, read their exit codes.
fn work(n) {
    sleep(0.05 * n)          # different run times, so they finish in a different order
    if n == 3 {
        exit(3)              # exit(n) sets the child's exit code
    }
    if n == 4 {
        throw "task 4 failed"   # an uncaught error: exit code 1, reported on stderr
    }
    print(f"child {n} done")
}

let procs = []
for n in range(5) {
    procs.push(spawn work(n))    # each spawn returns at once with a running process
}
join procs                       # `join` of a list waits for every process in it
for p in procs {
    print(f"{p.name}: exitcode {p.exitcode}")
}
