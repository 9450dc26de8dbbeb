# List comprehensions, with filters and nested `for`s.
print([x * x for x in range(6)])
print([x for x in range(10) if x % 3 == 0])
print([x for x in range(20) if x % 2 == 0 if x % 3 == 0])
print([[x, y] for x in [1, 2] for y in "ab"])
print([x * y for x in [1, 2, 3] for y in range(x)])
print([c.upper() for c in "abc"], [k for k in {"p": 1, "q": 2}])
print([x if x > 0 else 0 for x in [-1, 2, -3, 4]])
print([[y for y in range(x)] for x in range(4)])

# Map comprehensions.
let prices = {"apple": 3, "pear": 5, "fig": 2}
print({k: v * 2 for k, v in items(prices)})
print({name: len(name) for name in keys(prices) if prices[name] > 2})
print({x % 3: x for x in range(7)})

# The loop variables are the comprehension's own: outer names are untouched.
let x = "outer"
let squares = [x * x for x in range(3)]
print(x, squares)
# The first iterable is read in the enclosing scope.
let ys = [1, 2, 3]
print([ys * 2 for ys in ys])

# Each closure captures its own iteration's variable.
let fs = [fn () { return i * 10 } for i in range(3)]
print([f() for f in fs])

# Inside functions, with their locals and globals.
let base = 100
fn shifted(xs, by) {
    return [x + by + base for x in xs if x != 2]
}
print(shifted([1, 2, 3], 5))

# Over many lines inside the brackets.
let table = [
    f"{k}={v}"
    for k, v in items(prices)
    if v < 5
]
print(table)
