# Destructuring in `for` and `let`.
let m = {"a": 1, "b": 2}
for k, v in items(m) {
    print(k, v)
}
for [i, x] in [[0, "zero"], [1, "one"]] {
    print(i, x)
}
for i, [k, v] in [[0, ["p", 1]], [1, ["q", 2]]] {
    print(i, k, v)
}
let [a, b] = [1, 2]
print(a, b)
let c, d = ["c", "d"]
print(c, d)
let [first, [second, third]] = [1, [2, 3]]
print(first, second, third)
# Swapping through a list.
let [p, q] = [b, a]
print(p, q)

# In functions the names are locals; closures capture them per iteration.
fn pairs(xs) {
    let out = []
    for [x, y] in xs {
        out.push(fn () { return x + y })
    }
    return [f() for f in out]
}
print(pairs([[1, 2], [3, 4]]))
let [head, rest] = [1, [2, 3]]
print(head, rest)
