//! The shared-counter experiment, without the browser: where its words live in the shared
//! memory, the three ways a worker adds to the counter, the lock and the start barrier.
//!
//! N workers each add 1 to one 32-bit counter `iterations` times, so an exact run ends at
//! N × iterations ([`expected`]). The three [`Variant`]s:
//! - [`Variant::Plain`]: a plain load then a plain store, as `counter = counter + 1` compiles.
//!   Two workers that load the same value both store value + 1: one update is lost (OSTEP,
//!   ch. 26.3 "The Heart of the Problem: Uncontrolled Scheduling").
//! - [`Variant::Atomic`]: one atomic read-modify-write (`Atomics.add`, x86's `lock xadd`): exact.
//! - [`Variant::Lock`]: the plain load and store inside a lock built on compare-and-exchange with
//!   sleeping waiters ([`lock`], [`unlock`]: OSTEP ch. 28.14 "Using Queues: Sleeping Instead Of
//!   Spinning", Linux's futex): exact, and slower, since every addition takes and frees the lock.
//!
//! The operations go through [`Words`], implemented on a `SharedArrayBuffer` by the workers
//! (`src/parallel/web.rs`) and on std atomics by the native tests.

use serde::{Deserialize, Serialize};

/// One way to add to the shared counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// A plain load, then a plain store: updates are lost.
    Plain,
    /// `Atomics.add`: one indivisible read-modify-write.
    Atomic,
    /// The plain load and store under a lock built on `Atomics.compareExchange`, `Atomics.wait`
    /// and `Atomics.notify`.
    Lock,
}

impl Variant {
    /// The three, in the order a run measures them.
    pub const ALL: [Variant; 3] = [Variant::Plain, Variant::Atomic, Variant::Lock];

    /// What the page calls it.
    pub fn label(self) -> &'static str {
        match self {
            Variant::Plain => "Plain load and store",
            Variant::Atomic => "Atomics.add",
            Variant::Lock => "Lock (Atomics.wait/notify)",
        }
    }
}

/// Index (in 32-bit words) of the counter in the shared memory.
pub const COUNTER: u32 = 0;
/// Index of the lock's word: 0 free, 1 taken, 2 taken and someone may sleep on it.
pub const LOCK: u32 = 1;
/// Index of the barrier's count of workers that have arrived.
pub const ARRIVED: u32 = 2;
/// Index of the barrier's flag: 0 until the last worker arrives, then 1.
pub const GO: u32 = 3;
/// Index of worker 0's progress word (additions done so far); worker `w`'s is `PROGRESS + w`.
pub const PROGRESS: u32 = 4;

/// A worker publishes its progress after every this many additions (one atomic store: the cost
/// stays under 0.1 % of the loop).
pub const PROGRESS_EVERY: u32 = 4_096;

/// Length of the shared memory for `workers` workers, in 32-bit words (4 bytes each).
pub fn words(workers: u32) -> u32 {
    PROGRESS + workers
}

/// Most workers the page starts, whatever the browser reports: each is a thread of the browser.
pub const MAX_WORKERS: u32 = 64;

/// Most additions per worker the page offers: with [`MAX_WORKERS`] the exact count
/// (64 × 10,000,000) still fits the counter's 32 bits.
pub const MAX_ITERATIONS: u32 = 10_000_000;

/// How many workers the learner may choose: 1 to twice the browser's
/// `navigator.hardwareConcurrency` (logical cores; 0 when the browser hides it, taken as 1), so
/// the runs past the core count show the plateau; never more than [`MAX_WORKERS`].
pub fn max_workers(hardware_concurrency: u32) -> u32 {
    (2 * hardware_concurrency.max(1)).min(MAX_WORKERS)
}

/// What an exact run ends at: `workers` × `iterations`. Errors: a count outside 1..=`max_workers`
/// or iterations outside 1..=[`MAX_ITERATIONS`] (the message says which, and the range).
pub fn expected(workers: u32, iterations: u32, max_workers: u32) -> Result<u32, String> {
    if !(1..=max_workers).contains(&workers) {
        return Err(format!("workers: {workers} is not between 1 and {max_workers}"));
    }
    if !(1..=MAX_ITERATIONS).contains(&iterations) {
        return Err(format!("additions per worker: {iterations} is not between 1 and {MAX_ITERATIONS}"));
    }
    // At most 64 × 10^7 = 6.4 × 10^8 < 2^31 − 1.
    Ok(workers * iterations)
}

