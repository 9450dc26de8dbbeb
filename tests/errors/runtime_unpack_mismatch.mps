let words = "a b c".split(" ")
let [a, b] = words
print(a, b)
