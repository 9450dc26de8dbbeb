# Are We Fast Yet: Havlak, for mpscript's benchmark suite (bench/suite/).
# Ported from benchmarks/Python/havlak.py and som/{vector,set,identity_set,dictionary,
# identity_dictionary,constants}.py of https://github.com/smarr/are-we-fast-yet
# (commit 50e34b1; MIT-licensed, Copyright (c) 2001-2021 see its AUTHORS.md).
# havlak.py's own header reads:
#
# Adapted based on SOM benchmark.
# Copyright 2011 Google Inc.
#
#     Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
#     You may obtain a copy of the License at
#
# http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
#     WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
#     See the License for the specific language governing permissions and
#         limitations under the License.
#
# Port notes: each class is a struct plus functions taking the record (`vector_append(v, x)`
# for `v.append(x)`); Set and IdentitySet, the only subclass pair used, are two sets of
# functions. mpscript has no identity comparison (`==` on records compares their fields,
# which for these cyclic graphs would walk them), so each record compared by identity in the
# reference (BasicBlock, SimpleLoop, UnionFindNode) gets a unique `id` at construction and
# `a is b` is written `a.id == b.id`. Nested functions and lambdas are closures (`fn (x)
# { ... }`), which update outer variables as Python's `nonlocal` does. SIZE is the number of
# extra loop searches (see havlak.py for the sizes).

# ---- object identity ---------------------------------------------------------------------

let last_id = 0

fn new_id() {
    last_id += 1
    return last_id
}

# ---- som helpers -------------------------------------------------------------------------

let INITIAL_SIZE = 10

struct Vector { storage, first_idx = 0, last_idx = 0 }

fn vector_new(size = 0) {
    return Vector(nil if size == 0 else [nil] * size)
}

fn vector_at(v, idx) {
    if v.storage == nil or idx >= len(v.storage) {
        return nil
    }
    return v.storage[idx]
}

fn vector_at_put(v, idx, val) {
    if v.storage == nil {
        v.storage = [nil] * max(idx + 1, INITIAL_SIZE)
    } else if idx >= len(v.storage) {
        let new_length = len(v.storage)
        while new_length <= idx {
            new_length *= 2
        }

        let new_storage = [nil] * new_length
        for i in range(len(v.storage)) {
            new_storage[i] = v.storage[i]
        }
        v.storage = new_storage
    }

    v.storage[idx] = val
    if v.last_idx < idx + 1 {
        v.last_idx = idx + 1
    }
}

fn vector_append(v, elem) {
    if v.storage == nil {
        v.storage = [nil] * INITIAL_SIZE
    } else if v.last_idx >= len(v.storage) {
        # Need to expand capacity first
        let new_storage = [nil] * (2 * len(v.storage))
        for i in range(len(v.storage)) {
            new_storage[i] = v.storage[i]
        }
        v.storage = new_storage
    }

    v.storage[v.last_idx] = elem
    v.last_idx += 1
}

fn vector_is_empty(v) {
    return v.last_idx == v.first_idx
}

fn vector_for_each(v, f) {
    for i in range(v.first_idx, v.last_idx) {
        f(v.storage[i])
    }
}

fn vector_has_some(v, f) {
    for i in range(v.first_idx, v.last_idx) {
        if f(v.storage[i]) {
            return true
        }
    }
    return false
}

fn vector_remove_first(v) {
    if vector_is_empty(v) {
        return nil
    }
    v.first_idx += 1
    return v.storage[v.first_idx - 1]
}

fn vector_remove_all(v) {
    v.first_idx = 0
    v.last_idx = 0

    if v.storage != nil {
        v.storage = [nil] * len(v.storage)
    }
}

fn vector_size(v) {
    return v.last_idx - v.first_idx
}

struct Set { items }

fn set_new(size = INITIAL_SIZE) {
    return Set(vector_new(size))
}

fn set_size(s) {
    return vector_size(s.items)
}

fn set_for_each(s, block) {
    vector_for_each(s.items, block)
}

fn set_has_some(s, block) {
    return vector_has_some(s.items, block)
}

fn set_add(s, obj) {
    if not set_contains(s, obj) {
        vector_append(s.items, obj)
    }
}

fn set_contains(s, obj) {
    return set_has_some(s, fn (it) { return it == obj })
}

# IdentitySet: a Set whose contains compares identity.
fn identity_set_add(s, obj) {
    if not identity_set_contains(s, obj) {
        vector_append(s.items, obj)
    }
}

fn identity_set_contains(s, obj) {
    return set_has_some(s, fn (it) { return it.id == obj.id })
}

