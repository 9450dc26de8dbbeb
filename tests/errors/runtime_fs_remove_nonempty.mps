let d = fs.tempdir()
fs.write(fs.join(d, "f"), "")
try { fs.rename(fs.join(d, "nope"), fs.join(d, "other")) } catch e { print(str(e).replace(d, "D")) }
try { fs.ls(fs.join(d, "f")) } catch e { print(str(e).replace(d, "D")) }
try { fs.remove(d) } catch e { print(str(e).replace(d, "D")) }
fs.remove("data")
