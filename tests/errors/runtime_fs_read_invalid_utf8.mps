print(fs.read("data/bad_utf8.txt"))
