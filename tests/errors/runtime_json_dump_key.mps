print(json.dump({1: "one"}))
