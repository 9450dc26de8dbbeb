# Counts a big file's lines, reading it line by line (args: the file).
import sys

count = 0
with open(sys.argv[1]) as f:
    for line in f:
        count += 1
print(count)