/// Operations on the 32-bit words of the shared memory. Indices are in words; values wrap as
/// JavaScript's `Int32Array` does.
pub trait Words {
    /// A plain load (`a[i]`): no ordering, may read a stale value.
    fn load(&self, index: u32) -> i32;
    /// A plain store (`a[i] = v`).
    fn store(&self, index: u32, value: i32);
    /// `Atomics.load`.
    fn atomic_load(&self, index: u32) -> i32;
    /// `Atomics.store`.
    fn atomic_store(&self, index: u32, value: i32);
    /// `Atomics.add`: adds `value`, returns the word before.
    fn atomic_add(&self, index: u32, value: i32) -> i32;
    /// `Atomics.sub`: subtracts `value`, returns the word before.
    fn atomic_sub(&self, index: u32, value: i32) -> i32;
    /// `Atomics.exchange`: writes `value`, returns the word before.
    fn exchange(&self, index: u32, value: i32) -> i32;
    /// `Atomics.compareExchange`: writes `new` if the word is `current`; returns the word before.
    fn compare_exchange(&self, index: u32, current: i32, new: i32) -> i32;
    /// `Atomics.wait`: sleeps while the word is `value`, until a notify (may return early).
    fn wait(&self, index: u32, value: i32);
    /// `Atomics.notify`: wakes up to `count` sleepers on the word.
    fn notify(&self, index: u32, count: u32);
}

/// Takes the lock at [`LOCK`]: Drepper's three-state futex mutex ("Futexes Are Tricky", 2011,
/// mutex 2; OSTEP ch. 28.14 shows the same lock from glibc). 0 free, 1 taken, 2 taken with
/// possible sleepers. Uncontended it costs one compare-and-exchange; contended, a worker marks
/// the lock 2 and sleeps until the holder's [`unlock`] wakes it.
pub fn lock(words: &impl Words) {
    let mut c = words.compare_exchange(LOCK, 0, 1);
    if c != 0 {
        if c != 2 {
            c = words.exchange(LOCK, 2);
        }
        while c != 0 {
            words.wait(LOCK, 2);
            c = words.exchange(LOCK, 2);
        }
    }
}

/// Frees the lock taken by [`lock`], waking one sleeper if there may be one.
pub fn unlock(words: &impl Words) {
    if words.atomic_sub(LOCK, 1) != 1 {
        words.atomic_store(LOCK, 0);
        words.notify(LOCK, 1);
    }
}

/// Waits until all `workers` have arrived (a one-use barrier on [`ARRIVED`] and [`GO`]), so the
/// workers start adding together and the race is real rather than one worker finishing before
/// the next has started. The last to arrive sets [`GO`] and wakes the rest.
pub fn barrier(words: &impl Words, workers: u32) {
    let arrived = words.atomic_add(ARRIVED, 1) + 1;
    if arrived as u32 >= workers {
        words.atomic_store(GO, 1);
        words.notify(GO, u32::MAX);
    } else {
        while words.atomic_load(GO) == 0 {
            words.wait(GO, 0);
        }
    }
}

/// Worker `worker` adds 1 to the counter `iterations` times the `variant`'s way, publishing its
/// progress in its [`PROGRESS`] word every [`PROGRESS_EVERY`] additions and at the end.
pub fn add(words: &impl Words, variant: Variant, worker: u32, iterations: u32) {
    let progress = PROGRESS + worker;
    let mut done = 0;
    while done < iterations {
        let chunk = PROGRESS_EVERY.min(iterations - done);
        match variant {
            Variant::Plain => {
                for _ in 0..chunk {
                    let v = words.load(COUNTER);
                    words.store(COUNTER, v.wrapping_add(1));
                }
            }
            Variant::Atomic => {
                for _ in 0..chunk {
                    words.atomic_add(COUNTER, 1);
                }
            }
            Variant::Lock => {
                for _ in 0..chunk {
                    lock(words);
                    let v = words.load(COUNTER);
                    words.store(COUNTER, v.wrapping_add(1));
                    unlock(words);
                }
            }
        }
        done += chunk;
        words.atomic_store(progress, done as i32);
    }
}

/// Sets every word of the experiment to 0 before a variant starts (the page does it while all
/// workers are idle): counter, lock, barrier and each worker's progress.
pub fn reset(words: &impl Words, workers: u32) {
    for i in 0..self::words(workers) {
        words.atomic_store(i, 0);
    }
}

/// The shared memory as std atomics, for the native tests: plain loads and stores are relaxed
/// atomic loads and stores (separate, so updates can be lost as in JavaScript), and waiting
/// yields the thread instead of sleeping (a wait may return early, so the callers loop anyway).
#[cfg(test)]
pub(crate) mod std_words {
    use super::Words;
    use std::sync::atomic::{AtomicI32, Ordering::*};

    pub struct StdWords(pub Vec<AtomicI32>);

    impl StdWords {
        pub fn new(len: u32) -> StdWords {
            StdWords((0..len).map(|_| AtomicI32::new(0)).collect())
        }
    }

