# nil, false, 0, 0.0, "", [] and {} are false; everything else is true.
for v in [nil, false, 0, 0.0, "", [], {}, true, 1, -1, 0.5, "0", [0], {"": nil}, print] {
    if v {
        print(repr(v), "is true")
    } else {
        print(repr(v), "is false")
    }
}
print(bool(0), bool("x"), bool([]))
