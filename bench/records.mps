# Record field reads and writes in a loop. Arguments: iterations (default 1000000), and
# `map` to run the same loop on a map instead (the comparison the records were built against).
struct Point { x, y = 0 }
let a = args()
let n = 1000000
if len(a) > 0 {
    n = int(a[0])
}
fn with_record(n) {
    let p = Point(0, 1)
    let i = 0
    while i < n {
        p.x = (p.x + p.y) % 1000003
        p.y = i
        i += 1
    }
    return p.x
}
fn with_map(n) {
    let p = {"x": 0, "y": 1}
    let i = 0
    while i < n {
        p["x"] = (p["x"] + p["y"]) % 1000003
        p["y"] = i
        i += 1
    }
    return p["x"]
}
if len(a) > 1 and a[1] == "map" {
    print(with_map(n))
} else {
    print(with_record(n))
}
