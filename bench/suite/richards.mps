# Are We Fast Yet: Richards, for mpscript's benchmark suite (bench/suite/).
# Written from benchmarks/Python/richards.py and benchmark.py of
# https://github.com/smarr/are-we-fast-yet (commit 50e34b1), whose header reads:
#
# The benchmark in its current state is a derivation from the SOM version,
# which is derived from Mario Wolczko's Smalltalk version of DeltaBlue.
#
# The original license details are availble here:
# http://web.archive.org/web/20050825101121/http://www.sunlabs.com/people/mario/java_benchmarking/index.html
#
# This file itself, and its souce control history is however based on the
# following. It is unclear whether this still bears any relevance since the
# nature of the code was essentially reverted back to the Smalltalk version.
#
# Derived from http://pws.prserv.net/dlissett/ben/bench1.htm
# Licensed CC BY-NC-SA 1.0
#
# (are-we-fast-yet is MIT-licensed, Copyright (c) 2001-2021 see its AUTHORS.md;
# Richards' own license: see its LICENSE.md.)
#
# Port notes: each class is a struct and each method a function taking the record
# first (`tcb_run_task(t)` for `t.run_task()`); the methods TaskControlBlock inherits
# from TaskState are functions that work on either record. A task's behaviour is a
# closure over the scheduler held in its `function` field, called as
# `t.function(message, t.handle)`, as in the reference. Scheduler.start() returns the
# scheduler and verify_result checks its counts, as in richards.py.
# SIZE is the number of inner iterations; sizes are in richards.py's `# suite:` line.

let NO_TASK = nil
let NO_WORK = nil

let IDLER = 0
let WORKER = 1
let HANDLER_A = 2
let HANDLER_B = 3
let DEVICE_A = 4
let DEVICE_B = 5

let NUM_TYPES = 6

let DEVICE_PACKET_KIND = 0
let WORK_PACKET_KIND = 1

let DATA_SIZE = 4

let TRACING = false

# --- RBObject

fn rb_append(packet, queue_head) {
    packet.link = NO_WORK
    if NO_WORK == queue_head {
        return packet
    }

    let mouse = queue_head

    while true {
        let link = mouse.link
        if link == NO_WORK {
            break
        }
        mouse = link
    }

    mouse.link = packet
    return queue_head
}

# --- Scheduler

struct Scheduler {
    layout = 0
    task_list = NO_TASK
    current_task = NO_TASK
    current_task_identity = 0
    task_table = [NO_TASK] * NUM_TYPES
    queue_count = 0
    hold_count = 0
}

fn sched_create_device(s, identity, priority, work, state) {
    let data = DeviceTaskDataRecord()

    let f = fn (function_work, data_record) {
        if NO_WORK == function_work {
            function_work = data_record.pending
            if NO_WORK == function_work {
                return sched_mark_waiting(s)
            }

            data_record.pending = NO_WORK
            return sched_queue_packet(s, function_work)
        }

        data_record.pending = function_work
        if TRACING {
            sched_trace(s, function_work.datum)
        }
        return sched_hold_self(s)
    }

    sched_create_task(s, identity, priority, work, state, data, f)
}

fn sched_create_handler(s, identity, priority, work, state) {
    let data = HandlerTaskDataRecord()

    let f = fn (work_arg, data_record) {
        if NO_WORK != work_arg {
            if WORK_PACKET_KIND == work_arg.kind {
                handler_work_in_add(data_record, work_arg)
            } else {
                handler_device_in_add(data_record, work_arg)
            }
        }

        let work_packet = data_record.work_in
        if NO_WORK == work_packet {
            return sched_mark_waiting(s)
        }

        let count = work_packet.datum
        if count >= DATA_SIZE {
            data_record.work_in = work_packet.link
            return sched_queue_packet(s, work_packet)
        }

        let device_packet = data_record.device_in
        if NO_WORK == device_packet {
            return sched_mark_waiting(s)
        }

        data_record.device_in = device_packet.link
        device_packet.datum = work_packet.data[count]
        work_packet.datum = count + 1
        return sched_queue_packet(s, device_packet)
    }

    sched_create_task(s, identity, priority, work, state, data, f)
}

