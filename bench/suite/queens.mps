# Are We Fast Yet: Queens, for mpscript's benchmark suite (see bench/README.md).
# Written from benchmarks/Python/queens.py and benchmark.py of
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

# class Queens: a record with its fields, and its methods as functions taking it.
struct Queens { free_maxs = nil, free_rows = nil, free_mins = nil, queen_rows = nil }

fn benchmark(self) {
    let result = true
    for _ in range(10) {
        result = result and queens(self)
    }
    return result
}

fn verify_result(self, result) {
    return result
}

fn queens(self) {
    self.free_rows = [true] * 8
    self.free_maxs = [true] * 16
    self.free_mins = [true] * 16
    self.queen_rows = [-1] * 8

    return place_queen(self, 0)
}

fn place_queen(self, c) {
    for r in range(8) {
        if get_row_column(self, r, c) {
            self.queen_rows[r] = c
            set_row_column(self, r, c, false)

            if c == 7 {
                return true
            }
            if place_queen(self, c + 1) {
                return true
            }

            set_row_column(self, r, c, true)
        }
    }
    return false
}

fn get_row_column(self, r, c) {
    return self.free_rows[r] and self.free_maxs[c + r] and self.free_mins[c - r + 7]
}

fn set_row_column(self, r, c, v) {
    self.free_rows[r] = v
    self.free_maxs[c + r] = v
    self.free_mins[c - r + 7] = v
}

# The harness's inner benchmark loop (Benchmark.inner_benchmark_loop), keeping the last result.
fn main() {
    let size = int(args()[0]) if len(args()) > 0 else 600
    let bench = Queens()
    let result = nil
    for _ in range(size) {
        result = benchmark(bench)
        if not verify_result(bench, result) {
            eprint(f"queens FAILED: result {result}")
            exit(1)
        }
    }
    print(f"queens ok {result}")
}

main()
