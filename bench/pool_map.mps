# p.map(sq, range(n)) on pool(2), summed: bulk task throughput. Argument: n (default 500000).
fn sq(x) {
    return x * x
}

let a = args()
let n = 500000
if len(a) > 0 {
    n = int(a[0])
}
let p = pool(2)
let s = sum(p.map(sq, range(n)))
close p
join p
print(s)
