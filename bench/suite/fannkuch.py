# fannkuch: the Computer Language Benchmarks Game's fannkuch-redux, single process.
# suite: size=9 quick=8
#
# Source: fannkuchredux.lua ("fannkuch-redux Lua #1", contributed by Mike Pall) and
# fannkuchredux.python3-6.python3 ("fannkuch-redux Python 3 #6", contributed by Isaac Gouy,
# converted to Java by Oleg Mazurov, converted to Python by Buck Golemon, modified by Justin
# Peel), The Computer Language Benchmarks Game,
# https://benchmarksgame-team.pages.debian.net/benchmarksgame/
# (mirror: github.com/Byron/benchmarksgame-cvs-mirror, bench/fannkuchredux/).
# Revised BSD license; Copyright (c) 2004-2008 Brent Fulgham, 2005-2017 Isaac Gouy.
#
# Both references walk the permutations in the same order (Oleg Mazurov's counter scheme);
# Python #6 flips and rotates with slice assignments (`perm[:k+1] = perm[k::-1]`), which
# mpscript does not have, so all three suite versions follow the Lua program's element loops
# (here with 0-based positions and values 0..n-1). The checksum and the maximum flip count
# are compared with the reference output for n and printed as CHECKSUM/MAXFLIPS.
import sys


def fannkuch(n):
    p = list(range(n))
    q = list(range(n))
    s = [i + 1 for i in range(n)]
    sign = 1
    maxflips = 0
    sum = 0
    while True:
        # Copy and flip.
        q1 = p[0]  # Cache 1st element.
        if q1 != 0:
            for i in range(1, n):  # Work on a copy.
                q[i] = p[i]
            flips = 1
            while True:
                qq = q[q1]
                if qq == 0:  # ... until 1st element is 0.
                    sum += sign * flips
                    if flips > maxflips:  # New maximum?
                        maxflips = flips
                    break
                q[q1] = q1
                if q1 >= 3:
                    i = 1
                    j = q1 - 1
                    while True:
                        q[i], q[j] = q[j], q[i]
                        i += 1
                        j -= 1
                        if i >= j:
                            break
                q1 = qq
                flips += 1
        # Permute.
        if sign == 1:
            p[1], p[0] = p[0], p[1]  # Rotate 0<-1.
            sign = -1
        else:
            p[1], p[2] = p[2], p[1]  # Rotate 0<-1 and 0<-1<-2.
            sign = 1
            for i in range(2, n):
                sx = s[i]
                if sx != 1:
                    s[i] = sx - 1
                    break
                if i == n - 1:
                    return sum, maxflips  # Out of permutations.
                s[i] = i + 1
                # Rotate 0<-...<-i+1.
                t = p[0]
                for j in range(0, i + 1):
                    p[j] = p[j + 1]
                p[i + 1] = t


# Reference output (checksum, Pfannkuchen(n)) for each n.
EXPECTED = {
    3: (2, 2), 4: (4, 4), 5: (11, 7), 6: (49, 10), 7: (228, 16),
    8: (1616, 22), 9: (8629, 30), 10: (73196, 38), 11: (556355, 51),
    12: (3968050, 65),
}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    if n not in EXPECTED:
        print("fannkuch FAILED: no reference output for n = %d" % n, file=sys.stderr)
        sys.exit(1)
    want_sum, want_flips = EXPECTED[n]
    sum, flips = fannkuch(n)
    if sum != want_sum or flips != want_flips:
        print("fannkuch FAILED: checksum %d, max flips %d; want %d, %d"
              % (sum, flips, want_sum, want_flips), file=sys.stderr)
        sys.exit(1)
    print("fannkuch ok %d/%d" % (sum, flips))


main()
