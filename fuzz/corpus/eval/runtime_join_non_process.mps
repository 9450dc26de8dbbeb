join 5
