# Are We Fast Yet: Storage, for mpscript's benchmark suite (see bench/README.md).
# Ported from benchmarks/Python/storage.py, benchmark.py and som/random.py of
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
#
# suite: size=250 quick=15
import sys


# som/random.py
class Random:
    def __init__(self):
        self._seed = 74755

    def next(self):
        self._seed = ((self._seed * 1309) + 13849) & 65535

        return self._seed


class Storage:
    def __init__(self):
        self._count = 0

    def benchmark(self):
        random = Random()
        self._count = 0
        self._build_tree_depth(7, random)
        return self._count

    def _build_tree_depth(self, depth, random):
        self._count += 1
        if depth == 1:
            return [None] * (random.next() % 10 + 1)

        arr = [None] * 4
        for i in range(4):
            arr[i] = self._build_tree_depth(depth - 1, random)
        return arr

    def verify_result(self, result):
        return result == 5461


# The harness's inner benchmark loop (Benchmark.inner_benchmark_loop), keeping the last result.
def main():
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 250
    bench = Storage()
    result = None
    for _ in range(size):
        result = bench.benchmark()
        if not bench.verify_result(result):
            print(f"storage FAILED: result {result}", file=sys.stderr)
            sys.exit(1)
    print(f"storage ok {result}")


if __name__ == "__main__":
    main()
