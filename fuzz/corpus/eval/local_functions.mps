# Local functions: recursion, mutual recursion, closures over them, identity, loops.
# (A local function refers to itself and to the functions declared beside it without
# capturing its own variable, so calling the enclosing function leaves nothing behind.)
fn count_down(n) {
    fn down(k) {
        if k == 0 { return "done" }
        return down(k - 1)
    }
    return down(n)
}
print(count_down(50))

# Two local functions calling each other.
fn parity(n) {
    fn is_even(k) { if k == 0 { return true } return is_odd(k - 1) }
    fn is_odd(k) { if k == 0 { return false } return is_even(k - 1) }
    return [is_even(n), is_odd(n)]
}
print(parity(10), parity(7))

# Closures inside a local recursive function that refer to it.
fn total(tree) {
    fn walk(node) {
        if type(node) != "list" { return node }
        let sub = fn (child) { return walk(child) }
        let t = 0
        for child in node { t += sub(child) }
        return t
    }
    return walk(tree)
}
print(total([1, [2, [3, 4]], 5]))

# A function nested in a local function, calling it and its sibling.
fn nested(n) {
    fn a(k) {
        fn helper(j) {
            if j <= 0 { return "h" }
            return a(j - 1) + b(j)
        }
        return helper(k)
    }
    fn b(j) { return str(j) }
    return a(n)
}
print(nested(3))

# Returned local functions keep working after their block is gone, siblings included.
fn make() {
    let tag = "n="
    fn ev(k) { if k == 0 { return tag + "even" } return od(k - 1) }
    fn od(k) { if k == 0 { return tag + "odd" } return ev(k - 1) }
    fn countdown(n) { if n == 0 { return "liftoff" } return countdown(n - 1) }
    return [ev, countdown]
}
let made = make()
print(made[0](7), made[0](4), made[1](3))

# A function is the same value wherever it is named.
fn identity() {
    fn me() { return me }
    fn ping(k) { if k == 0 { return pong } return pong(k - 1) }
    fn pong(k) { if k == 0 { return ping } return ping(k - 1) }
    return [me() == me, ping(0) == pong, pong(0) == ping, ping(1) == ping, ping == pong]
}
print(identity())

# Each run of a loop body declares new functions.
let fns = []
for i in range(3) {
    fn depth(k) { if k == 0 { return i } return depth(k - 1) }
    fns.push(depth)
}
print(fns[0](5), fns[1](5), fns[2](5), fns[0] == fns[1])

# A closure made before the declaration in the same block sees the function.
fn early() {
    let get = fn () { return later(2) }
    fn later(k) { if k == 0 { return "later" } return later(k - 1) }
    return get()
}
print(early())

# Assigning to the function's name: the body sees the new value (an ordinary variable).
fn reassigned() {
    fn rec(k) { if k <= 0 { return 0 } return rec(k - 1) + 1 }
    let original = rec
    rec = fn (k) { return 100 }
    return original(3)
}
print(reassigned())

# Mutual recursion where one name is also assigned (so it stays an ordinary variable).
fn mixed() {
    fn a(k) { if k == 0 { return "a" } return b(k - 1) }
    fn b(k) { if k == 0 { return "b" } return a(k - 1) }
    let keep = b
    b = keep
    return [a(3), a(4), b(3)]
}
print(mixed())

# Calling a sibling before its declaration has run is an error.
fn too_early() {
    fn first() { return second() }
    let r = nil
    try { r = first() } catch e { r = e }
    fn second() { return "second" }
    return [r, first()]
}
print(too_early())

# A default argument may name the function itself.
fn defaults() {
    fn f(k, g = f) { if k == 0 { return "base" } return g(k - 1) }
    return f(3)
}
print(defaults())
