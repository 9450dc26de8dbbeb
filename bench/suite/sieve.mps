# Are We Fast Yet: Sieve, for mpscript's benchmark suite (see bench/README.md).
# Written from benchmarks/Python/sieve.py and benchmark.py of
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

# class Sieve: no state, so its methods are plain functions.
fn benchmark() {
    let flags = [true] * 5000
    return sieve(flags, 5000)
}

fn sieve(flags, size) {
    let prime_count = 0

    for i in range(2, size + 1) {
        if flags[i - 1] {
            prime_count += 1
            let k = i + i
            while k <= size {
                flags[k - 1] = false
                k += i
            }
        }
    }

    return prime_count
}

fn verify_result(result) {
    return result == 669
}

# The harness's inner benchmark loop (Benchmark.inner_benchmark_loop), keeping the last result.
fn main() {
    let size = int(args()[0]) if len(args()) > 0 else 1000
    let result = nil
    for _ in range(size) {
        result = benchmark()
        if not verify_result(result) {
            eprint(f"sieve FAILED: result {result}")
            exit(1)
        }
    }
    print(f"sieve ok {result}")
}

main()
