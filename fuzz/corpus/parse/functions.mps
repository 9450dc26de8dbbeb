# Functions: defaults, named arguments, recursion, values, calls before definition.
fn greet(name, greeting = "hello", punct = "!") {
    return f"{greeting}, {name}{punct}"
}
print(greet("ann"))
print(greet("bob", "hi"))
print(greet("cy", punct = "?"))
print(greet(greeting = "hey", name = "di"))
fn fact(n) {
    if n <= 1 { return 1 }
    return n * fact(n - 1)
}
print(fact(20))
print(early())
fn early() { return "defined later, called earlier" }
fn nothing() {}
print(nothing())
fn bare() { return }
print(bare())
let square = fn (x) { return x * x }
print(square(7), type(square))
fn apply(f, x) { return f(x) }
print(apply(square, 3), apply(fn (s) { return s.upper() }, "up"))
fn is_even(n) { if n == 0 { return true } return is_odd(n - 1) }
fn is_odd(n) { if n == 0 { return false } return is_even(n - 1) }
print(is_even(10), is_odd(7))
