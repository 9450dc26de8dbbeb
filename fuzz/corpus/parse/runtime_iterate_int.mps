for x in 5 {
}
