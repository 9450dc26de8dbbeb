let x = 1
if x > 1 {
    print("big")
} elif x > 0 {
    print("small")
}
