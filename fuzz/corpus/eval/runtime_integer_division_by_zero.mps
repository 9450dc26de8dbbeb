let zero = 0
print(7 // zero)
