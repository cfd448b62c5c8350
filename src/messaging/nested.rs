//! The shape of a conversation between the page and a worker that has a reader worker and a
//! simulation worker of its own (a lab panel's, [`super::lab`]; the OSTEP mode's,
//! [`super::ostep`]): the page starts a job, the worker answers it, now and then saying how
//! many of its runs are done. Each conversation fills in what a job is and what its answer is
//! ([`Conversation`]) and has its own protocol version; its messages are [`ToNested`] and
//! [`FromNested`] of those, postcard bytes in an [`super::Envelope`], no buffers.
//!
//! For a job with id `n` (ids come from the page and only ever grow):
//!
//! ```text
//! page                              worker
//!                               ←   Ready                            (once, when it has started)
//! Start { id: n, job }          →
//!                               ←   Counted { id: n, done, total }   (now and then, long jobs)
//!                               ←   Done { id: n, answer }
//! ```
//!
//! The worker's side is `src/workers/nested.rs`, the page's `src/ui/nested_worker.rs`. To stop
//! a job the page terminates the worker (which ends its own workers too). A panic, its own or
//! one of its workers', is [`FromNested::Crashed`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::ReadError;

/// One conversation of this shape: its version, its worker's name and its job and answer.
pub trait Conversation: 'static {
    /// Its protocol version (each conversation has its own, so a message sent to the wrong
    /// worker is refused by it).
    const PROTOCOL: u32;
    /// The worker as messages name it: `lab worker`, `OSTEP worker`.
    const WORKER: &'static str;
    /// What the page asks for.
    type Job: Serialize + DeserializeOwned + 'static;
    /// What the page is answered.
    type Answer: Serialize + DeserializeOwned + 'static;
}

/// Writes `message`, of conversation `C`, as the control bytes of a message (`C`'s protocol
/// version first, as in [`super::write`]).
pub fn write<C: Conversation, M: Serialize>(message: &M) -> Vec<u8> {
    super::write_versioned(C::PROTOCOL, message)
}

/// Reads control bytes written by [`write()`] for conversation `C`. Errors: another protocol
/// version, or not a whole message.
pub fn read<C: Conversation, M: DeserializeOwned>(bytes: &[u8]) -> Result<M, ReadError> {
    super::read_versioned(C::PROTOCOL, bytes)
}

/// From the page to the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToNested<J> {
    /// Start job `id`, replacing one in progress.
    Start {
        /// The page's id for the job; every answer about it carries it.
        id: u64,
        /// What is asked.
        job: J,
    },
}

/// From the worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromNested<A> {
    /// The worker has started and waits for jobs.
    Ready,
    /// Job `id` has done `done` of its `total` runs.
    Counted {
        /// The job.
        id: u64,
        /// Runs done.
        done: u32,
        /// Runs in all.
        total: u32,
    },
    /// Job `id` is done.
    Done {
        /// The job.
        id: u64,
        /// Its answer (its errors included).
        answer: A,
    },
    /// The worker, or one of its own workers, hit a bug and stopped; it must be replaced.
    Crashed {
        /// What went wrong, for the console and the page.
        message: String,
    },
}
