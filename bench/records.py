# Record field reads and writes in a loop. Arguments: iterations (default 1000000), and
# `class` to use a plain class instead of a dataclass.
import sys
from dataclasses import dataclass


@dataclass
class Point:
    x: int
    y: int = 0


class PlainPoint:
    def __init__(self, x, y=0):
        self.x = x
        self.y = y


def run(make, n):
    p = make(0, 1)
    i = 0
    while i < n:
        p.x = (p.x + p.y) % 1000003
        p.y = i
        i += 1
    return p.x


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    plain = len(sys.argv) > 2 and sys.argv[2] == "class"
    print(run(PlainPoint if plain else Point, n))
