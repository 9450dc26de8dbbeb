print(fs.lines("data/bad_utf8.txt"))
