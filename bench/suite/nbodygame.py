# nbodygame: the Computer Language Benchmarks Game's n-body, single process.
# suite: size=100000 quick=10000
#
# Source: nbody.python3-2.python3 ("n-body Python 3 #2": originally by Kevin Carson, modified
# by Tupteq, Fredrik Johansson, and Daniel Nanz, modified by Maciej Fijalkowski, 2to3,
# modified by Andriy Misyura), The Computer Language Benchmarks Game,
# https://benchmarksgame-team.pages.debian.net/benchmarksgame/
# (mirror: github.com/Byron/benchmarksgame-cvs-mirror, bench/nbody/).
# Revised BSD license; Copyright (c) 2004-2008 Brent Fulgham, 2005-2017 Isaac Gouy.
#
# As in the reference, a body is a tuple ([x, y, z], [vx, vy, vz], mass) and the pairs are
# listed once; the step computes sqrt(d2) and dt / d^3 as the Lua program does (Python #1
# uses d2 ** -1.5). Changes for the suite: the energies before and after N steps, formatted
# %.9f as the reference prints them, are returned instead of printed and compared with the
# reference output for N; the printed line carries the final energy.
import sys
from math import sqrt


def combinations(l):
    result = []
    for x in range(len(l) - 1):
        ls = l[x + 1:]
        for y in ls:
            result.append((l[x][0], l[x][1], l[x][2], y[0], y[1], y[2]))
    return result


PI = 3.14159265358979323
SOLAR_MASS = 4 * PI * PI
DAYS_PER_YEAR = 365.24


def make_bodies():
    return {
        'sun': ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0], SOLAR_MASS),

        'jupiter': ([4.84143144246472090e+00,
                     -1.16032004402742839e+00,
                     -1.03622044471123109e-01],
                    [1.66007664274403694e-03 * DAYS_PER_YEAR,
                     7.69901118419740425e-03 * DAYS_PER_YEAR,
                     -6.90460016972063023e-05 * DAYS_PER_YEAR],
                    9.54791938424326609e-04 * SOLAR_MASS),

        'saturn': ([8.34336671824457987e+00,
                    4.12479856412430479e+00,
                    -4.03523417114321381e-01],
                   [-2.76742510726862411e-03 * DAYS_PER_YEAR,
                    4.99852801234917238e-03 * DAYS_PER_YEAR,
                    2.30417297573763929e-05 * DAYS_PER_YEAR],
                   2.85885980666130812e-04 * SOLAR_MASS),

        'uranus': ([1.28943695621391310e+01,
                    -1.51111514016986312e+01,
                    -2.23307578892655734e-01],
                   [2.96460137564761618e-03 * DAYS_PER_YEAR,
                    2.37847173959480950e-03 * DAYS_PER_YEAR,
                    -2.96589568540237556e-05 * DAYS_PER_YEAR],
                   4.36624404335156298e-05 * SOLAR_MASS),

        'neptune': ([1.53796971148509165e+01,
                     -2.59193146099879641e+01,
                     1.79258772950371181e-01],
                    [2.68067772490389322e-03 * DAYS_PER_YEAR,
                     1.62824170038242295e-03 * DAYS_PER_YEAR,
                     -9.51592254519715870e-05 * DAYS_PER_YEAR],
                    5.15138902046611451e-05 * SOLAR_MASS)}


def advance(dt, n, bodies, pairs):
    for i in range(n):
        for ([x1, y1, z1], v1, m1, [x2, y2, z2], v2, m2) in pairs:
            dx = x1 - x2
            dy = y1 - y2
            dz = z1 - z2
            dist = sqrt(dx * dx + dy * dy + dz * dz)
            mag = dt / (dist * dist * dist)
            b1m = m1 * mag
            b2m = m2 * mag
            v1[0] -= dx * b2m
            v1[1] -= dy * b2m
            v1[2] -= dz * b2m
            v2[2] += dz * b1m
            v2[1] += dy * b1m
            v2[0] += dx * b1m
        for (r, [vx, vy, vz], m) in bodies:
            r[0] += dt * vx
            r[1] += dt * vy
            r[2] += dt * vz


def report_energy(bodies, pairs, e=0.0):
    for ((x1, y1, z1), v1, m1, (x2, y2, z2), v2, m2) in pairs:
        dx = x1 - x2
        dy = y1 - y2
        dz = z1 - z2
        e -= (m1 * m2) / ((dx * dx + dy * dy + dz * dz) ** 0.5)
    for (r, [vx, vy, vz], m) in bodies:
        e += m * (vx * vx + vy * vy + vz * vz) / 2.
    return "%.9f" % e


def offset_momentum(ref, bodies, px=0.0, py=0.0, pz=0.0):
    for (r, [vx, vy, vz], m) in bodies:
        px -= vx * m
        py -= vy * m
        pz -= vz * m
    (r, v, m) = ref
    v[0] = px / m
    v[1] = py / m
    v[2] = pz / m


def nbody(n, ref='sun'):
    bodies = make_bodies()
    system = tuple(bodies.values())
    pairs = tuple(combinations(system))
    offset_momentum(bodies[ref], system)
    before = report_energy(system, pairs)
    advance(0.01, n, system, pairs)
    after = report_energy(system, pairs)
    return before, after


# Reference output (%.9f, the energy after N steps) for each N; before: -0.169075164.
START = "-0.169075164"
EXPECTED = {
    1000: "-0.169087605", 10000: "-0.169016441", 20000: "-0.169089263",
    50000: "-0.169078071", 100000: "-0.169079859", 200000: "-0.169083713",
    500000: "-0.169096567", 1000000: "-0.169086185", 50000000: "-0.169059907",
}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    if n not in EXPECTED:
        print("nbodygame FAILED: no reference output for N = %d" % n, file=sys.stderr)
        sys.exit(1)
    before, after = nbody(n)
    if before != START or after != EXPECTED[n]:
        print("nbodygame FAILED: energy %s then %s, want %s then %s"
              % (before, after, START, EXPECTED[n]), file=sys.stderr)
        sys.exit(1)
    print("nbodygame ok %s" % after)


main()
