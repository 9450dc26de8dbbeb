# Finds every .txt file under a tree (args: its root).
print(len(fs.glob(fs.join(args()[0], "**", "*.txt"))))
