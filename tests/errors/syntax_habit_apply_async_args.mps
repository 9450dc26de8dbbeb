fn work(x, y) { return x + y }
let p = pool(2)
let r = apply_async p, work, 1, 2
print(r.get())
