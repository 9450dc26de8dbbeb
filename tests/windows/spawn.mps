# Processes on Windows: the spawn start method, exit codes, joins, ends by "signal".
let parent = getpid()
let greeting = "hi"
let double = fn(x) { return x * 2 }

fn hello(name) {
    print(f"{greeting} {name}, parent is me: {getppid() == parent}, pid differs: {getpid() != parent}")
}
fn code(n) { exit(n) }
fn fails() { throw "boom" }
fn forever() { while true { sleep(0.05) } }
fn apply(f, x) { print(f"applied: {f(x)}") }

print("top-level getppid is an int:", type(getppid()) == "int")
let p = spawn hello("a")
join p
print(p.is_alive(), p.exitcode)

let ps = []
for n in [0, 3, 7] { ps.push(spawn code(n)) }
join ps
for q in ps { print(q.name, q.exitcode) }

let f = spawn fails()
join f
print("fails", f.exitcode)

join spawn apply(double, 21)

let t = spawn forever()
print(t.is_alive(), t.exitcode)
print(t.join(0.1))
t.terminate()
print(t.join(5), t.exitcode)

let k = spawn forever()
k.kill()
join k
print("killed", k.exitcode)

fn late() {
    sleep(0.2)
    print("late child done")
}
spawn late()
print("parent done")
