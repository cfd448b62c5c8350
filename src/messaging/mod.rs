//! What the page and its workers say to each other: typed control messages, and large data
//! beside them.
//!
//! A message is a control part, one of the enums below inside an [`Envelope`] that carries the
//! protocol's version, plus zero or more buffers (the run to simulate, a run's trace, later
//! shared memory) that travel beside it as `ArrayBuffer`s, transferred rather than copied (see
//! `web`, built for wasm only). Everything is postcard's compact binary encoding
//! (<https://postcard.jamesmunns.com/wire-format>): the control part by the serde derives below
//! (a variant is its index, a field its place), [`loaded`] for a loaded run, [`wire`] for a
//! run's result. The control part starts with the protocol version as a varint, read before
//! anything else, so a stale worker is recognised whatever the rest of its message looks like.
//!
//! The simulation worker's conversation, for a job with id `n` (ids come from the page and
//! only ever grow):
//!
//! ```text
//! page                              worker
//!                               ←   Ready                   (once, when it has started)
//! Start { id: n, job } + buffers →
//!                               ←   Progress { id: n, … }   (now and then, for long jobs)
//!                               ←   Done { id: n, reply } + buffers,  or  Failed { id: n, message }
//! ```
//!
//! To stop a job the page terminates the worker and starts a fresh one (a running simulation
//! never reads its messages). A panic in the worker is reported as [`FromWorker::Crashed`].
//!
//! Adding a kind of job (a comparison, a sweep, an OSTEP command): a variant of [`Job`] with its
//! inputs, a variant of [`Reply`] with its small results (large ones go in buffers, described by
//! the reply), and the worker's handler for it. The protocol version goes up when a message
//! changes shape (postcard carries no names: a variant or field added, removed or moved is a
//! change), so a stale worker file (browsers may cache it) is reported, not misread.

pub mod lab;
pub mod loaded;
pub mod nested;
pub mod ostep;
pub mod parallel;
pub mod reader;
mod remote;
#[cfg(target_arch = "wasm32")]
pub mod web;
pub mod wire;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::model::{Progress, Ticks};

/// The protocol's version: both sides must speak the same one. Versions 1 and 2 wrote the
/// control part as JSON text (see [`read_text`]); from 3 it is postcard bytes; 4: a read
/// carries the editor's draft (the settings are made in it too); 5: a run's result is its head
/// then the trace's lists, read a slice at a time ([`wire::RunDecoder`]); (6 is the parallel
/// mode's own, [`parallel::PROTOCOL`]); 7: the loaded run's system carries the synchronisation
/// objects (semaphores, condition variables, barriers, spin locks, read-write locks) and their
/// instructions, which a worker of version 5 misreads; 8: threads that start on `create`,
/// `join` and exit values (the system's slots, the instructions, the trace's `joined` event and
/// exit value, the machine's `thread_create_ticks`); (9 is the parallel mode's own).
pub const PROTOCOL: u32 = 8;

/// Every conversation's protocol number: the simulation's and reader's ([`PROTOCOL`]), the
/// parallel mode's, the lab workers' and the OSTEP worker's. No two are equal (checked when
/// building), so a message sent to the wrong kind of worker is refused by its version.
pub const PROTOCOLS: [u32; 4] = [PROTOCOL, parallel::PROTOCOL, lab::PROTOCOL, ostep::PROTOCOL];

const _: () = {
    let mut i = 0;
    while i < PROTOCOLS.len() {
        let mut j = i + 1;
        while j < PROTOCOLS.len() {
            assert!(PROTOCOLS[i] != PROTOCOLS[j], "each conversation has a protocol number of its own");
            j += 1;
        }
        i += 1;
    }
};

/// A control message with the protocol version it was written in (in this order on the wire:
/// the version, a varint, comes first).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Envelope<M> {
    /// [`PROTOCOL`] of the sender.
    pub protocol: u32,
    /// The message.
    pub message: M,
}

/// Why a control message could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// The other side speaks another version of the protocol (a stale cached file).
    Version {
        /// Its version.
        theirs: u32,
    },
    /// Not a message of this protocol at all.
    Garbled(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Version { theirs } => write!(
                f,
                "the worker comes from another version of Threadlab (protocol {theirs}, this page speaks {PROTOCOL}): reload the page"
            ),
            ReadError::Garbled(why) => write!(f, "a message from the worker could not be read ({why})"),
        }
    }
}

