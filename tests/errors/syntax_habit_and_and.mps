let a = true
if a && not a {
    print(1)
}
