# n x uncontended l.acquire(); l.release() on a cross-process lock(). Argument: n (default 200000).
let a = args()
let n = 200000
if len(a) > 0 {
    n = int(a[0])
}
let l = lock()
for i in range(n) {
    l.acquire()
    l.release()
}
print(f"{n} acquire/release")