    impl Words for StdWords {
        fn load(&self, i: u32) -> i32 {
            self.0[i as usize].load(Relaxed)
        }
        fn store(&self, i: u32, v: i32) {
            self.0[i as usize].store(v, Relaxed)
        }
        fn atomic_load(&self, i: u32) -> i32 {
            self.0[i as usize].load(SeqCst)
        }
        fn atomic_store(&self, i: u32, v: i32) {
            self.0[i as usize].store(v, SeqCst)
        }
        fn atomic_add(&self, i: u32, v: i32) -> i32 {
            self.0[i as usize].fetch_add(v, SeqCst)
        }
        fn atomic_sub(&self, i: u32, v: i32) -> i32 {
            self.0[i as usize].fetch_sub(v, SeqCst)
        }
        fn exchange(&self, i: u32, v: i32) -> i32 {
            self.0[i as usize].swap(v, SeqCst)
        }
        fn compare_exchange(&self, i: u32, current: i32, new: i32) -> i32 {
            match self.0[i as usize].compare_exchange(current, new, SeqCst, SeqCst) {
                Ok(v) | Err(v) => v,
            }
        }
        fn wait(&self, i: u32, v: i32) {
            if self.0[i as usize].load(SeqCst) == v {
                std::thread::yield_now();
            }
        }
        fn notify(&self, _i: u32, _count: u32) {}
    }
}

#[cfg(test)]
mod tests {
    use super::std_words::StdWords;
    use super::*;

    /// Runs `workers` threads through the barrier and `add`, returns the counter.
    fn run(variant: Variant, workers: u32, iterations: u32) -> (i32, StdWords) {
        let words = StdWords::new(self::words(workers));
        std::thread::scope(|s| {
            for w in 0..workers {
                let words = &words;
                s.spawn(move || {
                    barrier(words, workers);
                    add(words, variant, w, iterations);
                });
            }
        });
        (words.atomic_load(COUNTER), words)
    }

    #[test]
    fn atomics_and_the_lock_never_lose_an_update() {
        // 4 threads × 20,000 additions = 80,000 exactly.
        for variant in [Variant::Atomic, Variant::Lock] {
            let (got, _) = run(variant, 4, 20_000);
            assert_eq!(got, 80_000, "{variant:?}");
        }
    }

    #[test]
    fn one_worker_alone_loses_nothing_even_plain() {
        // No other writer: 10,000 plain additions end at 10,000.
        assert_eq!(run(Variant::Plain, 1, 10_000).0, 10_000);
    }

    #[test]
    fn plain_additions_never_overshoot() {
        // A lost update only ever loses: the counter ends between one worker's share and the total.
        let (got, _) = run(Variant::Plain, 3, 20_000);
        assert!((20_000..=60_000).contains(&got), "{got}");
    }

    #[test]
    fn each_worker_publishes_its_full_count() {
        // 10,000 = 2 × 4,096 + 1,808: two full chunks and a short one, all published.
        let (_, words) = run(Variant::Atomic, 2, 10_000);
        assert_eq!(words.atomic_load(PROGRESS), 10_000);
        assert_eq!(words.atomic_load(PROGRESS + 1), 10_000);
    }

    #[test]
    fn the_lock_is_free_again_after_every_run() {
        let (_, words) = run(Variant::Lock, 3, 5_000);
        assert_eq!(words.atomic_load(LOCK), 0);
        assert_eq!(words.atomic_load(GO), 1);
        assert_eq!(words.atomic_load(ARRIVED), 3);
        reset(&words, 3);
        assert!(words.0.iter().all(|w| w.load(std::sync::atomic::Ordering::SeqCst) == 0));
    }

    #[test]
    fn a_contended_lock_is_marked_for_sleepers_and_unlock_frees_it() {
        // Hand-worked from Drepper's mutex 2: taken (1), a second locker finds it taken and marks
        // it 2 before it sleeps; the holder's unlock sees 2, so it stores 0 and wakes one.
        let words = StdWords::new(self::words(1));
        lock(&words);
        assert_eq!(words.atomic_load(LOCK), 1);
        words.atomic_store(LOCK, 2); // as the second locker's exchange leaves it
        unlock(&words);
        assert_eq!(words.atomic_load(LOCK), 0);
    }

    #[test]
    fn the_choice_of_workers_is_one_to_twice_the_cores() {
        assert_eq!(max_workers(2), 4);
        assert_eq!(max_workers(0), 2); // hidden core count: taken as 1
        assert_eq!(max_workers(128), MAX_WORKERS);
        assert_eq!(expected(2, 1_000_000, 4), Ok(2_000_000));
        assert_eq!(expected(MAX_WORKERS, MAX_ITERATIONS, MAX_WORKERS), Ok(640_000_000));
        assert!(expected(5, 10, 4).unwrap_err().contains("between 1 and 4"));
        assert!(expected(1, 0, 4).unwrap_err().contains("additions per worker"));
    }
}
