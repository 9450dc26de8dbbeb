# n x Process(target=noop).start() + join() with the spawn context. Argument: n (default 200).
import multiprocessing as mp
import sys


def noop():
    pass


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    ctx = mp.get_context("spawn")
    failed = 0
    for _ in range(n):
        p = ctx.Process(target=noop)
        p.start()
        p.join()
        if p.exitcode != 0:
            failed += 1
    print(f"{n} children, {failed} failed")
