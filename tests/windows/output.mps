# Many children printing at once: every line whole and present exactly once.
fn chatter(id) {
    for i in range(300) { print(f"child {id} line {i} ........................................") }
}
let ps = []
for id in range(6) { ps.push(spawn chatter(id)) }
join ps
print("done")
