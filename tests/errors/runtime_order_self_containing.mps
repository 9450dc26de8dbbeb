let a = [1]
a.push(a)
let b = [1]
b.push(b)
print(a == b, a)
print(a < b)
