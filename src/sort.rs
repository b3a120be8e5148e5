//! One small stable sort for the whole crate, in place of `slice::sort_by` and friends.
//!
//! The standard library's sorts are fast but large, and they are instantiated anew for every
//! element type and every comparator: a dozen call sites cost about 60 KB of the `.wasm`. Here the
//! comparator is a `&dyn Fn`, so there is one instance per element type, and everything above a
//! few elements goes through one non-generic merge sort of indices. The order is exactly the
//! standard library's: both are stable, so equal elements keep their order.
//!
//! The lists sorted here are short (a client's events, a decision's candidates) or sorted once
//! (diagnostics). A list already in order is left as it is without allocating; otherwise its
//! order is found over indices and then applied, so only that last step is per element type.
//! The per-client hot paths use [`sort_hot_by`], inlined.

use std::cmp::Ordering;

/// Runs of this many indices are insertion-sorted before merging; [`sort_hot_by`] insertion-sorts
/// lists up to this long in place.
const SMALL: usize = 20;

/// Sorts `v` stably by `cmp`, as `v.sort_by(cmp)` does.
pub fn sort_by<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    // All but moving the elements is done over indices, once for every element type.
    if let Some(order) = sorted_order(v.len(), &|a: usize, b: usize| cmp(&v[a], &v[b]) == Ordering::Less) {
        permute(v, order);
    }
}

/// Sorts `v` stably by a key, as `v.sort_by_key(key)` does.
#[inline]
pub fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, &|a, b| key(a).cmp(&key(b)));
}

/// [`sort_by`] for the per-client hot paths (a client's events and contacts, a decision's
/// candidates): those lists are short and usually already in order, so they are
/// insertion-sorted with the comparison inlined rather than called through `&dyn`. Longer
/// lists take [`sort_by`].
#[inline]
pub fn sort_hot_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() > SMALL {
        return sort_by(v, &cmp);
    }
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && cmp(&v[j], &v[j - 1]) == Ordering::Less {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Whether the element at one index sorts before the one at another: a closure called through
/// `dyn` with a table of this one method (a `dyn Fn`'s also holds `call_mut` and `call_once`,
/// copies of the closure's body that stay in the `.wasm`; see [`crate::source`]).
trait Less {
    fn less(&self, a: usize, b: usize) -> bool;
}

impl<F: Fn(usize, usize) -> bool> Less for F {
    #[inline]
    fn less(&self, a: usize, b: usize) -> bool {
        self(a, b)
    }
}

/// The stable sorted order of `0..n` under `less`, or `None` when that is `0..n` (in order already).
fn sorted_order(n: usize, less: &dyn Less) -> Option<Vec<usize>> {
    if (1..n).all(|i| !less.less(i, i - 1)) {
        return None;
    }
    Some(stable_order(n, less))
}

/// The stable sorted order of `0..n` under `less`: a bottom-up merge sort over indices, with
/// insertion-sorted runs of [`SMALL`].
fn stable_order(n: usize, less: &dyn Less) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    for run in idx.chunks_mut(SMALL) {
        for i in 1..run.len() {
            let mut j = i;
            while j > 0 && less.less(run[j], run[j - 1]) {
                run.swap(j, j - 1);
                j -= 1;
            }
        }
    }
    let mut buf = vec![0; n];
    let mut width = SMALL;
    while width < n {
        for start in (0..n).step_by(2 * width) {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut buf[start..end] {
                // Take from the right run only when strictly less: equal elements keep their order.
                if j < end && (i == mid || less.less(idx[j], idx[i])) {
                    *slot = idx[j];
                    j += 1;
                } else {
                    *slot = idx[i];
                    i += 1;
                }
            }
        }
        std::mem::swap(&mut idx, &mut buf);
        width *= 2;
    }
    idx
}

/// Rearranges `v` so that `v[i]` becomes the old `v[order[i]]`, following each cycle once.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        // Position `at` takes the element at `order[at]`; a done position points at itself.
        while order[at] != at {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the test needs no dependency.
    fn numbers(n: usize, seed: u64, range: u64) -> Vec<u64> {
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % range
            })
            .collect()
    }

    #[test]
    fn same_order_as_the_standard_library() {
        for n in [0, 1, 2, 3, 19, 20, 21, 39, 40, 41, 100, 1000, 4097] {
            for (seed, range) in [(1, 3), (2, 10), (3, 1_000_000), (4, 1)] {
                // (key, original position): stability shows in the positions of equal keys.
                let items: Vec<(u64, usize)> = numbers(n, seed, range).into_iter().zip(0..).collect();
                let mut want = items.clone();
                want.sort_by_key(|x| x.0);
                let mut got = items.clone();
                sort_by_key(&mut got, |x| x.0);
                assert_eq!(got, want, "n {n}, range {range}");
                let mut got = items.clone();
                sort_hot_by(&mut got, |a, b| a.0.cmp(&b.0));
                assert_eq!(got, want, "hot, n {n}, range {range}");
                let mut want = items.clone();
                want.sort_by_key(|x| std::cmp::Reverse(x.0));
                let mut got = items;
                sort_by(&mut got, &|a, b| b.0.cmp(&a.0));
                assert_eq!(got, want, "n {n}, range {range}, descending");
            }
        }
        let mut sorted: Vec<u32> = (0..100).collect();
        sort_by_key(&mut sorted, |x| *x);
        assert!(sorted.iter().copied().eq(0..100));
    }
}
