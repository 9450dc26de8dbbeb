print("abc)
