# n x (pool(2) + close + join): pool start-up and shutdown cost. Argument: n (default 20).
let a = args()
let n = 20
if len(a) > 0 {
    n = int(a[0])
}
for i in range(n) {
    let p = pool(2)
    close p
    join p
}
print(f"{n} pools")
