# examples/timeouts_retries.mps — tasks that hang, fail or crash do not hang the pool.
fn slow() {
    sleep(10)
    return "finished"
}

# Fails until 0.25 s have passed since `start`: a stand-in for a flaky network call.
fn flaky(start) {
    sleep(0.1)
    if time() - start < 0.25 {
        throw "not yet"
    }
    return "ok"
}

fn crash() {
    exit(7)                  # exit() in a task ends its worker; the pool starts a new one
}

let p = pool(2)
let a = apply_async p, slow(), timeout = 0.3         # its worker is killed after 0.3 s
let b = apply_async p, flaky(time()), retries = 10   # each failure runs it again
let c = apply_async p, crash(), retries = 1          # crashes twice: retries run out
try {
    a.get()
} catch e {
    print(f"slow: {e}")      # slow() timed out after 0.3 seconds
}
print(f"flaky: {b.get()}")
try {
    c.get()
} catch e {
    # "worker PID died (exit code 7) while running crash()": hide the pid
    print(f"crash: {e.replace(e.split(' ')[1], "PID")}")
}
print(p.apply(fn () { return "the pool still works" }))
close p
join p
