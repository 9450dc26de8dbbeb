# What Windows does not have yet fails with a clear error, never a crash.
try { pool(2) } catch e { print(e) }
try { queue() } catch e { print(e) }
try { pipe() } catch e { print(e) }
try { lock() } catch e { print(e) }
try { shared(0) } catch e { print(e) }
let p = pool(2)
