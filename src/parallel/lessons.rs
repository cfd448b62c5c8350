//! What a run measured teaches, in words: the pure rules that pick the parallel page's sentences
//! from the measured numbers (tested natively; the page only shows them).
//!
//! - [`done_head`]: the shared run's status head, which says when the plain additions lost updates.
//! - [`large_loss`]: how a loss of a whole worker's share (or more) can happen.
//! - [`plain_slower`]: why plain loads and stores can take longer than `Atomics.add`.
//! - [`isolated_lesson`]: whether the isolated run beat the page working alone, and why.

use super::isolated::{HashOutcome, Send};
use super::{grouped, workers};

/// The head of the shared run's status once it is done: "Done — 13,204 updates lost" when the
/// plain additions lost `plain_lost` updates, so the status never heads a loss with a bare
/// "Done"; "Done — no update lost" otherwise.
pub fn done_head(plain_lost: u32) -> String {
    match plain_lost {
        0 => "Done — no update lost".to_string(),
        1 => "Done — 1 update lost".to_string(),
        n => format!("Done — {} updates lost", grouped(u64::from(n))),
    }
}

/// How a large loss can happen, when the plain additions of `workers` workers, `iterations`
/// each, lost `lost` updates: at least one worker's whole share (`iterations`). None for a
/// smaller loss (each lost update is then two workers reading the same value, which the status
/// says already) or for one worker (nothing to lose).
///
/// The mechanism (OSTEP ch. 26.3, "The Heart of the Problem: Uncontrolled Scheduling"): each
/// plain store writes what its worker last read plus one, so a worker paused between its load
/// and its store writes back an old value and erases every addition the others made meanwhile.
/// The counter never ends below one worker's share (the last store's worker read at least its own
/// count), so at most `workers − 1` shares can be lost.
pub fn large_loss(lost: u32, workers: u32, iterations: u32) -> Option<String> {
    if workers < 2 || iterations == 0 || lost < iterations {
        return None;
    }
    let erased = "each plain store writes what its worker last read plus one, so a worker that read the counter and was then held up before its store (the operating system ran something else on its core, or the browser's engine stopped it to compile code or collect garbage) writes back an old value when it resumes, erasing every addition the others made meanwhile";
    let lost_text = grouped(u64::from(lost));
    Some(if lost.is_multiple_of(iterations) {
        let (whose, who) = match lost / iterations {
            1 => ("one worker's whole share".to_string(), "another worker made all its additions".to_string()),
            k => (format!("{k} workers' whole shares"), format!("{k} other workers made all their additions")),
        };
        format!(
            "How exactly {lost_text} updates, {whose}, can be lost: {erased}; here, most likely, {who} while it was held up."
        )
    } else {
        let share = grouped(u64::from(iterations));
        format!("How {lost_text} updates, more than one worker's share of {share}, can be lost: {erased}.")
    })
}

/// How many times `Atomics.add`'s time the plain additions must take before [`plain_slower`]
/// explains it: 1.1, as a run's time varies by a few percent from one run to the next here.
pub const SLOWER_BY: f64 = 1.1;

/// Why the plain additions took longer than `Atomics.add` (`plain_ms` against `atomic_ms`, each
/// from the first worker's first addition to the last worker's last) on `workers` workers; None
/// when they took less than [`SLOWER_BY`] times as long (a run's noise is not a lesson). Says what is true of this code: the worker's plain addition
/// ([`super::counter::add`]) is a load then a store, each a call out of WebAssembly into
/// JavaScript (js-sys's `Int32Array` indexing), where `Atomics.add` is one call, which V8 compiles
/// to one locked instruction (x86's `lock xadd`). With two or more workers every addition writes
/// the same counter, so its cache line moves between the cores (true sharing; Hennessy &
/// Patterson, "Computer Architecture", 6th ed., 5.2 on coherence misses).
pub fn plain_slower(plain_ms: f64, atomic_ms: f64, workers: u32) -> Option<String> {
    if plain_ms <= SLOWER_BY * atomic_ms {
        return None;
    }
    let calls = "each plain addition here is two calls out of WebAssembly into JavaScript (read the array element, then write it back), where Atomics.add is one call, which the CPU does as one locked instruction (x86's lock xadd)";
    let head = format!("Why plain took longer ({plain_ms:.1} ms against {atomic_ms:.1} ms for Atomics.add):");
    Some(if workers >= 2 {
        format!(
            "{head} every worker writes the same counter, so the cache line that holds it moves from core to core (true sharing), and a plain read and its write may each have to fetch it from another core; and {calls}. Run 1 worker to see the calls' cost alone: nothing is shared then."
        )
    } else {
        format!("{head} {calls}. With 1 worker nothing is shared, so this is the calls' cost alone.")
    })
}

