# examples/queue.mps — producers and consumers around one queue.
#
# Three producers put work items; two consumers take them until they see `nil` (one stop
# marker per consumer) and put their totals on a second queue.

fn producer(q, id, n) {
    for i in range(n) {
        q.put({"from": id, "n": i})
    }
}

fn consumer(q, totals) {
    let count = 0
    let sum = 0
    while true {
        let item = q.get(10)          # waits up to 10 s for an item
        if item == nil {
            break
        }
        count += 1
        sum += item["n"]
    }
    totals.put([count, sum])
}

let work = queue()
let totals = queue()
let producers = []
for id in range(3) {
    producers.push(spawn producer(work, id, 1000))
}
let consumers = [spawn consumer(work, totals), spawn consumer(work, totals)]

join producers          # safe even with items still in the queue: put never blocks
for c in consumers {
    work.put(nil)       # one stop marker per consumer
}
join consumers

let count = 0
let sum = 0
while not totals.empty() {
    let t = totals.get()
    count += t[0]
    sum += t[1]
}
print(f"{count} items, sum {sum}")     # 3000 items, sum 1498500
