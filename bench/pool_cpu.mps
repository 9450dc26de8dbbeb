# CPU-bound chunks, on pool(2) ("par") or one after another in this process ("serial").
# The runner compares the two modes of mpscript against each other (speedup from 2 workers).
# Arguments: mode (par|serial, default par), chunks (default 8), iterations per chunk (default 1500000).
fn work(k, m) {
    let s = k
    let i = 0
    while i < m {
        s = (s + i * 7) % 1000003
        i += 1
    }
    return s
}

let a = args()
let mode = "par"
let chunks = 8
let m = 1500000
if len(a) > 0 {
    mode = a[0]
}
if len(a) > 1 {
    chunks = int(a[1])
}
if len(a) > 2 {
    m = int(a[2])
}
let results = []
if mode == "par" {
    let p = pool(2)
    let rs = []
    for k in range(chunks) {
        let r = apply_async p, work(k, m)
        rs.push(r)
    }
    close p
    join p
    for r in rs {
        results.push(r.get())
    }
} else {
    for k in range(chunks) {
        results.push(work(k, m))
    }
}
print(sum(results))
