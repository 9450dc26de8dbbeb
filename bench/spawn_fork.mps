# n x (spawn noop() + join) under the default (fork) start method. Argument: n (default 200).
fn noop() {
}

let a = args()
let n = 200
if len(a) > 0 {
    n = int(a[0])
}
let failed = 0
for i in range(n) {
    let p = spawn noop()
    join p
    if p.exitcode != 0 {
        failed += 1
    }
}
print(f"{n} children, {failed} failed")
