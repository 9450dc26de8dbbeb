# spectralnorm: the Computer Language Benchmarks Game's spectral-norm, single process.
# Sizes: see spectralnorm.py (`# suite:` line); default 300.
#
# Port of spectralnorm.lua ("spectral-norm Lua #1", contributed by Mike Pall) and
# spectralnorm.python3-5.python3 ("spectral-norm Python 3 #5": contributed by Sebastien
# Loisel, fixed by Isaac Gouy, sped up by Josh Goldfoot, dirtily sped up by Simon
# Descarpentries, concurrency by Jason Stitt), The Computer Language Benchmarks Game,
# https://benchmarksgame-team.pages.debian.net/benchmarksgame/
# (mirror: github.com/Byron/benchmarksgame-cvs-mirror, bench/spectralnorm/).
# Revised BSD license; Copyright (c) 2004-2008 Brent Fulgham, 2005-2017 Isaac Gouy.
#
# Laid out as spectralnorm.py: the Lua program's Av / Atv / AtAv over preallocated vectors,
# Python #5's eval_A (0-based) and partial-sum loops, single process. The result, formatted
# %0.9f as the reference prints it, is compared with the reference output for N.

fn eval_a(i, j) {
    let ij = i + j
    return 1.0 / (ij * (ij + 1) / 2 + i + 1)
}

fn eval_a_times_u(u, y, n) {
    for i in range(n) {
        let partial_sum = 0
        for j in range(n) {
            partial_sum += u[j] * eval_a(i, j)
        }
        y[i] = partial_sum
    }
}

fn eval_at_times_u(u, y, n) {
    for i in range(n) {
        let partial_sum = 0
        for j in range(n) {
            partial_sum += u[j] * eval_a(j, i)
        }
        y[i] = partial_sum
    }
}

fn eval_ata_times_u(u, y, t, n) {
    eval_a_times_u(u, t, n)
    eval_at_times_u(t, y, n)
}

fn spectralnorm(n) {
    let u = [1] * n
    let v = [0] * n
    let t = [0] * n

    for dummy in range(10) {
        eval_ata_times_u(u, v, t, n)
        eval_ata_times_u(v, u, t, n)
    }

    let vbv = 0
    let vv = 0
    for i in range(n) {
        let ue = u[i]
        let ve = v[i]
        vbv += ue * ve
        vv += ve * ve
    }
    return math.sqrt(vbv / vv)
}

# Reference output (%0.9f) for each N.
let EXPECTED = {
    50: "1.274193837", 100: "1.274219991", 150: "1.274222873",
    200: "1.274223601", 250: "1.274223867", 300: "1.274223986",
    400: "1.274224081", 500: "1.274224116", 1000: "1.274224148",
    5500: "1.274224153",
}

fn main() {
    let a = args()
    let n = int(a[0]) if len(a) > 0 else 300
    if n not in EXPECTED {
        eprint(f"spectralnorm FAILED: no reference output for N = {n}")
        exit(1)
    }
    let got = f"{spectralnorm(n):.9f}"
    if got != EXPECTED[n] {
        eprint(f"spectralnorm FAILED: {got}, want {EXPECTED[n]}")
        exit(1)
    }
    print(f"spectralnorm ok {got}")
}

main()
