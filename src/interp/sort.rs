//! A stable sort whose comparison can fail. The first failure ends the sort with that error
//! (the standard library's sorts need a total order and may panic without one, as when a
//! comparison of `nan` or of mixed types fails half way).

use std::cmp::Ordering;

/// Runs at or below this length are sorted by insertion.
const RUN: usize = 16;

/// Sorts `items` stably by `cmp`; on the first `Err` from `cmp`, returns it (the order of
/// `items` is then unspecified, but it holds the same elements).
pub fn try_sort_by<T: Clone, E>(
    items: &mut Vec<T>,
    mut cmp: impl FnMut(&T, &T) -> Result<Ordering, E>,
) -> Result<(), E> {
    let len = items.len();
    for start in (0..len).step_by(RUN) {
        let end = (start + RUN).min(len);
        for i in start + 1..end {
            let mut j = i;
            // As Python does, ask whether the later item is smaller (so an error names the
            // types in the order Python's would: `sorted([1, "a"])` compares str and int).
            while j > start && cmp(&items[j], &items[j - 1])? == Ordering::Less {
                items.swap(j - 1, j);
                j -= 1;
            }
        }
    }
    let mut width = RUN;
    let mut buffer: Vec<T> = Vec::with_capacity(len);
    while width < len {
        buffer.clear();
        for start in (0..len).step_by(2 * width) {
            let mid = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let (mut i, mut j) = (start, mid);
            while i < mid && j < end {
                // Take from the right only when strictly smaller: equal items keep their order.
                if cmp(&items[j], &items[i])? == Ordering::Less {
                    buffer.push(items[j].clone());
                    j += 1;
                } else {
                    buffer.push(items[i].clone());
                    i += 1;
                }
            }
            buffer.extend_from_slice(&items[i..mid]);
            buffer.extend_from_slice(&items[j..end]);
        }
        std::mem::swap(items, &mut buffer);
        width *= 2;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably() {
        let mut state = 12345u64;
        let mut items: Vec<(u64, usize)> = (0..1000)
            .map(|i| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                ((state >> 33) % 50, i)
            })
            .collect();
        let mut expected = items.clone();
        expected.sort_by_key(|p| p.0);
        try_sort_by(&mut items, |a, b| Ok::<_, ()>(a.0.cmp(&b.0))).unwrap();
        assert_eq!(items, expected);
    }

    #[test]
    fn the_first_failure_ends_the_sort() {
        let mut items: Vec<f64> = (0..500).map(|i| ((i * 37) % 101) as f64).collect();
        items[250] = f64::NAN;
        let result = try_sort_by(&mut items, |a, b| a.partial_cmp(b).ok_or("nan"));
        assert_eq!(result, Err("nan"));
        assert_eq!(items.len(), 500);
    }
}
