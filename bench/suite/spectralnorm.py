# spectralnorm: the Computer Language Benchmarks Game's spectral-norm, single process.
# suite: size=300 quick=50
#
# Source: spectralnorm.python3-5.python3 ("spectral-norm Python 3 #5": contributed by
# Sebastien Loisel, fixed by Isaac Gouy, sped up by Josh Goldfoot, dirtily sped up by Simon
# Descarpentries, concurrency by Jason Stitt) and spectralnorm.lua ("spectral-norm Lua #1",
# contributed by Mike Pall), The Computer Language Benchmarks Game,
# https://benchmarksgame-team.pages.debian.net/benchmarksgame/
# (mirror: github.com/Byron/benchmarksgame-cvs-mirror, bench/spectralnorm/).
# Revised BSD license; Copyright (c) 2004-2008 Brent Fulgham, 2005-2017 Isaac Gouy.
#
# Python #5's eval_A and its plain partial-sum loops, without its multiprocessing pool, laid
# out as the Lua program (Av / Atv fill a preallocated vector, AtAv goes through a temporary)
# so that the three suite versions do the same work; the faster single-process Python #6
# uses sum() over list comprehensions, which the suite's rules exclude. The result, formatted
# %0.9f as the reference prints it, is compared with the reference output for N.
import sys
from math import sqrt


def eval_A(i, j):
    ij = i + j
    return 1.0 / (ij * (ij + 1) / 2 + i + 1)


def eval_A_times_u(u, y, n):
    for i in range(n):
        partial_sum = 0
        for j in range(n):
            partial_sum += u[j] * eval_A(i, j)
        y[i] = partial_sum


def eval_At_times_u(u, y, n):
    for i in range(n):
        partial_sum = 0
        for j in range(n):
            partial_sum += u[j] * eval_A(j, i)
        y[i] = partial_sum


def eval_AtA_times_u(u, y, t, n):
    eval_A_times_u(u, t, n)
    eval_At_times_u(t, y, n)


def spectralnorm(n):
    u = [1] * n
    v = [0] * n
    t = [0] * n

    for dummy in range(10):
        eval_AtA_times_u(u, v, t, n)
        eval_AtA_times_u(v, u, t, n)

    vBv = vv = 0
    for i in range(n):
        ue = u[i]
        ve = v[i]
        vBv += ue * ve
        vv += ve * ve
    return sqrt(vBv / vv)


# Reference output (%0.9f) for each N.
EXPECTED = {
    50: "1.274193837", 100: "1.274219991", 150: "1.274222873",
    200: "1.274223601", 250: "1.274223867", 300: "1.274223986",
    400: "1.274224081", 500: "1.274224116", 1000: "1.274224148",
    5500: "1.274224153",
}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    if n not in EXPECTED:
        print("spectralnorm FAILED: no reference output for N = %d" % n, file=sys.stderr)
        sys.exit(1)
    got = "%0.9f" % spectralnorm(n)
    if got != EXPECTED[n]:
        print("spectralnorm FAILED: %s, want %s" % (got, EXPECTED[n]), file=sys.stderr)
        sys.exit(1)
    print("spectralnorm ok %s" % got)


main()
