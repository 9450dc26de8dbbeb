# parallel() of n x ["true"], jobs at a time: the cost of dispatching a job.
# Arguments: n (default 2000), jobs (default 2).
let a = args()
let n = 2000
let jobs = 2
if len(a) > 0 {
    n = int(a[0])
}
if len(a) > 1 {
    jobs = int(a[1])
}
let cmds = []
for i in range(n) {
    cmds.push(["true"])
}
let done = parallel(cmds, jobs = jobs)    # check = true: a failed job would raise
print(f"{len(done)} jobs, 0 failed")
