let xs = []
xs.
