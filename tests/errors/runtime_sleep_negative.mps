sleep(-1)
