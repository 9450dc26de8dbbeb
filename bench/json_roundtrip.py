# json.loads then json.dumps of a big JSON file (args: the file).
import json
import sys

with open(sys.argv[1]) as f:
    text = f.read()
data = json.loads(text)
out = json.dumps(data)
print(len(data), "true" if len(out) == len(text) else "false")
