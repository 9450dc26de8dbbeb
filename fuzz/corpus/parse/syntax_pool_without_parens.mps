let p = pool
