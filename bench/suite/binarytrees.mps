# binarytrees: the Computer Language Benchmarks Game's binary-trees, single process.
# Sizes: see binarytrees.py (`# suite:` line); default 14.
#
# Port of binarytrees.python3-2.python3 ("binary-trees Python 3 #2") and binarytrees.lua-2.lua
# ("binary-trees Lua #2"), The Computer Language Benchmarks Game,
# https://benchmarksgame-team.pages.debian.net/benchmarksgame/
# (mirror: github.com/Byron/benchmarksgame-cvs-mirror, bench/binarytrees/).
# Python by Antoine Pitrou, modified by Dominique Wahli and Heinrich Acker; Lua by Mike Pall.
# Revised BSD license; Copyright (c) 2004-2008 Brent Fulgham, 2005-2017 Isaac Gouy.
#
# A node is a record `Node { left, right }`; a leaf has both nil (the Python reference's
# (None, None) tuple, the Lua reference's empty table). The report lines are collected and
# compared with the reference output for N; the printed line carries the sum of the checks.

struct Node { left, right }

fn make_tree(depth) {
    if not depth { return Node(nil, nil) }
    depth -= 1
    return Node(make_tree(depth), make_tree(depth))
}

fn check_tree(node) {
    let left = node.left
    if not left { return 1 }
    return 1 + check_tree(left) + check_tree(node.right)
}

fn binarytrees(n) {
    let out = []
    let min_depth = 4
    let max_depth = max(min_depth + 2, n)
    let stretch_depth = max_depth + 1

    out.push(f"stretch tree of depth {stretch_depth}\t check: {check_tree(make_tree(stretch_depth))}")

    let long_lived_tree = make_tree(max_depth)

    let iterations = 2 ** max_depth
    for depth in range(min_depth, stretch_depth, 2) {
        let check = 0
        for i in range(1, iterations + 1) {
            check += check_tree(make_tree(depth))
        }
        out.push(f"{iterations}\t trees of depth {depth}\t check: {check}")
        iterations = iterations // 4    # mpscript has no `//=`
    }

    out.push(f"long lived tree of depth {max_depth}\t check: {check_tree(long_lived_tree)}")
    return out
}

# The reference output for N (bench/binarytrees/N_out), from the node counts: a tree of
# depth d has 2 ** (d + 1) - 1 nodes.
fn expected_output(n) {
    let min_depth = 4
    let max_depth = max(min_depth + 2, n)
    let stretch_depth = max_depth + 1
    let out = [f"stretch tree of depth {stretch_depth}\t check: {2 ** (stretch_depth + 1) - 1}"]
    let iterations = 2 ** max_depth
    for depth in range(min_depth, stretch_depth, 2) {
        out.push(f"{iterations}\t trees of depth {depth}\t check: {iterations * (2 ** (depth + 1) - 1)}")
        iterations = iterations // 4    # mpscript has no `//=`
    }
    out.push(f"long lived tree of depth {max_depth}\t check: {2 ** (max_depth + 1) - 1}")
    return out
}

fn main() {
    let a = args()
    let n = int(a[0]) if len(a) > 0 else 14
    let out = binarytrees(n)
    let want = expected_output(n)
    if out != want {
        if len(out) != len(want) {
            eprint(f"binarytrees FAILED: {len(out)} lines, want {len(want)}")
        } else {
            for i in range(len(out)) {
                if out[i] != want[i] {
                    eprint(f"binarytrees FAILED: got {repr(out[i])}, want {repr(want[i])}")
                    break
                }
            }
        }
        exit(1)
    }
    let total = 0
    for line in out {
        total += int(line.split()[-1])
    }
    print(f"binarytrees ok {total}")
}

main()
