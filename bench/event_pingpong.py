# Event ping-pong between two processes: n round trips of set / wait / clear on two
# multiprocessing.Events. Argument: n (default 10000).
import multiprocessing as mp
import sys


def ponger(ping, pong, n):
    for _ in range(n):
        ping.wait()
        ping.clear()
        pong.set()


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    ping, pong = mp.Event(), mp.Event()
    p = mp.Process(target=ponger, args=(ping, pong, n))
    p.start()
    for _ in range(n):
        ping.set()
        pong.wait()
        pong.clear()
    p.join()
    print(f"{n} round trips")
