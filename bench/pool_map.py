# Pool(2).map(sq, range(n)), summed: bulk task throughput. Argument: n (default 500000).
import multiprocessing as mp
import sys


def sq(x):
    return x * x


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500000
    p = mp.Pool(2)
    s = sum(p.map(sq, range(n)))
    p.close()
    p.join()
    print(s)
