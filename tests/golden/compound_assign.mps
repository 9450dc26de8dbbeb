# Every compound assignment, on a name, a list item, a map entry and a record field; the
# control-character escapes Python has.
let x = 100
x //= 7
print(x)
x %= 5
x **= 3
print(x)
x &= 6
x |= 9
x ^= 3
x <<= 2
x >>= 1
print(x)
let f = 7.5
f //= 2
f %= 2.5
print(f)
let xs = [10, 20]
xs[1] //= 3
xs[0] <<= 1
let m = {"a": 7}
m["a"] **= 2
m["a"] ^= 1
struct P { v }
let p = P(12)
p.v %= 5
p.v |= 4
print(xs, m, p)
print([ord(c) for c in "\a\b\f\v\r\0"])
let big = 2
try {
    big **= 100
} catch e {
    print(e)
}
