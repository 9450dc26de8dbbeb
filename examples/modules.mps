# examples/modules.mps — importing a module and sending its functions to other processes
import "lib/util.mps" as util
import "lib/util.mps" as again          # the same module: not run a second time

print(util.describe(util.Job("build", weight=3)))
print(f"loaded {again.loaded} time(s)")

let p = spawn util.square(7)            # a module's function runs in a child
join p
print(f"child exit code: {p.exitcode}")

let workers = pool(2)
let results = [apply_async workers, util.square(i) for i in range(5)]
close workers
join workers
print([r.get() for r in results])       # [0, 1, 4, 9, 16]
