# Are We Fast Yet: Towers, for mpscript's benchmark suite (see bench/README.md).
# Written from benchmarks/Python/towers.py and benchmark.py of
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

struct TowersDisk { size, next = nil }

# class Towers: a record with its fields, and its methods as functions taking it.
struct Towers { piles = nil, moves_done = 0 }

fn push_disk(self, disk, pile) {
    let top = self.piles[pile]

    if top != nil and disk.size >= top.size {
        throw "Cannot put a big disk on a smaller one"
    }

    disk.next = top
    self.piles[pile] = disk
}

fn pop_disk_from(self, pile) {
    let top = self.piles[pile]
    if top == nil {
        throw "Attempting to remove a disk from an empty pile"
    }

    self.piles[pile] = top.next
    top.next = nil
    return top
}

fn move_top_disk(self, from_pile, to_pile) {
    push_disk(self, pop_disk_from(self, from_pile), to_pile)
    self.moves_done += 1
}

fn build_tower_at(self, pile, disks) {
    for i in range(disks, -1, -1) {
        push_disk(self, TowersDisk(i), pile)
    }
}

fn move_disks(self, disks, from_pile, to_pile) {
    if disks == 1 {
        move_top_disk(self, from_pile, to_pile)
    } else {
        let other_pile = (3 - from_pile) - to_pile
        move_disks(self, disks - 1, from_pile, other_pile)
        move_top_disk(self, from_pile, to_pile)
        move_disks(self, disks - 1, other_pile, to_pile)
    }
}

fn benchmark(self) {
    self.piles = [nil, nil, nil]
    build_tower_at(self, 0, 13)
    self.moves_done = 0
    move_disks(self, 13, 0, 1)
    return self.moves_done
}

fn verify_result(self, result) {
    return result == 8191
}

# The harness's inner benchmark loop (Benchmark.inner_benchmark_loop), keeping the last result.
fn main() {
    let size = int(args()[0]) if len(args()) > 0 else 250
    let bench = Towers()
    let result = nil
    for _ in range(size) {
        result = benchmark(bench)
        if not verify_result(bench, result) {
            eprint(f"towers FAILED: result {result}")
            exit(1)
        }
    }
    print(f"towers ok {result}")
}

main()
