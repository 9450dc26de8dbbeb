# for x in p.imap_unordered(sq, range(n)) on pool(2), summed: streaming task throughput.
# Argument: n (default 100000).
fn sq(x) {
    return x * x
}

let a = args()
let n = 100000
if len(a) > 0 {
    n = int(a[0])
}
let p = pool(2)
let s = 0
for y in p.imap_unordered(sq, range(n)) {
    s += y
}
close p
join p
print(s)
