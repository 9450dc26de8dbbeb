for i in 0..10 {
    print(i)
}
