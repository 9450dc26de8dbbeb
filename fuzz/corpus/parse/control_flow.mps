# if / else if / else, while, for, break, continue.
fn classify(n) {
    if n < 0 {
        return "negative"
    } else if n == 0 {
        return "zero"
    } else {
        return "positive"
    }
}
print(classify(-5), classify(0), classify(5))
let i = 0
while i < 10 {
    i += 1
    if i % 2 == 0 { continue }
    if i > 7 { break }
    print("odd", i)
}
for c in "héllo" { print(c, end = " ") }
print()
for k in {"x": 1, "y": 2} { print("key", k) }
for n in range(3) { print("range", n) }
for n in range(10, 0, -4) { print("down", n) }
for n in range(2, 5) { print("from 2", n) }
let total = 0
for row in [[1, 2], [3, 4]] {
    for v in row {
        if v == 3 { break }
        total += v
    }
}
print("total", total)
if false { print("never") }
else { print("else on its own line") }
