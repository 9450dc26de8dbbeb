# n x (Pool(2) + close + join): pool start-up and shutdown cost. Argument: n (default 20).
import multiprocessing as mp
import sys

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    for _ in range(n):
        p = mp.Pool(2)
        p.close()
        p.join()
    print(f"{n} pools")
