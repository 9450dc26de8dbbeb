# Are We Fast Yet: CD, for mpscript's benchmark suite (bench/suite/).
# Ported from benchmarks/Python/cd.py and som/vector.py of
# https://github.com/smarr/are-we-fast-yet (commit 50e34b1), whose header reads:
#
# Copyright (c) 2001-2021 Stefan Marr
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
# Port notes: SIZE is the inner iterations, which CD uses as the number of aircraft; the
# verified sizes are those the reference lists. Each class is a struct plus functions taking
# the record (`v3_plus(a, b)` for `a.plus(b)`). The tree's keys (CallSign, Vector2D) carry
# their compare_to method as a function-valued field, called `key.compare_to(key, other)`,
# which is the one call the tree makes on a key it does not know the type of. mpscript has
# no identity comparison and `==` on records compares fields, so a tree Node's first field
# is a unique `id`: `a == b` on nodes then answers at once (the same record) or at the first
# field (two nodes), which is the reference's `is`. The enum Color is two int constants.
# Sizes: see cd.py (suite: size=100 quick=10).

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

fn vector_for_each(v, f) {
    for i in range(v.first_idx, v.last_idx) {
        f(v.storage[i])
    }
}

fn vector_size(v) {
    return v.last_idx - v.first_idx
}

# ---- CD ----------------------------------------------------------------------------------

let MIN_X = 0.0
let MIN_Y = 0.0
let MAX_X = 1000.0
let MAX_Y = 1000.0
let MIN_Z = 0.0
let MAX_Z = 10.0
let PROXIMITY_RADIUS = 1.0
let GOOD_VOXEL_SIZE = PROXIMITY_RADIUS * 2.0

fn compare_numbers(a, b) {
    if a == b {
        return 0
    }

    if a < b {
        return -1
    }

    if a > b {
        return 1
    }

    # We say that NaN is smaller than non-NaN.
    if a == a {
        return 1
    }

    return -1
}

struct Vector2D { x, y, compare_to = vector2d_compare_to }

fn v2_plus(a, other) {
    return Vector2D(a.x + other.x, a.y + other.y)
}

fn v2_minus(a, other) {
    return Vector2D(a.x - other.x, a.y - other.y)
}

fn vector2d_compare_to(a, other) {
    let result = compare_numbers(a.x, other.x)
    if result != 0 {
        return result
    }

    return compare_numbers(a.y, other.y)
}

struct Vector3D { x, y, z }

fn v3_plus(a, other) {
    return Vector3D(a.x + other.x, a.y + other.y, a.z + other.z)
}

fn v3_minus(a, other) {
    return Vector3D(a.x - other.x, a.y - other.y, a.z - other.z)
}

fn v3_dot(a, other) {
    return a.x * other.x + a.y * other.y + a.z * other.z
}

fn v3_squared_magnitude(a) {
    return v3_dot(a, a)
}

fn v3_magnitude(a) {
    return math.sqrt(v3_squared_magnitude(a))
}

fn v3_times(a, amount) {
    return Vector3D(a.x * amount, a.y * amount, a.z * amount)
}

let HORIZONTAL = Vector2D(GOOD_VOXEL_SIZE, 0.0)
let VERTICAL = Vector2D(0.0, GOOD_VOXEL_SIZE)

# Color
let RED = 1
let BLACK = 2

fn tree_minimum(x) {
    let current = x
    while current.left != nil {
        current = current.left
    }

    return current
}

let last_node_id = 0

struct Node { id, key, value, left = nil, right = nil, parent = nil, color = RED }

fn node_new(key, value) {
    last_node_id += 1
    return Node(last_node_id, key, value)
}

fn node_successor(node) {
    let x = node
    if x.right != nil {
        return tree_minimum(x.right)
    }

    let y = x.parent
    while y != nil and x == y.right {
        x = y
        y = y.parent
    }

    return y
}

struct Entry { key, value }

struct InsertResult { is_new_entry, new_node, old_value }

struct RedBlackTree { root = nil }

