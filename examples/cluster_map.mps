# One script, three places to run: a pool on this machine, over ssh, or on Slurm. Only the
# line that makes the pool changes; the tasks, results and errors are the same.
#   mpscript examples/cluster_map.mps                  # a local pool, one worker per CPU
#   mpscript examples/cluster_map.mps node1 user@node2 # one worker per CPU of each host, over ssh
#   mpscript examples/cluster_map.mps slurm            # `srun` steps: one per task of the
#                                                      # allocation (salloc -n8 ...), else per CPU here
# The far side needs the same version of `mpscript` on its PATH (see docs/cluster.md).

# Counts the primes below n: plain CPU work, so more workers finish sooner.
fn primes_below(n) {
    let count = 0
    for k in range(2, n) {
        let prime = true
        let d = 2
        while d * d <= k {
            if k % d == 0 {
                prime = false
                break
            }
            d += 1
        }
        if prime {
            count += 1
        }
    }
    return count
}

let targets = args()
let p = nil
let where = "this machine"
if len(targets) == 0 {
    p = pool()
} else if targets[0] == "slurm" {
    p = pool(nil, slurm = {"time": "10"})
    where = "Slurm"
} else {
    p = pool(nil, hosts = targets)
    where = ", ".join(targets)
}

let sizes = [20000 + 1000 * i for i in range(16)]
let counts = p.map(primes_below, sizes)
close p
join p
eprint(f"{p.size} workers on {where}")
print(f"primes below {sizes[0]}: {counts[0]}")
print(f"primes below {sizes[-1]}: {counts[-1]}")
print(f"total over {len(sizes)} tasks: {sum(counts)}")
