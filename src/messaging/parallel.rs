//! What the parallel mode's page (`parallel.html`, `src/parallel/ui.rs`) and its workers
//! (`src/bin/par_worker.rs`) say to each other: typed control messages in an [`super::Envelope`] with
//! this conversation's own [`PROTOCOL`] version, and buffers beside them (`super::web`, wasm only).
//!
//! The shared-counter experiment, for run `r` (ids come from the page and only ever grow):
//!
//! ```text
//! page                                          worker w
//!                                           ←   Ready                     (once, when started)
//! Count { run: r, job } + shared memory     →                             (once per variant)
//!                                           ←   Counted { run: r, worker: w, span }
//! ```
//!
//! The shared memory is one `SharedArrayBuffer` of [`counter::words`] 32-bit words, posted
//! (shared, never copied) beside every `Count`. Progress goes through it, not through messages:
//! each worker stores its count in its progress word and the page reads them. To stop a run the
//! page terminates the workers (a worker adding never reads its messages). A panic is reported
//! as [`FromParWorker::Crashed`].
//!
//! The isolated mode and the speedup run (like processes: no memory shared), for run `r`:
//!
//! ```text
//! page                                          worker w
//!                                           ←   Ready                     (once, when started)
//! Hash { run: r, job } + its part of the data →                           (once)
//!                                           ←   Hashed { run: r, worker: w, answer, bytes, span }
//! ```
//!
//! The part is an `ArrayBuffer`, copied by the browser's structured clone or transferred (moved:
//! the page's buffer is detached after), as the page chose; the worker copies it into its own
//! memory, hashes it ([`crate::parallel::split::hash_blocks`]) and answers the sum; the page merges.
//!
//! [`counter::words`]: crate::parallel::counter::words

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Fault, ReadError};
use crate::parallel::counter::Variant;
use crate::parallel::session::Span;

/// This conversation's version: the page and its workers must speak the same one. It never
/// equals another conversation's, the simulation worker's [`super::PROTOCOL`] among them
/// (checked when building: [`super::PROTOCOLS`]), so a message sent to the wrong worker is
/// refused by its version. 4 added [`ToParWorker::Hash`] and
/// [`FromParWorker::Hashed`]; 6 is 4's messages, renumbered past the simulation's 5; 8 added
/// [`FromParWorker::Hashed`]'s `copy_in_ms` (past the simulation's 7); 9 is 8's messages,
/// renumbered past the simulation's 8.
pub const PROTOCOL: u32 = 9;

/// Writes `message` as the control bytes of a message ([`PROTOCOL`] first, as in
/// [`super::write`]).
pub fn write<M: Serialize>(message: &M) -> Vec<u8> {
    super::write_versioned(PROTOCOL, message)
}

/// Reads control bytes written by [`write()`]. Errors: another protocol version, or not a whole
/// message.
pub fn read<M: DeserializeOwned>(bytes: &[u8]) -> Result<M, ReadError> {
    super::read_versioned(PROTOCOL, bytes)
}

/// From the page to a worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToParWorker {
    /// Add to the shared counter (buffer 0: the shared memory); answer [`FromParWorker::Counted`].
    Count {
        /// The page's id for the run.
        run: u64,
        /// What to do.
        job: CountJob,
    },
    /// Hash the part of the data in buffer 0 (an `ArrayBuffer`); answer
    /// [`FromParWorker::Hashed`].
    Hash {
        /// The page's id for the run.
        run: u64,
        /// What to do.
        job: HashJob,
    },
}

/// One worker's part of an isolated run: hash the blocks it was sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HashJob {
    /// This worker's index, 0-based.
    pub worker: u32,
    /// Rounds over each block ([`crate::parallel::split::hash_blocks`]): the work per byte.
    pub rounds: u32,
    /// A fault to act out instead (only the browser tests ask for one: `?debug-par-worker=`).
    pub fault: Option<Fault>,
}

/// One worker's part of one variant of the shared-counter experiment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CountJob {
    /// How to add.
    pub variant: Variant,
    /// This worker's index, 0-based: its progress word.
    pub worker: u32,
    /// Workers taking part: the start barrier waits for all of them.
    pub workers: u32,
    /// Additions to make.
    pub iterations: u32,
    /// A fault to act out instead (only the browser tests ask for one: `?debug-par-worker=`).
    pub fault: Option<Fault>,
}

