# Comparisons, equality across int and float, membership, logic.
print(1 < 2, 2 <= 2, 3 > 4, 4 >= 5, 1 == 1.0, 1 != 2)
print("a" < "b", "abc" < "abd", [1, 2] < [1, 3], [1] < [1, 0])
print(1 == "1", nil == nil, nil == false, [1, [2]] == [1, [2]])
print({"a": 1, "b": 2} == {"b": 2, "a": 1})
print(2 in [1, 2, 3], "k" in {"k": 1}, "ell" in "hello", 5 not in [1, 2])
print(true and false, true or false, not true, not nil)
print(nil or "default", 0 and "never", 1 and 2, "" or [] or 0)
print(not 1 == 2, 1 < 2 and 2 < 3)
