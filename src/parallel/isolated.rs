//! The page's side of one isolated run (like processes: each worker its own memory), without the
//! browser: start N workers, send each its part of the data (copied or moved), collect their
//! answers, merge them. The isolated mode is one such run; the speedup run is one per N
//! ([`super::speedup`]).
//!
//! A run: [`HashRun::ready`] for each worker until all have started (then the page posts the
//! parts, [`HashRun::parts`], noting each with [`HashRun::sent`]); [`HashRun::hashed`] for each
//! answer until all are in; then [`HashRun::outcome`]. A run cancelled or failed has no outcome,
//! so the page shows nothing of it.

use std::ops::Range;

use super::session::{Span, Startup};
use super::split::{blocks, byte_range, merge, split};

/// How the page sends each worker its part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Send {
    /// `postMessage(part)`: the browser's structured clone copies the bytes; the page keeps its
    /// buffer.
    Copy,
    /// `postMessage(part, [part])`: the buffer moves to the worker without a copy and is detached
    /// (0 bytes, unusable) on the page after.
    Transfer,
}

/// One part as the page posted it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sent {
    /// Bytes in the part.
    pub bytes: u64,
    /// The page's buffer's `byteLength` just after posting: `bytes` if the worker got a copy,
    /// 0 if the buffer moved (detached).
    pub left_bytes: u64,
    /// When the page had every part's buffer ready (copied out of its WebAssembly memory), ms:
    /// before the first post, so that the sending time holds no copy but postMessage's.
    pub prepared_ms: f64,
    /// When the page started posting it, ms (the clock all workers share).
    pub posted_ms: f64,
}

impl Sent {
    /// Whether the page's buffer is detached after posting (it moved to the worker).
    pub fn detached(&self) -> bool {
        self.bytes > 0 && self.left_bytes == 0
    }

    /// Bytes the browser copied to send it: the part if the page's buffer is still whole after
    /// posting, 0 if it moved.
    pub fn copied(&self) -> u64 {
        if self.detached() { 0 } else { self.bytes }
    }
}

/// One worker's answer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Answer {
    /// The sum of its blocks' hashes.
    pub answer: u64,
    /// Bytes it received.
    pub bytes: u64,
    /// From its part's arrival to its answer, ms (shared clock).
    pub span: Span,
    /// Of the span, copying the part into the worker's own memory, ms.
    pub copy_in_ms: f64,
    /// When the page received the answer, ms.
    pub at_page_ms: f64,
}

/// A finished run, measured.
#[derive(Clone, Debug, PartialEq)]
pub struct HashOutcome {
    /// Workers.
    pub workers: u32,
    /// Bytes of data.
    pub bytes: u64,
    /// The workers' answers merged ([`merge`]).
    pub merged: u64,
    /// Each part as posted, by worker.
    pub sent: Vec<Sent>,
    /// Each worker's answer, by worker.
    pub answers: Vec<Answer>,
    /// From `new Worker` to each worker's first message.
    pub startup: Startup,
    /// Sending the data: from the first post to the last part's arrival in its worker, ms.
    pub send_ms: f64,
    /// The slowest worker's span (copying its part into its memory and hashing it), ms.
    pub compute_ms: f64,
    /// Of `compute_ms`, the slowest worker's copying its part into its memory, ms.
    pub copy_in_ms: f64,
    /// The whole run: from starting the workers to the last answer on the page, ms.
    pub wall_ms: f64,
}

impl HashOutcome {
    /// Bytes the browser copied to send the parts (0 when they all moved).
    pub fn copied(&self) -> u64 {
        self.sent.iter().map(Sent::copied).sum()
    }

    /// How many of the page's buffers are detached after posting.
    pub fn detached(&self) -> usize {
        self.sent.iter().filter(|s| s.detached()).count()
    }

    /// The rest of the wall time: receiving and merging the answers, and the gaps between the
    /// phases, ms (never negative).
    pub fn rest_ms(&self) -> f64 {
        (self.wall_ms - self.startup.slowest_ms - self.send_ms - self.compute_ms).max(0.0)
    }
}

/// One isolated run: `workers` workers hash `len` bytes split into contiguous runs of blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct HashRun {
    /// The page's id for the run; every worker message about it carries it.
    pub run: u64,
    /// Workers started.
    pub workers: u32,
    /// Bytes of data.
    pub len: usize,
    /// When the workers were started, ms.
    spawned_ms: f64,
    ready_ms: Vec<Option<f64>>,
    sent: Vec<Option<Sent>>,
    answers: Vec<Option<Answer>>,
}