fn sched_create_idler(s, identity, priority, work, state) {
    let data = IdleTaskDataRecord()

    let f = fn (work_, data_record) {
        data_record.count = data_record.count - 1
        if 0 == data_record.count {
            return sched_hold_self(s)
        }

        if 0 == (data_record.control & 1) {
            data_record.control = data_record.control // 2
            return sched_release(s, DEVICE_A)
        }

        data_record.control = (data_record.control // 2) ^ 53_256
        return sched_release(s, DEVICE_B)
    }

    sched_create_task(s, identity, priority, work, state, data, f)
}

fn sched_create_packet(s, link, identity, kind) {
    return Packet(link, kind, identity)
}

fn sched_create_task(s, identity, priority, work, state, data, f) {
    let t = new_task_control_block(s.task_list, identity, priority, work, state, data, f)
    s.task_list = t
    s.task_table[identity] = t
}

fn sched_create_worker(s, identity, priority, work, state) {
    let data = WorkerTaskDataRecord()

    let f = fn (work, data_record) {
        if NO_WORK == work {
            return sched_mark_waiting(s)
        }

        data_record.destination = HANDLER_B if HANDLER_A == data_record.destination else HANDLER_A

        work.identity = data_record.destination
        work.datum = 0
        for i in range(DATA_SIZE) {
            data_record.count = data_record.count + 1
            if data_record.count > 26 {
                data_record.count = 1
            }
            work.data[i] = 65 + data_record.count - 1
        }

        return sched_queue_packet(s, work)
    }

    sched_create_task(s, identity, priority, work, state, data, f)
}

fn sched_start(s) {
    sched_create_idler(s, IDLER, 0, NO_WORK, task_state_with_running())
    let wkq = sched_create_packet(s, NO_WORK, WORKER, WORK_PACKET_KIND)
    wkq = sched_create_packet(s, wkq, WORKER, WORK_PACKET_KIND)

    sched_create_worker(s, WORKER, 1000, wkq, task_state_with_waiting_with_packet())
    wkq = sched_create_packet(s, NO_WORK, DEVICE_A, DEVICE_PACKET_KIND)
    wkq = sched_create_packet(s, wkq, DEVICE_A, DEVICE_PACKET_KIND)
    wkq = sched_create_packet(s, wkq, DEVICE_A, DEVICE_PACKET_KIND)

    sched_create_handler(s, HANDLER_A, 2000, wkq, task_state_with_waiting_with_packet())
    wkq = sched_create_packet(s, NO_WORK, DEVICE_B, DEVICE_PACKET_KIND)
    wkq = sched_create_packet(s, wkq, DEVICE_B, DEVICE_PACKET_KIND)
    wkq = sched_create_packet(s, wkq, DEVICE_B, DEVICE_PACKET_KIND)

    sched_create_handler(s, HANDLER_B, 3000, wkq, task_state_with_waiting_with_packet())
    sched_create_device(s, DEVICE_A, 4000, NO_WORK, task_state_with_waiting())
    sched_create_device(s, DEVICE_B, 5000, NO_WORK, task_state_with_waiting())

    sched_schedule(s)

    return s
}

fn sched_find_task(s, identity) {
    let t = s.task_table[identity]
    if NO_TASK == t {
        throw "find_task failed"
    }
    return t
}

fn sched_hold_self(s) {
    s.hold_count += 1
    ts_set_task_holding(s.current_task, true)
    return s.current_task.link
}

fn sched_queue_packet(s, packet) {
    let task = sched_find_task(s, packet.identity)
    if NO_TASK == task {
        return NO_TASK
    }

    s.queue_count += 1

    packet.link = NO_WORK
    packet.identity = s.current_task_identity
    return tcb_add_input_and_check_priority(task, packet, s.current_task)
}

fn sched_release(s, identity) {
    let task = sched_find_task(s, identity)
    if NO_TASK == task {
        return NO_TASK
    }

    ts_set_task_holding(task, false)

    if task.priority > s.current_task.priority {
        return task
    }
    return s.current_task
}

fn sched_trace(s, msg) {
    s.layout -= 1
    if 0 >= s.layout {
        print("")
        s.layout = 50
    }

    print(msg)
}

fn sched_mark_waiting(s) {
    ts_set_task_waiting(s.current_task, true)
    return s.current_task
}

fn sched_schedule(s) {
    s.current_task = s.task_list
    while NO_TASK != s.current_task {
        if ts_is_task_holding_or_waiting(s.current_task) {
            s.current_task = s.current_task.link
        } else {
            s.current_task_identity = s.current_task.identity
            if TRACING {
                sched_trace(s, s.current_task_identity)
            }
            s.current_task = tcb_run_task(s.current_task)
        }
    }
}

# --- task data records

struct DeviceTaskDataRecord { pending = NO_WORK }

struct HandlerTaskDataRecord {
    work_in = NO_WORK
    device_in = NO_WORK
}

fn handler_device_in_add(h, packet) {
    h.device_in = rb_append(packet, h.device_in)
}

fn handler_work_in_add(h, packet) {
    h.work_in = rb_append(packet, h.work_in)
}

struct IdleTaskDataRecord {
    control = 1
    count = 10_000
}

struct WorkerTaskDataRecord {
    destination = HANDLER_A
    count = 0
}

struct Packet {
    link
    kind
    identity
    datum = 0
    data = [0] * DATA_SIZE
}

# --- TaskState (its functions also serve TaskControlBlock, its subclass)

struct TaskState {
    task_holding = false
    task_waiting = false
    packet_pending = false
}

fn ts_is_packet_pending(t) {
    return t.packet_pending
}

fn ts_is_task_waiting(t) {
    return t.task_waiting
}

fn ts_is_task_holding(t) {
    return t.task_holding
}

fn ts_set_task_holding(t, task) {
    t.task_holding = task
}

fn ts_set_task_waiting(t, task) {
    t.task_waiting = task
}

fn ts_packet_pending(t) {
    t.packet_pending = true
    t.task_waiting = false
    t.task_holding = false
    return t
}

fn ts_running(t) {
    t.packet_pending = false
    t.task_waiting = false
    t.task_holding = false
    return t
}

fn ts_waiting(t) {
    t.packet_pending = false
    t.task_holding = false
    t.task_waiting = true
    return t
}

fn ts_waiting_with_packet(t) {
    t.task_holding = false
    t.task_waiting = true
    t.packet_pending = true
    return t
}

fn ts_is_task_holding_or_waiting(t) {
    return t.task_holding or (not t.packet_pending and t.task_waiting)
}

fn ts_is_waiting_with_packet(t) {
    return t.packet_pending and t.task_waiting and not t.task_holding
}

fn task_state_with_running() {
    return ts_running(TaskState())
}

fn task_state_with_waiting() {
    return ts_waiting(TaskState())
}

fn task_state_with_waiting_with_packet() {
    return ts_waiting_with_packet(TaskState())
}

# --- TaskControlBlock

struct TaskControlBlock {
    link
    identity
    function
    priority
    input
    handle
    task_holding = false
    task_waiting = false
    packet_pending = false
}

fn new_task_control_block(link, identity, priority, initial_work_queue, initial_state,
                          private_data, f) {
    let t = TaskControlBlock(link, identity, f, priority, initial_work_queue, private_data)
    t.packet_pending = ts_is_packet_pending(initial_state)
    t.task_waiting = ts_is_task_waiting(initial_state)
    t.task_holding = ts_is_task_holding(initial_state)
    return t
}

fn tcb_add_input_and_check_priority(t, packet, old_task) {
    if NO_WORK == t.input {
        t.input = packet
        t.packet_pending = true
        if t.priority > old_task.priority {
            return t
        }
    } else {
        t.input = rb_append(packet, t.input)
    }

    return old_task
}

fn tcb_run_task(t) {
    let message = NO_WORK
    if ts_is_waiting_with_packet(t) {
        message = t.input
        t.input = message.link
        if NO_WORK == t.input {
            ts_running(t)
        } else {
            ts_packet_pending(t)
        }
    } else {
        message = NO_WORK
    }

    return t.function(message, t.handle)
}

# --- Benchmark

fn richards_benchmark() {
    return sched_start(Scheduler())
}

fn richards_verify_result(result) {
    return result.queue_count == 23_246 and result.hold_count == 9297
}

fn main() {
    let argv = args()
    let size = int(argv[0]) if len(argv) > 0 else 20
    let result = nil
    for i in range(size) {
        result = richards_benchmark()
        if not richards_verify_result(result) {
            eprint(f"richards FAILED: queue_count {result.queue_count} hold_count {result.hold_count} (expected 23246 9297)")
            exit(1)
        }
    }
    print(f"richards ok {result.queue_count}/{result.hold_count}")
}

main()
