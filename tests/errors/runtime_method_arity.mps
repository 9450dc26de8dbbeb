let q = queue()
q.put(1)
print(q.get(1, 2))
