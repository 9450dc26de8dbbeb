let n = -2
print(8 >> 1)
print(1 << n)
