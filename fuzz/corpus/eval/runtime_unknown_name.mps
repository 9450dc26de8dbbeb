print(nope)
