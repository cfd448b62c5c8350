//! A process's synchronisation objects (other than mutexes) at an instant, as the snapshot
//! rebuilds them from the trace: each object's state and the threads blocked on it, in the
//! order they started waiting (every queue is first come, first served).

use serde::Serialize;

use crate::model::ThreadId;
use crate::model::system::ProcessInfo;
use crate::model::wait::WaitReason;

/// A semaphore at an instant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SemaphoreView {
    /// Its value.
    pub value: u64,
    /// Threads blocked in `sem_wait`, the next to pass first.
    pub waiters: Vec<ThreadId>,
}

/// A spin lock at an instant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SpinlockView {
    /// Its owner; `None`: free.
    pub owner: Option<ThreadId>,
    /// Threads on a CPU trying to take it (spinning), by thread id.
    pub spinning: Vec<ThreadId>,
}

/// A read-write lock at an instant.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RwLockView {
    /// How many threads hold it for reading.
    pub readers: u32,
    /// The thread holding it for writing, if any.
    pub writer: Option<ThreadId>,
    /// Threads blocked on it, to read or to write (their wait says which), in the order they
    /// started waiting.
    pub waiters: Vec<ThreadId>,
}

/// One process's semaphores, condition variables, … at an instant, indexed by their ids.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ObjectsView {
    /// Semaphores, by [`crate::model::program::SemId`].
    pub semaphores: Vec<SemaphoreView>,
    /// Each condition variable's sleepers, the next to be signalled first (a signalled thread
    /// has left: it is ready, or waiting for the mutex), by [`crate::model::program::CondId`].
    pub condvars: Vec<Vec<ThreadId>>,
    /// Spin locks, by [`crate::model::program::SpinId`].
    pub spinlocks: Vec<SpinlockView>,
    /// Read-write locks, by [`crate::model::program::RwId`].
    pub rwlocks: Vec<RwLockView>,
    /// Each barrier's waiting threads, in arrival order (its count is in the process's
    /// settings), by [`crate::model::program::BarrierId`].
    pub barriers: Vec<Vec<ThreadId>>,
}

impl ObjectsView {
    /// Process `info`'s objects at the start of a run.
    pub fn start(info: &ProcessInfo) -> Self {
        let s = &info.settings;
        ObjectsView {
            semaphores: s.semaphores.iter().map(|&(value, _)| SemaphoreView { value, waiters: Vec::new() }).collect(),
            condvars: vec![Vec::new(); info.objects.condvars.len()],
            spinlocks: vec![SpinlockView::default(); info.objects.spinlocks.len()],
            rwlocks: vec![RwLockView::default(); info.objects.rwlocks.len()],
            barriers: vec![Vec::new(); info.objects.barriers.len()],
        }
    }

    /// The queue of threads blocked on `reason`'s object, if it is one of these objects.
    fn queue(&mut self, reason: WaitReason) -> Option<&mut Vec<ThreadId>> {
        match reason {
            WaitReason::Semaphore { sem } => Some(&mut self.semaphores[sem].waiters),
            WaitReason::Condvar { cond } => Some(&mut self.condvars[cond]),
            WaitReason::Barrier { barrier } => Some(&mut self.barriers[barrier]),
            WaitReason::RwLock { lock, .. } => Some(&mut self.rwlocks[lock].waiters),
            WaitReason::Io { .. } | WaitReason::Mutex { .. } => None,
        }
    }

    /// `tid` starts waiting on `reason`: it joins the tail of that object's queue.
    pub(crate) fn join(&mut self, tid: ThreadId, reason: WaitReason) {
        if let Some(q) = self.queue(reason) {
            q.push(tid);
        }
    }

    /// `tid`'s wait on `reason` ends: it leaves that object's queue.
    pub(crate) fn leave(&mut self, tid: ThreadId, reason: WaitReason) {
        if let Some(q) = self.queue(reason) {
            q.retain(|&w| w != tid);
        }
    }
}
