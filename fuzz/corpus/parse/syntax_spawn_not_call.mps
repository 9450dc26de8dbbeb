fn work() {}
let p = spawn work
