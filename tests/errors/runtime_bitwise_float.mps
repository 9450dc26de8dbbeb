print(3 & 1.0)
