let copies = 3000000000
let line = "ab" * copies
