# Maps keep insertion order; keys are str, int or bool.
let m = {"b": 2, "a": 1}
m["c"] = 3
print(m, len(m), m.len())
print(keys(m), values(m), items(m))
print(m.keys(), m.values())
print(m.get("a"), m.get("zz"), m.get("zz", "default"))
print(m.pop("b"), m)
print("a" in m, "b" in m)
let by_int = {1: "one", 2: "two"}
print(by_int[2], {true: "yes"}[true])
let nested = {"list": [1, 2], "map": {"x": nil}}
nested["list"].push(3)
print(nested)
for k in m { print(k, m[k]) }
let copy = m.copy()
m.clear()
print(m, copy, len(copy))
