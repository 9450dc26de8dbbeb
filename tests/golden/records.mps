# Records: declaration, construction, fields, printing, equality, type().
struct Point { x, y = 0 }

let p = Point(1)
print(p)
print(Point(x = 1, y = 2), Point(1, 2), Point(y = 5, x = 4))
p.x = 5
p.y += 3
print(p.x, p.y, p)
print(type(p), repr(p), str(p), f"{p}")
print(Point(1) == Point(1, 0), Point(1) == Point(2), Point(1) != Point(1))

# Fields may be on separate lines; defaults are evaluated at each construction and may
# use earlier fields.
struct Node {
    value
    next = nil
    tags = []
    label = f"node {value}"
}
let n = Node("a", tags = [1])
print(n)
let m1 = Node(1)
let m2 = Node(2)
m1.tags.push("only m1")
print(m1.tags, m2.tags, m2.label)

# Nested values print with repr, as in lists.
print(Point("a", [1, "b"]))
print([p, {"k": p}])

# The type name is a function-like value that can be passed and called.
fn build(make, a, b) {
    return make(a, b)
}
print(build(Point, 7, 8))
let ctor = Point
print(ctor(y = 1, x = 0))

# Records are shared by reference, like lists.
let q = p
q.x = 100
print(p.x)

# Records of different types differ even with the same fields.
struct Pair { x, y = 0 }
print(Pair(1) == Point(1), type(Pair(1)))

# A record that contains itself prints with (...), and deep chains print and compare.
let loop = Node(0)
loop.next = loop
print(loop)
let a = nil
let b = nil
for i in range(0, 50000) {
    a = Node(i, a)
    b = Node(i, b)
}
print(a == b, len(str(a)) > 50000)

# Records work as truthy values and inside comprehensions.
let pts = [Point(i, i * i) for i in range(0, 4)]
print([pt.y for pt in pts if pt.x > 1], bool(Point(0)))

# A struct declared further down is defined before the first statement runs.
print(Later(1))
struct Later { v }
