# json.parse then json.dump of a big JSON file (args: the file).
let text = fs.read(args()[0])
let data = json.parse(text)
let out = json.dump(data)
print(len(data), len(out) == len(text))
