# examples/pool.mps — a pool of workers
fn long_time_task(name) {
    print(f"Run task {name} ({getpid()})")
    let start = time()
    sleep(random() * 0.3)
    print(f"Task {name} runs {time() - start:.2f} seconds.")
    return name * name
}

print(f"Parent process {getpid()}.")
let p = pool(4)                         # 4 worker processes; pool() = cpu_count()
let results = []
for i in range(5) {
    let r = apply_async p, long_time_task(i)    # queued; runs in a worker
    results.push(r)
}
print("Waiting for all subprocesses done...")
close p                                 # no more tasks
join p                                  # wait for every task
for r in results {
    print(r.get())                      # 0 1 4 9 16, in submission order
}
print("All subprocesses done.")
