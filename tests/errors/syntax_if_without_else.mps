let n = 3
let size = "big" if n > 2
print(size)
