# binarytrees: the Computer Language Benchmarks Game's binary-trees, single process.
# suite: size=14 quick=10
#
# Source: binarytrees.python3-2.python3 ("binary-trees Python 3 #2"), The Computer Language
# Benchmarks Game, https://benchmarksgame-team.pages.debian.net/benchmarksgame/
# (mirror: github.com/Byron/benchmarksgame-cvs-mirror, bench/binarytrees/).
# Contributed by Antoine Pitrou, modified by Dominique Wahli and Heinrich Acker.
# Revised BSD license; Copyright (c) 2004-2008 Brent Fulgham, 2005-2017 Isaac Gouy.
#
# As in the reference, a node is a tuple (left, right); a leaf is (None, None).
# Changes for the suite: the report lines are collected instead of printed and compared with
# the reference output for N (every check value follows from N: a tree of depth d has
# 2**(d+1) - 1 nodes); the one printed line carries the sum of the check values.
import sys


def make_tree(depth):
    if not depth:
        return None, None
    depth -= 1
    return make_tree(depth), make_tree(depth)


def check_tree(node):
    (left, right) = node
    if not left:
        return 1
    return 1 + check_tree(left) + check_tree(right)


def binarytrees(n):
    out = []
    min_depth = 4
    max_depth = max(min_depth + 2, n)
    stretch_depth = max_depth + 1

    out.append("stretch tree of depth %d\t check: %d"
               % (stretch_depth, check_tree(make_tree(stretch_depth))))

    long_lived_tree = make_tree(max_depth)

    iterations = 2 ** max_depth
    for depth in range(min_depth, stretch_depth, 2):
        check = 0
        for i in range(1, iterations + 1):
            check += check_tree(make_tree(depth))
        out.append("%d\t trees of depth %d\t check: %d" % (iterations, depth, check))
        iterations //= 4

    out.append("long lived tree of depth %d\t check: %d"
               % (max_depth, check_tree(long_lived_tree)))
    return out


def expected_output(n):
    """The reference output for N (bench/binarytrees/N_out), from the node counts."""
    min_depth = 4
    max_depth = max(min_depth + 2, n)
    stretch_depth = max_depth + 1
    out = ["stretch tree of depth %d\t check: %d" % (stretch_depth, 2 ** (stretch_depth + 1) - 1)]
    iterations = 2 ** max_depth
    for depth in range(min_depth, stretch_depth, 2):
        out.append("%d\t trees of depth %d\t check: %d"
                   % (iterations, depth, iterations * (2 ** (depth + 1) - 1)))
        iterations //= 4
    out.append("long lived tree of depth %d\t check: %d" % (max_depth, 2 ** (max_depth + 1) - 1))
    return out


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 14
    out = binarytrees(n)
    want = expected_output(n)
    if out != want:
        for got_line, want_line in zip(out, want):
            if got_line != want_line:
                print("binarytrees FAILED: got %r, want %r" % (got_line, want_line), file=sys.stderr)
                break
        else:
            print("binarytrees FAILED: %d lines, want %d" % (len(out), len(want)), file=sys.stderr)
        sys.exit(1)
    total = 0
    for line in out:
        total += int(line.split()[-1])
    print("binarytrees ok %d" % total)


main()
