# A bounded queue(100) between one producer and two consumers: the producer puts n ints, each
# consumer sums what it gets until a nil. Argument: n (default 200000).
fn producer(q, n) {
    for i in range(n) {
        q.put(i)
    }
    q.put(nil)
    q.put(nil)
}

fn consumer(q, out) {
    let s = 0
    while true {
        let x = q.get()
        if x == nil {
            break
        }
        s += x
    }
    out.put(s)
}

let a = args()
let n = 200000
if len(a) > 0 {
    n = int(a[0])
}
let q = queue(100)
let out = queue()
let ps = [spawn producer(q, n), spawn consumer(q, out), spawn consumer(q, out)]
let s = out.get() + out.get()
join ps
print(s)
