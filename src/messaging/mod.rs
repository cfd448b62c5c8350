//! What the page and its workers say to each other: typed control messages, and large data
//! beside them.
//!
//! A message is a control part, one of the enums below as JSON text inside an [`Envelope`] that
//! carries the protocol's version (a message's kind is its key: `{"progress": {…}}`), plus zero
//! or more buffers (the run to simulate, a run's trace, later shared memory) that travel beside
//! it as `ArrayBuffer`s, transferred rather than copied (see [`web`]).
//! The control part is small and self-describing (serde_json); the buffers use a compact binary
//! encoding (postcard): [`loaded`] for a loaded run, [`wire`] for a run's result.
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
//! changes shape, so a stale worker file (browsers may cache it) is reported, not misread.

pub mod loaded;
pub mod reader;
#[cfg(target_arch = "wasm32")]
pub mod web;
pub mod wire;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::model::{Progress, Ticks};

/// The protocol's version: both sides must speak the same one.
pub const PROTOCOL: u32 = 2;

/// A control message with the protocol version it was written in.
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

/// Writes `message` as the control text of a message ([`PROTOCOL`] included).
pub fn write<M: Serialize>(message: &M) -> String {
    serde_json::to_string(&Envelope { protocol: PROTOCOL, message }).expect("control messages serialise")
}

/// Reads a control text written by [`write`]. Errors: another protocol version, or not a message.
pub fn read<M: DeserializeOwned>(text: &str) -> Result<M, ReadError> {
    #[derive(Deserialize)]
    struct Version {
        protocol: u32,
    }
    let version: Version = serde_json::from_str(text).map_err(|e| ReadError::Garbled(e.to_string()))?;
    if version.protocol != PROTOCOL {
        return Err(ReadError::Version { theirs: version.protocol });
    }
    let envelope: Envelope<M> = serde_json::from_str(text).map_err(|e| ReadError::Garbled(e.to_string()))?;
    Ok(envelope.message)
}

/// From the page to a worker (with the buffers the job says).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
#[serde(rename_all = "snake_case")]
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<Fault>,
}

/// A fault the worker can act out, so the browser tests can check that the page survives one
/// (asked for by the page's `?debug-worker=` address flag; see `src/ui/runner.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Loop forever, reporting nothing.
    Hang,
    /// Panic (a bug in the worker).
    Panic,
}

/// From a worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
#[serde(rename_all = "snake_case")]
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
        let progress =
            FromWorker::Progress { id: 3, progress: Progress { now: 12, steps: 5, events: 9, finished: false } };
        assert_eq!(read::<FromWorker>(&write(&progress)), Ok(progress));
    }

    #[test]
    fn the_control_text_names_the_version_and_the_kind() {
        let text = write(&FromWorker::Ready);
        assert_eq!(text, r#"{"protocol":2,"message":"ready"}"#);
        let text = write(&ToWorker::Start { id: 1, job: Job::Run(RunJob { fault: None }) });
        assert_eq!(text, r#"{"protocol":2,"message":{"start":{"id":1,"job":{"run":{}}}}}"#);
    }

    #[test]
    fn another_version_is_refused_by_its_number() {
        let old = r#"{"protocol":0,"message":"ready"}"#;
        assert_eq!(read::<FromWorker>(old), Err(ReadError::Version { theirs: 0 }));
        assert!(read::<FromWorker>(old).unwrap_err().to_string().contains("reload the page"));
        assert!(matches!(read::<FromWorker>("[1, 2]"), Err(ReadError::Garbled(_))));
        assert!(matches!(
            read::<FromWorker>(r#"{"protocol":2,"message":{"kind":"nope"}}"#),
            Err(ReadError::Garbled(_))
        ));
    }
}
