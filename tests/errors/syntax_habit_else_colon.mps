let x = 1
if x > 1 {
    print(1)
} else:
    print(2)
