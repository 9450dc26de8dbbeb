# examples/lock.mps — a lock around a read-modify-write, and an atomic shared counter.
#
# Four processes each add 2,000 to two counters. `balance` is read and written in two steps,
# so it needs the lock; `hits.add(1)` is atomic on its own.

fn deposit(l, balance, hits) {
    for i in range(2000) {
        with l {                        # released at the end of the block, even on error
            balance.set(balance.get() + 1)
        }
        hits.add(1)
    }
}

let l = lock()
let balance = shared(0)
let hits = shared(0)
let ps = []
for i in range(4) {
    ps.push(spawn deposit(l, balance, hits))
}
join ps
print(f"balance {balance.get()}, hits {hits.get()}")   # balance 8000, hits 8000

# A pipe: two connected ends, one per process.
fn echo(end) {
    let msg = end.recv()
    end.send(f"echo: {msg}")
}
let ends = pipe()
let p = spawn echo(ends[1])
ends[0].send("hello")
print(ends[0].recv(5))
join p
