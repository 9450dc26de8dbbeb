let m = {"a" 1}
