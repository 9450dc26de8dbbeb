let text = fs.read("data/x.txt")