/// Writes `message` as the control bytes of a message: [`PROTOCOL`] as a varint, then the
/// message.
pub fn write<M: Serialize>(message: &M) -> Vec<u8> {
    write_versioned(PROTOCOL, message)
}

/// [`write()`] for a conversation with its own protocol version `protocol` (e.g. [`parallel`]).
pub fn write_versioned<M: Serialize>(protocol: u32, message: &M) -> Vec<u8> {
    // Not `expect`: the page would carry postcard's error names for a message never shown.
    match postcard::to_allocvec(&Envelope { protocol, message }) {
        Ok(bytes) => bytes,
        Err(_) => unreachable!("postcard encodes every control message into a vector"),
    }
}

/// Reads control bytes written by [`write()`]: the version first, then the message. Errors:
/// another protocol version, or not a whole message (cut, garbled, or bytes left over).
pub fn read<M: DeserializeOwned>(bytes: &[u8]) -> Result<M, ReadError> {
    read_versioned(PROTOCOL, bytes)
}

/// [`read`] for a conversation with its own protocol version `expected` (e.g. [`parallel`]).
pub fn read_versioned<M: DeserializeOwned>(expected: u32, bytes: &[u8]) -> Result<M, ReadError> {
    let garbled = |e: postcard::Error| ReadError::Garbled(e.to_string());
    let (protocol, rest) = postcard::take_from_bytes::<u32>(bytes).map_err(garbled)?;
    if protocol != expected {
        return Err(ReadError::Version { theirs: protocol });
    }
    match postcard::take_from_bytes::<M>(rest).map_err(garbled)? {
        (message, []) => Ok(message),
        (_, left) => Err(ReadError::Garbled(format!("{} bytes left over after the message", left.len()))),
    }
}

/// What a control part sent as text means: versions 1 and 2 wrote JSON text starting
/// `{"protocol":N`, so a stale worker from before version 3 is named by its version rather than
/// reported as garbled. Anything else is garbled.
pub fn read_text(text: &str) -> ReadError {
    let version = text.strip_prefix(r#"{"protocol":"#).and_then(|rest| {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).map_or(rest, |end| &rest[..end]);
        digits.parse::<u32>().ok()
    });
    match version {
        Some(theirs) => ReadError::Version { theirs },
        None => ReadError::Garbled("text where the control bytes should be".into()),
    }
}

/// From the page to a worker (with the buffers the job says).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Start job `id`.
    Start {
        /// The page's id for the job; every answer about it carries it.
        id: u64,
        /// What to do.
        job: Job,
    },
}

/// A job for the simulation worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Run a loaded run to its end, with the full trace. The message's buffer 0 is the run, as
    /// [`loaded::encode`] writes it (the page has read and checked the scenario). Answered with
    /// [`Reply::Run`] and one buffer, [`wire::RunBytes`].
    Run(RunJob),
}

/// A run to simulate: its input is the message's buffer 0 (see [`Job::Run`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunJob {
    /// A fault to act out instead of running: only the browser tests ask for one.
    pub fault: Option<Fault>,
}

/// A fault the worker can act out, so the browser tests can check that the page survives one
/// (asked for by the page's `?debug-worker=` address flag; see `src/ui/runner.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fault {
    /// Loop forever, reporting nothing.
    Hang,
    /// Panic (a bug in the worker).
    Panic,
}

/// From a worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker has started and waits for jobs.
    Ready,
    /// Job `id` got this far.
    Progress {
        /// The job.
        id: u64,
        /// How far.
        #[serde(with = "ProgressDef")]
        progress: Progress,
    },
    /// Job `id` is done; its results are `reply` and the message's buffers.
    Done {
        /// The job.
        id: u64,
        /// What it produced (large data: in the buffers, as the reply says).
        reply: Reply,
    },
    /// Job `id` could not run: its input could not be read (a bug: the page checks scenarios
    /// before it sends them, and the protocol version catches a stale worker).
    Failed {
        /// The job.
        id: u64,
        /// What could not be read, and why.
        message: String,
    },
    /// The worker hit a bug and stopped; it must be replaced.
    Crashed {
        /// What went wrong, for the console and the page.
        message: String,
    },
}

