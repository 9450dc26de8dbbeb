# try / catch / throw: every runtime error can be caught; str(e) is its message.
fn attempt(f) {
    try {
        return f()
    } catch e {
        return "caught: " + str(e)
    }
}
print(attempt(fn () { return 1 / 0 }))
print(attempt(fn () { return 7 // 0 }))
print(attempt(fn () { return 9223372036854775807 + 1 }))
print(attempt(fn () { return 1 + "a" }))
print(attempt(fn () { return [1][5] }))
print(attempt(fn () { return {"a": 1}["b"] }))
print(attempt(fn () { return undefined_name }))
print(attempt(fn () { throw "custom" }))
print(attempt(fn () { throw {"code": 7} }))
print(attempt(fn () { return int("nope") }))
print(attempt(fn () { return len(5) }))
print(attempt(fn () { return nil() }))
print(attempt(fn () { return "abc".nope() }))
print(attempt(fn () { return f"{1.5:d}" }))
print(attempt(fn () { return [].pop() }))
print(attempt(fn () { return sorted([1, "a"]) }))
try { throw "no name needed" } catch { print("caught without a name") }
let finished = false
try {
    try { throw "inner" } catch e { throw "rethrown " + e }
} catch e { print(e) }
fn deep(n) { return deep(n + 1) }
try { deep(0) } catch e { print("never: limits are not catchable") }
