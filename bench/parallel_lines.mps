# n jobs, each `seq LINES`, through parallel(jobs = 2, keep_order = true): every job's output
# must arrive whole and in input order. The runner sends stdout to a file and checks it.
# Arguments: n (default 100), lines per job (default 10000).
let a = args()
let n = 100
let lines = "10000"
if len(a) > 0 {
    n = int(a[0])
}
if len(a) > 1 {
    lines = a[1]
}
let cmds = []
for i in range(n) {
    cmds.push(["seq", lines])
}
parallel(cmds, jobs = 2, keep_order = true)
