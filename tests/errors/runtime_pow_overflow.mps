fn grow(x) {
    return x ** 40
}
print(grow(2))
print(grow(3))
