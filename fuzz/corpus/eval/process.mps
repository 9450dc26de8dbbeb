# examples/process.mps — one child process
fn child(name) {
    print(f"child process, my name is {name}, pid {getpid()}, parent {getppid()}")
    sleep(random() * 0.5)
}

print(f"parent process {getpid()}")
let p = spawn child("a")        # fork; the child runs child("a") and exits
print(p.is_alive())             # true while the child still runs
join p                          # wait for it
print(p.is_alive())             # false
print(p.exitcode)               # 0
print("parent end")