impl HashRun {
    /// A run of `workers` (1..=`max_workers`) over `len` bytes, its workers started at
    /// `spawned_ms`. Errors: a worker count out of range (the message gives the range).
    pub fn new(run: u64, workers: u32, len: usize, max_workers: u32, spawned_ms: f64) -> Result<HashRun, String> {
        if !(1..=max_workers).contains(&workers) {
            return Err(format!("workers: {workers} is not between 1 and {max_workers}"));
        }
        let n = workers as usize;
        Ok(HashRun {
            run,
            workers,
            len,
            spawned_ms,
            ready_ms: vec![None; n],
            sent: vec![None; n],
            answers: vec![None; n],
        })
    }

    /// Each worker's bytes of the data, in order ([`split`] over the blocks).
    pub fn parts(&self) -> Vec<Range<usize>> {
        split(blocks(self.len), self.workers).iter().map(|b| byte_range(b, self.len)).collect()
    }

    /// Worker `worker` said it is ready at `at_ms`; true once all are (post the parts now).
    /// Errors: no such worker, or it said so twice.
    pub fn ready(&mut self, worker: u32, at_ms: f64) -> Result<bool, String> {
        let slot = self.ready_ms.get_mut(worker as usize).ok_or_else(|| format!("no worker {worker}"))?;
        if slot.replace(at_ms).is_some() {
            return Err(format!("worker {worker} said it was ready twice"));
        }
        Ok(self.ready_ms.iter().all(Option::is_some))
    }

    /// The page posted worker `worker`'s part. Errors: no such worker.
    pub fn sent(&mut self, worker: u32, sent: Sent) -> Result<(), String> {
        *self.sent.get_mut(worker as usize).ok_or_else(|| format!("no worker {worker}"))? = Some(sent);
        Ok(())
    }

    /// Worker `worker` answered; true once all have. Errors: no such worker, an answer before
    /// its part was sent, or a second answer.
    pub fn hashed(&mut self, worker: u32, answer: Answer) -> Result<bool, String> {
        if self.sent.get(worker as usize).is_none_or(Option::is_none) {
            return Err(format!("worker {worker} answered before it was sent its part"));
        }
        let slot = &mut self.answers[worker as usize];
        if slot.replace(answer).is_some() {
            return Err(format!("worker {worker} answered twice"));
        }
        Ok(self.answers.iter().all(Option::is_some))
    }

