fs.nope("x")
