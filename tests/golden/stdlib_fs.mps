# The fs namespace: files, directories, globbing and paths (all writes in a temp dir).
let d = fs.tempdir()
print(fs.is_dir(d), fs.ls(d))
let f = fs.join(d, "notes.txt")
fs.write(f, "one\ntwo\r\n")
fs.append(f, "three")
print(fs.read(f))
print(fs.lines(f))
let n = 0
for line in fs.lines(f) {
    n += 1
    if line == "two" { continue }
    print(n, line)
}
# Lines kept by the loop body (in a list, by a closure, in a variable) stay as they were read,
# while the loop reuses the memory of lines nobody kept.
let kept = []
let readers = []
let last = nil
for line in fs.lines(f) {
    if line != "two" { kept.push(line) }
    readers.push(fn() { return line })
    last = line
}
print(kept, [r() for r in readers], last)
print(fs.exists(f), fs.exists(fs.join(d, "nope")), fs.is_dir(f))
let st = fs.stat(f)
print(st["size"], st["is_dir"], type(st["mtime"]))
fs.mkdir(fs.join(d, "a", "b"))
fs.mkdir(fs.join(d, "a", "b"))
fs.write(fs.join(d, "a", "x.txt"), "x")
fs.write(fs.join(d, "a", "b", "y.txt"), "y")
fs.write(fs.join(d, "a", ".hidden.txt"), "h")
fs.write(fs.join(d, "a", "b", "z.log"), "z")
print(fs.ls(fs.join(d, "a")))
for p in fs.glob(fs.join(d, "**", "*.txt")) { print(p.replace(d, "D")) }
for p in fs.glob(fs.join(d, "a", "?.txt")) { print(p.replace(d, "D")) }
for p in fs.glob(fs.join(d, "a", "b", "[xyz].*")) { print(p.replace(d, "D")) }
fs.copy(f, fs.join(d, "copy.txt"))
fs.rename(fs.join(d, "copy.txt"), fs.join(d, "moved.txt"))
print(fs.read(fs.join(d, "moved.txt")) == fs.read(f))
fs.remove(fs.join(d, "moved.txt"))
fs.remove(fs.join(d, "a"), recursive = true)
print(fs.ls(d))
print(fs.join("a", "b", "c.txt"), fs.join("a", "/abs"))
print(fs.basename("dir/file.tar.gz"), fs.dirname("dir/sub/file"), fs.ext("file.tar.gz"), fs.ext(".bashrc"))
print(fs.abspath("/x/y/../z/./w"), fs.abspath("rel") == fs.join(fs.cwd(), "rel"))
let r = fs.read
print(r, fs, type(fs))
fn shadowed() {
    let fs = {"read": 1}
    return fs.get("read", 0)
}
print(shadowed())
