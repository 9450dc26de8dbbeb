fn f() {}
f() = 3
