# A spawned producer puts n ints on a queue(); the parent gets and sums them. Argument: n (default 100000).
fn producer(q, n) {
    for i in range(n) {
        q.put(i)
    }
}

let a = args()
let n = 100000
if len(a) > 0 {
    n = int(a[0])
}
let q = queue()
let p = spawn producer(q, n)
let s = 0
for i in range(n) {
    s += q.get()
}
join p
print(s)
