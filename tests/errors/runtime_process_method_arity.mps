fn f() { return 1 }
let p = spawn f()
p.join(1, 2)
