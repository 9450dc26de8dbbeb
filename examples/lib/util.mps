# examples/lib/util.mps — a module: imported by examples/modules.mps, not run on its own
let greeting = "hello"
let loaded = 0
loaded += 1                     # top-level code runs once per run, however often imported

struct Job { name, weight = 1 }

fn square(n) {
    return n * n
}

fn describe(job) {
    return f"{greeting}, {job.name} (weight {job.weight})"
}
