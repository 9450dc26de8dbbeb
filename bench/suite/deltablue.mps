# Are We Fast Yet: DeltaBlue, for mpscript's benchmark suite (bench/suite/).
# Written from benchmarks/Python/deltablue.py, benchmark.py and som/vector.py,
# som/dictionary.py, som/identity_dictionary.py of
# https://github.com/smarr/are-we-fast-yet (commit 50e34b1). The header of deltablue.py:
#
# This benchmark is derived from Mario Wolczko's Java and Smalltalk version of
# DeltaBlue.
#
# It is modified to use the SOM class library and Java 8 features.
# License details:
#   http://web.archive.org/web/20050825101121/
#      http://www.sunlabs.com/people/mario/java_benchmarking/index.html
#
# and of the som files:
#
# This code is based on the SOM class library.
#
# Copyright (c) 2001-2021 see AUTHORS.md file
#
# Permission is hereby granted, free of charge, to any person obtaining a copy
# of this software and associated documentation files (the 'Software'), to deal
# in the Software without restriction, including without limitation the rights
# to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
# copies of the Software, and to permit persons to whom the Software is
# furnished to do so, subject to the following conditions:
#
# The above copyright notice and this permission notice shall be included in
# all copies or substantial portions of the Software.
#
# THE SOFTWARE IS PROVIDED 'AS IS', WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
# IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
# FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
# AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
# LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
# OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
# THE SOFTWARE.
#
# Port notes: each class is a struct and each method a function taking the record
# first. The constraints' virtual methods are function-valued fields of a class record
# (ConstraintClass) that each constraint holds in `cls`: `c.cls.execute(c)` for
# `c.execute()`; the non-virtual ones (satisfy, inputs_known, ...) are plain functions.
# Identity tests (`is` in the reference) compare a unique `id` field, which constraints
# and Syms carry: mpscript's `==` compares records field by field. _Direction is the
# ints FORWARD and BACKWARD. som's Vector and IdentityDictionary are copied in; Vector's
# sort calls its comparator as a function (see deltablue.py). SIZE is the inner
# iterations: the length of the chain and the number of projections; the result is the
# value of the first projected variable, which test 4 checked. Sizes are in
# deltablue.py's `# suite:` line.

# --- identity: Python's `is` (Lua's `==` on tables) has no mpscript equivalent (`==`
# compares records field by field), so every record compared by identity carries a
# unique `id`, and `a is b` is written `a.id == b.id`.

let next_id = 0

fn new_id() {
    next_id += 1
    return next_id
}

# --- som's Vector

let INITIAL_SIZE = 10

struct Vector {
    storage = nil
    first_idx = 0
    last_idx = 0
}

fn new_vector(size = 0) {
    return Vector(nil if size == 0 else [nil] * size)
}

fn vector_with(elem) {
    let v = new_vector(1)
    vector_append(v, elem)
    return v
}

