//! Synchronisation primitives, one file each, and the per-process table that holds them.
//!
//! A primitive decides who owns it and who waits; it never touches CPUs, threads or the trace.
//! The interpreter calls it and turns its answer into an effect (block, wake, fault). Now: the
//! mutex. Semaphores, condition variables, barriers and read-write locks join as new files.

mod mutex;

pub use mutex::{Acquire, Mutex, Release};

use super::ThreadId;
use super::wait::WaitReason;

/// The synchronisation objects of one process, indexed by the ids its programs use.
#[derive(Clone, Debug, Default)]
pub struct ProcessSync {
    /// Mutexes, indexed by [`super::program::MutexId`].
    pub mutexes: Vec<Mutex>,
}

impl ProcessSync {
    /// A table with `mutexes` free mutexes.
    pub fn new(mutexes: usize) -> Self {
        ProcessSync { mutexes: vec![Mutex::default(); mutexes] }
    }

    /// The thread whose action would end a wait on `reason`, if one thread holds that power (a
    /// mutex's owner). `None` for waits nobody holds (I/O), or that any thread may end.
    pub fn holder(&self, reason: &WaitReason) -> Option<ThreadId> {
        match *reason {
            WaitReason::Mutex { mutex } => self.mutexes[mutex].owner,
            WaitReason::Io { .. } => None,
        }
    }
}