fn rbt_put(t, key, value) {
    let insertion_result = rbt_tree_insert(t, key, value)
    if not insertion_result.is_new_entry {
        return insertion_result.old_value
    }

    let x = insertion_result.new_node

    while x != t.root and x.parent.color == RED {
        if x.parent == x.parent.parent.left {
            let y = x.parent.parent.right
            if y != nil and y.color == RED {
                # Case 1
                x.parent.color = BLACK
                y.color = BLACK
                x.parent.parent.color = RED
                x = x.parent.parent
            } else {
                if x == x.parent.right {
                    # Case 2
                    x = x.parent
                    rbt_left_rotate(t, x)
                }

                # Case 3
                x.parent.color = BLACK
                x.parent.parent.color = RED
                rbt_right_rotate(t, x.parent.parent)
            }
        } else {
            # Same as "then" clause with "right" and "left" exchanged.
            let y = x.parent.parent.left
            if y != nil and y.color == RED {
                # Case 1
                x.parent.color = BLACK
                y.color = BLACK
                x.parent.parent.color = RED
                x = x.parent.parent
            } else {
                if x == x.parent.left {
                    # Case 2
                    x = x.parent
                    rbt_right_rotate(t, x)
                }

                # Case 3
                x.parent.color = BLACK
                x.parent.parent.color = RED
                rbt_left_rotate(t, x.parent.parent)
            }
        }
    }

    t.root.color = BLACK
    return nil
}

fn rbt_remove(t, key) {
    let z = rbt_find_node(t, key)
    if z == nil {
        return nil
    }

    # y is the node to be unlinked from the tree.
    let y = nil
    if z.left == nil or z.right == nil {
        y = z
    } else {
        y = node_successor(z)
    }

    # y is guaranteed to be non-null at this point.
    let x = nil
    if y.left != nil {
        x = y.left
    } else {
        x = y.right
    }

    # x is the child of y which might potentially replace y in the tree. X might be null at
    # this point.
    let x_parent = nil
    if x != nil {
        x.parent = y.parent
        x_parent = x.parent
    } else {
        x_parent = y.parent
    }

    if y.parent == nil {
        t.root = x
    } else {
        if y == y.parent.left {
            y.parent.left = x
        } else {
            y.parent.right = x
        }
    }

    if y != z {
        if y.color == BLACK {
            rbt_remove_fixup(t, x, x_parent)
        }

        y.parent = z.parent
        y.color = z.color
        y.left = z.left
        y.right = z.right

        if z.left != nil {
            z.left.parent = y
        }
        if z.right != nil {
            z.right.parent = y
        }
        if z.parent != nil {
            if z.parent.left == z {
                z.parent.left = y
            } else {
                z.parent.right = y
            }
        } else {
            t.root = y
        }
    } else if y.color == BLACK {
        rbt_remove_fixup(t, x, x_parent)
    }

    return z.value
}

fn rbt_get(t, key) {
    let node = rbt_find_node(t, key)
    if node == nil {
        return nil
    }

    return node.value
}

fn rbt_for_each(t, f) {
    if t.root == nil {
        return
    }

    let current = tree_minimum(t.root)
    while current != nil {
        f(Entry(current.key, current.value))
        current = node_successor(current)
    }
}

fn rbt_find_node(t, key) {
    let current = t.root
    while current != nil {
        let comparison_result = key.compare_to(key, current.key)
        if comparison_result == 0 {
            return current
        }
        if comparison_result < 0 {
            current = current.left
        } else {
            current = current.right
        }
    }
    return nil
}

fn rbt_tree_insert(t, key, value) {
    let y = nil
    let x = t.root

    while x != nil {
        y = x
        let comparison_result = key.compare_to(key, x.key)
        if comparison_result < 0 {
            x = x.left
        } else if comparison_result > 0 {
            x = x.right
        } else {
            let old_value = x.value
            x.value = value
            return InsertResult(false, nil, old_value)
        }
    }

    let z = node_new(key, value)
    z.parent = y
    if y == nil {
        t.root = z
    } else {
        if key.compare_to(key, y.key) < 0 {
            y.left = z
        } else {
            y.right = z
        }
    }
    return InsertResult(true, z, nil)
}