/// From a worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FromParWorker {
    /// The worker has started and waits for jobs.
    Ready,
    /// Worker `worker` has made its additions for run `run`.
    Counted {
        /// The run.
        run: u64,
        /// The worker.
        worker: u32,
        /// When it added, on the clock all workers share.
        #[serde(with = "SpanDef")]
        span: Span,
    },
    /// Worker `worker` has hashed its part of run `run`.
    Hashed {
        /// The run.
        run: u64,
        /// The worker.
        worker: u32,
        /// Its answer: the wrapping sum of its blocks' hashes.
        answer: u64,
        /// Bytes it received (and copied into its own memory to hash them).
        bytes: u64,
        /// From the message's arrival (`started_ms`) to the answer (`finished_ms`), on the
        /// clock all workers share: copying the part into its memory and hashing it.
        #[serde(with = "SpanDef")]
        span: Span,
        /// Of that span, copying the part into its own memory, ms.
        copy_in_ms: f64,
    },
    /// The worker hit a bug and stopped.
    Crashed {
        /// What went wrong.
        message: String,
    },
}

/// [`Span`]'s fields, for the control messages (the session's type has no serde).
#[derive(Serialize, Deserialize)]
#[serde(remote = "Span")]
struct SpanDef {
    started_ms: f64,
    finished_ms: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_job_reads_back_as_written() {
        let job = CountJob { variant: Variant::Lock, worker: 1, workers: 2, iterations: 1_000, fault: None };
        let message = ToParWorker::Count { run: 3, job };
        let bytes = write(&message);
        // The version first (8, one varint byte), then variant 0 (Count), then run 3.
        assert_eq!(&bytes[..3], &[9, 0, 3]);
        assert_eq!(read::<ToParWorker>(&bytes), Ok(message));
        let hang = ToParWorker::Count {
            run: 4,
            job: CountJob { variant: Variant::Plain, worker: 0, workers: 1, iterations: 1, fault: Some(Fault::Hang) },
        };
        assert_eq!(read::<ToParWorker>(&write(&hang)), Ok(hang));
    }

    #[test]
    fn the_hash_job_reads_back_as_written_byte_by_byte() {
        let message = ToParWorker::Hash { run: 300, job: HashJob { worker: 2, rounds: 64, fault: None } };
        let bytes = write(&message);
        // postcard: version 8; variant 1 (Hash); run 300 as a varint (300 = 0b10_0101100: 0xAC,
        // 0x02); worker 2; rounds 64; fault None (0).
        assert_eq!(bytes, vec![9, 1, 0xAC, 0x02, 2, 64, 0]);
        assert_eq!(read::<ToParWorker>(&bytes), Ok(message));
        let panic = ToParWorker::Hash { run: 1, job: HashJob { worker: 0, rounds: 1, fault: Some(Fault::Panic) } };
        assert_eq!(read::<ToParWorker>(&write(&panic)), Ok(panic));
    }

    #[test]
    fn the_hashed_answer_reads_back_as_written() {
        let hashed = FromParWorker::Hashed {
            run: 2,
            worker: 1,
            answer: u64::MAX - 5,
            bytes: 4 << 20,
            span: Span { started_ms: 1_700_000_000_000.25, finished_ms: 1_700_000_000_412.5 },
            copy_in_ms: 3.25,
        };
        let bytes = write(&hashed);
        // Version 8, then variant 2 (Hashed, after Ready 0 and Counted 1), run 2, worker 1.
        assert_eq!(&bytes[..4], &[9, 2, 2, 1]);
        assert_eq!(read::<FromParWorker>(&bytes), Ok(hashed));
    }

    #[test]
    fn the_workers_answers_read_back_as_written() {
        let counted = FromParWorker::Counted { run: 9, worker: 0, span: Span { started_ms: 1.5, finished_ms: 20.25 } };
        assert_eq!(read::<FromParWorker>(&write(&counted)), Ok(counted));
        assert_eq!(read::<FromParWorker>(&write(&FromParWorker::Ready)), Ok(FromParWorker::Ready));
    }

    #[test]
    fn another_version_or_a_stranger_is_refused() {
        let other = super::super::write_versioned(7, &FromParWorker::Ready);
        assert_eq!(read::<FromParWorker>(&other), Err(ReadError::Version { theirs: 7 }));
        // The simulation worker's protocol is not this conversation's.
        let simulation = super::super::write(&FromParWorker::Ready);
        assert_eq!(read::<FromParWorker>(&simulation), Err(ReadError::Version { theirs: super::super::PROTOCOL }));
        assert!(matches!(read::<FromParWorker>(&[PROTOCOL as u8, 99]), Err(ReadError::Garbled(_))));
        assert!(matches!(read::<FromParWorker>(&[]), Err(ReadError::Garbled(_))));
        let mut padded = write(&FromParWorker::Ready);
        padded.push(0);
        assert!(matches!(read::<FromParWorker>(&padded), Err(ReadError::Garbled(_))));
    }
}