fn vector_at(v, idx) {
    if v.storage == nil or idx >= len(v.storage) {
        return nil
    }
    return v.storage[idx]
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

fn vector_remove_first(v) {
    if vector_is_empty(v) {
        return nil
    }
    v.first_idx += 1
    return v.storage[v.first_idx - 1]
}

fn vector_remove(v, obj) {
    if v.storage == nil or vector_is_empty(v) {
        return false
    }

    let new_array = [nil] * vector_capacity(v)
    let new_last = 0
    let found = false

    vector_for_each(v, fn (it) {
        if it.id == obj.id {
            found = true
        } else {
            new_array[new_last] = it
            new_last += 1
        }
    })

    v.storage = new_array
    v.last_idx = new_last
    v.first_idx = 0
    return found
}

fn vector_size(v) {
    return v.last_idx - v.first_idx
}

fn vector_capacity(v) {
    return 0 if v.storage == nil else len(v.storage)
}

fn vector_sort(v, comparator) {
    if vector_size(v) > 0 {
        vector_sort_range(v, v.first_idx, v.last_idx - 1, comparator)
    }
}

fn vector_sort_range(v, i, j, c) {
    let n = j + 1 - i
    if n <= 1 {
        return
    }

    let di = v.storage[i]
    let dj = v.storage[j]

    if c(di, dj) > 0 {
        vector_swap(v.storage, i, j)
        let tmp = di
        di = dj
        dj = tmp
    }

    if n > 2 {
        let ij = (i + j) // 2
        let dij = v.storage[ij]

        if c(di, dij) <= 0 {
            if c(dij, dj) > 0 {
                vector_swap(v.storage, j, ij)
                dij = dj
            }
        } else {
            vector_swap(v.storage, i, ij)
            dij = di
        }

        if n > 3 {
            let k = i
            let l = j - 1

            while true {
                while k <= l and c(dij, v.storage[l]) <= 0 {
                    l -= 1
                }

                k += 1
                while k <= l and c(v.storage[k], dij) <= 0 {
                    k += 1
                }

                if k > l {
                    break
                }

                vector_swap(v.storage, k, l)
            }

            vector_sort_range(v, i, l, c)
            vector_sort_range(v, k, j, c)
        }
    }
}

fn vector_swap(storage, i, j) {
    let tmp = storage[i]
    storage[i] = storage[j]
    storage[j] = tmp
}

# --- som's IdentityDictionary (Dictionary with IdEntry, whose match compares keys by
# identity); its keys are Syms, whose custom_hash it calls.

let INITIAL_CAPACITY = 16

struct IdEntry {
    hash
    key
    value
    next
}

fn id_entry_match(e, hash, key) {
    return e.hash == hash and e.key.id == key.id
}

fn dictionary_hash(key) {
    if key == nil {
        return 0
    }

    let hash = sym_custom_hash(key)
    return hash ^ hash >> 16
}

struct IdentityDictionary {
    buckets = [nil] * INITIAL_CAPACITY
    size = 0
}

fn dictionary_size(d) {
    return d.size
}

fn dictionary_is_empty(d) {
    return d.size == 0
}

fn dictionary_get_bucket_idx(d, hash) {
    return (len(d.buckets) - 1) & hash
}

fn dictionary_get_bucket(d, hash) {
    return d.buckets[dictionary_get_bucket_idx(d, hash)]
}

fn dictionary_at(d, key) {
    let hash = dictionary_hash(key)
    let e = dictionary_get_bucket(d, hash)

    while e != nil {
        if id_entry_match(e, hash, key) {
            return e.value
        }
        e = e.next
    }
    return nil
}

fn dictionary_contains_key(d, key) {
    let hash = dictionary_hash(key)
    let e = dictionary_get_bucket(d, hash)

    while e != nil {
        if id_entry_match(e, hash, key) {
            return true
        }
        e = e.next
    }
    return false
}

fn dictionary_at_put(d, key, value) {
    let hash = dictionary_hash(key)
    let i = dictionary_get_bucket_idx(d, hash)

    let current = d.buckets[i]

    if current == nil {
        d.buckets[i] = dictionary_new_entry(d, key, value, hash)
        d.size += 1
    } else {
        dictionary_insert_bucket_entry(d, key, value, hash, current)
    }

    if d.size > len(d.buckets) {
        dictionary_resize(d)
    }
}

fn dictionary_new_entry(d, key, value, hash) {
    return IdEntry(hash, key, value, nil)
}

fn dictionary_insert_bucket_entry(d, key, value, hash, head) {
    let current = head

    while true {
        if id_entry_match(current, hash, key) {
            current.value = value
            return
        }

        if current.next == nil {
            d.size += 1
            current.next = dictionary_new_entry(d, key, value, hash)
            return
        }

        current = current.next
    }
}

fn dictionary_resize(d) {
    let old_storage = d.buckets

    let new_storage = [nil] * (len(old_storage) * 2)
    d.buckets = new_storage
    dictionary_transfer_entries(d, old_storage)
}

fn dictionary_transfer_entries(d, old_storage) {
    for i in range(len(old_storage)) {
        let current = old_storage[i]
        if current != nil {
            old_storage[i] = nil

            if current.next == nil {
                d.buckets[current.hash & (len(d.buckets) - 1)] = current
            } else {
                dictionary_split_bucket(d, old_storage, i, current)
            }
        }
    }
}

fn dictionary_split_bucket(d, old_storage, i, head) {
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

fn dictionary_get_keys(d) {
    let keys = new_vector(d.size)
    for i in range(len(d.buckets)) {
        let current = d.buckets[i]
        while current != nil {
            vector_append(keys, current.key)
            current = current.next
        }
    }
    return keys
}

# --- DeltaBlue

fn deltablue_inner_benchmark_loop(inner_iterations) {
    planner_chain_test(inner_iterations)
    return planner_projection_test(inner_iterations)
}

fn new_plan() {
    return new_vector(15)
}

fn plan_execute(plan) {
    vector_for_each(plan, fn (c) { c.cls.execute(c) })
}

struct Planner {
    current_mark = 1
}

# Attempt to satisfy the given constraint and, if successful,
# incrementally update the dataflow graph. Details: If satifying
# the constraint is successful, it may override a weaker constraint
# on its output. The algorithm attempts to resatisfy that
# constraint using some other method. This process is repeated
# until either a) it reaches a variable that was not previously
# determined by any constraint or b) it reaches a constraint that
# is too weak to be satisfied using any of its methods. The
# variables of constraints that have been processed are marked with
# a unique mark value so that we know where we've been. This allows
# the algorithm to avoid getting into an infinite loop even if the
# constraint graph has an inadvertent cycle.
fn planner_incremental_add(p, c) {
    let mark = planner_new_mark(p)
    let overridden = constraint_satisfy(c, mark, p)

    while overridden != nil {
        overridden = constraint_satisfy(overridden, mark, p)
    }
}

# Entry point for retracting a constraint. Remove the given
# constraint and incrementally update the dataflow graph.
# Details: Retracting the given constraint may allow some currently
# unsatisfiable downstream constraint to be satisfied. We therefore collect
# a list of unsatisfied downstream constraints and attempt to
# satisfy each one in turn. This list is traversed by constraint
# strength, strongest first, as a heuristic for avoiding
# unnecessarily adding and then overriding weak constraints.
# Assume: c is satisfied.
fn planner_incremental_remove(p, c) {
    let out = c.cls.get_output(c)
    c.cls.mark_unsatisfied(c)
    c.cls.remove_from_graph(c)

    let unsatisfied = planner_remove_propagate_from(p, out)
    vector_for_each(unsatisfied, fn (u) { planner_incremental_add(p, u) })
}

# Extract a plan for resatisfaction starting from the outputs of
# the given constraints, usually a set of input constraints.
fn planner_extract_plan_from_constraints(p, constraints) {
    let sources = new_vector()

    vector_for_each(constraints, fn (c) {
        if c.cls.is_input(c) and c.cls.is_satisfied(c) {
            vector_append(sources, c)
        }
    })

    return planner_make_plan(p, sources)
}

# Extract a plan for resatisfaction starting from the given source
# constraints, usually a set of input constraints. This method
# assumes that stay optimization is desired; the plan will contain
# only constraints whose output variables are not stay. Constraints
# that do no computation, such as stay and edit constraints, are
# not included in the plan.
# Details: The outputs of a constraint are marked when it is added
# to the plan under construction. A constraint may be appended to
# the plan when all its input variables are known. A variable is
# known if either a) the variable is marked (indicating that has
# been computed by a constraint appearing earlier in the plan), b)
# the variable is 'stay' (i.e. it is a constant at plan execution
# time), or c) the variable is not determined by any
# constraint. The last provision is for past states of history
# variables, which are not stay but which are also not computed by
# any constraint.
# Assume: sources are all satisfied.
fn planner_make_plan(p, sources) {
    let mark = planner_new_mark(p)
    let plan = new_plan()
    let todo = sources

    while not vector_is_empty(todo) {
        let c = vector_remove_first(todo)

        if c.cls.get_output(c).mark != mark and constraint_inputs_known(c, mark) {
            # not in plan already and eligible for inclusion
            vector_append(plan, c)
            c.cls.get_output(c).mark = mark
            planner_add_constraints_consuming_to(c.cls.get_output(c), todo)
        }
    }
    return plan
}

# The given variable has changed. Propagate new values downstream.
fn planner_propagate_from(p, v) {
    let todo = new_vector()
    planner_add_constraints_consuming_to(v, todo)

    while not vector_is_empty(todo) {
        let c = vector_remove_first(todo)
        c.cls.execute(c)
        planner_add_constraints_consuming_to(c.cls.get_output(c), todo)
    }
}

fn planner_add_constraints_consuming_to(v, coll) {
    let determining_c = v.determined_by

    vector_for_each(v.constraints, fn (c) {
        if (determining_c == nil or c.id != determining_c.id) and c.cls.is_satisfied(c) {
            vector_append(coll, c)
        }
    })
}

# Recompute the walkabout strengths and stay flags of all variables
# downstream of the given constraint and recompute the actual
# values of all variables whose stay flag is true. If a cycle is
# detected, remove the given constraint and answer
# false. Otherwise, answer true.
# Details: Cycles are detected when a marked variable is
# encountered downstream of the given constraint. The sender is
# assumed to have marked the inputs of the given constraint with
# the given mark. Thus, encountering a marked node downstream of
# the output constraint means that there is a path from the
# constraint's output to one of its inputs.
fn planner_add_propagate(p, c, mark) {
    let todo = vector_with(c)

    while not vector_is_empty(todo) {
        let d = vector_remove_first(todo)

        if d.cls.get_output(d).mark == mark {
            planner_incremental_remove(p, c)
            return false
        }

        d.cls.recalculate(d)
        planner_add_constraints_consuming_to(d.cls.get_output(d), todo)
    }

    return true
}

fn planner_change(p, var, new_value) {
    let edit_c = new_edit_constraint(var, PREFERRED, p)

    let edit_v = vector_with(edit_c)
    let plan = planner_extract_plan_from_constraints(p, edit_v)
    for i in range(10) {
        var.value = new_value
        plan_execute(plan)
    }

    constraint_destroy_constraint(edit_c, p)
}

fn planner_constraints_consuming(v, f) {
    let determining_c = v.determined_by

    vector_for_each(v.constraints, fn (c) {
        if (determining_c == nil or c.id != determining_c.id) and c.cls.is_satisfied(c) {
            f(c)
        }
    })
}

# Select a previously unused mark value.
fn planner_new_mark(p) {
    p.current_mark += 1
    return p.current_mark
}

# Update the walkabout strengths and stay flags of all variables
# downstream of the given constraint. Answer a collection of
# unsatisfied constraints sorted in order of decreasing strength.
fn planner_remove_propagate_from(p, out) {
    let unsatisfied = new_vector()

    out.determined_by = nil
    out.walk_strength = absolute_weakest
    out.stay = true

    let todo = vector_with(out)

    while not vector_is_empty(todo) {
        let v = vector_remove_first(todo)

        vector_for_each(v.constraints, fn (c) {
            if not c.cls.is_satisfied(c) {
                vector_append(unsatisfied, c)
            }
        })

        planner_constraints_consuming(v, fn (c) {
            c.cls.recalculate(c)
            vector_append(todo, c.cls.get_output(c))
        })
    }

    vector_sort(unsatisfied, fn (c1, c2) {
        return -1 if strength_stronger(c1.strength, c2.strength) else 1
    })
    return unsatisfied
}

# This is the standard DeltaBlue benchmark. A long chain of
# equality constraints is constructed with a stay constraint on
# one end. An edit constraint is then added to the opposite end
# and the time is measured for adding and removing this
# constraint, and extracting and executing a constraint
# satisfaction plan. There are two cases. In case 1, the added
# constraint is stronger than the stay constraint and values must
# propagate down the entire length of the chain. In case 2, the
# added constraint is weaker than the stay constraint so it cannot
# be accomodated. The cost in this case is, of course, very
# low. Typical situations lie somewhere between these two
# extremes.
fn planner_chain_test(n) {
    let planner = Planner()
    let variables = [nil] * (n + 1)
    for i in range(n + 1) {
        variables[i] = Variable()
    }

    # Build chain of n equality constraints
    for i in range(n) {
        let v1 = variables[i]
        let v2 = variables[i + 1]
        new_equality_constraint(v1, v2, REQUIRED, planner)
    }

    new_stay_constraint(variables[n], STRONG_DEFAULT, planner)
    let edit_c = new_edit_constraint(variables[0], PREFERRED, planner)

    let edit_v = vector_with(edit_c)
    let plan = planner_extract_plan_from_constraints(planner, edit_v)
    for i in range(100) {
        variables[0].value = i
        plan_execute(plan)
        if variables[n].value != i {
            throw "Chain test failed!"
        }
    }

    constraint_destroy_constraint(edit_c, planner)
}

# This test constructs a two sets of variables related to each
# other by a simple linear transformation (scale and offset). The
# time is measured to change a variable on either side of the
# mapping and to change the scale and offset factors.
fn planner_projection_test(n) {
    let planner = Planner()

    let dests = new_vector()

    let scale = Variable(10)
    let offset = Variable(1000)

    let src = nil
    let dst = nil
    for i in range(1, n + 1) {
        src = Variable(i)
        dst = Variable(i)
        vector_append(dests, dst)
        new_stay_constraint(src, DEFAULT, planner)
        new_scale_constraint(src, scale, offset, dst, REQUIRED, planner)
    }

    planner_change(planner, src, 17)
    if dst.value != 1170 {
        throw "Projection test 1 failed!"
    }

    planner_change(planner, dst, 1050)
    if src.value != 5 {
        throw "Projection test 2 failed!"
    }

    planner_change(planner, scale, 5)
    for i in range(n - 1) {
        if vector_at(dests, i).value != (i + 1) * 5 + 1000 {
            throw "Projection test 3 failed!"
        }
    }

    planner_change(planner, offset, 2000)
    for i in range(n - 1) {
        if vector_at(dests, i).value != (i + 1) * 5 + 2000 {
            throw "Projection test 4 failed!"
        }
    }

    return vector_at(dests, 0).value
}

struct Sym {
    hash
    id = new_id()
}

fn sym_custom_hash(s) {
    return s.hash
}

let ABSOLUTE_STRONGEST = Sym(0)
let REQUIRED = Sym(1)
let STRONG_PREFERRED = Sym(2)
let PREFERRED = Sym(3)
let STRONG_DEFAULT = Sym(4)
let DEFAULT = Sym(5)
let WEAK_DEFAULT = Sym(6)
let ABSOLUTE_WEAKEST = Sym(7)

struct Strength {
    symbolic_value
    arithmetic_value
}

fn new_strength(strength_sym) {
    return Strength(strength_sym, dictionary_at(strength_table, strength_sym))
}

fn strength_same_as(s, o) {
    return s.arithmetic_value == o.arithmetic_value
}

fn strength_stronger(s, o) {
    return s.arithmetic_value < o.arithmetic_value
}

fn strength_weaker(s, o) {
    return s.arithmetic_value > o.arithmetic_value
}

fn strength_strongest(s, o) {
    return o if strength_stronger(o, s) else s
}

fn strength_weakest(s, o) {
    return o if strength_weaker(o, s) else s
}

fn strength_of(strength) {
    return dictionary_at(strength_constant, strength)
}

fn create_strength_table() {
    let strength_table = IdentityDictionary()
    dictionary_at_put(strength_table, ABSOLUTE_STRONGEST, -10000)
    dictionary_at_put(strength_table, REQUIRED, -800)
    dictionary_at_put(strength_table, STRONG_PREFERRED, -600)
    dictionary_at_put(strength_table, PREFERRED, -400)
    dictionary_at_put(strength_table, STRONG_DEFAULT, -200)
    dictionary_at_put(strength_table, DEFAULT, 0)
    dictionary_at_put(strength_table, WEAK_DEFAULT, 500)
    dictionary_at_put(strength_table, ABSOLUTE_WEAKEST, 10000)
    return strength_table
}

fn create_strength_constants() {
    let strength_constant = IdentityDictionary()
    vector_for_each(dictionary_get_keys(strength_table), fn (key) {
        dictionary_at_put(strength_constant, key, new_strength(key))
    })
    return strength_constant
}

let strength_table = create_strength_table()
let strength_constant = create_strength_constants()

let absolute_weakest = strength_of(ABSOLUTE_WEAKEST)
let required = strength_of(REQUIRED)

# _Direction
let FORWARD = 1
let BACKWARD = 2

# ------------------------ constraints ------------------------------------

# A constraint's class: its virtual methods, each a function taking the constraint.
# Every constraint record holds its class in `cls` and calls `c.cls.execute(c)`.
struct ConstraintClass {
    is_input
    is_satisfied
    add_to_graph
    remove_from_graph
    choose_method
    execute
    inputs_do
    inputs_has_one
    mark_unsatisfied
    get_output
    recalculate
}

# I am an abstract class representing a system-maintainable
# relationship (or "constraint") between a set of variables. I supply
# a strength instance variable; concrete subclasses provide a means
# of storing the constrained variables and other information required
# to represent a constraint.

# Normal constraints are not input constraints. An input constraint
# is one that depends on external state, such as the mouse, the
# keyboard, a clock, or some arbitrary piece of imperative code.
fn constraint_is_input(c) {
    return false
}

# Activate this constraint and attempt to satisfy it.
fn constraint_add_constraint(c, planner) {
    c.cls.add_to_graph(c)
    planner_incremental_add(planner, c)
}

# Deactivate this constraint, remove it from the constraint graph,
# possibly causing other constraints to be satisfied, and destroy it.
fn constraint_destroy_constraint(c, planner) {
    if c.cls.is_satisfied(c) {
        planner_incremental_remove(planner, c)
    }

    c.cls.remove_from_graph(c)
}

# Assume that I am satisfied. Answer true if all my current inputs
# are known. A variable is known if either a) it is 'stay' (i.e. it
# is a constant at plan execution time), b) it has the given mark
# (indicating that it has been computed by a constraint appearing
# earlier in the plan), or c) it is not determined by any
# constraint.
fn constraint_inputs_known(c, mark) {
    return not c.cls.inputs_has_one(c, fn (v) {
        return not (v.mark == mark or v.stay or v.determined_by == nil)
    })
}

# Attempt to find a way to enforce this constraint. If successful,
# record the solution, perhaps modifying the current dataflow
# graph. Answer the constraint that this constraint overrides, if
# there is one, or nil, if there isn't.
# Assume: I am not already satisfied.
fn constraint_satisfy(c, mark, planner) {
    c.cls.choose_method(c, mark)

    let overridden = nil
    if c.cls.is_satisfied(c) {
        # constraint can be satisfied
        # mark inputs to allow cycle detection in addPropagate
        c.cls.inputs_do(c, fn (input_) { input_.mark = mark })

        let out = c.cls.get_output(c)
        overridden = out.determined_by
        if overridden != nil {
            overridden.cls.mark_unsatisfied(overridden)
        }

        out.determined_by = c
        if not planner_add_propagate(planner, c, mark) {
            throw "Cycle encountered"
        }

        out.mark = mark
    } else {
        overridden = nil
        if strength_same_as(c.strength, required) {
            throw "Could not satisfy a required constraint"
        }
    }

    return overridden
}

# I am an abstract superclass for constraints having two possible
# output variables.

# Answer true if this constraint is satisfied in the current solution.
fn binary_is_satisfied(c) {
    return c.direction != nil
}

# Add myself to the constraint graph.
fn binary_add_to_graph(c) {
    variable_add_constraint(c.v1, c)
    variable_add_constraint(c.v2, c)
    c.direction = nil
}

# Remove myself from the constraint graph.
fn binary_remove_from_graph(c) {
    if c.v1 != nil {
        variable_remove_constraint(c.v1, c)
    }
    if c.v2 != nil {
        variable_remove_constraint(c.v2, c)
    }
    c.direction = nil
}

# Decide if I can be satisfied and which way I should flow based on
# the relative strength of the variables I relate, and record that
# decision.
fn binary_choose_method(c, mark) {
    if c.v1.mark == mark {
        if c.v2.mark != mark and strength_stronger(c.strength, c.v2.walk_strength) {
            c.direction = FORWARD
            return c.direction
        }

        c.direction = nil
        return c.direction
    }

    if c.v2.mark == mark {
        if c.v1.mark != mark and strength_stronger(c.strength, c.v1.walk_strength) {
            c.direction = BACKWARD
            return c.direction
        }

        c.direction = nil
        return c.direction
    }

    # If we get here, neither variable is marked, so we have a choice.
    if strength_weaker(c.v1.walk_strength, c.v2.walk_strength) {
        if strength_stronger(c.strength, c.v1.walk_strength) {
            c.direction = BACKWARD
            return c.direction
        }

        c.direction = nil
        return c.direction
    }

    if strength_stronger(c.strength, c.v2.walk_strength) {
        c.direction = FORWARD
        return c.direction
    }

    c.direction = nil
    return c.direction
}

fn binary_inputs_do(c, f) {
    if c.direction == FORWARD {
        f(c.v1)
    } else {
        f(c.v2)
    }
}

fn binary_inputs_has_one(c, f) {
    if c.direction == FORWARD {
        return f(c.v1)
    }

    return f(c.v2)
}

# Record the fact that I am unsatisfied.
fn binary_mark_unsatisfied(c) {
    c.direction = nil
}

# Answer my current output variable.
fn binary_get_output(c) {
    return c.v2 if c.direction == FORWARD else c.v1
}

# Calculate the walkabout strength, the stay flag, and, if it is
# 'stay', the value for the current output of this
# constraint. Assume this constraint is satisfied.
fn binary_recalculate(c) {
    let input_ = nil
    let output = nil
    if c.direction == FORWARD {
        input_ = c.v1
        output = c.v2
    } else {
        input_ = c.v2
        output = c.v1
    }

    output.walk_strength = strength_weakest(c.strength, input_.walk_strength)
    output.stay = input_.stay
    if output.stay {
        c.cls.execute(c)
    }
}

# I am an abstract superclass for constraints having a single
# possible output variable.

# Answer true if this constraint is satisfied in the current solution.
fn unary_is_satisfied(c) {
    return c.satisfied
}

# Add myself to the constraint graph.
fn unary_add_to_graph(c) {
    variable_add_constraint(c.output, c)
    c.satisfied = false
}

# Remove myself from the constraint graph.
fn unary_remove_from_graph(c) {
    if c.output != nil {
        variable_remove_constraint(c.output, c)
    }
    c.satisfied = false
}

# Decide if I can be satisfied and record that decision.
fn unary_choose_method(c, mark) {
    c.satisfied = c.output.mark != mark and strength_stronger(c.strength, c.output.walk_strength)
}

fn unary_inputs_do(c, f) {
    # I have no input variables
}

fn unary_inputs_has_one(c, f) {
    return false
}

# Record the fact that I am unsatisfied.
fn unary_mark_unsatisfied(c) {
    c.satisfied = false
}

# Answer my current output variable.
fn unary_get_output(c) {
    return c.output
}

# Calculate the walkabout strength, the stay flag, and, if it is
# 'stay', the value for the current output of this
# constraint. Assume this constraint is satisfied."
fn unary_recalculate(c) {
    c.output.walk_strength = c.strength
    c.output.stay = not c.cls.is_input(c)
    if c.output.stay {
        c.cls.execute(c)  # stay optimization
    }
}

# I am a unary input constraint used to mark a variable that the
# client wishes to change.
struct EditConstraint {
    cls
    id
    strength
    output
    satisfied
}

fn new_edit_constraint(v, strength, planner) {
    let c = EditConstraint(EDIT_CLASS, new_id(), strength_of(strength), v, false)
    constraint_add_constraint(c, planner)
    return c
}

# I indicate that a variable is to be changed by imperative code.
fn edit_is_input(c) {
    return true
}

fn edit_execute(c) {
    # Edit constraints do nothing.
}

# I constrain two variables to have the same value: "v1 = v2".
struct EqualityConstraint {
    cls
    id
    strength
    v1
    v2
    direction
}

# Install a constraint with the given strength equating the given
# variables.
fn new_equality_constraint(var1, var2, strength, planner) {
    let c = EqualityConstraint(EQUALITY_CLASS, new_id(), strength_of(strength), var1, var2, nil)
    constraint_add_constraint(c, planner)
    return c
}

# Enforce this constraint. Assume that it is satisfied.
fn equality_execute(c) {
    if c.direction == FORWARD {
        c.v2.value = c.v1.value
    } else {
        c.v1.value = c.v2.value
    }
}

# I relate two variables by the linear scaling relationship: "v2 =
# (v1 * scale) + offset". Either v1 or v2 may be changed to maintain
# this relationship but the scale factor and offset are considered
# read-only.
struct ScaleConstraint {
    cls
    id
    strength
    v1
    v2
    direction
    scale   # scale factor input variable
    offset  # offset input variable
}

fn new_scale_constraint(src, scale, offset, dest, strength, planner) {
    let c = ScaleConstraint(SCALE_CLASS, new_id(), strength_of(strength), src, dest, nil,
                            scale, offset)
    constraint_add_constraint(c, planner)
    return c
}

# Add myself to the constraint graph.
fn scale_add_to_graph(c) {
    variable_add_constraint(c.v1, c)
    variable_add_constraint(c.v2, c)
    variable_add_constraint(c.scale, c)
    variable_add_constraint(c.offset, c)
    c.direction = nil
}

# Remove myself from the constraint graph.
fn scale_remove_from_graph(c) {
    if c.v1 != nil {
        variable_remove_constraint(c.v1, c)
    }
    if c.v2 != nil {
        variable_remove_constraint(c.v2, c)
    }
    if c.scale != nil {
        variable_remove_constraint(c.scale, c)
    }
    if c.offset != nil {
        variable_remove_constraint(c.offset, c)
    }
    c.direction = nil
}

# Enforce this constraint. Assume that it is satisfied.
fn scale_execute(c) {
    if c.direction == FORWARD {
        c.v2.value = c.v1.value * c.scale.value + c.offset.value
    } else {
        c.v1.value = (c.v2.value - c.offset.value) / c.scale.value
    }
}

fn scale_inputs_do(c, f) {
    if c.direction == FORWARD {
        f(c.v1)
        f(c.scale)
        f(c.offset)
    } else {
        f(c.v2)
        f(c.scale)
        f(c.offset)
    }
}

# Calculate the walkabout strength, the stay flag, and, if it is
# 'stay', the value for the current output of this
# constraint. Assume this constraint is satisfied.
fn scale_recalculate(c) {
    let input_ = nil
    let output = nil
    if c.direction == FORWARD {
        input_ = c.v1
        output = c.v2
    } else {
        output = c.v1
        input_ = c.v2
    }

    output.walk_strength = strength_weakest(c.strength, input_.walk_strength)
    output.stay = input_.stay and c.scale.stay and c.offset.stay
    if output.stay {
        c.cls.execute(c)  # stay optimization
    }
}

# I mark variables that should, with some level of preference, stay
# the same. I have one method with zero inputs and one output, which
# does nothing. Planners may exploit the fact that, if I am
# satisfied, my output will not change during plan execution. This is
# called "stay optimization".
struct StayConstraint {
    cls
    id
    strength
    output
    satisfied
}

fn new_stay_constraint(v, strength, planner) {
    let c = StayConstraint(STAY_CLASS, new_id(), strength_of(strength), v, false)
    constraint_add_constraint(c, planner)
    return c
}

fn stay_execute(c) {
    # Stay constraints do nothing.
}

let EDIT_CLASS = ConstraintClass(
    is_input = edit_is_input,
    is_satisfied = unary_is_satisfied,
    add_to_graph = unary_add_to_graph,
    remove_from_graph = unary_remove_from_graph,
    choose_method = unary_choose_method,
    execute = edit_execute,
    inputs_do = unary_inputs_do,
    inputs_has_one = unary_inputs_has_one,
    mark_unsatisfied = unary_mark_unsatisfied,
    get_output = unary_get_output,
    recalculate = unary_recalculate,
)

let STAY_CLASS = ConstraintClass(
    is_input = constraint_is_input,
    is_satisfied = unary_is_satisfied,
    add_to_graph = unary_add_to_graph,
    remove_from_graph = unary_remove_from_graph,
    choose_method = unary_choose_method,
    execute = stay_execute,
    inputs_do = unary_inputs_do,
    inputs_has_one = unary_inputs_has_one,
    mark_unsatisfied = unary_mark_unsatisfied,
    get_output = unary_get_output,
    recalculate = unary_recalculate,
)

let EQUALITY_CLASS = ConstraintClass(
    is_input = constraint_is_input,
    is_satisfied = binary_is_satisfied,
    add_to_graph = binary_add_to_graph,
    remove_from_graph = binary_remove_from_graph,
    choose_method = binary_choose_method,
    execute = equality_execute,
    inputs_do = binary_inputs_do,
    inputs_has_one = binary_inputs_has_one,
    mark_unsatisfied = binary_mark_unsatisfied,
    get_output = binary_get_output,
    recalculate = binary_recalculate,
)

let SCALE_CLASS = ConstraintClass(
    is_input = constraint_is_input,
    is_satisfied = binary_is_satisfied,
    add_to_graph = scale_add_to_graph,
    remove_from_graph = scale_remove_from_graph,
    choose_method = binary_choose_method,
    execute = scale_execute,
    inputs_do = scale_inputs_do,
    inputs_has_one = binary_inputs_has_one,
    mark_unsatisfied = binary_mark_unsatisfied,
    get_output = binary_get_output,
    recalculate = scale_recalculate,
)

# ------------------------------ variables ------------------------------

# I represent a constrained variable. In addition to my value, I
# maintain the structure of the constraint graph, the current
# dataflow graph, and various parameters of interest to the DeltaBlue
# incremental constraint solver.
struct Variable {
    value = 0                          # my value; changed by constraints
    constraints = new_vector(2)        # normal constraints that reference me
    determined_by = nil                # the constraint that currently determines
                                       # my value (or nil if there isn't one)
    mark = 0                           # used by the planner to mark constraints
    walk_strength = absolute_weakest   # my walkabout strength
    stay = true                        # true if I am a planning-time constant
}

# Add the given constraint to the set of all constraints that refer to me.
fn variable_add_constraint(v, c) {
    vector_append(v.constraints, c)
}

# Remove all traces of c from this variable.
fn variable_remove_constraint(v, c) {
    vector_remove(v.constraints, c)
    if v.determined_by != nil and v.determined_by.id == c.id {
        v.determined_by = nil
    }
}

# --- main

fn main() {
    let argv = args()
    let size = int(argv[0]) if len(argv) > 0 else 12000
    let result = nil
    try {
        result = deltablue_inner_benchmark_loop(size)
    } catch e {
        eprint(f"deltablue FAILED: {e}")
        exit(1)
    }
    print(f"deltablue ok {result}")
}

main()
