# Conditional expressions: `a if c else b`, looser than every operator.
let n = 5
print("big" if n > 3 else "small", "even" if n % 2 == 0 else "odd")
print(1 + 1 if false else 2 * 3)
# Right-nested chains read like `else if`.
fn sign(x) {
    return "negative" if x < 0 else "zero" if x == 0 else "positive"
}
print(sign(-2), sign(0), sign(9))
# Only the chosen side runs.
fn loud(v) {
    print("ran", v)
    return v
}
print(loud(1) if true else loud(2))
print(loud(3) if nil else loud(4))
# Inside brackets it may span lines, and it nests in calls, lists and f-strings.
let label = [
    "few"
    if n < 3
    else "many",
]
print(label, f"{'yes' if n else 'no'}", max(1 if n else 0, 0))
let pick = fn (c) { return (fn () { return "a" }) if c else (fn () { return "b" }) }
print(pick(true)(), pick(false)())
