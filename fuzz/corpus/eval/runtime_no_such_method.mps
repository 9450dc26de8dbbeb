let xs = [1]
xs.nope()
