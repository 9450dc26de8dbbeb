# fannkuch: the Computer Language Benchmarks Game's fannkuch-redux, single process.
# Sizes: see fannkuch.py (`# suite:` line); default 9.
#
# Port of fannkuchredux.lua ("fannkuch-redux Lua #1", contributed by Mike Pall); the same
# algorithm as fannkuchredux.python3-6.python3 ("fannkuch-redux Python 3 #6", contributed by
# Isaac Gouy, converted to Java by Oleg Mazurov, converted to Python by Buck Golemon, modified
# by Justin Peel), The Computer Language Benchmarks Game,
# https://benchmarksgame-team.pages.debian.net/benchmarksgame/
# (mirror: github.com/Byron/benchmarksgame-cvs-mirror, bench/fannkuchredux/).
# Revised BSD license; Copyright (c) 2004-2008 Brent Fulgham, 2005-2017 Isaac Gouy.
#
# Element loops as in the Lua program (mpscript has no slice assignment for Python #6's
# `perm[:k+1] = perm[k::-1]`), 0-based positions and values 0..n-1 as in fannkuch.py.
# Swaps go through a temporary: mpscript has no `a, b = b, a`.

fn fannkuch(n) {
    let p = range(n)
    let q = range(n)
    let s = [i + 1 for i in range(n)]
    let sign = 1
    let maxflips = 0
    let sum = 0
    while true {
        # Copy and flip.
        let q1 = p[0]                       # Cache 1st element.
        if q1 != 0 {
            for i in range(1, n) {          # Work on a copy.
                q[i] = p[i]
            }
            let flips = 1
            while true {
                let qq = q[q1]
                if qq == 0 {                # ... until 1st element is 0.
                    sum += sign * flips
                    if flips > maxflips {   # New maximum?
                        maxflips = flips
                    }
                    break
                }
                q[q1] = q1
                if q1 >= 3 {
                    let i = 1
                    let j = q1 - 1
                    while true {
                        let t = q[i]
                        q[i] = q[j]
                        q[j] = t
                        i += 1
                        j -= 1
                        if i >= j { break }
                    }
                }
                q1 = qq
                flips += 1
            }
        }
        # Permute.
        if sign == 1 {
            let t = p[1]                    # Rotate 0<-1.
            p[1] = p[0]
            p[0] = t
            sign = -1
        } else {
            let t = p[1]                    # Rotate 0<-1 and 0<-1<-2.
            p[1] = p[2]
            p[2] = t
            sign = 1
            for i in range(2, n) {
                let sx = s[i]
                if sx != 1 {
                    s[i] = sx - 1
                    break
                }
                if i == n - 1 {
                    return [sum, maxflips]  # Out of permutations.
                }
                s[i] = i + 1
                # Rotate 0<-...<-i+1.
                let t0 = p[0]
                for j in range(0, i + 1) {
                    p[j] = p[j + 1]
                }
                p[i + 1] = t0
            }
        }
    }
}

# Reference output [checksum, Pfannkuchen(n)] for each n.
let EXPECTED = {
    3: [2, 2], 4: [4, 4], 5: [11, 7], 6: [49, 10], 7: [228, 16],
    8: [1616, 22], 9: [8629, 30], 10: [73196, 38], 11: [556355, 51],
    12: [3968050, 65],
}

fn main() {
    let a = args()
    let n = int(a[0]) if len(a) > 0 else 9
    if n not in EXPECTED {
        eprint(f"fannkuch FAILED: no reference output for n = {n}")
        exit(1)
    }
    let [want_sum, want_flips] = EXPECTED[n]
    let [sum, flips] = fannkuch(n)
    if sum != want_sum or flips != want_flips {
        eprint(f"fannkuch FAILED: checksum {sum}, max flips {flips}; want {want_sum}, {want_flips}")
        exit(1)
    }
    print(f"fannkuch ok {sum}/{flips}")
}

main()
