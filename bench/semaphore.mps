# A semaphore(2) guarding a section entered n times in all by 4 processes (n / 4 each).
# Argument: n (default 100000).
fn enter(s, times) {
    for i in range(times) {
        with s {
        }
    }
}

let a = args()
let n = 100000
if len(a) > 0 {
    n = int(a[0])
}
let s = semaphore(2)
let ps = []
for i in range(4) {
    ps.push(spawn enter(s, n // 4))
}
join ps
print(f"{n} entries")
