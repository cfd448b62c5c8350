//! The parallel mode's worker jobs, without the browser: what a worker does with each
//! [`crate::messaging::parallel::ToParWorker`] message and what it answers. The worker binary (`src/bin/par_worker.rs`)
//! only moves messages in and out and gives the shared memory as [`Words`]; the native tests
//! drive this with std threads.

use crate::messaging::Fault;
use crate::messaging::parallel::{CountJob, FromParWorker, HashJob};
use crate::parallel::counter::{Words, add, barrier};
use crate::parallel::session::Span;
use crate::parallel::split::hash_blocks;

/// How long (ms) a worker rests after [`warm_up`] before it tells the page it is ready, so that
/// V8's optimising compiler, on a background thread, gets a CPU.
pub const WARM_UP_REST_MS: u32 = 40;

/// Runs the hashing code briefly (16 blocks × 16 rounds, 8 times: 8 MiB hashed, a few ms) so
/// that V8 optimises it before the measured job. V8 runs WebAssembly first with its baseline
/// compiler (Liftoff) and compiles hot functions again with TurboFan on a low-priority
/// background thread; when every core is busy with a worker, that thread starves and the
/// workers run baseline code to the end. Measured on this 2-core machine (Chromium 156, work
/// 1,024 rounds over 1 MiB): 2 workers ran 0.62× as fast as 1 without a warm-up, 1.90× with
/// V8's baseline compiler switched off (`--js-flags=--no-liftoff`). Part of the worker's
/// start-up, which the page measures and shows. Returns the hashes' sum, so that the work
/// cannot be optimised away.
pub fn warm_up() -> u64 {
    let data: Vec<u8> = (0..16 * crate::parallel::split::BLOCK_BYTES).map(|i| (i % 251) as u8).collect();
    (0..8).map(|_| hash_blocks(std::hint::black_box(&data), 16)).fold(0, u64::wrapping_add)
}

/// Worker `job.worker` of run `run` waits at the start barrier for the others, makes its
/// additions to the shared counter in `words`, and says when it added by `clock` (ms, a clock
/// all workers share).
pub fn count(run: u64, job: &CountJob, words: &impl Words, clock: &dyn Fn() -> f64) -> FromParWorker {
    act_out(job.fault);
    barrier(words, job.workers);
    let started_ms = clock();
    add(words, job.variant, job.worker, job.iterations);
    FromParWorker::Counted { run, worker: job.worker, span: Span { started_ms, finished_ms: clock() } }
}

/// Worker `job.worker` of run `run` hashes its part of the data: `received_ms` is when the
/// message arrived (by `clock`, ms, a clock all workers share) and `part` gives its bytes (in the
/// browser, copying the `ArrayBuffer` into the worker's memory, which counts in its span and is
/// also answered alone as `copy_in_ms`).
pub fn hash(
    run: u64,
    job: &HashJob,
    received_ms: f64,
    part: impl FnOnce() -> Vec<u8>,
    clock: &dyn Fn() -> f64,
) -> FromParWorker {
    act_out(job.fault);
    let data = part();
    let copy_in_ms = (clock() - received_ms).max(0.0);
    let answer = hash_blocks(&data, job.rounds);
    let span = Span { started_ms: received_ms, finished_ms: clock() };
    FromParWorker::Hashed { run, worker: job.worker, answer, bytes: data.len() as u64, span, copy_in_ms }
}

/// Acts out `fault`, if any (the browser tests' `?debug-par-worker=`): never returns from one.
fn act_out(fault: Option<Fault>) {
    match fault {
        Some(Fault::Hang) => loop {
            std::hint::spin_loop();
        },
        Some(Fault::Panic) => panic!("the parallel worker was asked to panic (debug-par-worker=panic)"),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::counter::std_words::StdWords;
    use crate::parallel::counter::{COUNTER, PROGRESS, Variant, words};
    use std::time::Instant;

    #[test]
    fn workers_on_threads_count_exactly_with_atomics_and_report_their_span() {
        // 2 workers × 30,000 Atomics.add = 60,000.
        let memory = StdWords::new(words(2));
        let origin = Instant::now();
        let clock = || origin.elapsed().as_secs_f64() * 1000.0;
        let answers: Vec<FromParWorker> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|worker| {
                    let (memory, clock) = (&memory, &clock);
                    s.spawn(move || {
                        let job =
                            CountJob { variant: Variant::Atomic, worker, workers: 2, iterations: 30_000, fault: None };
                        count(5, &job, memory, clock)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(memory.atomic_load(COUNTER), 60_000);
        assert_eq!(memory.atomic_load(PROGRESS + 1), 30_000);
        for (w, answer) in answers.into_iter().enumerate() {
            let FromParWorker::Counted { run, worker, span } = answer else { panic!("{answer:?}") };
            assert_eq!((run, worker), (5, w as u32));
            assert!(span.finished_ms >= span.started_ms);
        }
    }

    #[test]
    fn a_hash_job_answers_its_parts_hash_and_size() {
        // "foobar" in one block, one round: its FNV-1a, 0xbf9cf968 (the FNV test suite's vector).
        let job = HashJob { worker: 3, rounds: 1, fault: None };
        // The clock reads 11 after the copy in, 12.5 after the hashing: 1 ms of copying in.
        let ticks = std::cell::Cell::new(0);
        let clock = || {
            ticks.set(ticks.get() + 1);
            if ticks.get() == 1 { 11.0 } else { 12.5 }
        };
        let answer = hash(8, &job, 10.0, || b"foobar".to_vec(), &clock);
        let span = Span { started_ms: 10.0, finished_ms: 12.5 };
        let want = FromParWorker::Hashed { run: 8, worker: 3, answer: 0xbf9c_f968, bytes: 6, span, copy_in_ms: 1.0 };
        assert_eq!(answer, want);
    }

    #[test]
    #[should_panic(expected = "asked to panic")]
    fn a_panic_fault_in_a_hash_job_panics() {
        let job = HashJob { worker: 0, rounds: 1, fault: Some(Fault::Panic) };
        hash(1, &job, 0.0, Vec::new, &|| 0.0);
    }

    #[test]
    #[should_panic(expected = "asked to panic")]
    fn a_panic_fault_panics() {
        let job = CountJob { variant: Variant::Plain, worker: 0, workers: 1, iterations: 1, fault: Some(Fault::Panic) };
        count(1, &job, &StdWords::new(words(1)), &|| 0.0);
    }
}