fn rbt_left_rotate(t, x) {
    let y = x.right

    # Turn y's left subtree into x's right subtree.
    x.right = y.left
    if y.left != nil {
        y.left.parent = x
    }

    # Link x's parent to y.
    y.parent = x.parent
    if x.parent == nil {
        t.root = y
    } else {
        if x == x.parent.left {
            x.parent.left = y
        } else {
            x.parent.right = y
        }
    }

    # Put x on y's left.
    y.left = x
    x.parent = y

    return y
}

fn rbt_right_rotate(t, y) {
    let x = y.left

    # Turn x's right subtree into y's left subtree.
    y.left = x.right
    if x.right != nil {
        x.right.parent = y
    }

    # Link y's parent to x;
    x.parent = y.parent
    if y.parent == nil {
        t.root = x
    } else {
        if y == y.parent.left {
            y.parent.left = x
        } else {
            y.parent.right = x
        }
    }

    x.right = y
    y.parent = x

    return x
}

fn rbt_remove_fixup(t, x, x_parent) {
    while x != t.root and (x == nil or x.color == BLACK) {
        if x == x_parent.left {
            # Note: the text points out that w cannot be null. The reason is not obvious from
            # simply looking at the code; it comes about from the properties of the red-black
            # tree.
            let w = x_parent.right
            if w.color == RED {
                # Case 1
                w.color = BLACK
                x_parent.color = RED
                rbt_left_rotate(t, x_parent)
                w = x_parent.right
            }

            if (w.left == nil or w.left.color == BLACK) and (w.right == nil or w.right.color == BLACK) {
                # Case 2
                w.color = RED
                x = x_parent
                x_parent = x.parent
            } else {
                if w.right == nil or w.right.color == BLACK {
                    # Case 3
                    w.left.color = BLACK
                    w.color = RED
                    rbt_right_rotate(t, w)
                    w = x_parent.right
                }

                # Case 4
                w.color = x_parent.color
                x_parent.color = BLACK
                if w.right != nil {
                    w.right.color = BLACK
                }

                rbt_left_rotate(t, x_parent)
                x = t.root
                x_parent = x.parent
            }
        } else {
            # Same as "then" clause with "right" and "left" exchanged.
            let w = x_parent.left
            if w.color == RED {
                # Case 1
                w.color = BLACK
                x_parent.color = RED
                rbt_right_rotate(t, x_parent)
                w = x_parent.left
            }

            if (w.right == nil or w.right.color == BLACK) and (w.left == nil or w.left.color == BLACK) {
                # Case 2
                w.color = RED
                x = x_parent
                x_parent = x.parent
            } else {
                if w.left == nil or w.left.color == BLACK {
                    # Case 3
                    w.right.color = BLACK
                    w.color = RED
                    rbt_left_rotate(t, w)
                    w = x_parent.left
                }

                # Case 4
                w.color = x_parent.color
                x_parent.color = BLACK
                if w.left != nil {
                    w.left.color = BLACK
                }

                rbt_right_rotate(t, x_parent)
                x = t.root
                x_parent = x.parent
            }
        }
    }

    if x != nil {
        x.color = BLACK
    }
}

struct CallSign { value, compare_to = call_sign_compare_to }

fn call_sign_compare_to(a, other) {
    if a.value == other.value {
        return 0
    }
    if a.value < other.value {
        return -1
    }
    return 1
}

struct Collision { aircraft_a, aircraft_b, position }

struct CollisionDetector { state = RedBlackTree() }

