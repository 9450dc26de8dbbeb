# n x apply_async on pool(2), then .get() all and sum: per-task overhead. Argument: n (default 50000).
fn sq(x) {
    return x * x
}

let a = args()
let n = 50000
if len(a) > 0 {
    n = int(a[0])
}
let p = pool(2)
let results = []
for i in range(n) {
    let r = apply_async p, sq(i)
    results.push(r)
}
close p
join p
let s = 0
for r in results {
    s += r.get()
}
print(s)
