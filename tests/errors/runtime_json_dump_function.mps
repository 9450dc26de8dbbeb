fn f() {}
print(json.dump({"f": f}))