fn cd_handle_new_frame(detector, frame) {
    let motions = vector_new()
    let seen = RedBlackTree()

    let each = fn (aircraft) {
        let old_position = rbt_put(detector.state, aircraft.call_sign, aircraft.position)
        let new_position = aircraft.position
        rbt_put(seen, aircraft.call_sign, true)

        if old_position == nil {
            # Treat newly introduced aircraft as if they were stationary.
            old_position = new_position
        }

        vector_append(motions, Motion(aircraft.call_sign, old_position, new_position))
    }

    vector_for_each(frame, each)

    # Remove aircraft that are no longer present.
    let to_remove = vector_new()

    let for_removal = fn (e) {
        if not rbt_get(seen, e.key) {
            vector_append(to_remove, e.key)
        }
    }

    rbt_for_each(detector.state, for_removal)

    vector_for_each(to_remove, fn (key) { return rbt_remove(detector.state, key) })

    let all_reduced = reduce_collision_set(motions)
    let collisions = vector_new()

    let find_collisions = fn (reduced) {
        for i in range(vector_size(reduced)) {
            let motion1 = vector_at(reduced, i)
            for j in range(i + 1, vector_size(reduced)) {
                let motion2 = vector_at(reduced, j)
                let collision = motion_find_intersection(motion1, motion2)
                if collision != nil {
                    vector_append(collisions, Collision(motion1.call_sign, motion2.call_sign, collision))
                }
            }
        }
    }

    vector_for_each(all_reduced, find_collisions)

    return collisions
}

let INF_POSITIVE = math.inf
let INF_NEGATIVE = -math.inf

fn is_in_voxel(voxel, motion) {
    if voxel.x > MAX_X or voxel.x < MIN_X or voxel.y > MAX_Y or voxel.y < MIN_Y {
        return false
    }

    let init = motion.pos_one
    let fin = motion.pos_two

    let v_s = GOOD_VOXEL_SIZE
    let r = PROXIMITY_RADIUS / 2.0

    let v_x = voxel.x
    let x0 = init.x
    let xv = fin.x - init.x

    let v_y = voxel.y
    let y0 = init.y
    let yv = fin.y - init.y

    let low_x = nil
    let high_x = nil
    if xv == 0.0 {
        low_x = INF_NEGATIVE if (v_x - r - x0) < 0.0 else INF_POSITIVE
        high_x = INF_NEGATIVE if (v_x + v_s + r - x0) < 0.0 else INF_POSITIVE
    } else {
        low_x = (v_x - r - x0) / xv
        high_x = (v_x + v_s + r - x0) / xv
    }

    if xv < 0.0 {
        let tmp = low_x
        low_x = high_x
        high_x = tmp
    }

    let low_y = nil
    let high_y = nil
    if yv == 0.0 {
        low_y = INF_NEGATIVE if (v_y - r - y0) < 0.0 else INF_POSITIVE
        high_y = INF_NEGATIVE if (v_y + v_s + r - y0) < 0.0 else INF_POSITIVE
    } else {
        low_y = (v_y - r - y0) / yv
        high_y = (v_y + v_s + r - y0) / yv
    }

    if yv < 0.0 {
        let tmp = low_y
        low_y = high_y
        high_y = tmp
    }

    return (
        (
            (xv == 0.0 and v_x <= x0 + r and x0 - r <= v_x + v_s)
            or (low_x <= 1.0 and 1.0 <= high_x)  # no motion in x
            or (low_x <= 0.0 and 0.0 <= high_x)
            or (0.0 <= low_x and high_x <= 1.0)
        )
        and (
            (yv == 0.0 and v_y <= y0 + r and y0 - r <= v_y + v_s)
            or (  # no motion in y
                (low_y <= 1.0 and 1.0 <= high_y)
                or (low_y <= 0.0 and 0.0 <= high_y)
                or (0.0 <= low_y and high_y <= 1.0)
            )
        )
        and (
            xv == 0.0
            or yv == 0.0
            or (low_y <= high_x and high_x <= high_y)  # no motion in x or y or both
            or (low_y <= low_x and low_x <= high_y)
            or (low_x <= low_y and high_y <= high_x)
        )
    )
}

fn put_into_map(voxel_map, voxel, motion) {
    let array = rbt_get(voxel_map, voxel)
    if array == nil {
        array = vector_new()
        rbt_put(voxel_map, voxel, array)
    }
    vector_append(array, motion)
}

