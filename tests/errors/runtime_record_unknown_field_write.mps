struct Point { x, y = 0 }
let p = Point(1)
p.z = 3
