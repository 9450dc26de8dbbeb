# `local op int` has its own fast path; every kind of local value must still work through it.
fn ops(n) {
    return [n + 1, n - 1, n * 2, n / 2, n // 2, n % 3, n < 2, n <= 2, n > 2, n >= 2, n == 2, n != 2]
}
print(ops(5))
print(ops(2.5))
print(ops(-7))
fn concat(s) { return s * 2 }
print(concat("ab"))
fn counter() {
    let n = 0
    let bump = fn() { n = n + 1 }
    bump()
    bump()
    return n + 10
}
print(counter())
fn big(n) {
    try { return n + 1 } catch e { return f"caught: {e}" }
}
print(big(9223372036854775807))
fn mixed(n) {
    try { return n - 1 } catch e { return f"caught: {e}" }
}
print(mixed("s"))
fn loop(k) {
    let total = 0
    let i = 0
    while i < k {
        total += i * 2
        i = i + 1
    }
    return total
}
print(loop(10))
