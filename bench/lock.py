# n x uncontended l.acquire(); l.release() on a multiprocessing.Lock. Argument: n (default 200000).
import multiprocessing as mp
import sys

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    l = mp.Lock()
    for _ in range(n):
        l.acquire()
        l.release()
    print(f"{n} acquire/release")
