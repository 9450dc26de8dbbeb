fn f(a) {}
f(b = 1)
