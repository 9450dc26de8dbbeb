fn f(a) {}
f(a = 1, a = 2)