    /// The run measured, once every answer is in.
    pub fn outcome(&self) -> Option<HashOutcome> {
        let ready: Vec<f64> = self.ready_ms.iter().copied().collect::<Option<_>>()?;
        let sent: Vec<Sent> = self.sent.iter().copied().collect::<Option<_>>()?;
        let answers: Vec<Answer> = self.answers.iter().copied().collect::<Option<_>>()?;
        let min = |xs: &mut dyn Iterator<Item = f64>| xs.fold(f64::INFINITY, f64::min);
        let max = |xs: &mut dyn Iterator<Item = f64>| xs.fold(f64::NEG_INFINITY, f64::max);
        let first_post = min(&mut sent.iter().map(|s| s.posted_ms));
        let last_arrival = max(&mut answers.iter().map(|a| a.span.started_ms));
        let took = |a: &Answer| (a.span.finished_ms - a.span.started_ms).max(0.0);
        let slowest = answers.iter().max_by(|a, b| took(a).total_cmp(&took(b)))?;
        Some(HashOutcome {
            workers: self.workers,
            bytes: self.len as u64,
            merged: merge(&answers.iter().map(|a| a.answer).collect::<Vec<_>>()),
            startup: Startup {
                fastest_ms: min(&mut ready.iter().map(|t| t - self.spawned_ms)),
                slowest_ms: max(&mut ready.iter().map(|t| t - self.spawned_ms)),
            },
            send_ms: (last_arrival - first_post).max(0.0),
            compute_ms: took(slowest),
            copy_in_ms: slowest.copy_in_ms.min(took(slowest)),
            wall_ms: (max(&mut answers.iter().map(|a| a.at_page_ms)) - self.spawned_ms).max(0.0),
            sent,
            answers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parallel::split::BLOCK_BYTES;

    fn answer(answer: u64, bytes: u64, started_ms: f64, finished_ms: f64, at_page_ms: f64) -> Answer {
        Answer { answer, bytes, span: Span { started_ms, finished_ms }, copy_in_ms: 1.0, at_page_ms }
    }

    #[test]
    fn a_two_worker_copy_run_is_measured_phase_by_phase() {
        // 3 blocks (2 whole and 100 bytes) over 2 workers: blocks 0..2 and 2..3.
        let len = 2 * BLOCK_BYTES + 100;
        let mut run = HashRun::new(1, 2, len, 4, 1_000.0).unwrap();
        assert_eq!(run.parts(), vec![0..8_192, 8_192..8_292]);
        assert_eq!(run.ready(1, 1_030.0), Ok(false));
        assert_eq!(run.ready(0, 1_050.0), Ok(true));
        // Copied: the page's buffers keep their bytes.
        run.sent(0, Sent { bytes: 8_192, left_bytes: 8_192, prepared_ms: 0.0, posted_ms: 1_051.0 }).unwrap();
        run.sent(1, Sent { bytes: 100, left_bytes: 100, prepared_ms: 0.0, posted_ms: 1_052.0 }).unwrap();
        assert_eq!(run.outcome(), None);
        assert_eq!(run.hashed(1, answer(7, 100, 1_053.0, 1_060.0, 1_061.0)), Ok(false));
        assert_eq!(run.hashed(0, answer(u64::MAX, 8_192, 1_054.0, 1_154.0, 1_156.0)), Ok(true));
        let o = run.outcome().unwrap();
        // 7 + (2^64 − 1) wraps to 6.
        assert_eq!(o.merged, 6);
        // Started at 1,000: ready at 30 and 50 ms.
        assert_eq!(o.startup, Startup { fastest_ms: 30.0, slowest_ms: 50.0 });
        // First post 1,051 → last arrival 1,054: 3 ms; slowest span 1,054 → 1,154: 100 ms;
        // last answer on the page at 1,156: 156 ms in all; the rest 156 − 50 − 3 − 100 = 3 ms.
        assert_eq!((o.send_ms, o.compute_ms, o.wall_ms, o.rest_ms()), (3.0, 100.0, 156.0, 3.0));
        // The slowest (worker 0) copied its part in for 1 ms of those 100.
        assert_eq!(o.copy_in_ms, 1.0);
        assert_eq!((o.copied(), o.detached()), (8_292, 0));
    }

    #[test]
    fn moved_parts_copy_nothing_and_leave_the_page_detached_buffers() {
        let mut run = HashRun::new(2, 1, 10, 4, 0.0).unwrap();
        run.ready(0, 5.0).unwrap();
        run.sent(0, Sent { bytes: 10, left_bytes: 0, prepared_ms: 0.0, posted_ms: 6.0 }).unwrap();
        run.hashed(0, answer(1, 10, 6.5, 7.0, 8.0)).unwrap();
        let o = run.outcome().unwrap();
        assert_eq!((o.copied(), o.detached(), o.bytes), (0, 1, 10));
        // An empty part is neither copied nor detached.
        let empty = Sent { bytes: 0, left_bytes: 0, prepared_ms: 0.0, posted_ms: 0.0 };
        assert_eq!((empty.copied(), empty.detached()), (0, false));
    }

    #[test]
    fn wrong_or_repeated_messages_are_errors() {
        assert!(HashRun::new(1, 0, 10, 4, 0.0).unwrap_err().contains("not between 1 and 4"));
        assert!(HashRun::new(1, 5, 10, 4, 0.0).is_err());
        let mut run = HashRun::new(1, 2, 10, 4, 0.0).unwrap();
        assert!(run.ready(2, 1.0).unwrap_err().contains("no worker 2"));
        run.ready(0, 1.0).unwrap();
        assert!(run.ready(0, 1.0).unwrap_err().contains("twice"));
        assert!(run.hashed(0, answer(0, 0, 0.0, 0.0, 0.0)).unwrap_err().contains("before it was sent"));
        run.sent(0, Sent { bytes: 10, left_bytes: 10, prepared_ms: 0.0, posted_ms: 2.0 }).unwrap();
        run.hashed(0, answer(0, 10, 2.0, 3.0, 3.0)).unwrap();
        assert!(run.hashed(0, answer(0, 10, 2.0, 3.0, 3.0)).unwrap_err().contains("answered twice"));
        assert!(run.hashed(5, answer(0, 10, 2.0, 3.0, 3.0)).is_err());
    }
}
