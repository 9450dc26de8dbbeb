# A producer Process puts n ints on a multiprocessing.Queue; the parent gets and sums them.
# Argument: n (default 100000).
# (Not named queue.py: in bench/ that would shadow the stdlib `queue` for every script here.)
import multiprocessing as mp
import sys


def producer(q, n):
    for i in range(n):
        q.put(i)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    q = mp.Queue()
    p = mp.Process(target=producer, args=(q, n))
    p.start()
    s = 0
    for _ in range(n):
        s += q.get()
    p.join()
    print(s)