let INITIAL_CAPACITY = 16

# IdentityDictionary's entries (_IdEntry) and the dictionary itself.
struct IdEntry { hash, key, value, next }

fn id_entry_match(e, hash, key) {
    return e.hash == hash and e.key.id == key.id
}

fn dict_hash(key) {
    if key == nil {
        return 0
    }

    let hash = basic_block_custom_hash(key)
    return hash ^ hash >> 16
}

struct IdentityDictionary { buckets, size = 0 }

fn identity_dictionary_new(size = INITIAL_CAPACITY) {
    return IdentityDictionary([nil] * size)
}

fn dict_get_bucket_idx(d, hash) {
    return (len(d.buckets) - 1) & hash
}

fn dict_get_bucket(d, hash) {
    return d.buckets[dict_get_bucket_idx(d, hash)]
}

fn dict_at(d, key) {
    let hash = dict_hash(key)
    let e = dict_get_bucket(d, hash)

    while e != nil {
        if id_entry_match(e, hash, key) {
            return e.value
        }
        e = e.next
    }
    return nil
}

fn dict_at_put(d, key, value) {
    let hash = dict_hash(key)
    let i = dict_get_bucket_idx(d, hash)

    let current = d.buckets[i]

    if current == nil {
        d.buckets[i] = dict_new_entry(key, value, hash)
        d.size += 1
    } else {
        dict_insert_bucket_entry(d, key, value, hash, current)
    }

    if d.size > len(d.buckets) {
        dict_resize(d)
    }
}

fn dict_new_entry(key, value, hash) {
    return IdEntry(hash, key, value, nil)
}

fn dict_insert_bucket_entry(d, key, value, hash, head) {
    let current = head

    while true {
        if id_entry_match(current, hash, key) {
            current.value = value
            return
        }

        if current.next == nil {
            d.size += 1
            current.next = dict_new_entry(key, value, hash)
            return
        }

        current = current.next
    }
}

fn dict_resize(d) {
    let old_storage = d.buckets

    let new_storage = [nil] * len(old_storage) * 2
    d.buckets = new_storage
    dict_transfer_entries(d, old_storage)
}

fn dict_transfer_entries(d, old_storage) {
    for i in range(len(old_storage)) {
        let current = old_storage[i]
        if current != nil {
            old_storage[i] = nil

            if current.next == nil {
                d.buckets[current.hash & (len(d.buckets) - 1)] = current
            } else {
                dict_split_bucket(d, old_storage, i, current)
            }
        }
    }
}

fn dict_split_bucket(d, old_storage, i, head) {
    let lo_head = nil
    let lo_tail = nil
    let hi_head = nil
    let hi_tail = nil
    let current = head

    while current != nil {
        if (current.hash & len(old_storage)) == 0 {
            if lo_tail == nil {
                lo_head = current
            } else {
                lo_tail.next = current
            }
            lo_tail = current
        } else {
            if hi_tail == nil {
                hi_head = current
            } else {
                hi_tail.next = current
            }
            hi_tail = current
        }
        current = current.next
    }

    if lo_tail != nil {
        lo_tail.next = nil
        d.buckets[i] = lo_head
    }
    if hi_tail != nil {
        hi_tail.next = nil
        d.buckets[i + len(old_storage)] = hi_head
    }
}

fn dict_remove_all(d) {
    d.buckets = [nil] * len(d.buckets)
    d.size = 0
}

# ---- Havlak ------------------------------------------------------------------------------

struct BasicBlock {
    name
    in_edges = vector_new(2)
    out_edges = vector_new(2)
    id = new_id()
}

fn basic_block_get_num_pred(bb) {
    return vector_size(bb.in_edges)
}

fn basic_block_add_out_edge(bb, to) {
    vector_append(bb.out_edges, to)
}

fn basic_block_add_in_edge(bb, from_) {
    vector_append(bb.in_edges, from_)
}

fn basic_block_custom_hash(bb) {
    return bb.name
}

struct BasicBlockEdge { from_, to }

fn basic_block_edge_new(cfg, from_name, to_name) {
    let edge = BasicBlockEdge(cfg_create_node(cfg, from_name), cfg_create_node(cfg, to_name))

    basic_block_add_out_edge(edge.from_, edge.to)
    basic_block_add_in_edge(edge.to, edge.from_)

    cfg_add_edge(cfg, edge)
    return edge
}

struct ControlFlowGraph {
    start_basic_block = nil
    basic_blocks = vector_new()
    edge_list = vector_new()
}

