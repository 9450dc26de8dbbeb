# Strings: escapes, methods, indexing, len in characters.
print("tab\there", "new\nline", "quote\" and \\", 'it\'s', "\u{48}\u{e9}")
let s = "  Hello, World  "
print(s.strip(), s.upper(), s.lower())
print("a,b,,c".split(","), "one two  three".split())
print("hello".replace("l", "L"), "hello".startswith("he"), "hello".endswith("lo"))
print("-".join(["a", "b", "c"]), "hello".find("ll"), "hello".find("z"))
print(len("héllo"), "héllo"[1], "abc"[-1], "123".isdigit())
print("x" + str(1) + str(2.5) + str(nil) + str(true))
print(int("42"), int(" -7 "), int(3.9), int(-3.9), float("2.5"), float(3), int(true))
print("[" + "  x  ".lstrip() + "]", "[" + "  x  ".rstrip() + "]", "abc".len(), "x".upper().lower())
