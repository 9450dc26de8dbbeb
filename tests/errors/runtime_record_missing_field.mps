struct Point { x, y = 0 }
let origin = Point(0, 0)
let p = Point(y = 2)
