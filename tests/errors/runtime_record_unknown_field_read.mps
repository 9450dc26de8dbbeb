struct Point { x, y = 0 }
let p = Point(1)
print(p.z)
