# nbodygame: the Computer Language Benchmarks Game's n-body, single process.
# Sizes: see nbodygame.py (`# suite:` line); default 100000.
#
# Port of nbody.lua ("n-body Lua #1", contributed by Mike Pall), with the bodies' data as in
# nbody.python3-2.python3 ("n-body Python 3 #2": originally by Kevin Carson, modified by
# Tupteq, Fredrik Johansson, and Daniel Nanz, modified by Maciej Fijalkowski, 2to3, modified
# by Andriy Misyura), The Computer Language Benchmarks Game,
# https://benchmarksgame-team.pages.debian.net/benchmarksgame/
# (mirror: github.com/Byron/benchmarksgame-cvs-mirror, bench/nbody/).
# Revised BSD license; Copyright (c) 2004-2008 Brent Fulgham, 2005-2017 Isaac Gouy.
#
# A body is a record `Body { x, y, z, vx, vy, vz, mass }` (the Lua program's table with
# named fields). The energies before and after N steps, formatted %.9f as the reference
# prints them, are compared with the reference output for N; the printed line carries the
# final energy. mpscript has no `a, b = c, d`: each local gets its own `let`.

struct Body { x, y, z, vx, vy, vz, mass }

let PI = 3.141592653589793
let SOLAR_MASS = 4 * PI * PI
let DAYS_PER_YEAR = 365.24

fn make_bodies() {
    return [
        # Sun
        Body(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, SOLAR_MASS),
        # Jupiter
        Body(4.84143144246472090e+00,
             -1.16032004402742839e+00,
             -1.03622044471123109e-01,
             1.66007664274403694e-03 * DAYS_PER_YEAR,
             7.69901118419740425e-03 * DAYS_PER_YEAR,
             -6.90460016972063023e-05 * DAYS_PER_YEAR,
             9.54791938424326609e-04 * SOLAR_MASS),
        # Saturn
        Body(8.34336671824457987e+00,
             4.12479856412430479e+00,
             -4.03523417114321381e-01,
             -2.76742510726862411e-03 * DAYS_PER_YEAR,
             4.99852801234917238e-03 * DAYS_PER_YEAR,
             2.30417297573763929e-05 * DAYS_PER_YEAR,
             2.85885980666130812e-04 * SOLAR_MASS),
        # Uranus
        Body(1.28943695621391310e+01,
             -1.51111514016986312e+01,
             -2.23307578892655734e-01,
             2.96460137564761618e-03 * DAYS_PER_YEAR,
             2.37847173959480950e-03 * DAYS_PER_YEAR,
             -2.96589568540237556e-05 * DAYS_PER_YEAR,
             4.36624404335156298e-05 * SOLAR_MASS),
        # Neptune
        Body(1.53796971148509165e+01,
             -2.59193146099879641e+01,
             1.79258772950371181e-01,
             2.68067772490389322e-03 * DAYS_PER_YEAR,
             1.62824170038242295e-03 * DAYS_PER_YEAR,
             -9.51592254519715870e-05 * DAYS_PER_YEAR,
             5.15138902046611451e-05 * SOLAR_MASS),
    ]
}

fn advance(bodies, nbody, dt) {
    for i in range(nbody) {
        let bi = bodies[i]
        let bix = bi.x
        let biy = bi.y
        let biz = bi.z
        let bimass = bi.mass
        let bivx = bi.vx
        let bivy = bi.vy
        let bivz = bi.vz
        for j in range(i + 1, nbody) {
            let bj = bodies[j]
            let dx = bix - bj.x
            let dy = biy - bj.y
            let dz = biz - bj.z
            let distance = math.sqrt(dx * dx + dy * dy + dz * dz)
            let mag = dt / (distance * distance * distance)
            let bim = bimass * mag
            let bjm = bj.mass * mag
            bivx = bivx - (dx * bjm)
            bivy = bivy - (dy * bjm)
            bivz = bivz - (dz * bjm)
            bj.vx = bj.vx + (dx * bim)
            bj.vy = bj.vy + (dy * bim)
            bj.vz = bj.vz + (dz * bim)
        }
        bi.vx = bivx
        bi.vy = bivy
        bi.vz = bivz
    }
    for i in range(nbody) {
        let bi = bodies[i]
        bi.x = bi.x + (dt * bi.vx)
        bi.y = bi.y + (dt * bi.vy)
        bi.z = bi.z + (dt * bi.vz)
    }
}

fn energy(bodies, nbody) {
    let e = 0
    for i in range(nbody) {
        let bi = bodies[i]
        let vx = bi.vx
        let vy = bi.vy
        let vz = bi.vz
        let bim = bi.mass
        e = e + (0.5 * bim * (vx * vx + vy * vy + vz * vz))
        for j in range(i + 1, nbody) {
            let bj = bodies[j]
            let dx = bi.x - bj.x
            let dy = bi.y - bj.y
            let dz = bi.z - bj.z
            let distance = math.sqrt(dx * dx + dy * dy + dz * dz)
            e = e - ((bim * bj.mass) / distance)
        }
    }
    return e
}

fn offset_momentum(b, nbody) {
    let px = 0
    let py = 0
    let pz = 0
    for i in range(nbody) {
        let bi = b[i]
        let bim = bi.mass
        px = px + (bi.vx * bim)
        py = py + (bi.vy * bim)
        pz = pz + (bi.vz * bim)
    }
    b[0].vx = -px / SOLAR_MASS
    b[0].vy = -py / SOLAR_MASS
    b[0].vz = -pz / SOLAR_MASS
}

# Reference output (%.9f, the energy after N steps) for each N; before: -0.169075164.
let START = "-0.169075164"
let EXPECTED = {
    1000: "-0.169087605", 10000: "-0.169016441", 20000: "-0.169089263",
    50000: "-0.169078071", 100000: "-0.169079859", 200000: "-0.169083713",
    500000: "-0.169096567", 1000000: "-0.169086185", 50000000: "-0.169059907",
}

fn main() {
    let a = args()
    let n = int(a[0]) if len(a) > 0 else 100000
    if n not in EXPECTED {
        eprint(f"nbodygame FAILED: no reference output for N = {n}")
        exit(1)
    }
    let bodies = make_bodies()
    let nbody = len(bodies)
    offset_momentum(bodies, nbody)
    let before = f"{energy(bodies, nbody):.9f}"
    for i in range(n) {
        advance(bodies, nbody, 0.01)
    }
    let after = f"{energy(bodies, nbody):.9f}"
    if before != START or after != EXPECTED[n] {
        eprint(f"nbodygame FAILED: energy {before} then {after}, want {START} then {EXPECTED[n]}")
        exit(1)
    }
    print(f"nbodygame ok {after}")
}

main()
