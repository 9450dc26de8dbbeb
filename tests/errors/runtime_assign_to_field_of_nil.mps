let p = nil
p.pid = 3
