# A multiprocessing.Queue(100) between one producer and two consumers: the producer puts n
# ints, each consumer sums what it gets until a None. Argument: n (default 200000).
import multiprocessing as mp
import sys


def producer(q, n):
    for i in range(n):
        q.put(i)
    q.put(None)
    q.put(None)


def consumer(q, out):
    s = 0
    while True:
        x = q.get()
        if x is None:
            break
        s += x
    out.put(s)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    q = mp.Queue(100)
    out = mp.Queue()
    ps = [mp.Process(target=producer, args=(q, n))]
    ps += [mp.Process(target=consumer, args=(q, out)) for _ in range(2)]
    for p in ps:
        p.start()
    s = out.get() + out.get()
    for p in ps:
        p.join()
    print(s)
