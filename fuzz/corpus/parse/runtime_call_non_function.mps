let five = 5
five()
