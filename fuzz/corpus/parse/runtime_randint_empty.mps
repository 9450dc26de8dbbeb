print(randint(5, 1))
