# Event ping-pong between two processes: n round trips of set / wait / clear on two events.
# Argument: n (default 10000).
fn ponger(ping, pong, n) {
    for i in range(n) {
        ping.wait()
        ping.clear()
        pong.set()
    }
}

let a = args()
let n = 10000
if len(a) > 0 {
    n = int(a[0])
}
let ping = event()
let pong = event()
let p = spawn ponger(ping, pong, n)
for i in range(n) {
    ping.set()
    pong.wait()
    pong.clear()
}
join p
print(f"{n} round trips")
