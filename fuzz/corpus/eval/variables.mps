# let, assignment, compound assignment, block scope, shadowing.
let x = 1
x = x + 1
x += 10
x -= 2
x *= 3
print(x)
x /= 2
print(x)
let s = "a"
s += "b"
print(s)
if true {
    let x = "inner"
    print(x)
}
print(x)
let x = "redeclared"
print(x)
let xs = [1, 2, 3]
xs[0] = 10
xs[-1] += 5
print(xs)
let m = {"a": 1}
m["b"] = 2
m["a"] += 100
print(m)
let grid = [[1, 2], [3, 4]]
grid[1][0] = 30
print(grid)
let a = 1; let b = 2; print(a + b)
