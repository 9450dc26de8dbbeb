# for x in Pool(2).imap_unordered(sq, range(n)), summed: streaming task throughput.
# Argument: n (default 100000).
import multiprocessing as mp
import sys


def sq(x):
    return x * x


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    p = mp.Pool(2)
    s = 0
    for y in p.imap_unordered(sq, range(n)):
        s += y
    p.close()
    p.join()
    print(s)