fn cfg_create_node(cfg, name) {
    let node = nil
    if vector_at(cfg.basic_blocks, name) {
        node = vector_at(cfg.basic_blocks, name)
    } else {
        node = BasicBlock(name)
        vector_at_put(cfg.basic_blocks, name, node)
    }

    if cfg_num_nodes(cfg) == 1 {
        cfg.start_basic_block = node
    }
    return node
}

fn cfg_add_edge(cfg, edge) {
    vector_append(cfg.edge_list, edge)
}

fn cfg_num_nodes(cfg) {
    return vector_size(cfg.basic_blocks)
}

struct LoopStructureGraph { loop_counter = 0, loops = vector_new(), root = nil }

fn lsg_new() {
    let lsg = LoopStructureGraph()
    lsg.root = simple_loop_new(nil, true)
    simple_loop_set_nesting_level(lsg.root, 0)
    lsg.root.counter = lsg.loop_counter
    lsg.loop_counter += 1
    vector_append(lsg.loops, lsg.root)
    return lsg
}

fn lsg_create_new_loop(lsg, bb, is_reducible) {
    let loop = simple_loop_new(bb, is_reducible)
    loop.counter = lsg.loop_counter
    lsg.loop_counter += 1
    vector_append(lsg.loops, loop)
    return loop
}

fn lsg_calculate_nesting_level(lsg) {
    let each = fn (liter) {
        if not liter.is_root {
            if liter.parent == nil {
                simple_loop_set_parent(liter, lsg.root)
            }
        }
    }

    vector_for_each(lsg.loops, each)
    lsg_calculate_nesting_level_rec(lsg, lsg.root, 0)
}

fn lsg_calculate_nesting_level_rec(lsg, loop, depth) {
    loop.depth_level = depth

    let each = fn (liter) {
        lsg_calculate_nesting_level_rec(lsg, liter, depth + 1)
        simple_loop_set_nesting_level(loop, max(loop.nesting_level, 1 + liter.nesting_level))
    }

    set_for_each(loop.children, each)
}

fn lsg_num_loops(lsg) {
    return vector_size(lsg.loops)
}

struct SimpleLoop {
    is_reducible
    parent = nil
    is_root = false
    nesting_level = 0
    depth_level = 0
    counter = 0
    basic_blocks = set_new()
    children = set_new()
    header = nil
    id = new_id()
}

fn simple_loop_new(bb, is_reducible) {
    let loop = SimpleLoop(is_reducible)

    if bb != nil {
        identity_set_add(loop.basic_blocks, bb)
    }

    loop.header = bb
    return loop
}

fn simple_loop_add_node(loop, bb) {
    identity_set_add(loop.basic_blocks, bb)
}

fn simple_loop_add_child_loop(loop, child) {
    identity_set_add(loop.children, child)
}

fn simple_loop_set_parent(loop, parent) {
    loop.parent = parent
    simple_loop_add_child_loop(loop.parent, loop)
}

fn simple_loop_set_nesting_level(loop, level) {
    loop.nesting_level = level
    if level == 0 {
        loop.is_root = true
    }
}

struct UnionFindNode { parent = nil, bb = nil, dfs_number = 0, loop = nil, id = new_id() }

fn union_find_node_init_node(n, bb, dfs_number) {
    n.parent = n
    n.bb = bb
    n.dfs_number = dfs_number
    n.loop = nil
}

fn union_find_node_find_set(n) {
    let node_list = vector_new()

    let node = n
    while node.id != node.parent.id {
        if node.parent.id != node.parent.parent.id {
            vector_append(node_list, node)
        }
        node = node.parent
    }

    vector_for_each(node_list, fn (i) { union_find_node_union(i, n.parent) })
    return node
}

fn union_find_node_union(n, basic_block) {
    n.parent = basic_block
}

struct LoopTesterApp { cfg = ControlFlowGraph(), lsg = lsg_new() }

fn app_new() {
    let app = LoopTesterApp()
    cfg_create_node(app.cfg, 0)
    return app
}

fn app_build_diamond(app, start) {
    let bb0 = start
    basic_block_edge_new(app.cfg, bb0, bb0 + 1)
    basic_block_edge_new(app.cfg, bb0, bb0 + 2)
    basic_block_edge_new(app.cfg, bb0 + 1, bb0 + 3)
    basic_block_edge_new(app.cfg, bb0 + 2, bb0 + 3)
    return bb0 + 3
}

fn app_build_connect(app, start, end_) {
    basic_block_edge_new(app.cfg, start, end_)
}

