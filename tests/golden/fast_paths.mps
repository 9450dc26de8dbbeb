# Operations the evaluator does in place (floats, mixed int and float, `== nil`, strs and
# bools compared, int divisions, `and`/`or`/`not`): the same results and errors as the
# general path, on locals, globals, captured variables and constants.

let gf = 1.5
let gi = 2
let gn = nil
let gs = "abc"

fn all_ops(x, y) {
    print(x + y, x - y, x * y, x / y, x < y, x <= y, x > y, x >= y, x == y, x != y)
}

all_ops(1.5, 2)
all_ops(2, 1.5)
all_ops(3, 3.0)
all_ops(3.0, 3)
all_ops(9007199254740993, 9007199254740992.0)
all_ops(1.0, 0.5)
all_ops(7, 2)
all_ops(-0.5, 0.25)
print(gf + gi, gi * gf, gf < gi, gf == 1.5, gi / gi, gf - 0.5 == 1)
print(7 % 3, -7 % 3, 7 // -2, 7 / 2, -7 // 2, 1 / 3, 7 % 2.5, 7 // 2.0, -7.5 % 2)
print(gs < "abd", gs == "abc", gs != "abc", gs >= "abd", true > false, true == true, true != 1)
print(gn == nil, nil == gn, gn != nil, gf == nil, nil != gf, [1] == nil, nil == nil)
let nan = float("nan")
print(nan == nan, nan != nan, nan == 1)

fn locals() {
    let x = 1.5
    let get = fn() { return x }
    x += 2
    x -= 0.5
    x *= 2
    print(x, x == nil, x != nil, x < 7, x + 1, get())
    let y = 2.5
    y += 1
    y -= 1.5
    y *= 3
    print(y, y / 2, 2 / y, y > 2, 2 < y)
    let z = nil
    print(z == nil, z != nil, get() == nil, nil == z)
    let s = "abc"
    print(s == "abc", s != "abd", s < "b", s + "d" == "abcd", [1] + [2] == [1, 2])
}
locals()

fn conditions(z) {
    let n = 0
    if z != nil and z > 1.5 and z < 3 or z == nil {
        n += 1
    }
    if not (z == nil) {
        n += 10
    }
    while z != nil and z < 4.0 {
        z = z + 0.75
        n += 100
    }
    return n
}
print(conditions(2), conditions(2.0), conditions(nil), conditions(5))
let u = 3
print(u and 0, u or 0, not u, nil and 1, nil or "x", not nil, 1.5 and 2.5, 0.0 or 2)

let acc = 0.0
for i in range(10) {
    acc += i * 0.5
}
print(acc)

fn failing(thunk) {
    try {
        print(thunk())
    } catch e {
        print("error:", e)
    }
}
failing(fn() { return nan < 1.0 })
failing(fn() { return 1.0 / 0 })
failing(fn() { return 1 / 0 })
failing(fn() { return gf / 0.0 })
failing(fn() { return 1 % 0 })
failing(fn() { return 1.0 // 0.0 })
failing(fn() { return 5 // 0 })
failing(fn() { return "a" < 1 })
failing(fn() { return nil < 1 })
failing(fn() { return "a" - "b" })
failing(fn() { return 1.5 + "a" })
failing(fn() { return gs < gi })
failing(fn() { return true < 1 })
failing(fn() { return -9223372036854775807 - 1 })
failing(fn() { return (-9223372036854775807 - 1) // -1 })
failing(fn() { return [1, 2] < [1, 3] })
# A field of a record in a local compared with nil: looked at in place; a missing field or a
# non-record still goes the general way, with its error.
struct Link { v, next = nil }
fn field_nil_tests(n) {
    return [n.next == nil, n.next != nil, nil == n.next, n.next.next == nil]
}
print(field_nil_tests(Link(1, Link(2))))
failing(fn() { let n = Link(1)
    return n.prev == nil })
failing(fn() { let n = 5
    return n.next == nil })
