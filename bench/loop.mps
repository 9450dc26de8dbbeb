# Arithmetic while loop: interpreter dispatch. Argument: iterations (default 3000000).
let a = args()
let n = 3000000
if len(a) > 0 {
    n = int(a[0])
}
let s = 0
let i = 0
while i < n {
    s = (s + i * 7) % 1000003
    i += 1
}
print(s)