fn recurse(voxel_map, seen, next_voxel, motion) {
    if not is_in_voxel(next_voxel, motion) {
        return
    }

    if rbt_put(seen, next_voxel, true) {
        return
    }

    put_into_map(voxel_map, next_voxel, motion)

    recurse(voxel_map, seen, v2_minus(next_voxel, HORIZONTAL), motion)
    recurse(voxel_map, seen, v2_plus(next_voxel, HORIZONTAL), motion)
    recurse(voxel_map, seen, v2_minus(next_voxel, VERTICAL), motion)
    recurse(voxel_map, seen, v2_plus(next_voxel, VERTICAL), motion)
    recurse(voxel_map, seen, v2_minus(v2_minus(next_voxel, HORIZONTAL), VERTICAL), motion)
    recurse(voxel_map, seen, v2_plus(v2_minus(next_voxel, HORIZONTAL), VERTICAL), motion)
    recurse(voxel_map, seen, v2_minus(v2_plus(next_voxel, HORIZONTAL), VERTICAL), motion)
    recurse(voxel_map, seen, v2_plus(v2_plus(next_voxel, HORIZONTAL), VERTICAL), motion)
}

fn reduce_collision_set(motions) {
    let voxel_map = RedBlackTree()
    vector_for_each(motions, fn (motion) { draw_motion_on_voxel_map(voxel_map, motion) })

    let result = vector_new()

    let each = fn (e) {
        if vector_size(e.value) > 1 {
            vector_append(result, e.value)
        }
    }

    rbt_for_each(voxel_map, each)
    return result
}

fn voxel_hash(position) {
    let x_div = position.x // GOOD_VOXEL_SIZE
    let y_div = position.y // GOOD_VOXEL_SIZE

    let x = GOOD_VOXEL_SIZE * x_div
    let y = GOOD_VOXEL_SIZE * y_div

    if position.x < 0.0 {
        x -= GOOD_VOXEL_SIZE
    }

    if position.y < 0.0 {
        y -= GOOD_VOXEL_SIZE
    }

    return Vector2D(x, y)
}

fn draw_motion_on_voxel_map(voxel_map, motion) {
    let seen = RedBlackTree()
    recurse(voxel_map, seen, voxel_hash(motion.pos_one), motion)
}

struct Motion { call_sign, pos_one, pos_two }

fn motion_delta(m) {
    return v3_minus(m.pos_two, m.pos_one)
}

