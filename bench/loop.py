# Arithmetic while loop: interpreter dispatch. Argument: iterations (default 3000000).
import sys

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000000
    s = 0
    i = 0
    while i < n:
        s = (s + i * 7) % 1000003
        i += 1
    print(s)
