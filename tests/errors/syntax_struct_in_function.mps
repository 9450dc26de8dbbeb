fn make() {
    struct Inner { a }
    return Inner(1)
}
print(make())
