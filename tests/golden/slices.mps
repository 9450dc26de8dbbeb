# Slices of lists and strs: Python's rules (negative bounds from the end, clamping, steps).
let xs = [0, 1, 2, 3, 4, 5]
print(xs[1:3], xs[:2], xs[4:], xs[:])
print(xs[-2:], xs[:-4], xs[-100:2], xs[3:100])
print(xs[::2], xs[1::2], xs[::-1], xs[4:1:-1], xs[::-2])
print(xs[3:1], xs[10:], xs[nil:2], xs[2:nil:nil])
let i = 2
print(xs[i:i + 2], xs[-i:])

# A slice is a new list: changing it leaves the original alone.
let ys = xs[:3]
ys[0] = 99
ys.push(7)
print(ys, xs)
let nested = [[1, 2], [3, 4]]
let copy = nested[:]
copy[0].push(9)
print(nested)

# Strs slice by character.
let s = "héllo, wörld"
print(s[:5], s[7:], s[::-1], s[1:10:3], s[-5:-1])
print("abc"[5:], "abc"[:0] == "", len("abcdef"[::2]))

# Slices chain with indexes and calls.
print(xs[1:][1:][0], "a-b-c".split("-")[1:], [[1, 2, 3]][0][1:])
