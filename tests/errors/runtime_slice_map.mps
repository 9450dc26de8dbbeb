let m = {"k": 1}
print(m[0:1])