/// A finished job's small results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    /// A [`Job::Run`] finished: buffer 0 is its [`wire::RunBytes`].
    Run {
        /// Milliseconds the worker spent on it (simulation and encoding), for the benchmark.
        millis: f64,
    },
}

/// [`Progress`]'s fields, for the control messages (the model's type only serialises).
#[derive(Serialize, Deserialize)]
#[serde(remote = "Progress")]
struct ProgressDef {
    now: Ticks,
    steps: u64,
    events: u64,
    finished: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_message_reads_back_as_written() {
        let start = ToWorker::Start { id: 7, job: Job::Run(RunJob { fault: Some(Fault::Hang) }) };
        assert_eq!(read::<ToWorker>(&write(&start)), Ok(start));
        let start = ToWorker::Start { id: 8, job: Job::Run(RunJob { fault: None }) };
        assert_eq!(read::<ToWorker>(&write(&start)), Ok(start));
        let progress =
            FromWorker::Progress { id: 3, progress: Progress { now: 12, steps: 5, events: 9, finished: false } };
        assert_eq!(read::<FromWorker>(&write(&progress)), Ok(progress));
        let done = FromWorker::Done { id: 300, reply: Reply::Run { millis: 2.5 } };
        assert_eq!(read::<FromWorker>(&write(&done)), Ok(done));
        let crashed = FromWorker::Crashed { message: "boom".into() };
        assert_eq!(read::<FromWorker>(&write(&crashed)), Ok(crashed));
    }

    #[test]
    fn the_control_bytes_start_with_the_version_then_the_kind() {
        // postcard: a u32 or u64 is a varint (7 bits a byte, low first), an enum variant its
        // index as a varint, an Option a 0/1 byte before its value.
        assert_eq!(write(&FromWorker::Ready), [8, 0]);
        // Start is ToWorker's variant 0; id 1; Job::Run is variant 0; fault None.
        assert_eq!(write(&ToWorker::Start { id: 1, job: Job::Run(RunJob { fault: None }) }), [8, 0, 1, 0, 0]);
        // Progress is FromWorker's variant 1; id 300 = 0b10_0101100 → [0xac, 0x02].
        let progress =
            FromWorker::Progress { id: 300, progress: Progress { now: 2, steps: 3, events: 4, finished: true } };
        assert_eq!(write(&progress), [8, 1, 0xac, 0x02, 2, 3, 4, 1]);
    }

    #[test]
    fn another_version_is_refused_by_its_number() {
        // Versions 3, 4 and 5's Ready is [3, 0], [4, 0] and [5, 0]; version 2's would be [2, 0]
        // had it been postcard; a later version 200 is [0xc8, 0x01]: the number is read whatever
        // follows it.
        assert_eq!(read::<FromWorker>(&[3, 0]), Err(ReadError::Version { theirs: 3 }));
        assert_eq!(read::<FromWorker>(&[5, 0]), Err(ReadError::Version { theirs: 5 }));
        assert_eq!(read::<FromWorker>(&[4, 0]), Err(ReadError::Version { theirs: 4 }));
        assert_eq!(read::<FromWorker>(&[2, 0]), Err(ReadError::Version { theirs: 2 }));
        assert_eq!(read::<FromWorker>(&[0xc8, 0x01, 0xff, 0xff]), Err(ReadError::Version { theirs: 200 }));
        assert!(read::<FromWorker>(&[2, 0]).unwrap_err().to_string().contains("reload the page"));
        // Versions 1 and 2 sent JSON text.
        assert_eq!(read_text(r#"{"protocol":2,"message":"ready"}"#), ReadError::Version { theirs: 2 });
        assert!(matches!(read_text("ready"), ReadError::Garbled(_)));
        assert!(matches!(read_text(r#"{"protocol":x}"#), ReadError::Garbled(_)));
    }

    #[test]
    fn garbled_bytes_are_an_error() {
        // Empty; FromWorker has no variant 9; a Progress cut short; a Ready with a byte left over;
        // a version varint that never ends.
        for bytes in [&[][..], &[8, 9], &[8, 1, 5, 2], &[8, 0, 0], &[0x80, 0x80]] {
            assert!(matches!(read::<FromWorker>(bytes), Err(ReadError::Garbled(_))), "{bytes:?}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn any_bytes_read_without_a_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)) {
            let _ = read::<FromWorker>(&bytes);
            let _ = read::<ToWorker>(&bytes);
        }
    }
}
