fn f(a, a) {
}
