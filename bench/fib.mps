# Recursive fib(n): function-call overhead. Argument: n (default 30).
fn fib(n) {
    if n < 2 {
        return n
    }
    return fib(n - 1) + fib(n - 2)
}

let a = args()
let n = 30
if len(a) > 0 {
    n = int(a[0])
}
print(fib(n))
