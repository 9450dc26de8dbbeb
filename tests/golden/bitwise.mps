# Bitwise operators on ints, with Python's precedence.
print(12 & 10, 12 | 10, 12 ^ 10, ~12, ~-1)
print(1 << 10, 1024 >> 3, -16 >> 2, -1 >> 100, 5 >> 64, 0 << 100)
print(0xff & 0x0f, 0b1010 | 0b0101, -1 & 0xff)
# Shifts bind looser than + and -, & looser than shifts, then ^, then |.
print(1 + 1 << 2, 1 << 1 + 1, 6 & 3 << 1, 1 | 2 ^ 3 & 5)
# All of them bind tighter than comparisons.
print(1 | 2 == 3, 4 & 4 > 0, 8 >> 1 == 4)
# Loops use them as any operator.
let flags = 0
for bit in range(4) {
    flags = flags | 1 << bit * 2
}
print(flags, [flags >> i & 1 for i in range(8)])
let x = 0b1100
let y = 0b1010
print(x & y, x | y, x ^ y, ~x & 0xf)
print(-(1 << 62) << 1)
