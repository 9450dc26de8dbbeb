# examples/callbacks.mps — react to results as they arrive instead of asking for each one.
fn square(x) {
    if x == 3 {
        throw f"no square for {x}"
    }
    return x * x
}

let total = [0]             # a list, so the callback can update it in place
fn on_result(v) {
    total[0] += v           # callbacks run in the parent, one at a time
}
fn on_error(e) {
    print(f"error: {e.split(' (in ')[0]}")   # keep the message, drop the pid and location
}

let p = pool(2)
for x in range(6) {
    apply_async p, square(x), callback = on_result, error_callback = on_error
}
close p
join p                      # every callback has run when join returns
print(f"sum of squares except 3: {total[0]}")
