//! What the parallel mode's page (`parallel.html`, `src/parallel/ui.rs`) and its workers
//! (`src/bin/par_worker.rs`) say to each other: typed control messages in an [`super::Envelope`] with
//! this conversation's own [`PROTOCOL`] version, and buffers beside them ([`super::web`]).
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
//! [`counter::words`]: crate::parallel::counter::words

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{Fault, ReadError};
use crate::parallel::counter::Variant;
use crate::parallel::session::Span;

/// This conversation's version: the page and its workers must speak the same one.
pub const PROTOCOL: u32 = 2;

/// Writes `message` as the control bytes of a message ([`PROTOCOL`] first, as in
/// [`super::write`]).
pub fn write<M: Serialize>(message: &M) -> Vec<u8> {
    super::write_versioned(PROTOCOL, message)
}

/// Reads control bytes written by [`write`]. Errors: another protocol version, or not a whole
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
        // The version first (2, one varint byte), then variant 0 (Count), then run 3.
        assert_eq!(&bytes[..3], &[2, 0, 3]);
        assert_eq!(read::<ToParWorker>(&bytes), Ok(message));
        let hang = ToParWorker::Count {
            run: 4,
            job: CountJob { variant: Variant::Plain, worker: 0, workers: 1, iterations: 1, fault: Some(Fault::Hang) },
        };
        assert_eq!(read::<ToParWorker>(&write(&hang)), Ok(hang));
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
