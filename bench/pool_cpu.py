# Python reference for pool_cpu (not used by the runner's target, which compares mpscript
# "par" to mpscript "serial"); kept so the work is defined identically in both languages.
# Arguments: mode (par|serial, default par), chunks (default 8), iterations per chunk (default 1500000).
import multiprocessing as mp
import sys


def work(k, m):
    s = k
    i = 0
    while i < m:
        s = (s + i * 7) % 1000003
        i += 1
    return s


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else "par"
    chunks = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    m = int(sys.argv[3]) if len(sys.argv) > 3 else 1500000
    if mode == "par":
        with mp.Pool(2) as p:
            rs = [p.apply_async(work, (k, m)) for k in range(chunks)]
            p.close()
            p.join()
            results = [r.get() for r in rs]
    else:
        results = [work(k, m) for k in range(chunks)]
    print(sum(results))
