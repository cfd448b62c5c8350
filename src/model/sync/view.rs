//! A process's synchronisation objects (other than mutexes) at an instant, as the snapshot
//! rebuilds them from the trace: each object's state and the threads blocked on it, in the
//! order they started waiting (every queue is first come, first served).

use serde::Serialize;

use super::names::ObjectKind;
use crate::model::system::{ProcessInfo, System};
use crate::model::trace::ThreadView;
use crate::model::wait::WaitReason;
use crate::model::{ProcessId, ThreadId};

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
            WaitReason::Io { .. }
            | WaitReason::Mutex { .. }
            | WaitReason::Join { .. }
            | WaitReason::Child
            | WaitReason::Channel { .. } => None,
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

/// One object at an instant, in words: what the page's memory view lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectLine {
    /// Its kind.
    pub kind: ObjectKind,
    /// Its name in its process.
    pub name: String,
    /// Its state and who waits on it, e.g. "value 0 (at most 3); waiting (next first): c1 → c2".
    pub state: String,
}

impl ObjectsView {
    /// Process `pid`'s objects in words, by kind in [`ObjectKind::ALL`]'s order (mutexes are
    /// listed apart) and by id within a kind. `threads` is the snapshot's threads (the wait of a
    /// read-write lock's waiter says whether it waits to read or to write).
    pub fn lines(&self, sys: &System, pid: ProcessId, threads: &[ThreadView]) -> Vec<ObjectLine> {
        let p = &sys.processes[pid];
        let name = |tid: ThreadId| sys.threads[tid].name.as_str();
        let names = |q: &[ThreadId]| q.iter().map(|&t| name(t)).collect::<Vec<_>>();
        let queue = |q: &[ThreadId], what: &str| {
            if q.is_empty() { "; nobody waits".to_string() } else { format!("; {what}: {}", names(q).join(" → ")) }
        };
        let mut out = Vec::new();
        let mut push = |kind: ObjectKind, id: usize, state: String| {
            out.push(ObjectLine { kind, name: p.objects.name(kind, id).to_string(), state });
        };
        for (i, l) in self.spinlocks.iter().enumerate() {
            let owner = l.owner.map_or_else(|| "free".to_string(), |t| format!("held by {}", name(t)));
            let spinning = if l.spinning.is_empty() {
                String::new()
            } else {
                format!("; spinning: {}", names(&l.spinning).join(", "))
            };
            push(ObjectKind::Spinlock, i, owner + &spinning);
        }
        for (i, q) in self.condvars.iter().enumerate() {
            let state = if q.is_empty() {
                "nobody asleep".to_string()
            } else {
                format!("asleep (next signalled first): {}", names(q).join(" → "))
            };
            push(ObjectKind::Condvar, i, state);
        }
        for (i, l) in self.rwlocks.iter().enumerate() {
            let held = match (l.writer, l.readers) {
                (Some(w), _) => format!("held by {} to write", name(w)),
                (None, 0) => "free".to_string(),
                (None, 1) => "held by 1 reader".to_string(),
                (None, n) => format!("held by {n} readers"),
            };
            let waiting: Vec<String> = (l.waiters.iter())
                .map(|&t| match threads.get(t).and_then(|v| v.waiting) {
                    Some(WaitReason::RwLock { write: true, .. }) => format!("{} (to write)", name(t)),
                    _ => format!("{} (to read)", name(t)),
                })
                .collect();
            let waiting = if waiting.is_empty() {
                "; nobody waits".to_string()
            } else {
                format!("; waiting: {}", waiting.join(" → "))
            };
            let prefer = match p.settings.rwlocks.get(i) {
                Some(crate::model::scenario::RwPreference::Writers) => "; prefers writers",
                _ => "; prefers readers",
            };
            push(ObjectKind::RwLock, i, held + &waiting + prefer);
        }
        for (i, s) in self.semaphores.iter().enumerate() {
            let max = match p.settings.semaphores.get(i) {
                Some(&(_, Some(m))) => format!(" (at most {m})"),
                _ => String::new(),
            };
            push(
                ObjectKind::Semaphore,
                i,
                format!("value {}{max}{}", s.value, queue(&s.waiters, "waiting (next first)")),
            );
        }
        for (i, q) in self.barriers.iter().enumerate() {
            let count = p.settings.barriers.get(i).copied().unwrap_or(0);
            let waiting = if q.is_empty() { String::new() } else { format!(", waiting: {}", names(q).join(", ")) };
            push(ObjectKind::Barrier, i, format!("{} of {count} arrived{waiting}", q.len()));
        }
        out
    }
}
