fn f(n) {
    return n + 1
}
print(f(9223372036854775807))
