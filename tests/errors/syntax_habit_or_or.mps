let a = true
if a || a {
    print(1)
}
