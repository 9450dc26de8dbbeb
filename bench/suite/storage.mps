# Are We Fast Yet: Storage, for mpscript's benchmark suite (see bench/README.md).
# Written from benchmarks/Python/storage.py, benchmark.py and som/random.py of
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

# class Storage: a record with its field, and its methods as functions taking it.
struct Storage { count = 0 }

fn benchmark(self) {
    let random = Random()
    self.count = 0
    build_tree_depth(self, 7, random)
    return self.count
}

fn build_tree_depth(self, depth, random) {
    self.count += 1
    if depth == 1 {
        return [nil] * (random_next(random) % 10 + 1)
    }

    let arr = [nil] * 4
    for i in range(4) {
        arr[i] = build_tree_depth(self, depth - 1, random)
    }
    return arr
}

fn verify_result(self, result) {
    return result == 5461
}

# The harness's inner benchmark loop (Benchmark.inner_benchmark_loop), keeping the last result.
fn main() {
    let size = int(args()[0]) if len(args()) > 0 else 250
    let bench = Storage()
    let result = nil
    for _ in range(size) {
        result = benchmark(bench)
        if not verify_result(bench, result) {
            eprint(f"storage FAILED: result {result}")
            exit(1)
        }
    }
    print(f"storage ok {result}")
}

main()
