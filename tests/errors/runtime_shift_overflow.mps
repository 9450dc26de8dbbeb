let bits = 63
print(1 << 62)
print(1 << bits)