fn app_build_straight(app, start, n) {
    for i in range(n) {
        app_build_connect(app, start + i, start + i + 1)
    }
    return start + n
}

fn app_build_base_loop(app, from_) {
    let header = app_build_straight(app, from_, 1)
    let diamond1 = app_build_diamond(app, header)
    let d11 = app_build_straight(app, diamond1, 1)
    let diamond2 = app_build_diamond(app, d11)
    let footer = app_build_straight(app, diamond2, 1)
    app_build_connect(app, diamond2, d11)
    app_build_connect(app, diamond1, header)

    app_build_connect(app, footer, from_)
    footer = app_build_straight(app, footer, 1)
    return footer
}

fn app_main(app, num_dummy_loops, find_loop_iterations, par_loops, ppar_loops, pppar_loops) {
    app_construct_simple_cfg(app)
    app_add_dummy_loops(app, num_dummy_loops)
    app_construct_cfg(app, par_loops, ppar_loops, pppar_loops)

    app_find_loops(app, app.lsg)
    for _ in range(find_loop_iterations) {
        app_find_loops(app, lsg_new())
    }

    lsg_calculate_nesting_level(app.lsg)
    return [lsg_num_loops(app.lsg), cfg_num_nodes(app.cfg)]
}

fn app_construct_cfg(app, par_loops, ppar_loops, pppar_loops) {
    let n = 2

    for _ in range(par_loops) {
        cfg_create_node(app.cfg, n + 1)
        app_build_connect(app, 2, n + 1)
        n += 1

        for _ in range(ppar_loops) {
            let top = n
            n = app_build_straight(app, n, 1)
            for _ in range(pppar_loops) {
                n = app_build_base_loop(app, n)
            }
            let bottom = app_build_straight(app, n, 1)
            app_build_connect(app, n, top)
            n = bottom
        }

        app_build_connect(app, n, 1)
    }
}

fn app_add_dummy_loops(app, num_dummy_loops) {
    for _ in range(num_dummy_loops) {
        app_find_loops(app, app.lsg)
    }
}

fn app_find_loops(app, loop_structure) {
    let finder = finder_new(app.cfg, loop_structure)
    finder_find_loops(finder)
}

fn app_construct_simple_cfg(app) {
    cfg_create_node(app.cfg, 0)
    app_build_base_loop(app, 0)
    cfg_create_node(app.cfg, 1)
    basic_block_edge_new(app.cfg, 0, 2)
}

let UNVISITED = 2_147_483_647
let MAXNONBACKPREDS = 32 * 1024

# BasicBlockClass
let BB_TOP = 0           # uninitialized
let BB_NONHEADER = 1     # a regular BB
let BB_REDUCIBLE = 2     # reducible loop
let BB_SELF = 3          # single BB loop
let BB_IRREDUCIBLE = 4   # irreducible loop
let BB_DEAD = 5          # a dead BB
let BB_LAST = 6          # Sentinel

struct HavlakLoopFinder {
    cfg
    lsg
    non_back_preds = vector_new()
    back_preds = vector_new()
    number = identity_dictionary_new()
    max_size = 0
    header = nil
    type = nil
    last = nil
    nodes = nil
}

fn finder_new(cfg, lsg) {
    return HavlakLoopFinder(cfg, lsg)
}

fn finder_is_ancestor(f, w, v) {
    return w <= v and v <= f.last[w]
}

fn finder_do_dfs(f, current_node, current) {
    union_find_node_init_node(f.nodes[current], current_node, current)
    dict_at_put(f.number, current_node, current)

    let last_id = current
    let outer_blocks = current_node.out_edges

    let each = fn (target) {
        if dict_at(f.number, target) == UNVISITED {
            last_id = finder_do_dfs(f, target, last_id + 1)
        }
    }

    vector_for_each(outer_blocks, each)

    f.last[current] = last_id
    return last_id
}

fn finder_init_all_nodes(f) {
    vector_for_each(f.cfg.basic_blocks, fn (bb) { dict_at_put(f.number, bb, UNVISITED) })

    finder_do_dfs(f, f.cfg.start_basic_block, 0)
}

fn finder_identify_edges(f, size) {
    for w in range(size) {
        f.header[w] = 0
        f.type[w] = BB_NONHEADER

        let node_w = f.nodes[w].bb
        if node_w == nil {
            f.type[w] = BB_DEAD
        } else {
            finder_process_edges(f, node_w, w)
        }
    }
}

