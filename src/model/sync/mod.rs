//! Synchronisation primitives, one file each, and the per-process table that holds them.
//!
//! A primitive decides who owns it and who waits; it never touches CPUs, threads or the trace.
//! The interpreter calls it and turns its answer into an effect (block, wake, fault). One file
//! per primitive: the mutex, the counting semaphore, the condition variable, the spin lock, the
//! barrier and the read-write lock; and beside them threads' lives, which `join` waits on
//! ([`join`]).

mod barrier;
pub mod channel;
mod condvar;
pub mod join;
mod mutex;
pub mod names;
mod rwlock;
mod semaphore;
mod spinlock;
pub(crate) mod step;
pub mod view;

pub use barrier::{Arrival, Barrier};
pub use channel::{Channel, Received, Sent};
pub use condvar::Condvar;
pub use join::{JoinError, JoinStep, Life, Lives};
pub use mutex::{Acquire, Mutex, Release};
pub use rwlock::{Grant, RwLock};
pub use semaphore::{Down, Semaphore, Up};
pub use spinlock::{Attempt, Spinlock};

use super::ThreadId;
use super::system::ProcessInfo;
use super::wait::WaitReason;
use names::ObjectKind;

/// The synchronisation objects of one process, indexed by the ids its programs use.
#[derive(Clone, Debug, Default)]
pub struct ProcessSync {
    /// Mutexes, indexed by [`super::program::MutexId`].
    pub mutexes: Vec<Mutex>,
    /// Semaphores, indexed by [`super::program::SemId`].
    pub semaphores: Vec<Semaphore>,
    /// Condition variables, indexed by [`super::program::CondId`].
    pub condvars: Vec<Condvar>,
    /// Spin locks, indexed by [`super::program::SpinId`].
    pub spinlocks: Vec<Spinlock>,
    /// Read-write locks, indexed by [`super::program::RwId`].
    pub rwlocks: Vec<RwLock>,
    /// Barriers, indexed by [`super::program::BarrierId`].
    pub barriers: Vec<Barrier>,
    /// Objects destroyed so far, as (kind, id): using one is a runtime error.
    pub destroyed: Vec<(ObjectKind, usize)>,
    /// Failed `spin_lock` attempts so far, by thread (each burnt 1 tick of CPU).
    pub spins: std::collections::BTreeMap<ThreadId, u64>,
    /// The process's threads' lives: started or not, exit values, joins.
    pub lives: Lives,
    /// Threads woken by the instruction being executed besides the one in its effect's `wake`
    /// (a broadcast, …), in order; the event loop wakes them right after it and empties this.
    pub woken: Vec<ThreadId>,
}

impl ProcessSync {
    /// The objects of process `info`, all at their start: every lock free, every semaphore at
    /// its initial value.
    pub fn new(info: &ProcessInfo) -> Self {
        let semaphores = info.settings.semaphores.iter().map(|&(initial, max)| Semaphore::new(initial, max)).collect();
        ProcessSync {
            mutexes: vec![Mutex::default(); info.mutexes.len()],
            semaphores,
            condvars: vec![Condvar::default(); info.objects.condvars.len()],
            spinlocks: vec![Spinlock::default(); info.objects.spinlocks.len()],
            rwlocks: info.settings.rwlocks.iter().map(|&p| RwLock::new(p)).collect(),
            barriers: info.settings.barriers.iter().map(|&n| Barrier::new(n)).collect(),
            destroyed: Vec::new(),
            spins: Default::default(),
            lives: Lives::new(info),
            woken: Vec::new(),
        }
    }

    /// The destroyed object `instr` would use, if any (cheap when nothing was destroyed).
    #[inline]
    pub fn destroyed_in(&self, instr: &super::program::Instr) -> Option<(ObjectKind, usize)> {
        if self.destroyed.is_empty() {
            return None;
        }
        instr.objects().into_iter().flatten().find(|o| self.destroyed.contains(o))
    }

    /// Destroys object `id` of `kind`. Errors: it is held, waited on, or already destroyed.
    pub fn destroy(&mut self, kind: ObjectKind, id: usize) -> Result<(), Busy> {
        if self.destroyed.contains(&(kind, id)) {
            return Err(Busy::Destroyed);
        }
        let held = |by: Option<ThreadId>, others: usize| by.map(|by| Busy::Held { by, others: others as u32 });
        let waited = |n: usize| (n > 0).then_some(Busy::Waited { waiters: n as u32 });
        let busy = match kind {
            ObjectKind::Mutex => held(self.mutexes[id].owner, 0),
            ObjectKind::Spinlock => held(self.spinlocks[id].owner, 0),
            ObjectKind::RwLock => {
                let l = &self.rwlocks[id];
                let holders: Vec<ThreadId> = l.writer.into_iter().chain(l.readers.iter().copied()).collect();
                held(holders.first().copied(), holders.len().saturating_sub(1))
            }
            ObjectKind::Semaphore => waited(self.semaphores[id].waiters.len()),
            ObjectKind::Condvar => waited(self.condvars[id].waiters.len() + self.condvars[id].signalled.len()),
            ObjectKind::Barrier => waited(self.barriers[id].waiting.len()),
            // A channel is the scenario's, not the process's: destroying it closes it to this
            // process only (a later `send` or `recv` of it here is an error).
            ObjectKind::Channel => None,
        };
        match busy {
            Some(b) => Err(b),
            None => {
                self.destroyed.push((kind, id));
                Ok(())
            }
        }
    }

    /// Ticks thread `tid` spent spinning: its failed `spin_lock` attempts, 1 tick each
    /// ([`super::program::SIMPLE_INSTRUCTION_TICKS`]).
    pub fn spin_ticks(&self, tid: ThreadId) -> super::Ticks {
        self.spins.get(&tid).copied().unwrap_or(0) * super::program::SIMPLE_INSTRUCTION_TICKS
    }

    /// The threads whose release would end a wait on `reason`: a mutex's owner, a read-write
    /// lock's writer or readers, the thread a `join` waits for (its exit ends the wait). Empty for waits nobody holds (I/O, a semaphore, a condition
    /// variable, a barrier: any thread may end those).
    pub fn holders(&self, reason: &WaitReason) -> Vec<ThreadId> {
        match *reason {
            WaitReason::Mutex { mutex } => self.mutexes[mutex].owner.into_iter().collect(),
            WaitReason::RwLock { lock, .. } => {
                let l = &self.rwlocks[lock];
                l.writer.into_iter().chain(l.readers.iter().copied()).collect()
            }
            WaitReason::Join { thread } => vec![thread],
            // A child process's threads end the wait: the process table knows them.
            WaitReason::Child => Vec::new(),
            WaitReason::Io { .. }
            | WaitReason::Semaphore { .. }
            | WaitReason::Condvar { .. }
            | WaitReason::Barrier { .. }
            | WaitReason::Channel { .. } => Vec::new(),
        }
    }
}

/// Why an object cannot be destroyed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Busy {
    /// A thread holds it (`by`; `others` more hold it too: readers of a read-write lock).
    Held {
        /// A holder.
        by: ThreadId,
        /// How many other threads hold it.
        others: u32,
    },
    /// Threads wait on it (or, for a condition variable, were signalled and not yet back).
    Waited {
        /// How many.
        waiters: u32,
    },
    /// It was destroyed already.
    Destroyed,
}
