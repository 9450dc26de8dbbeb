# Are We Fast Yet: List, for mpscript's benchmark suite (see bench/README.md).
# Written from benchmarks/Python/list.py and benchmark.py of
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

# class Element: a record, and its method `length` as a function taking it.
struct Element { val, next = nil }

fn element_length(self) {
    if self.next == nil {
        return 1
    }
    return 1 + element_length(self.next)
}

# class List: no state, so its methods are plain functions.
fn benchmark() {
    let result = tail(make_list(15), make_list(10), make_list(6))
    return element_length(result)
}

fn make_list(length) {
    if length == 0 {
        return nil
    }

    let e = Element(length)
    e.next = make_list(length - 1)
    return e
}

fn is_shorter_than(x, y) {
    let x_tail = x
    let y_tail = y

    while y_tail != nil {
        if x_tail == nil {
            return true
        }

        x_tail = x_tail.next
        y_tail = y_tail.next
    }

    return false
}

fn tail(x, y, z) {
    if is_shorter_than(y, x) {
        return tail(
            tail(x.next, y, z),
            tail(y.next, z, x),
            tail(z.next, x, y),
        )
    }
    return z
}

fn verify_result(result) {
    return result == 10
}

# The harness's inner benchmark loop (Benchmark.inner_benchmark_loop), keeping the last result.
fn main() {
    let size = int(args()[0]) if len(args()) > 0 else 800
    let result = nil
    for _ in range(size) {
        result = benchmark()
        if not verify_result(result) {
            eprint(f"list FAILED: result {result}")
            exit(1)
        }
    }
    print(f"list ok {result}")
}

main()
