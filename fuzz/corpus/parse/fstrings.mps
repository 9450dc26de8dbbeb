# f-strings and format specs.
let name = "ann"
let pi = 3.14159265
print(f"hi {name}, {1 + 2}, {[1, 2]}, {nil}, {{literal}}")
print(f"{pi:.2f} {pi:.0f} {2:.3f} {pi:.3}")
print(f"[{42:6}] [{42:<6}] [{42:>6}] [{42:^6}] [{7:05d}] [{-7:05d}]")
print(f"[{'ab':6}] [{'ab':>6}] [{'ab':^6}] [{'ab':*^6}]")
print(f"{1234567:,} {0.25:.1%} {255:x} {255:X} {8:o} {5:b} {12345.678:.2e}")
print(f"{3:+d} {3.5:+.1f} {'long text':.4}")
let m = {"k": "v"}
print(f"{m["k"]} {len(name)} {name.upper()}")
print(f'single {name}')
