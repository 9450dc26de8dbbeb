let for = 1
