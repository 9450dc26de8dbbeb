# Counts a big file's lines, reading it line by line (args: the file).
let count = 0
for line in fs.lines(args()[0]) {
    count += 1
}
print(count)
