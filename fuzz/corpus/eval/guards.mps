# `if c { return v }` and exact-arity calls have their own fast paths; each behaviour must match
# the general ones.
fn sign(n) {
    if n < 0 { return -1 }
    if n == 0 { return 0 }
    return 1
}
print(sign(-5), sign(0), sign(7))
fn first_even(items) {
    for x in items {
        if x % 2 == 0 { return x }
    }
    return nil
}
print(first_even([1, 3, 8, 5]), first_even([1, 3]))
fn truthy(v) {
    if v { return "yes" }
    return "no"
}
print(truthy(""), truthy("a"), truthy([]), truthy([0]), truthy(nil), truthy(0.5))
fn countdown(k) {
    while true {
        if k <= 0 { return "done" }
        k = k - 1
    }
}
print(countdown(3))
fn guard_then_more(x) {
    if x > 10 {
        print("big")
        return x
    }
    return 0
}
print(guard_then_more(11), guard_then_more(1))
fn bad_guard(x) {
    if x < 1 { return x + "s" }
    return x
}
try { bad_guard(0) } catch e { print(f"caught: {e}") }
fn bad_cond(x) {
    if x.nope { return 1 }
    return 2
}
try { bad_cond(1) } catch e { print(f"caught: {e}") }
fn defaults(a, b = 10) { return a + b }
print(defaults(1), defaults(1, 2), defaults(b = 5, a = 1))
try { defaults() } catch e { print(f"caught: {e}") }
try { defaults(1, 2, 3) } catch e { print(f"caught: {e}") }
fn no_return(x) { x + 1 }
print(no_return(1))
fn deep(n) {
    if n == 0 { return 0 }
    return deep(n - 1) + 1
}
print(deep(500))
