# examples/hello.mps — the smallest script: values, a function, an f-string.
fn greet(name) {
    return f"hello, {name}!"
}

print(greet("world"))
let langs = ["mpscript", "python"]
for i in range(len(langs)) {
    print(f"{i}: {langs[i]:>10}")   # right-aligned in 10 columns
}
