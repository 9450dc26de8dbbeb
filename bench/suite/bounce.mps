# Are We Fast Yet: Bounce, for mpscript's benchmark suite (see bench/README.md).
# Written from benchmarks/Python/bounce.py, benchmark.py and som/random.py of
# https://github.com/smarr/are-we-fast-yet (commit 50e34b1), whose header follows.
#
# This code is based on the SOM class library.
#
# Copyright (c) 2001-2021 see AUTHORS.md file
#
# Permission is hereby granted, free of charge, to any person obtaining a copy
# of this software and associated documentation files (the 'Software'), to deal
# in the Software without restriction, including without limitation the rights
# to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
# copies of the Software, and to permit persons to whom the Software is
# furnished to do so, subject to the following conditions:
#
# The above copyright notice and this permission notice shall be included in
# all copies or substantial portions of the Software.
#
# THE SOFTWARE IS PROVIDED 'AS IS', WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
# IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
# FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
# AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
# LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
# OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
# THE SOFTWARE.

# som/random.py's class Random
struct Random { seed = 74755 }

fn random_next(self) {
    self.seed = ((self.seed * 1309) + 13849) & 65535

    return self.seed
}

# class Ball: a record, its constructor `new_ball`, its method `bounce` as `ball_bounce`.
struct Ball { x, y, x_vel, y_vel }

fn new_ball(random) {
    let x = random_next(random) % 500
    let y = random_next(random) % 500
    let x_vel = (random_next(random) % 300) - 150
    let y_vel = (random_next(random) % 300) - 150
    return Ball(x, y, x_vel, y_vel)
}

fn ball_bounce(self) {
    let x_limit = 500
    let y_limit = 500
    let bounced = false

    self.x += self.x_vel
    self.y += self.y_vel

    if self.x > x_limit {
        self.x = x_limit
        self.x_vel = -abs(self.x_vel)
        bounced = true
    }

    if self.x < 0 {
        self.x = 0
        self.x_vel = abs(self.x_vel)
        bounced = true
    }

    if self.y > y_limit {
        self.y = y_limit
        self.y_vel = -abs(self.y_vel)
        bounced = true
    }

    if self.y < 0 {
        self.y = 0
        self.y_vel = abs(self.y_vel)
        bounced = true
    }

    return bounced
}

# class Bounce: no state, so its methods are plain functions.
fn benchmark() {
    let random = Random()

    let ball_count = 100
    let bounces = 0
    let balls = [nil] * ball_count

    for i in range(ball_count) {
        balls[i] = new_ball(random)
    }

    for i in range(50) {
        for ball in balls {
            if ball_bounce(ball) {
                bounces += 1
            }
        }
    }

    return bounces
}

fn verify_result(result) {
    return result == 1331
}

# The harness's inner benchmark loop (Benchmark.inner_benchmark_loop), keeping the last result.
fn main() {
    let size = int(args()[0]) if len(args()) > 0 else 700
    let result = nil
    for _ in range(size) {
        result = benchmark()
        if not verify_result(result) {
            eprint(f"bounce FAILED: result {result}")
            exit(1)
        }
    }
    print(f"bounce ok {result}")
}

main()
