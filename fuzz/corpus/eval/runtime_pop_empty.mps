let xs = []
xs.pop()
