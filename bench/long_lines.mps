# 200 children each print 25 lines of 5,000 bytes into the same pipe, at once: every write is
# past the pipe's atomic size, so each goes through the script-wide output lock (see
# src/runtime/outlock.rs). Run `bench/long_lines.mps short` for the same with 60-byte lines,
# which stay lock-free. Not part of bench/run (no Python twin); timings are in
# docs/performance.md.
let width = 5000
let lines = 25
if len(args()) > 0 and args()[0] == "short" {
    width = 60
    lines = 2000
}
fn talk(id, width, lines) {
    let text = f"{id}:" + "x" * width
    for i in range(lines) { print(text) }
}
let ps = []
for id in range(200) { ps.push(spawn talk(id, width, lines)) }
join ps