/// The isolated run's lesson: whether its workers beat the page hashing all the data by itself
/// (`alone_ms`), and why, with the measured numbers: the run's wall time against `alone_ms`, and
/// the start-up (the slowest worker's) and the sending (copied or moved, as `send` says) against
/// the slowest worker's share of the work. Workers pay off only when splitting the work saves
/// more than starting them and sending them the data costs (Amdahl's law; see
/// [`super::speedup`]). The wall time is start-up + sending + the slowest share + the rest
/// ([`HashOutcome::rest_ms`]), so a slower run had overheads above what the split saved; they
/// outweigh the work itself when start-up + sending ≥ the slowest share (said so then).
pub fn isolated_lesson(o: &HashOutcome, alone_ms: f64, send: Send) -> String {
    let how = match send {
        Send::Copy => "copied",
        Send::Transfer => "moved",
    };
    let (n, wall, startup, sending, share) =
        (workers(o.workers), o.wall_ms, o.startup.slowest_ms, o.send_ms, o.compute_ms);
    let verdict = if wall > alone_ms {
        "Slower than"
    } else if wall < alone_ms {
        "Faster than"
    } else {
        "No faster than"
    };
    let head = format!(
        "{verdict} the page alone: {n} took {wall:.1} ms in all, where the page hashed all the data by itself in {alone_ms:.1} ms."
    );
    let why = if wall < alone_ms {
        format!(
            "Splitting the work saved more than starting the workers ({startup:.1} ms) and sending them their parts ({how}, {sending:.1} ms) cost: the slowest worker's share took {share:.1} ms of copying in and hashing, against {alone_ms:.1} ms for all of it on the page."
        )
    } else if startup + sending >= share {
        format!(
            "At this size starting the workers ({startup:.1} ms) and sending them their parts ({how}, {sending:.1} ms) outweigh the work they share: {share:.1} ms of copying in and hashing on the slowest worker."
        )
    } else {
        format!(
            "Splitting the work saved less than starting the workers ({startup:.1} ms), sending them their parts ({how}, {sending:.1} ms) and the rest ({:.1} ms: the answers and the gaps between) cost: the slowest worker's share still took {share:.1} ms of copying in and hashing.",
            o.rest_ms()
        )
    };
    format!("{head} {why}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::isolated::Sent;
    use crate::parallel::session::Startup;

    #[test]
    fn the_head_says_how_many_updates_were_lost() {
        assert_eq!(done_head(13_204), "Done — 13,204 updates lost");
        assert_eq!(done_head(1), "Done — 1 update lost");
        assert_eq!(done_head(0), "Done — no update lost");
    }

    #[test]
    fn a_loss_of_a_whole_share_or_more_is_explained() {
        // 2 × 100,000 that lost exactly 100,000: one worker's whole share (the walk's case).
        let one = large_loss(100_000, 2, 100_000).expect("explained");
        assert!(one.starts_with("How exactly 100,000 updates, one worker's whole share, can be lost:"), "{one}");
        assert!(one.contains("writes what its worker last read plus one"), "{one}");
        assert!(
            one.ends_with("here, most likely, another worker made all its additions while it was held up."),
            "{one}"
        );
        // 4 × 10,000 that lost 20,000: two whole shares.
        let two = large_loss(20_000, 4, 10_000).expect("explained");
        assert!(two.starts_with("How exactly 20,000 updates, 2 workers' whole shares, can be lost:"), "{two}");
        assert!(two.contains("2 other workers made all their additions"), "{two}");
        // 3 × 10,000 that lost 12,345: more than a share, not a multiple of it.
        let more = large_loss(12_345, 3, 10_000).expect("explained");
        assert!(more.starts_with("How 12,345 updates, more than one worker's share of 10,000, can be lost:"), "{more}");
        assert!(!more.contains("while it was held up"), "{more}");
    }

    #[test]
    fn a_small_loss_or_a_lone_worker_needs_no_such_sentence() {
        // 13,204 of 2 × 1,000,000: far under one share (the status's own sentence says how).
        assert_eq!(large_loss(13_204, 2, 1_000_000), None);
        // One short of a share.
        assert_eq!(large_loss(99_999, 2, 100_000), None);
        assert_eq!(large_loss(0, 2, 100_000), None);
        // One worker loses nothing; should it say so, there is no one to blame.
        assert_eq!(large_loss(100_000, 1, 100_000), None);
        assert_eq!(large_loss(5, 2, 0), None);
    }

    #[test]
    fn plain_slower_than_atomics_is_explained_by_the_calls_and_the_shared_line() {
        // The walk's run: 2 workers × 10 M, plain 1,440 ms against Atomics.add's 778 ms.
        let two = plain_slower(1_440.0, 778.0, 2).expect("explained");
        assert!(two.starts_with("Why plain took longer (1440.0 ms against 778.0 ms for Atomics.add):"), "{two}");
        assert!(two.contains("cache line") && two.contains("true sharing"), "{two}");
        assert!(two.contains("two calls out of WebAssembly") && two.contains("one locked instruction"), "{two}");
        assert!(two.contains("Run 1 worker"), "{two}");
        // One worker: no sharing to blame, only the calls.
        let one = plain_slower(30.0, 20.0, 1).expect("explained");
        assert!(!one.contains("cache line") && one.contains("two calls"), "{one}");
        // Plain as fast or faster, or slower by noise only (39.4 ms against 38.5, 1.02×; 1.1× at
        // the line): nothing to explain.
        assert_eq!(plain_slower(700.0, 778.0, 2), None);
        assert_eq!(plain_slower(778.0, 778.0, 2), None);
        assert_eq!(plain_slower(39.4, 38.5, 2), None);
        assert_eq!(plain_slower(110.0, 100.0, 2), None);
        assert!(plain_slower(111.0, 100.0, 2).is_some());
    }

    fn outcome(workers: u32, startup: f64, send: f64, compute: f64, wall: f64) -> HashOutcome {
        HashOutcome {
            workers,
            bytes: 1 << 20,
            merged: 0,
            sent: vec![Sent { bytes: 1 << 19, left_bytes: 1 << 19, posted_ms: 0.0 }; workers as usize],
            answers: Vec::new(),
            startup: Startup { fastest_ms: startup - 5.0, slowest_ms: startup },
            send_ms: send,
            compute_ms: compute,
            wall_ms: wall,
        }
    }

    #[test]
    fn the_isolated_run_says_whether_workers_beat_the_page_alone() {
        // 1 MiB on 2 workers: start-up 120 ms and sending 1.5 ms against 2.5 ms of hashing, 126 ms
        // in all, where the page alone took 4 ms: slower, the overheads outweigh the work itself
        // (121.5 ≥ 2.5).
        let slow = isolated_lesson(&outcome(2, 120.0, 1.5, 2.5, 126.0), 4.0, Send::Copy);
        assert_eq!(
            slow,
            "Slower than the page alone: 2 workers took 126.0 ms in all, where the page hashed all the data by itself in 4.0 ms. At this size starting the workers (120.0 ms) and sending them their parts (copied, 1.5 ms) outweigh the work they share: 2.5 ms of copying in and hashing on the slowest worker."
        );
        // A heavy job: 2,000 ms alone, 1,030 ms on 2 workers (start-up 20 ms, 3 ms moved, 1,000 ms
        // of hashing): faster, the split saved 1,000 ms for 23 ms of overheads.
        let fast = isolated_lesson(&outcome(2, 20.0, 3.0, 1_000.0, 1_030.0), 2_000.0, Send::Transfer);
        assert_eq!(
            fast,
            "Faster than the page alone: 2 workers took 1030.0 ms in all, where the page hashed all the data by itself in 2000.0 ms. Splitting the work saved more than starting the workers (20.0 ms) and sending them their parts (moved, 3.0 ms) cost: the slowest worker's share took 1000.0 ms of copying in and hashing, against 2000.0 ms for all of it on the page."
        );
        // Slower with overheads below the share: 100 ms alone; on 2 workers a busy machine gave
        // a share of 90 ms, start-up 20 and sending 5 (25 < 90), the rest 125 − 20 − 5 − 90 = 10.
        let busy = isolated_lesson(&outcome(2, 20.0, 5.0, 90.0, 125.0), 100.0, Send::Copy);
        assert!(busy.starts_with("Slower than the page alone: 2 workers took 125.0 ms"), "{busy}");
        assert!(busy.contains("saved less than starting the workers (20.0 ms), sending them their parts (copied, 5.0 ms) and the rest (10.0 ms"), "{busy}");
        assert!(!busy.contains("outweigh"), "{busy}");
        // A tie is neither.
        assert!(isolated_lesson(&outcome(1, 1.0, 1.0, 1.0, 4.0), 4.0, Send::Copy).starts_with("No faster than"));
    }
}
