# n x Pool(2).apply_async, then .get() all and sum: per-task overhead. Argument: n (default 50000).
import multiprocessing as mp
import sys


def sq(x):
    return x * x


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
    p = mp.Pool(2)
    results = [p.apply_async(sq, (i,)) for i in range(n)]
    p.close()
    p.join()
    print(sum(r.get() for r in results))
