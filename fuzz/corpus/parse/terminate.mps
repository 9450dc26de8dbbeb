# examples/terminate.mps — stop children that would run too long.
fn forever() {
    while true {
        sleep(0.1)
    }
}

let a = spawn forever()
print(a.join(0.2))          # false: it is still running after 0.2 s
a.terminate()               # SIGTERM
print(a.join(5))            # true: it ended
print(a.exitcode)           # -15: killed by signal 15

let b = spawn forever()
print(b.exitcode)           # nil while it runs
b.kill()                    # SIGKILL cannot be caught
join b
print(b.exitcode)           # -9
