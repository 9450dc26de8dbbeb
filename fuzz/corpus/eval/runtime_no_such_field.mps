let xs = [1]
print(xs.size)
