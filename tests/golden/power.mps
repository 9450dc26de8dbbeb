# `**`: right-associative, tighter than unary minus on its left.
print(2 ** 10, 3 ** 0, (-2) ** 3, -2 ** 2, 2 ** 3 ** 2, (2 ** 3) ** 2)
# int ** non-negative int stays an int; a negative exponent gives a float.
print(10 ** 18, 2 ** -1, 4 ** -2, type(2 ** 2), type(2 ** -2))
# Floats use the float power.
print(2.0 ** 3, 9 ** 0.5, 2 ** 0.5, 1.5 ** 2, 0.0 ** 0)
let n = 7
print(n ** 2, 2 ** n, -n ** 2, 2 * 3 ** 2, 2 ** -n * 128)
print(1 ** 9999999999, (-1) ** 9999999999, 0 ** 9999999999)
