let done = false
if !done {
    print(1)
}
