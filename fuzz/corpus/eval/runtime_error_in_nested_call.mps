fn inner(x) {
    return x / 0
}
fn outer(x) {
    return inner(x) + 1
}
print(outer(1))
