struct Point { x, y = 0 }
let p = Point(1, 2, 3)
