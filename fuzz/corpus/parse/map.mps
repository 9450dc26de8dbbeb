# examples/map.mps — the blocking helpers: map, starmap, apply.
fn add(a, b) {
    return a + b
}

fn make_scaler(k) {
    return fn (x) { return x * k }      # a closure: k travels with the function
}

let p = pool(3)
print(p.map(fn (x) { return x * x }, range(8)))       # a lambda sent to the workers
print(p.map(make_scaler(10), [1, 2, 3], chunksize = 1))
print(p.starmap(add, [[1, 2], [3, 4], ["a", "b"]]))   # each inner list is one call's arguments
print(p.apply(add, 40, 2))                            # one call, waits for its value
close p
join p