fn motion_find_intersection(m, other) {
    let init1 = m.pos_one
    let init2 = other.pos_one
    let vec1 = motion_delta(m)
    let vec2 = motion_delta(other)
    let radius = PROXIMITY_RADIUS

    # this test is not geometrical 3-d intersection test,
    # it takes the fact that the aircraft move
    # into account ; so it is more like a 4d test
    # (it assumes that both of the aircraft have a constant speed over the tested interval)

    # we thus have two points, each of them moving on its line segment at constant speed ;
    # we are looking for times when the distance between these two points is smaller than r

    # vec1 is vector of aircraft 1
    # vec2 is vector of aircraft 2

    # a = (V2 - V1)^T * (V2 - V1)
    let a = v3_squared_magnitude(v3_minus(vec2, vec1))

    if a != 0.0 {
        # we are first looking for instances of time when the planes are
        # exactly r from each other at least one plane is moving ;
        # if the planes are moving in parallel, they do not have constant speed

        # if the planes are moving in parallel, then
        #   if the faster starts behind the slower, we can have 2, 1, or 0 solutions
        #   if the faster plane starts in front of the slower, we can have 0 or 1 solutions

        # if the planes are not moving in parallel, then

        # point P1 = I1 + vV1
        # point P2 = I2 + vV2
        #   - looking for v, such that dist(P1,P2) = || P1 - P2 || = r

        # it follows that || P1 - P2 || = sqrt( < P1-P2, P1-P2 > )
        #   0 = -r^2 + < P1 - P2, P1 - P2 >
        #  from properties of dot product
        #   0 = -r^2 + <I1-I2,I1-I2> + v * 2<I1-I2, V1-V2> + v^2 *<V1-V2,V1-V2>
        #   so we calculate a, b, c - and solve the quadratic equation
        #   0 = c + bv + av^2

        # b = 2 * <I1-I2, V1-V2>
        let b = 2.0 * v3_dot(v3_minus(init1, init2), v3_minus(vec1, vec2))

        # c = -r^2 + (I2 - I1)^T * (I2 - I1)
        let c = -radius * radius + v3_squared_magnitude(v3_minus(init2, init1))

        let discr = b * b - 4.0 * a * c
        if discr < 0.0 {
            return nil
        }

        let v1 = (-b - math.sqrt(discr)) / (2.0 * a)
        let v2 = (-b + math.sqrt(discr)) / (2.0 * a)

        if v1 <= v2 and (
            (v1 <= 1.0 and 1.0 <= v2)
            or (v1 <= 0.0 and 0.0 <= v2)
            or (0.0 <= v1 and v2 <= 1.0)
        ) {
            # Pick a good "time" at which to report the collision.
            let v = nil
            if v1 <= 0.0 {
                # The collision started before this frame. Report it at the start of the frame.
                v = 0.0
            } else {
                # The collision started during this frame. Report it at that moment.
                v = v1
            }

            let result1 = v3_plus(init1, v3_times(vec1, v))
            let result2 = v3_plus(init2, v3_times(vec2, v))

            let result = v3_times(v3_plus(result1, result2), 0.5)
            if (
                result.x >= MIN_X
                and result.x <= MAX_X
                and result.y >= MIN_Y
                and result.y <= MAX_Y
                and result.z >= MIN_Z
                and result.z <= MAX_Z
            ) {
                return result
            }
        }

        return nil
    }

    # the planes have the same speeds and are moving in parallel (or they are not moving at all)
    # they  thus have the same distance all the time ; we calculate it from the initial point

    # dist = || i2 - i1 || = sqrt(  ( i2 - i1 )^T * ( i2 - i1 ) )
    let dist = v3_magnitude(v3_minus(init2, init1))
    if dist <= radius {
        return v3_times(v3_plus(init1, init2), 0.5)
    }

    return nil
}

struct Aircraft { call_sign, position }

struct Simulator { aircraft }

fn simulator_new(num_aircraft) {
    let s = Simulator(vector_new())
    for i in range(num_aircraft) {
        vector_append(s.aircraft, CallSign(i))
    }
    return s
}

fn simulator_simulate(s, time) {
    let frame = vector_new()
    for i in range(0, vector_size(s.aircraft), 2) {
        vector_append(
            frame,
            Aircraft(vector_at(s.aircraft, i), Vector3D(time, math.cos(time) * 2.0 + i * 3.0, 10.0))
        )

        vector_append(
            frame,
            Aircraft(vector_at(s.aircraft, i + 1), Vector3D(time, math.sin(time) * 2.0 + i * 3.0, 10.0))
        )
    }
    return frame
}

fn benchmark(num_aircraft) {
    let num_frames = 200

    let simulator = simulator_new(num_aircraft)
    let detector = CollisionDetector()

    let actual_collisions = 0

    for i in range(num_frames) {
        let time = i / 10.0
        let collisions = cd_handle_new_frame(detector, simulator_simulate(simulator, time))
        actual_collisions += vector_size(collisions)
    }

    return actual_collisions
}

# ---- harness: CD.inner_benchmark_loop and _verify_result ---------------------------------

let EXPECTED = {1000: 14484, 500: 14484, 250: 10830, 200: 8655, 100: 4305, 10: 390, 2: 42}

fn main() {
    let a = args()
    let size = int(a[0]) if len(a) > 0 else 100
    let result = benchmark(size)
    if size not in EXPECTED {
        eprint(f"cd FAILED: no verification result for {size} (result {result})")
        exit(1)
    }
    if result != EXPECTED[size] {
        eprint(f"cd FAILED: result {result} (expected {EXPECTED[size]})")
        exit(1)
    }
    print(f"cd ok {result}")
}

main()
