# A multiprocessing.Semaphore(2) guarding a section entered n times in all by 4 processes
# (n / 4 each). Argument: n (default 100000).
import multiprocessing as mp
import sys


def enter(s, times):
    for _ in range(times):
        with s:
            pass


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    s = mp.Semaphore(2)
    ps = [mp.Process(target=enter, args=(s, n // 4)) for _ in range(4)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    print(f"{n} entries")
