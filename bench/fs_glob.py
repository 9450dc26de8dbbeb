# Finds every .txt file under a tree (args: its root).
import glob
import os
import sys

print(len(glob.glob(os.path.join(sys.argv[1], "**", "*.txt"), recursive=True)))
