//! What a blocked thread waits for: one type for every kind of waiting.
//!
//! Each blocked thread keeps a [`Wait`] record (reason and since when). The deadlock report, the
//! trace's causes, the snapshot and the thread table all read this record, so a new primitive
//! adds a variant here (and its file under `sync/`), not fields across the model.

use serde::Serialize;

use super::program::MutexId;
use super::system::System;
use super::{ProcessId, Ticks};

/// Why a thread is blocked. Objects are named by their index in the thread's own process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "on")]
pub enum WaitReason {
    /// Blocking I/O (`io N`), which completes at `until`.
    Io {
        /// When the I/O completes, in ticks.
        until: Ticks,
    },
    /// A mutex held by another thread (`lock m`); the thread waits in its FIFO queue.
    Mutex {
        /// The mutex, in the thread's process.
        mutex: MutexId,
    },
}

/// Which per-thread wait total a wait adds to (see [`super::metrics::ThreadMetrics`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitClass {
    /// Counted in `io_time`.
    Io,
    /// Waiting on a synchronisation primitive: counted in `lock_wait`.
    Sync,
}

impl WaitReason {
    /// The total this wait adds to.
    pub fn class(&self) -> WaitClass {
        match self {
            WaitReason::Io { .. } => WaitClass::Io,
            WaitReason::Mutex { .. } => WaitClass::Sync,
        }
    }

    /// What is waited for, for people: "I/O until t=12", "mutex `m`".
    pub fn describe(&self, sys: &System, pid: ProcessId) -> String {
        match *self {
            WaitReason::Io { until } => format!("I/O until t={until}"),
            WaitReason::Mutex { mutex } => format!("mutex `{}`", sys.processes[pid].mutexes[mutex]),
        }
    }

    /// What the holder of the waited-for object must do to end the wait ("unlocking").
    pub fn release_verb(&self) -> &'static str {
        match self {
            WaitReason::Io { .. } => "completing",
            WaitReason::Mutex { .. } => "unlocking",
        }
    }

    /// The waited-for object as a (kind, name) pair for reports, e.g. `("mutex", "m")`; `None`
    /// for I/O, which names no object.
    pub fn object(&self, sys: &System, pid: ProcessId) -> Option<(&'static str, String)> {
        match *self {
            WaitReason::Io { .. } => None,
            WaitReason::Mutex { mutex } => Some(("mutex", sys.processes[pid].mutexes[mutex].clone())),
        }
    }
}

/// A blocked thread's record: why, and since when (ticks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Wait {
    /// What it waits for.
    pub reason: WaitReason,
    /// When it started waiting, in ticks.
    pub since: Ticks,
}
