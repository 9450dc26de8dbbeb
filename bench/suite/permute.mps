# Are We Fast Yet: Permute, for mpscript's benchmark suite (see bench/README.md).
# Written from benchmarks/Python/permute.py and benchmark.py of
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

# class Permute: a record with its fields, and its methods as functions taking it.
struct Permute { count = 0, v = nil }

fn benchmark(self) {
    self.count = 0
    self.v = [0] * 6
    permute(self, 6)

    return self.count
}

fn permute(self, n) {
    self.count += 1
    if n != 0 {
        let n1 = n - 1
        permute(self, n1)
        for i in range(n1, -1, -1) {
            swap(self, n1, i)
            permute(self, n1)
            swap(self, n1, i)
        }
    }
}

fn swap(self, i, j) {
    let tmp = self.v[i]
    self.v[i] = self.v[j]
    self.v[j] = tmp
}

fn verify_result(self, result) {
    return result == 8660
}

# The harness's inner benchmark loop (Benchmark.inner_benchmark_loop), keeping the last result.
fn main() {
    let size = int(args()[0]) if len(args()) > 0 else 350
    let bench = Permute()
    let result = nil
    for _ in range(size) {
        result = benchmark(bench)
        if not verify_result(bench, result) {
            eprint(f"permute FAILED: result {result}")
            exit(1)
        }
    }
    print(f"permute ok {result}")
}

main()
