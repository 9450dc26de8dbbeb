# examples/config_fanout.mps — read a JSON config and a folder of inputs, fan the files out to
# a pool, write a JSON report.
#   mpscript examples/config_fanout.mps [CONFIG] [REPORT]
# CONFIG defaults to examples/data/fanout.json; its "inputs" folder is relative to it. The
# report goes to REPORT, or into a temporary folder removed when the script ends.
let a = args()
let config_path = a[0] if len(a) > 0 else "examples/data/fanout.json"
let config = json.parse(fs.read(config_path))
let folder = fs.join(fs.dirname(config_path), config["inputs"])
let files = fs.glob(fs.join(folder, config["pattern"]))

fn count_words(path) {
    let counts = {}
    for line in fs.lines(path) {
        for word in line.split() {
            counts[word] = counts.get(word, 0) + 1
        }
    }
    return {"file": fs.basename(path), "lines": len(fs.lines(path)), "counts": counts}
}

let p = pool(config["workers"])
let results = [apply_async p, count_words(f) for f in files]
close p
join p

let totals = {}
let per_file = []
for r in results {
    let one = r.get()
    for word, n in items(one["counts"]) {
        totals[word] = totals.get(word, 0) + n
    }
    per_file.push({"file": one["file"], "lines": one["lines"]})
}
let top = sorted(items(totals), key = fn(pair) { return [-pair[1], pair[0]] })[:config["top"]]
let report = {"files": per_file, "words": sum(values(totals)), "top": top}

let report_path = a[1] if len(a) > 1 else fs.join(fs.tempdir(), "report.json")
fs.write(report_path, json.dump(report, indent = 2))
print(f"{len(files)} files, {report["words"]} words; top {config["top"]}:")
for [word, n] in top {
    print(f"  {word}: {n}")
}
print(f"report: {fs.basename(report_path)} ({fs.stat(report_path)["size"]} bytes)")