fn finder_process_edges(f, node_w, w) {
    if basic_block_get_num_pred(node_w) > 0 {
        let each = fn (node_v) {
            let v = dict_at(f.number, node_v)
            if v != UNVISITED {
                if finder_is_ancestor(f, w, v) {
                    vector_append(vector_at(f.back_preds, w), v)
                } else {
                    set_add(vector_at(f.non_back_preds, w), v)
                }
            }
        }

        vector_for_each(node_w.in_edges, each)
    }
}

fn finder_find_loops(f) {
    if f.cfg.start_basic_block == nil {
        return
    }

    let size = cfg_num_nodes(f.cfg)
    vector_remove_all(f.non_back_preds)
    vector_remove_all(f.back_preds)
    dict_remove_all(f.number)

    if size > f.max_size {
        f.header = [0] * size
        f.type = [nil] * size
        f.last = [0] * size
        f.nodes = [nil] * size
        f.max_size = size
    }

    for i in range(size) {
        vector_append(f.non_back_preds, set_new())
        vector_append(f.back_preds, vector_new())
        f.nodes[i] = UnionFindNode()
    }

    finder_init_all_nodes(f)
    finder_identify_edges(f, size)

    f.header[0] = 0

    for w in range(size - 1, -1, -1) {
        let node_pool = vector_new()
        let node_w = f.nodes[w].bb
        if node_w != nil {
            finder_step_d(f, w, node_pool)

            let work_list = vector_new()
            vector_for_each(node_pool, fn (x) { vector_append(work_list, x) })

            if vector_size(node_pool) != 0 {
                f.type[w] = BB_REDUCIBLE
            }

            while not vector_is_empty(work_list) {
                let x = vector_remove_first(work_list)

                let non_back_size = set_size(vector_at(f.non_back_preds, x.dfs_number))
                if non_back_size > MAXNONBACKPREDS {
                    return
                }

                finder_step_e_process_non_back_preds(f, w, node_pool, work_list, x)
            }
        }

        if vector_size(node_pool) > 0 or f.type[w] == BB_SELF {
            let loop = lsg_create_new_loop(f.lsg, node_w, f.type[w] != BB_IRREDUCIBLE)
            finder_set_loop_attributes(f, w, node_pool, loop)
        }
    }
}

fn finder_step_e_process_non_back_preds(f, w, node_pool, work_list, x) {
    let each = fn (i) {
        let y = f.nodes[i]
        let ydash = union_find_node_find_set(y)

        if not finder_is_ancestor(f, w, ydash.dfs_number) {
            f.type[w] = BB_IRREDUCIBLE
            set_add(vector_at(f.non_back_preds, w), ydash.dfs_number)
        } else {
            if ydash.dfs_number != w {
                if not vector_has_some(node_pool, fn (e) { return e.id == ydash.id }) {
                    vector_append(work_list, ydash)
                    vector_append(node_pool, ydash)
                }
            }
        }
    }

    set_for_each(vector_at(f.non_back_preds, x.dfs_number), each)
}

fn finder_set_loop_attributes(f, w, node_pool, loop) {
    f.nodes[w].loop = loop

    let each = fn (node) {
        f.header[node.dfs_number] = w
        union_find_node_union(node, f.nodes[w])

        if node.loop != nil {
            simple_loop_set_parent(node.loop, loop)
        } else {
            simple_loop_add_node(loop, node.bb)
        }
    }

    vector_for_each(node_pool, each)
}

fn finder_step_d(f, w, node_pool) {
    let each = fn (v) {
        if v != w {
            vector_append(node_pool, union_find_node_find_set(f.nodes[v]))
        } else {
            f.type[w] = BB_SELF
        }
    }

    vector_for_each(vector_at(f.back_preds, w), each)
}

# ---- harness: Havlak.inner_benchmark_loop and _verify_result -----------------------------

let EXPECTED = {15_000: 46_602, 1_500: 6_102, 150: 2_052, 15: 1_647, 1: 1_605}

fn main() {
    let a = args()
    let searches = int(a[0]) if len(a) > 0 else 10
    let size = 1
    let result = app_main(app_new(), size, searches, 10, 10, 5)
    if size not in EXPECTED {
        eprint(f"havlak FAILED: no verification result for {size} (result {result[0]}/{result[1]})")
        exit(1)
    }
    if result[0] != EXPECTED[size] or result[1] != 5213 {
        eprint(f"havlak FAILED: result {result[0]}/{result[1]} (expected {EXPECTED[size]}/5213)")
        exit(1)
    }
    print(f"havlak ok {result[0]}/{result[1]}")
}

main()
