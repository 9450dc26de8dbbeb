fn f(x) {}
let p = pool(2)
apply_async p, f
