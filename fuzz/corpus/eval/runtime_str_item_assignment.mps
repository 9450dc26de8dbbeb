let s = "abc"
s[0] = "x"
