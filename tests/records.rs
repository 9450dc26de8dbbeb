//! Records crossing process boundaries, under both start methods: as spawn arguments, through
//! queues, as pool task arguments and results, and the constructor itself as a value sent.

use crate::harness::{Test, both};

#[test]
fn records_go_to_a_spawned_child_and_back_through_a_queue() {
    both(|| {
        Test::new()
            .script(
                r#"
                struct Point { x, y = 0 }
                struct Line { a, b, label = "" }
                fn child(q, line) {
                    line.a.x += 10
                    q.put(line)
                    q.put(Point(type(line), line.b == Point(3, 4)))
                }
                let q = queue()
                let p = spawn child(q, Line(Point(1), Point(3, 4), label = "l"))
                let back = q.get(10)
                let check = q.get(10)
                join p
                print(back, check)
                print(type(back), back.a.x, back == Line(Point(11), Point(3, 4), "l"))
                back.b.y = 40
                print(back.b)
                "#,
            )
            .stdout(
                "Line(a=Point(x=11, y=0), b=Point(x=3, y=4), label=\"l\") \
                 Point(x=\"Line\", y=true)\nLine 11 true\nPoint(x=3, y=40)\n",
            )
    });
}

#[test]
fn records_are_pool_task_arguments_and_results() {
    both(|| {
        Test::new()
            .script(
                r#"
                # The pool starts before any record exists: records carry their type.
                let p = pool(2)
                struct Point { x, y = 0 }
                fn shift(pt, d) {
                    return Point(pt.x + d, pt.y + d)
                }
                fn build(make, n) {
                    return [make(i) for i in range(n)]
                }
                let r1 = apply_async p, shift(Point(1, 2), 10)
                let r2 = apply_async p, build(Point, 3)
                let r3 = apply_async p, type(Point(0))
                print(r1.get(), r2.get(), r3.get())
                print(r1.get() == Point(11, 12), r1.get().x)
                close p
                join p
                "#,
            )
            .stdout(
                "Point(x=11, y=12) [Point(x=0, y=0), Point(x=1, y=0), Point(x=2, y=0)] Point\n\
                 true 11\n",
            )
    });
}

/// A record whose field holds a function is sent to a pool worker and a child, which call the
/// field as `r.step(x)`; a missing field names the type's fields, there too.
#[test]
fn a_function_in_a_record_field_is_called_in_workers_and_children() {
    both(|| {
        Test::new()
            .script(
                r#"
                struct Task { name, step }
                let scale = 3
                fn run(t, x) { return [t.name, t.step(x)] }
                let tasks = [Task("double", fn(x) { return x * 2 }), Task("scaled", fn(x) { return x * scale })]
                let p = pool(2)
                print(p.starmap(run, [[t, 7] for t in tasks]))
                close p
                join p
                fn child(t) {
                    try { t.go(1) } catch e { print(e) }
                    print(t.step(5))
                }
                join spawn child(tasks[1])
                "#,
            )
            .stdout(
                "[[\"double\", 14], [\"scaled\", 21]]\n\
                 Task has no field `go` (fields: name, step)\n15\n",
            )
    });
}
