struct Point {
    x
    y = 0
    x = 1
}
