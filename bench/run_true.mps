# n x run(["true"]), one after another: the cost of starting and reaping one program.
# Argument: n (default 1000).
let a = args()
let n = 1000
if len(a) > 0 {
    n = int(a[0])
}
for i in range(n) {
    run(["true"])                 # check = true: a failure would raise
}
print(f"{n} runs, 0 failed")
