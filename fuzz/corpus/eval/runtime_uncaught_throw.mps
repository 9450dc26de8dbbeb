fn check(x) {
    if x > 2 {
        throw f"value {x} is too big"
    }
}
check(1)
check(5)
