# Remote pools, measured from inside the script (bench/cluster runs it):
#   mpscript bench/remote.mps start  WHERE         start a pool and join it: seconds to start
#   mpscript bench/remote.mps apply  WHERE N       N trivial apply_async + get: tasks per second
#   mpscript bench/remote.mps map    WHERE N       map over N ints: items per second
#   mpscript bench/remote.mps cpu    WHERE N K     K CPU-bound tasks of N steps: seconds
# WHERE is `ssh:N:HOST,HOST` (N workers per host), `srun:N` (N srun steps) or `local:N`.
# The ssh command and the far side's mpscript come from $MPSCRIPT_SSH and
# $MPSCRIPT_REMOTE_PROGRAM.
let a = args()
let mode = a[0]
let where = a[1].split(":")

fn make_pool() {
    if where[0] == "ssh" {
        return pool(int(where[1]), hosts = where[2].split(","))
    }
    if where[0] == "srun" {
        return pool(int(where[1]), slurm = {"time": "10"})
    }
    return pool(int(where[1]))
}

fn nothing(x) { return x }
fn square(x) { return x * x }
fn spin(n) {
    let total = 0
    for i in range(n) {
        total += i % 7
    }
    return total
}

let t0 = time()
let p = make_pool()
let started = time() - t0
if mode == "start" {
    print(f"start {started}")
} else if mode == "apply" {
    let n = int(a[2])
    let t = time()
    let results = [apply_async p, nothing(i) for i in range(n)]
    let total = 0
    for r in results {
        total += r.get()
    }
    let took = time() - t
    if total != n * (n - 1) // 2 {
        eprint("wrong total")
        exit(1)
    }
    print(f"apply {n / took}")
} else if mode == "map" {
    let n = int(a[2])
    let t = time()
    let out = p.map(square, range(n))
    let took = time() - t
    if len(out) != n or out[n - 1] != (n - 1) * (n - 1) {
        eprint("wrong result")
        exit(1)
    }
    print(f"map {n / took}")
} else if mode == "cpu" {
    let n = int(a[2])
    let k = int(a[3])
    let t = time()
    let out = p.map(spin, [n for i in range(k)])
    print(f"cpu {time() - t}")
}
close p
join p
