let m = {"a": 1}
for k, v, extra in items(m) {
    print(k)
}
