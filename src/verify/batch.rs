//! A batch on several threads, answers in input order.
//!
//! std's scoped threads rather than rayon: one function's worth of scheduling does not need a
//! dependency (nor its size in the mobile library, which ships `verify_batch` too). Workers
//! take blocks of inputs from a shared counter, so a block of slow PS256 certificates does not
//! leave the other threads idle the way a split into equal halves would.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Inputs a worker takes at a time: large enough that the shared counter costs nothing next to
/// a verification (~20 µs or more), small enough to balance the threads' loads.
const BLOCK: usize = 16;

/// `inputs.iter().map(f).collect()`, on up to `threads` threads.
pub(super) fn map_ordered<T: Sync, R: Send>(
    inputs: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(inputs.len().div_ceil(BLOCK));
    if threads <= 1 {
        return inputs.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let start = next.fetch_add(BLOCK, Ordering::Relaxed);
            let Some(block) = inputs.get(start..inputs.len().min(start + BLOCK)) else {
                return done;
            };
            if block.is_empty() {
                return done;
            }
            done.push((start, block.iter().map(&f).collect::<Vec<_>>()));
        }
    };
    let mut blocks = std::thread::scope(|scope| {
        // This thread works too: `threads - 1` helpers.
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut blocks = work();
        for helper in helpers {
            match helper.join() {
                Ok(done) => blocks.extend(done),
                // The verification never panics (the library denies it); if a helper did, its
                // panic carries on here rather than leaving answers out.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        blocks
    });
    blocks.sort_unstable_by_key(|(start, _)| *start);
    blocks.into_iter().flat_map(|(_, block)| block).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_input_order_on_any_number_of_threads() {
        let inputs: Vec<usize> = (0..1000).collect();
        for threads in [0, 1, 2, 3, 8, 200] {
            let out = map_ordered(&inputs, threads, |&i| i * 2);
            assert_eq!(out, inputs.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
        assert!(map_ordered(&[] as &[u8], 4, |&b| b).is_empty());
    }

    #[test]
    fn uses_several_threads() {
        let inputs: Vec<usize> = (0..64 * BLOCK).collect();
        let ids = map_ordered(&inputs, 4, |_| {
            std::thread::sleep(std::time::Duration::from_micros(200));
            std::thread::current().id()
        });
        let mut distinct = ids.clone();
        distinct.sort_by_key(|id| format!("{id:?}"));
        distinct.dedup();
        assert!(distinct.len() > 1, "one thread did everything");
    }
}
