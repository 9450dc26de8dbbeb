# Closures capture variables, and share them.
fn counter() {
    let count = 0
    return fn () {
        count += 1
        return count
    }
}
let c1 = counter()
let c2 = counter()
print(c1(), c1(), c1(), c2())
fn make_pair() {
    let value = 0
    let get = fn () { return value }
    let set = fn (v) { value = v }
    return [get, set]
}
let pair = make_pair()
pair[1](42)
print(pair[0]())
let fns = []
for i in range(3) {
    fns.push(fn () { return i * 10 })
}
print(fns[0](), fns[1](), fns[2]())
fn outer() {
    let x = "outer"
    fn middle() {
        fn inner() { return x + "!" }
        return inner()
    }
    return middle()
}
print(outer())
fn local_recursion(n) {
    fn down(k) {
        if k == 0 { return "done" }
        return down(k - 1)
    }
    return down(n)
}
print(local_recursion(50))
let base = 100
fn uses_global(x) { return x + base }
base = 200
print(uses_global(1))
