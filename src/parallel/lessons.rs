//! What a run measured teaches, in words: the pure rules that pick the parallel page's sentences
//! from the measured numbers (tested natively; the page only shows them).
//!
//! - [`done_head`]: the shared run's status head, which says when the plain additions lost updates.
//! - [`large_loss`]: how a loss of a whole worker's share (or more) can happen.
//! - [`plain_slower`]: why plain loads and stores can take longer than `Atomics.add`.
//! - [`plain_faster`], [`lock_beats_atomic`]: why plain, or the lock, can take less time than it.
//! - [`isolated_lesson`]: whether the isolated run beat the page working alone, and why.

use super::isolated::{HashOutcome, Send};
use super::session::Startup;
use super::{grouped, workers};

/// The head of the shared run's status once it is done: "Done — 13,204 updates lost" when the
/// plain additions lost `plain_lost` updates, so the status never heads a loss with a bare
/// "Done"; "Done — no update lost this time" otherwise (plain is unsafe all the same: [`no_loss`]).
pub fn done_head(plain_lost: u32) -> String {
    match plain_lost {
        0 => "Done — no update lost this time".to_string(),
        1 => "Done — 1 update lost".to_string(),
        n => format!("Done — {} updates lost", grouped(u64::from(n))),
    }
}

/// The workers' start-up times in words: "12.0 ms for the first, 30.5 ms for the last of 4";
/// for one worker just "12.0 ms" (no first or last of 1).
pub fn startup_times(startup: &Startup, workers: u32) -> String {
    if workers == 1 {
        format!("{:.1} ms", startup.slowest_ms)
    } else {
        format!("{:.1} ms for the first, {:.1} ms for the last of {workers}", startup.fastest_ms, startup.slowest_ms)
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
/// from the first worker's first addition to the last worker's last) on `workers` workers, whose
/// plain additions lost `plain_lost` updates; None when they took less than [`SLOWER_BY`] times
/// as long (a run's noise is not a lesson). Says what is true of this code: the worker's plain
/// addition ([`super::counter::add`]) is a load then a store, each a call out of WebAssembly into
/// JavaScript (js-sys's `Int32Array` indexing), where `Atomics.add` is one call, which V8 compiles
/// to one locked instruction (x86's `lock xadd`). Lost updates show that the workers interleaved
/// (one held up between its load and its store while another added: preemption on one core can do
/// that too), not that they ran on two cores at once, so the moving cache line (true sharing;
/// Hennessy & Patterson, "Computer Architecture", 6th ed., 5.2 on coherence misses) is said as what
/// happens on several cores; with no loss the workers may never have overlapped, so it is not named.
pub fn plain_slower(plain_ms: f64, atomic_ms: f64, workers: u32, plain_lost: u32) -> Option<String> {
    if plain_ms <= SLOWER_BY * atomic_ms {
        return None;
    }
    let calls = "each plain addition here is two calls out of WebAssembly into JavaScript (read the array element, then write it back), where Atomics.add is one call, which the CPU does as one locked instruction (x86's lock xadd)";
    let head = format!("Why plain took longer ({} against {} for Atomics.add):", ms_text(plain_ms), ms_text(atomic_ms));
    Some(if workers >= 2 && plain_lost > 0 {
        format!(
            "{head} the workers interleaved (they lost updates: a worker was held up between its load and its store while another added, which can happen on one core too); on several cores at once, each writing the same counter, the cache line that holds it also moves from core to core (true sharing), and a plain read and its write may each have to fetch it from another core; and {calls}. Run 1 worker to see the calls' cost alone: nothing is shared then."
        )
    } else if workers >= 2 {
        format!(
            "{head} {calls}. No update was lost, so the workers may never have added at the same time, and nothing says their counter was shared between cores this time: the calls are the cost that is always there."
        )
    } else {
        format!("{head} {calls}. With 1 worker nothing is shared, so this is the calls' cost alone.")
    })
}

/// Why the plain additions took less time than `Atomics.add` (`plain_ms` against `atomic_ms`, as
/// in [`plain_slower`]) when `atomic_ms` is over [`SLOWER_BY`] times `plain_ms` (None otherwise):
/// a plain load and store are ordinary instructions, not locked ones, so each costs less than
/// `Atomics.add`'s locked read-modify-write (x86's `lock xadd`, which holds the counter's cache
/// line to itself until it is done; Intel SDM vol. 3A, "Locked Atomic Operations"), even as two
/// calls to its one; the `plain_lost` updates are the price (or, with none lost, plain is unsafe
/// all the same).
pub fn plain_faster(plain_ms: f64, atomic_ms: f64, plain_lost: u32) -> Option<String> {
    if atomic_ms <= SLOWER_BY * plain_ms {
        return None;
    }
    let head = format!("Why plain was faster ({} against {} for Atomics.add):", ms_text(plain_ms), ms_text(atomic_ms));
    let cheaper = "its load and store are ordinary instructions, not locked ones, so each costs less than Atomics.add's locked read-modify-write (which holds the counter's cache line to itself until it is done), even as two calls to its one";
    Some(match plain_lost {
        0 => format!(
            "{head} {cheaper}. It lost nothing this time, but nothing stops it losing updates: it is fast because it is unsafe."
        ),
        1 => format!("{head} {cheaper}; the update it lost is the price."),
        n => format!("{head} {cheaper}; the {} updates it lost are the price.", grouped(u64::from(n))),
    })
}

/// Why the lock (`lock_ms`) took less time than `Atomics.add` (`atomic_ms`) on `workers` workers,
/// when `atomic_ms` is over [`SLOWER_BY`] times `lock_ms` (None otherwise). True of this code
/// ([`super::counter::lock`], taken and freed around every addition): uncontended, each locked
/// addition costs more than one `Atomics.add` (`Atomics.compareExchange` to take the lock and
/// `Atomics.sub` to free it, two locked instructions around a plain load and store), so the
/// difference is contention: a worker that finds the lock taken sleeps in `Atomics.wait`, and
/// while it sleeps the holder adds alone with the lock's and the counter's cache line on its core,
/// where with `Atomics.add` every worker adds at once and the line can move at each addition.
/// With 1 worker nothing contends, so only what was measured is said.
pub fn lock_beats_atomic(lock_ms: f64, atomic_ms: f64, workers: u32) -> Option<String> {
    if atomic_ms <= SLOWER_BY * lock_ms {
        return None;
    }
    let head =
        format!("Why the lock was faster than Atomics.add ({} against {}):", ms_text(lock_ms), ms_text(atomic_ms));
    let costs = "each locked addition here does more than one Atomics.add (Atomics.compareExchange to take the lock and Atomics.sub to free it, two locked instructions, around a plain load and store)";
    Some(if workers >= 2 {
        format!(
            "{head} not per addition, since {costs}, but, most likely, by contention: a worker that finds the lock taken sleeps in Atomics.wait, and while it sleeps the holder adds alone, with the lock and the counter's cache line staying on its core; with Atomics.add every worker adds at once and that line can move between cores at each addition."
        )
    } else {
        format!(
            "{head} with 1 worker nothing contends and {costs}, so this is not the lock's doing: the times here also depend on the browser's compiler and on what else the machine ran."
        )
    })
}

/// When the lock (`lock_ms`) measured faster than the plain additions (`plain_ms`), as shown
/// (rounded by [`ms_text`]): what was measured, since the page's description says every addition
/// also takes and frees the lock. None otherwise.
pub fn lock_faster(lock_ms: f64, plain_ms: f64) -> Option<String> {
    (shown(lock_ms) < shown(plain_ms)).then(|| {
        format!(
            "This run measured the lock faster than the plain additions ({} against {}): what the lock costs depends on how often the workers meet at it (a worker that finds it taken sleeps, and the others add meanwhile), so it is not always the slowest.",
            ms_text(lock_ms),
            ms_text(plain_ms)
        )
    })
}

/// A time as the page shows it: two decimals under 10 ms ("9.46 ms"), one from 10 ms up
/// ("778.0 ms"), so that ratios of shown times agree with [`ratio_text`].
pub fn ms_text(ms: f64) -> String {
    if shown(ms) < 10.0 { format!("{:.2} ms", shown(ms)) } else { format!("{:.1} ms", shown(ms)) }
}

/// `ms` rounded as [`ms_text`] shows it.
fn shown(ms: f64) -> f64 {
    let hundredths = (ms * 100.0).round() / 100.0;
    if hundredths < 10.0 { hundredths } else { (ms * 10.0).round() / 10.0 }
}

/// `ms` as a multiple of `base_ms`, one decimal ("6.6×"), computed from the times as shown
/// ([`ms_text`]) so that the ratio agrees with them; "–" when the shown base is 0.
pub fn ratio_text(ms: f64, base_ms: f64) -> String {
    let base = shown(base_ms);
    if base > 0.0 { format!("{:.1}×", shown(ms) / base) } else { "–".to_string() }
}

/// The shared run's status after the head ([`done_head`]) when the plain additions lost nothing:
/// with one worker there is no race at all (only more workers can make one); with more, the
/// workers did not overlap enough this time. Plain is unsafe all the same.
pub fn no_loss(workers: u32) -> String {
    if workers == 1 {
        "With 1 worker there is no race: nothing else writes the counter. Try 2 or more workers to see updates lost."
            .to_string()
    } else {
        "This time the plain additions lost nothing: the workers did not overlap enough to collide. Plain is still unsafe: try more workers or more additions.".to_string()
    }
}

/// The isolated run's lesson: whether its workers beat the page hashing all the data by itself
/// (`alone_ms`), and why, with the measured numbers: the run's wall time against `alone_ms`, and
/// the start-up (the slowest worker's) and the sending (copied or moved, as `send` says) against
/// the slowest worker's share of the work. Workers pay off only when splitting the work saves
/// more than starting them and sending them the data costs (Amdahl's law; see
/// [`super::speedup`]). The wall time is start-up + sending + the slowest share + the rest
/// ([`HashOutcome::rest_ms`]), so a slower run had overheads above what the split saved; they
/// outweigh the work itself when start-up + sending ≥ the slowest share (said so then).
///
/// Two more reasons, when they hold: more workers than the `cpus` the browser reports
/// (`navigator.hardwareConcurrency`; 0 when it does not say) share the CPUs (OSTEP ch. 7: the OS
/// time-shares a CPU), claimed only when the slowest worker's hashing (its share less its copying
/// in, like the page's time, which is hashing only) took longer than its 1/N of `alone_ms`; and the slowest
/// worker's copying of its part into its own memory ([`HashOutcome::copy_in_ms`]), named when it
/// is at least [`COPY_IN_SHARE`] of its share. A slower run ends by pointing to the speedup
/// section ([`super::speedup`]), whose work is many hashing rounds per byte copied (this run's is
/// one), so that workers can win there.
pub fn isolated_lesson(o: &HashOutcome, alone_ms: f64, send: Send, cpus: u32) -> String {
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
    let (starting, their, slowest) = if o.workers == 1 {
        ("starting the worker", "sending it its part", "the worker")
    } else {
        ("starting the workers", "sending them their parts", "the slowest worker")
    };
    let why = if wall < alone_ms {
        format!(
            "Splitting the work saved more than {starting} ({startup:.1} ms) and {their} ({how}, {sending:.1} ms) cost: {slowest}'s share took {share:.1} ms of copying in and hashing, against {alone_ms:.1} ms for all of it on the page."
        )
    } else if startup + sending >= share {
        let work = if o.workers == 1 { "the work itself" } else { "the work they share" };
        format!(
            "At this size {starting} ({startup:.1} ms) and {their} ({how}, {sending:.1} ms) outweigh {work}: {share:.1} ms of copying in and hashing on {slowest}."
        )
    } else if o.workers == 1 {
        format!(
            "One worker does all the work the page did, plus {starting} ({startup:.1} ms), {their} ({how}, {sending:.1} ms) and the rest ({:.1} ms: the answer and the gaps between); its share took {share:.1} ms of copying in and hashing.",
            o.rest_ms()
        )
    } else {
        format!(
            "Splitting the work saved less than {starting} ({startup:.1} ms), {their} ({how}, {sending:.1} ms) and the rest ({:.1} ms: the answers and the gaps between) cost: {slowest}'s share still took {share:.1} ms of copying in and hashing.",
            o.rest_ms()
        )
    };
    let mut text = format!("{head} {why}");
    if cpus > 0 && o.workers > cpus {
        let cpus_text = if cpus == 1 { "the 1 CPU".to_string() } else { format!("the {cpus} CPUs") };
        // Like with like: the page's time is hashing only, so the share's copying in is left out.
        // Each worker's part is about 1/N of the data, so 1/N of the page's time on a CPU of its own.
        let hashing = (share - o.copy_in_ms).max(0.0);
        let part_ms = alone_ms / f64::from(o.workers);
        let less = if o.copy_in_ms > 0.0 { ", its share less its copying in" } else { "" };
        let longer = if hashing > alone_ms {
            Some(format!(
                "the slowest worker's hashing ({hashing:.1} ms{less}) took longer than the page's whole ({alone_ms:.1} ms)"
            ))
        } else if hashing > part_ms {
            Some(format!(
                "the slowest worker's hashing took {hashing:.1} ms{less}, more than its 1/{} of the page's time ({part_ms:.1} ms)",
                o.workers
            ))
        } else {
            None
        };
        if let Some(longer) = longer {
            text.push_str(&format!(
                " {n} ran on {cpus_text} this browser reports, and they took turns on them: {longer}."
            ));
        }
    }
    if share > 0.0 && o.copy_in_ms >= COPY_IN_SHARE * share {
        text.push_str(&format!(
            " Of {slowest}'s {share:.1} ms, {:.1} ms went to copying its part into its own memory before hashing: a copy each worker makes either way (moving a buffer saves only postMessage's copy).",
            o.copy_in_ms
        ));
    }
    if wall > alone_ms {
        let parts = if o.workers == 1 { "its part" } else { "their parts" };
        text.push_str(&format!(
            " To see workers win, try the speedup section below: it hashes each byte many rounds where this run hashes it once, so each byte copied carries much more work, and the work can outgrow {starting} and copying {parts}."
        ));
    }
    text
}

/// The part of the slowest worker's share that its copying in must reach before
/// [`isolated_lesson`] names it: a tenth.
pub const COPY_IN_SHARE: f64 = 0.1;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::isolated::Sent;

    #[test]
    fn start_up_names_first_and_last_only_of_several() {
        let s = Startup { fastest_ms: 12.0, slowest_ms: 30.5 };
        assert_eq!(startup_times(&s, 4), "12.0 ms for the first, 30.5 ms for the last of 4");
        assert_eq!(startup_times(&Startup { fastest_ms: 12.0, slowest_ms: 12.0 }, 1), "12.0 ms");
    }

    #[test]
    fn the_head_says_how_many_updates_were_lost() {
        assert_eq!(done_head(13_204), "Done — 13,204 updates lost");
        assert_eq!(done_head(1), "Done — 1 update lost");
        assert_eq!(done_head(0), "Done — no update lost this time");
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
        let two = plain_slower(1_440.0, 778.0, 2, 13_204).expect("explained");
        assert!(two.starts_with("Why plain took longer (1440.0 ms against 778.0 ms for Atomics.add): the workers interleaved (they lost updates: a worker was held up between its load and its store"), "{two}");
        // Interleaving is what a loss shows; running on two cores at once is not claimed.
        assert!(!two.contains("at the same time") && two.contains("on several cores at once"), "{two}");
        assert!(two.contains("cache line") && two.contains("true sharing"), "{two}");
        assert!(two.contains("two calls out of WebAssembly") && two.contains("one locked instruction"), "{two}");
        assert!(two.contains("Run 1 worker"), "{two}");
        // One worker: no sharing to blame, only the calls.
        let one = plain_slower(30.0, 20.0, 1, 0).expect("explained");
        assert!(!one.contains("cache line") && one.contains("two calls"), "{one}");
        // Plain as fast or faster, or slower by noise only (39.4 ms against 38.5, 1.02×; 1.1× at
        // the line): nothing to explain.
        assert_eq!(plain_slower(700.0, 778.0, 2, 5), None);
        assert_eq!(plain_slower(778.0, 778.0, 2, 5), None);
        assert_eq!(plain_slower(39.4, 38.5, 2, 5), None);
        assert_eq!(plain_slower(110.0, 100.0, 2, 5), None);
        assert!(plain_slower(111.0, 100.0, 2, 5).is_some());
        // 2 workers that lost nothing may never have overlapped: no cache line moving, the calls.
        let apart = plain_slower(9.5, 1.4, 2, 0).expect("explained");
        assert!(apart.starts_with("Why plain took longer (9.50 ms against 1.40 ms for Atomics.add):"), "{apart}");
        assert!(
            !apart.contains("cache line") && apart.contains("two calls") && apart.contains("No update was lost"),
            "{apart}"
        );
    }

    #[test]
    fn ratios_agree_with_the_times_shown() {
        // The walk's run showed 9.5 and 1.4 ms labelled 6.9× (9.5 / 1.4 = 6.79): under 10 ms the
        // times now carry two decimals, 9.4987 and 1.4449 shown 9.50 and 1.44: 9.50 / 1.44 = 6.597… → 6.6×.
        assert_eq!((ms_text(9.4987), ms_text(1.4449)), ("9.50 ms".to_string(), "1.44 ms".to_string()));
        assert_eq!(ratio_text(9.4987, 1.4449), "6.6×");
        // The ratio is of the shown times: 2.00 / 0.10 = 20.0×, not the unrounded 2 / 0.1049 = 19.07.
        assert_eq!((ms_text(2.0), ms_text(0.1049)), ("2.00 ms".to_string(), "0.10 ms".to_string()));
        assert_eq!(ratio_text(2.0, 0.1049), "20.0×");
        // From 10 ms up one decimal: 1,440.04 and 778.06 shown 1440.0 and 778.1: 1.8506… → 1.9×.
        assert_eq!(ms_text(1_440.04), "1440.0 ms");
        assert_eq!(ratio_text(1_440.04, 778.06), "1.9×");
        // 9.996 shows as 10.0 ms (not 10.00); a base shown as 0 has no ratio.
        assert_eq!(ms_text(9.996), "10.0 ms");
        assert_eq!(ratio_text(5.0, 0.004), "–");
        assert_eq!(ratio_text(1.0, 1.0), "1.0×");
    }

    #[test]
    fn a_lock_faster_than_plain_is_said_as_measured() {
        let text = lock_faster(20.0, 30.0).expect("said");
        assert!(
            text.starts_with("This run measured the lock faster than the plain additions (20.0 ms against 30.0 ms)"),
            "{text}"
        );
        assert_eq!(lock_faster(30.0, 20.0), None);
        // Equal as shown (1.234 and 1.2349 both 1.23 ms): not faster.
        assert_eq!(lock_faster(1.234, 1.2349), None);
    }

    #[test]
    fn no_loss_with_one_worker_asks_for_more_workers_only() {
        let one = no_loss(1);
        assert!(one.contains("Try 2 or more workers") && !one.contains("additions."), "{one}");
        assert!(!one.contains("more additions"), "{one}");
        let two = no_loss(2);
        assert!(two.contains("Plain is still unsafe") && two.contains("more additions"), "{two}");
    }

    fn outcome(workers: u32, startup: f64, send: f64, compute: f64, wall: f64) -> HashOutcome {
        HashOutcome {
            workers,
            bytes: 1 << 20,
            merged: 0,
            sent: vec![
                Sent { bytes: 1 << 19, left_bytes: 1 << 19, prepared_ms: 0.0, posted_ms: 0.0 };
                workers as usize
            ],
            answers: Vec::new(),
            startup: Startup { fastest_ms: startup - 5.0, slowest_ms: startup },
            send_ms: send,
            compute_ms: compute,
            copy_in_ms: 0.0,
            wall_ms: wall,
        }
    }

    #[test]
    fn the_isolated_run_says_whether_workers_beat_the_page_alone() {
        // 1 MiB on 2 workers: start-up 120 ms and sending 1.5 ms against 2.5 ms of hashing, 126 ms
        // in all, where the page alone took 4 ms: slower, the overheads outweigh the work itself
        // (121.5 ≥ 2.5).
        let slow = isolated_lesson(&outcome(2, 120.0, 1.5, 2.5, 126.0), 4.0, Send::Copy, 2);
        assert_eq!(
            slow,
            "Slower than the page alone: 2 workers took 126.0 ms in all, where the page hashed all the data by itself in 4.0 ms. At this size starting the workers (120.0 ms) and sending them their parts (copied, 1.5 ms) outweigh the work they share: 2.5 ms of copying in and hashing on the slowest worker. To see workers win, try the speedup section below: it hashes each byte many rounds where this run hashes it once, so each byte copied carries much more work, and the work can outgrow starting the workers and copying their parts."
        );
        // A heavy job: 2,000 ms alone, 1,030 ms on 2 workers (start-up 20 ms, 3 ms moved, 1,000 ms
        // of hashing): faster, the split saved 1,000 ms for 23 ms of overheads.
        let fast = isolated_lesson(&outcome(2, 20.0, 3.0, 1_000.0, 1_030.0), 2_000.0, Send::Transfer, 2);
        assert_eq!(
            fast,
            "Faster than the page alone: 2 workers took 1030.0 ms in all, where the page hashed all the data by itself in 2000.0 ms. Splitting the work saved more than starting the workers (20.0 ms) and sending them their parts (moved, 3.0 ms) cost: the slowest worker's share took 1000.0 ms of copying in and hashing, against 2000.0 ms for all of it on the page."
        );
        // Slower with overheads below the share: 100 ms alone; on 2 workers a busy machine gave
        // a share of 90 ms, start-up 20 and sending 5 (25 < 90), the rest 125 − 20 − 5 − 90 = 10.
        let busy = isolated_lesson(&outcome(2, 20.0, 5.0, 90.0, 125.0), 100.0, Send::Copy, 2);
        assert!(busy.starts_with("Slower than the page alone: 2 workers took 125.0 ms"), "{busy}");
        assert!(busy.contains("saved less than starting the workers (20.0 ms), sending them their parts (copied, 5.0 ms) and the rest (10.0 ms"), "{busy}");
        assert!(!busy.contains("outweigh"), "{busy}");
        assert!(busy.ends_with("try the speedup section below: it hashes each byte many rounds where this run hashes it once, so each byte copied carries much more work, and the work can outgrow starting the workers and copying their parts."), "{busy}");
        // Faster, or a tie: no pointer to where workers win.
        assert!(!fast.contains("speedup section"), "{fast}");
        assert!(!isolated_lesson(&outcome(1, 1.0, 1.0, 1.0, 4.0), 4.0, Send::Copy, 2).contains("speedup section"));
        // A tie is neither.
        assert!(isolated_lesson(&outcome(1, 1.0, 1.0, 1.0, 4.0), 4.0, Send::Copy, 2).starts_with("No faster than"));
    }

    #[test]
    fn shared_cpus_and_the_copy_in_are_named_when_they_hold() {
        // The walk's run: 4 workers × 64 MiB moved on 2 CPUs; the page alone 80 ms, the slowest
        // quarter 120 ms (longer than the whole), 30 ms of it copying in (a quarter ≥ a tenth).
        let mut o = outcome(4, 60.0, 16.0, 120.0, 210.0);
        o.copy_in_ms = 30.0;
        let text = isolated_lesson(&o, 80.0, Send::Transfer, 2);
        // Its hashing, 120 − 30 = 90 ms, is still longer than the page's whole (80).
        assert!(
            text.contains("4 workers ran on the 2 CPUs this browser reports, and they took turns on them"),
            "{text}"
        );
        assert!(
            text.contains(
                "the slowest worker's hashing (90.0 ms, its share less its copying in) took longer than the page's whole (80.0 ms)"
            ),
            "{text}"
        );
        assert!(
            text.contains("Of the slowest worker's 120.0 ms, 30.0 ms went to copying its part into its own memory"),
            "{text}"
        );
        // 2 workers on 2 CPUs share nothing; 5 ms of copying in is under a tenth of 120.
        o.workers = 2;
        o.copy_in_ms = 5.0;
        let text = isolated_lesson(&o, 80.0, Send::Transfer, 2);
        assert!(!text.contains("took turns") && !text.contains("copying its part into"), "{text}");
        // More workers than CPUs, a share (50 ms) under the whole (80) but over its quarter (20).
        let text = isolated_lesson(&outcome(4, 60.0, 16.0, 50.0, 140.0), 80.0, Send::Copy, 2);
        assert!(!text.contains("longer than the page's whole"), "{text}");
        assert!(text.contains("took turns on them: the slowest worker's hashing took 50.0 ms, more than its 1/4 of the page's time (20.0 ms)."), "{text}");
        // A share (15 ms) within its quarter (20): nothing shows the sharing, so it is not claimed.
        let text = isolated_lesson(&outcome(4, 60.0, 16.0, 15.0, 100.0), 80.0, Send::Copy, 2);
        assert!(!text.contains("took turns") && !text.contains("more than its"), "{text}");
        // A browser that does not say how many CPUs it has: nothing said about sharing them.
        assert!(!isolated_lesson(&o, 80.0, Send::Copy, 0).contains("took turns"));
    }

    #[test]
    fn shared_cpus_are_judged_by_the_hashing_alone() {
        // The third walk's run: 3 workers × 64 MiB moved on 2 CPUs, the page alone 123.5 ms. The
        // slowest share, 161.0 ms, is longer than the page's whole, but 64.3 ms of it was copying
        // in, which the page's time does not include: its hashing, 161.0 − 64.3 = 96.7 ms, is
        // under the whole (123.5) and over its third (123.5 / 3 = 41.2 ms).
        let mut o = outcome(3, 150.0, 2.0, 161.0, 330.0);
        o.copy_in_ms = 64.3;
        let text = isolated_lesson(&o, 123.5, Send::Transfer, 2);
        assert!(!text.contains("longer than the page's whole") && !text.contains("(161.0 ms)"), "{text}");
        assert!(
            text.contains(
                "3 workers ran on the 2 CPUs this browser reports, and they took turns on them: the slowest worker's hashing took 96.7 ms, its share less its copying in, more than its 1/3 of the page's time (41.2 ms)."
            ),
            "{text}"
        );
        // Had its hashing been 40 ms (share 104.3), within its third: no sharing claimed.
        o.compute_ms = 104.3;
        assert!(!isolated_lesson(&o, 123.5, Send::Transfer, 2).contains("took turns"));
    }

    #[test]
    fn one_worker_shares_nothing() {
        // 1 worker, overheads (10 + 2) ≥ its share (3): "the work itself", not "they share".
        let text = isolated_lesson(&outcome(1, 10.0, 2.0, 3.0, 16.0), 4.0, Send::Copy, 2);
        assert!(
            text.contains(
                "starting the worker (10.0 ms) and sending it its part (copied, 2.0 ms) outweigh the work itself"
            ),
            "{text}"
        );
        assert!(!text.contains("they share") && !text.contains("slowest") && !text.contains("their"), "{text}");
        // 1 worker slower with overheads under its share: no "splitting".
        let text = isolated_lesson(&outcome(1, 10.0, 2.0, 90.0, 105.0), 100.0, Send::Copy, 2);
        assert!(text.contains("One worker does all the work the page did") && !text.contains("Splitting"), "{text}");
    }

    #[test]
    fn plain_faster_than_atomics_names_its_price() {
        // The third walk's run: 2 workers × 1 M, plain 0.4× Atomics.add's time (say 12.0 ms
        // against 30.0), losing 51 % (1,020,000 of 2,000,000).
        let text = plain_faster(12.0, 30.0, 1_020_000).expect("said");
        assert!(text.starts_with("Why plain was faster (12.0 ms against 30.0 ms for Atomics.add): its load and store are ordinary instructions, not locked ones"), "{text}");
        assert!(text.ends_with("the 1,020,000 updates it lost are the price."), "{text}");
        assert!(plain_faster(12.0, 30.0, 0).expect("said").contains("unsafe"));
        // Within 1.1× (noise) or slower: nothing said.
        assert_eq!(plain_faster(100.0, 110.0, 5), None);
        assert!(plain_faster(100.0, 111.0, 5).is_some());
        assert_eq!(plain_faster(30.0, 12.0, 5), None);
    }

    #[test]
    fn a_lock_faster_than_atomics_is_put_down_to_contention_only_with_workers_to_contend() {
        // 2 workers: lock 20 ms against Atomics.add's 30 ms (1.5×).
        let two = lock_beats_atomic(20.0, 30.0, 2).expect("said");
        assert!(
            two.starts_with("Why the lock was faster than Atomics.add (20.0 ms against 30.0 ms): not per addition"),
            "{two}"
        );
        assert!(two.contains("two locked instructions") && two.contains("sleeps in Atomics.wait"), "{two}");
        // 1 worker: nothing contends, so contention is not blamed.
        let one = lock_beats_atomic(20.0, 30.0, 1).expect("said");
        assert!(one.contains("nothing contends") && !one.contains("sleeps"), "{one}");
        // Within 1.1× or slower: nothing.
        assert_eq!(lock_beats_atomic(100.0, 110.0, 2), None);
        assert_eq!(lock_beats_atomic(30.0, 20.0, 2), None);
    }
}
